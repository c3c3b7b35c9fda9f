"""The analyst's mapping file: a source system's file names, column names and value labels
mapped to the data contract (see ``hwb_kpis/mappings/annex_a.yml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hwb_kpis.contract.tables import SPECS
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.text import norm_header, norm_value

SECTIONS = ("files", "columns", "values", "excel")


@dataclass
class Mapping:
    """An authority's mapping: file names, column renames and value recodes (see
    ``hwb_kpis/mappings/annex_a.yml``)."""

    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    sheet: str | int = 0
    path: Path | None = None


def load_mapping(path: Path | str | None) -> Mapping:
    """Read a YAML mapping file; ``None`` gives the identity mapping."""
    if path is None:
        return Mapping()
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: mapping file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not UTF-8 text (save the mapping file as UTF-8)") from None
    except yaml.YAMLError as exc:
        raise InputFileError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: a mapping file must be a YAML dictionary")
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise InputFileError(f"{path}: unknown section(s) {sorted(unknown)}; expected files, columns, values, excel")
    columns = _column_renames(path, data)
    values = {
        col: {norm_value(k): str(v) for k, v in (m or {}).items()}
        for col, m in (data.get("values") or {}).items()
    }
    files = {str(k): str(v) for k, v in (data.get("files") or {}).items()}
    sheet = (data.get("excel") or {}).get("sheet", 0)
    return Mapping(files=files, columns=columns, values=values, sheet=sheet, path=path)


def _column_renames(path: Path, data: dict) -> dict[str, dict[str, str]]:
    """``{table: {normalised header: contract column}}``; every target must be in the contract."""
    columns: dict[str, dict[str, str]] = {}
    for table, renames in (data.get("columns") or {}).items():
        if table not in SPECS:
            raise InputFileError(f"{path}: columns for unknown table {table!r}; expected {sorted(SPECS)}")
        spec = SPECS[table]
        for target in (renames or {}).values():
            if target not in spec.columns and target not in spec.optional:
                raise InputFileError(f"{path}: {table} column {target!r} is not in the data contract")
        columns[table] = {norm_header(k): str(v) for k, v in (renames or {}).items()}
    return columns
