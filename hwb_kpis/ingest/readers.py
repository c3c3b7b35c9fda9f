"""Finding and reading one raw file of the data contract (CSV or Excel) into text columns named
as the contract, or a one-line :class:`~hwb_kpis.errors.InputFileError` naming the file."""

from __future__ import annotations

from pathlib import Path

from hwb_kpis.contract.tables import TableSpec
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.csv_file import read_delimited
from hwb_kpis.ingest.excel_file import read_sheet
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


def find_file(raw_dir: Path, table: str, mapping: Mapping) -> Path:
    """The raw file for ``table``: the mapping's file name, else ``<table>.csv`` or ``<table>.xlsx``
    (file names matched without regard to case)."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputFileError(f"{raw_dir}: raw data folder not found")
    wanted = [mapping.files[table]] if table in mapping.files else [f"{table}.csv", f"{table}.xlsx"]
    present = {p.name.lower(): p for p in raw_dir.iterdir() if p.is_file()}
    for name in wanted:
        if name.lower() in present:
            return present[name.lower()]
    raise InputFileError(f"{raw_dir / wanted[0]}: file not found (looked for {' or '.join(wanted)} in {raw_dir})")


def read_table(path: Path, spec: TableSpec, mapping: Mapping) -> RawTable:
    """Read one raw file into text columns named as the data contract, or raise a one-line
    ``InputFileError`` naming the file and what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: file is empty")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        got = read_sheet(path, spec, mapping)
    elif suffix in TEXT_SUFFIXES:
        got = read_delimited(path, spec, mapping)
    else:
        raise InputFileError(f"{path}: not a table (expected .csv or .xlsx)")
    frame, malformed = got.frame, got.malformed
    if frame.empty and malformed.empty and not spec.may_be_empty:
        raise InputFileError(f"{path}: no data rows below the header")
    for col in spec.required:
        if len(frame) and (frame[col] == "").all():
            raise InputFileError(f"{path}: required column {col!r} is blank in every row")
    return RawTable(spec=spec, path=path, data=frame, malformed=malformed, notes=got.notes, lines=got.lines)
