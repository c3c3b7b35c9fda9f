"""Finding and reading one raw file of the data contract (CSV or Excel) into text columns named
as the contract, or a one-line :class:`~hwb_kpis.errors.InputFileError` naming the file (what the
mapping then adds to it: :mod:`hwb_kpis.ingest.additions`)."""

from __future__ import annotations

from collections.abc import Mapping as AnyMapping
from pathlib import Path

from hwb_kpis.contract.tables import TableSpec
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.additions import apply_mapping
from hwb_kpis.ingest.csv_file import read_csv
from hwb_kpis.ingest.excel_file import read_excel
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


def table_files(table: str, mapping: Mapping) -> list[str]:
    """The file names ``table`` may have: the mapping's, else ``<table>.csv`` or ``<table>.xlsx``."""
    return [mapping.files[table]] if table in mapping.files else [f"{table}.csv", f"{table}.xlsx"]


def find_file(raw_dir: Path, table: str, mapping: Mapping, *, required: bool = True) -> Path | None:
    """The raw file for ``table``: the mapping's file name, else ``<table>.csv`` or ``<table>.xlsx``
    (file names matched without regard to case); None when absent and not ``required``."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputFileError(f"{raw_dir}: raw data folder not found")
    wanted = table_files(table, mapping)
    present = {p.name.lower(): p for p in raw_dir.iterdir() if p.is_file()}
    for name in wanted:
        if name.lower() in present:
            return present[name.lower()]
    if not required and table not in mapping.files:
        return None
    raise InputFileError(f"{raw_dir / wanted[0]}: file not found (looked for {' or '.join(wanted)} in {raw_dir})")


def read_table(path: Path, spec: TableSpec, mapping: Mapping, *, aliases: AnyMapping[str, str] | None = None,
               sheet: str | int | None = None) -> RawTable:
    """Read one raw file into text columns named as the data contract (a source format may add
    header ``aliases`` and choose the ``sheet``), apply the mapping's constants, joins and value
    translations, or raise a one-line ``InputFileError`` naming the file and what is wrong."""
    path = Path(path)
    raw = read_file(path, spec, mapping, aliases=aliases, sheet=sheet)
    apply_mapping(raw, mapping, read_file)
    if raw.data.empty and raw.malformed.empty and not raw.filtered_out and not spec.may_be_empty:
        raise InputFileError(f"{path}: no data rows below the header")
    for col in spec.required:
        if raw.has(col) and len(raw.data) and (raw.data[col] == "").all():
            raise InputFileError(f"{path}: required column {col!r} is blank in every row")
    return raw


def read_file(path: Path, spec: TableSpec, mapping: Mapping, *, aliases: AnyMapping[str, str] | None = None,
              sheet: str | int | None = None) -> RawTable:
    """The file's contract columns as text (CSV or Excel by its suffix)."""
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: file is empty")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path, spec, mapping, aliases, sheet=sheet)
    if suffix in TEXT_SUFFIXES:
        return read_csv(path, spec, mapping, aliases)
    raise InputFileError(f"{path}: not a table (expected .csv or .xlsx)")
