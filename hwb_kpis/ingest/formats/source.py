"""What the DfE and Data to Insight formats share: reading a source file's own columns (only
those named, through the robust CSV reader), building a contract table from columns a format has
assembled, and a format's words kept as data beside its module (``<format>.yml``)."""

from __future__ import annotations

from collections.abc import Mapping as AnyMapping
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from hwb_kpis.contract.tables import Column, TableSpec
from hwb_kpis.ingest.additions import apply_mapping
from hwb_kpis.ingest.lines import Lines
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable


def source_spec(name: str, columns: AnyMapping[str, str], required: Sequence[str] = ()) -> TableSpec:
    """A table of a source format (``ssd_contacts``, ``episodes``...) as a spec the readers
    accept: ``columns`` maps each column read to its kind; every value is masked (never echoed)."""
    specs = tuple(Column(c, kind, required=c in required, masked=True) for c, kind in columns.items())
    return TableSpec(name=name, columns=tuple(columns), required=tuple(required), dates=(), key=(),
                     masked=tuple(columns), may_be_empty=True, column_specs=specs)


def contract_table(spec: TableSpec, path: Path, columns: AnyMapping[str, Sequence[str] | np.ndarray | pd.Series],
                   rows: Sequence[int] | np.ndarray, mapping: Mapping, *, notes: Sequence[str] = (),
                   malformed: pd.DataFrame | None = None, folded: int = 0, folded_note: str = "",
                   lines: Lines | None = None) -> RawTable:
    """A contract table (``spec``) from the ``columns`` a format read (contract name -> text
    values, one per row), the rows' numbers in their file, and what the mapping adds (constants,
    joins, code translations). Columns not given are blank and count as not in the extract.
    ``lines``: how the source file's physical lines were used, when it was read as text."""
    n = len(rows)
    data = {}
    for col in (*spec.columns, *spec.optional):
        if col in columns:
            data[col] = stripped_text(columns[col])
        else:
            data[col] = pd.array(np.full(n, "", dtype=object), dtype="string")
    data["source_row"] = np.asarray(rows, dtype="int64")
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    if malformed is None:
        malformed = pd.DataFrame({"row": pd.Series(dtype="int64"), "reason": pd.Series(dtype="string")})
    raw = RawTable(spec=spec, path=Path(path), data=frame, malformed=malformed, notes=list(notes),
                   present=tuple(c for c in (*spec.columns, *spec.optional) if c in columns),
                   folded=folded, folded_note=folded_note, lines=lines)
    from hwb_kpis.ingest.readers import read_file

    apply_mapping(raw, mapping, read_file)
    return raw


def stripped_text(values: Sequence[str] | np.ndarray | pd.Series) -> pd.api.extensions.ExtensionArray:
    """``values`` as a pandas string array, missing values blank, each value stripped of
    surrounding whitespace. A list of Python strings (what the XML readers gather) goes straight
    into Arrow, without a pass through Python objects."""
    if isinstance(values, list):
        try:
            array = pa.array(values, type=pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: converted as below
            pass
        else:
            return pd.array(pc.utf8_trim_whitespace(pc.fill_null(array, "")), dtype="string")
    text = pd.Series(values, dtype="string").fillna("").str.strip()
    return pd.array(text.to_numpy(dtype=object), dtype="string")


class FormatWords:
    """A format's data file (``<format>.yml``): its ``description`` and its ``absent`` words (why
    a KPI cannot be computed when the format lacks a table or column)."""

    spec_file: Path

    @cached_property
    def _spec(self) -> dict[str, Any]:
        return yaml.safe_load(self.spec_file.read_text(encoding="utf-8"))

    @property
    def description(self) -> str:
        return str(self._spec["description"])

    @property
    def absent(self) -> dict[str, str]:
        """``table`` or ``table.column`` -> plain words."""
        return {str(k): " ".join(str(v).split()) for k, v in self._spec.get("absent", {}).items()}


def files_by_stem(raw_dir: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    """The files of ``raw_dir`` with one of ``suffixes``, by lower-case stem."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        return {}
    return {p.stem.lower(): p for p in sorted(raw_dir.iterdir())
            if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(("~$", "."))}
