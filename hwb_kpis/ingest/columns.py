"""From a file's columns to the contract's: which header is which contract column, and the
frame of cleaned text columns that every reader returns.

A header names a contract column through, in this order: the mapping's renames, a source
format's aliases (Ofsted Annex A's ``Date of Contact``...), or the column's own name. Each is
matched ignoring case and spacing, and then again ignoring everything but letters and digits
(``DateOfContact`` is ``Date of Contact``)."""

from __future__ import annotations

import re
from collections.abc import Mapping as AnyMapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from hwb_kpis.contract.tables import TableSpec
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.text import clean_text, compact_header, norm_header


class HeaderNames:
    """The contract name of each header of one table's file (see the module docstring)."""

    def __init__(self, spec: TableSpec, mapping: Mapping, aliases: AnyMapping[str, str] | None = None) -> None:
        renames = mapping.columns.get(spec.name, {})
        self.exact = dict(renames)
        self.compact: dict[str, str] = {}
        for source in (renames, aliases or {}, {c: c for c in (*spec.columns, *spec.optional)}):
            for header, target in source.items():
                self.compact.setdefault(compact_header(header), target)

    def __call__(self, header: Any) -> str:
        key = norm_header(header)
        if key in self.exact:
            return self.exact[key]
        return self.compact.get(compact_header(header), key.replace(" ", "_"))


def rename_headers(headers: list[str], path: Path, spec: TableSpec, mapping: Mapping,
                   aliases: AnyMapping[str, str] | None = None) -> dict[str, str]:
    """Map file headers to contract names; raise when a column the table must have is missing
    (a required column ingest can derive may be absent) or when two headers name one column."""
    name_of = HeaderNames(spec, mapping, aliases)
    allowed = set(spec.columns) | set(spec.optional)
    result: dict[str, str] = {}
    for header in headers:
        target = name_of(header)
        if target in allowed:
            if target in result.values():
                raise InputFileError(f"{path}: more than one column maps to {target!r}")
            result[header] = target
    missing = [c for c in spec.must_have if c not in result.values()]
    if missing:
        hint = "" if mapping.path else "; if your system names them differently, pass a mapping with --mapping"
        raise InputFileError(f"{path}: missing required column(s) {', '.join(missing)} {_found(headers)}{hint}")
    return result


#: a header name: letters first, then letters, spaces and a little punctuation, no digits (an
#: id, a date or a phone number is data, not a header)
_HEADER_NAME = re.compile(r"[^\W\d_][^\W\d]*(?:[ .()/&'#?-]+[^\W\d]*)*")
_GENERATED = re.compile(r"unnamed_\d+")


def looks_like_header(headers: list[str]) -> bool:
    """Whether a first row reads as column names: every named cell is a short name of letters
    (the reader names blank cells ``unnamed_N``)."""
    named = [str(h).strip() for h in headers if not _GENERATED.fullmatch(str(h))]
    return bool(named) and all(len(h) <= 60 and _HEADER_NAME.fullmatch(h) for h in named)


def _found(headers: list[str]) -> str:
    """What the error says was found: the first names when the row reads as a header, else that
    it does not (its cells may be a child's data, and are never echoed)."""
    if not headers:
        return "(found: no columns)"
    if not looks_like_header(headers):
        return "(the first line does not look like a header row: is the header missing?)"
    return f"(found: {', '.join(str(h) for h in headers[:12])})"


def to_frame(columns: dict[str, Any], renames: dict[str, str], spec: TableSpec, rows: np.ndarray) -> pd.DataFrame:
    """Keep contract columns as stripped text, add absent optional columns as blank, add source_row.

    ``columns`` maps each file header to its values (an Arrow array or a pandas Series); each is
    removed from it once converted, so that its memory can be freed."""
    out = {}
    by_target = {v: k for k, v in renames.items()}
    for col in (*spec.columns, *spec.optional):
        if col in by_target:
            values = columns.pop(by_target[col])
            if isinstance(values, pd.Series):
                values = pa.array(values.astype("string").fillna(""), type=pa.string())
            out[col] = pd.array(clean_text(values), dtype="string")
        else:
            out[col] = pd.array(np.full(len(rows), "", dtype=object), dtype="string")
    out["source_row"] = rows.astype("int64")
    return pd.DataFrame(out, index=pd.RangeIndex(len(rows)))
