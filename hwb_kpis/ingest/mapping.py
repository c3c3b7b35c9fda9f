"""The analyst's mapping file: how a source system's export maps to the data contract (see
``hwb_kpis/mappings/annex_a.yml``). Read and checked here; applied by the readers.

Sections (each optional):

``files``      per table, the file name in the raw folder
``excel``      ``sheet``: a sheet name or 0-based index for every workbook, or per table
``columns``    per table, the export's header -> the contract's column
``values``     per coded column (``source_code``, ``outcome``, ``marf``, ``nfa``, ``gender``), the
               export's value -> the canonical value (an authority's own code list lives here)
``constants``  per table, a contract column -> one value for every row (for a file that holds one
               kind of record only)
``filters``    per table, an export header -> the values a row must hold to be read (other rows
               are left out, and counted)
``joins``      per table, a contract column held in another file: ``{file, key, value}`` (the
               other file's header of the child id and of the value; ``sheet`` for a workbook)

An unknown section, table, column or value target is an error naming the file: nothing in a
mapping is ever silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hwb_kpis.contract.tables import OUTCOMES, SPECS
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.text import norm_header, norm_value

SECTIONS = ("files", "excel", "columns", "values", "constants", "filters", "joins")
#: column kinds whose values a mapping may translate, and the canonical values each accepts
CODED_KINDS = ("code", "outcome", "yes_no", "category")
_YES_NO = ("yes", "no", "unknown")
_JOIN_KEYS = {"file", "key", "value", "sheet"}


@dataclass(frozen=True)
class Join:
    """A contract column held in another file of the raw folder: that file's ``key`` header holds
    the child id, its ``value`` header the column's value."""

    file: str
    key: str
    value: str
    sheet: str | int = 0


@dataclass
class Mapping:
    """An authority's mapping (see the module docstring); the identity mapping by default."""

    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    sheet: str | int = 0
    sheets: dict[str, str | int] = field(default_factory=dict)
    constants: dict[str, dict[str, str]] = field(default_factory=dict)
    filters: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    joins: dict[str, dict[str, Join]] = field(default_factory=dict)
    path: Path | None = None

    def sheet_for(self, table: str) -> str | int:
        """The sheet of ``table``'s workbook: its own, else the mapping's, else the first."""
        return self.sheets.get(table, self.sheet)

    @property
    def name(self) -> str:
        """How errors name the mapping: its path, or ``the mapping`` when there is no file."""
        return str(self.path) if self.path else "the mapping"


def load_mapping(path: Path | str | None) -> Mapping:
    """Read a YAML mapping file; ``None`` gives the identity mapping. Anything unknown is an
    ``InputFileError`` naming the file."""
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
        raise InputFileError(f"{path}: unknown section(s) {sorted(unknown)}; expected {', '.join(SECTIONS)}")
    sheet, sheets = _sheets(path, data.get("excel"))
    return Mapping(
        files={str(t): str(v) for t, v in _per_table(path, data, "files").items()},
        columns=_column_renames(path, data),
        values=_values(path, data.get("values")),
        sheet=sheet, sheets=sheets,
        constants=_constants(path, data),
        filters={t: {norm_header(h): tuple(norm_value(v) for v in _listed(vs)) for h, vs in _dict(path, f, f"filters: {t}").items()}
                 for t, f in _per_table(path, data, "filters").items()},
        joins=_joins(path, data),
        path=path,
    )


def _dict(path: Path, value: Any, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputFileError(f"{path}: {where} must be a dictionary")
    return value


def _listed(values: Any) -> list:
    return list(values) if isinstance(values, (list, tuple)) else [values]


def _per_table(path: Path, data: dict, section: str) -> dict:
    """A section keyed by table; an unknown table is an error."""
    entries = _dict(path, data.get(section), section)
    for table in entries:
        if table not in SPECS:
            raise InputFileError(f"{path}: {section} for unknown table {table!r}; expected {', '.join(SPECS)}")
    return entries


def _check_column(path: Path, table: str, column: str, where: str) -> None:
    spec = SPECS[table]
    if column not in spec.columns and column not in spec.optional:
        raise InputFileError(f"{path}: {where}: {table} column {column!r} is not in the data contract")


def _sheets(path: Path, excel: Any) -> tuple[str | int, dict[str, str | int]]:
    """``(default sheet, {table: sheet})`` from ``excel: {sheet: ...}``."""
    excel = _dict(path, excel, "excel")
    if set(excel) - {"sheet"}:
        raise InputFileError(f"{path}: unknown excel setting(s) {sorted(set(excel) - {'sheet'})}; expected sheet")
    sheet = excel.get("sheet", 0)
    if isinstance(sheet, dict):
        _per_table(path, {"excel: sheet": sheet}, "excel: sheet")
        return 0, {str(t): s for t, s in sheet.items()}
    return sheet, {}


def _column_renames(path: Path, data: dict) -> dict[str, dict[str, str]]:
    """``{table: {normalised header: contract column}}``; every target must be in the contract."""
    columns: dict[str, dict[str, str]] = {}
    for table, renames in _per_table(path, data, "columns").items():
        renames = _dict(path, renames, f"columns: {table}")
        for target in renames.values():
            _check_column(path, table, str(target), "columns")
        columns[table] = {norm_header(k): str(v) for k, v in renames.items()}
    return columns


def _canonical_values(column: str) -> tuple[str, ...] | None:
    """The values a translation of ``column`` may give (None: any value)."""
    kinds = {spec.column(column).kind for spec in SPECS.values() if column in spec.columns}
    if "code" in kinds:
        from hwb_kpis.coding.codes import load_reference

        return tuple(load_reference()["code"])
    if "outcome" in kinds:
        return OUTCOMES
    if "yes_no" in kinds:
        return _YES_NO
    return None


def _values(path: Path, section: Any) -> dict[str, dict[str, str]]:
    """``{column: {normalised value: canonical}}`` for the coded columns of the contract."""
    coded = {c.name for spec in SPECS.values() for c in spec.column_specs if c.kind in CODED_KINDS}
    out: dict[str, dict[str, str]] = {}
    for column, translations in _dict(path, section, "values").items():
        if column not in coded:
            raise InputFileError(f"{path}: values for {column!r}, which is not a coded column of the data contract; "
                                 f"expected one of {', '.join(sorted(coded))}")
        allowed = _canonical_values(column)
        table = {}
        for raw, canonical in _dict(path, translations, f"values: {column}").items():
            text = str(canonical).strip()
            if allowed is not None and text not in allowed and norm_value(text) not in allowed:
                raise InputFileError(f"{path}: values: {column}: {text!r} is not one of {', '.join(allowed)}")
            table[norm_value(raw)] = text if allowed is None or text in allowed else norm_value(text)
        out[str(column)] = table
    return out


def _constants(path: Path, data: dict) -> dict[str, dict[str, str]]:
    out = {}
    for table, constants in _per_table(path, data, "constants").items():
        constants = _dict(path, constants, f"constants: {table}")
        for column in constants:
            _check_column(path, table, str(column), "constants")
        out[table] = {str(c): "" if v is None else str(v) for c, v in constants.items()}
    return out


def _joins(path: Path, data: dict) -> dict[str, dict[str, Join]]:
    out: dict[str, dict[str, Join]] = {}
    for table, joins in _per_table(path, data, "joins").items():
        out[table] = {}
        for column, entry in _dict(path, joins, f"joins: {table}").items():
            _check_column(path, table, str(column), "joins")
            entry = _dict(path, entry, f"joins: {table}: {column}")
            where = f"{path}: joins: {table}: {column}"
            if set(entry) - _JOIN_KEYS or not {"file", "key", "value"} <= set(entry):
                raise InputFileError(f"{where}: expected file, key and value (and optionally sheet)")
            out[table][str(column)] = Join(file=str(entry["file"]), key=str(entry["key"]), value=str(entry["value"]),
                                           sheet=entry.get("sheet", 0))
    return out
