"""Finding and reading one raw file of the data contract (CSV or Excel) into text columns named
as the contract, or a one-line :class:`~hwb_kpis.errors.InputFileError` naming the file; then
what the mapping adds to it (constant columns, columns joined from another file, the
authority's own codes translated)."""

from __future__ import annotations

from collections.abc import Mapping as AnyMapping
from pathlib import Path

import pandas as pd

from hwb_kpis.contract.tables import Column, TableSpec
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.csv_file import read_csv
from hwb_kpis.ingest.excel_file import read_excel
from hwb_kpis.ingest.mapping import Join, Mapping
from hwb_kpis.ingest.raw import RawTable
from hwb_kpis.ingest.text import norm_header, norm_value

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
    add_constants(raw, mapping)
    for column, join in mapping.joins.get(spec.name, {}).items():
        add_join(raw, column, join, mapping)
    translate_codes(raw, mapping)
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


def add_constants(raw: RawTable, mapping: Mapping) -> None:
    """The mapping's ``constants`` of the table: one value in every row (over the file's column)."""
    for column, value in mapping.constants.get(raw.spec.name, {}).items():
        raw.data[column] = pd.array([value] * len(raw.data), dtype="string")
        raw.add_present(column)
        raw.notes.append(f"{column} set to one value for every row by {mapping.name}")


def add_join(raw: RawTable, column: str, join: Join, mapping: Mapping) -> None:
    """Fill ``column`` from another file of the raw folder, matched on the child id: that file's
    ``key`` header holds the child id, its ``value`` header the value (the first row of a child
    wins; children it does not list stay blank)."""
    other = raw.path.parent / join.file
    found = {p.name.lower(): p for p in raw.path.parent.iterdir() if p.is_file()}.get(join.file.lower())
    if found is None:
        raise InputFileError(f"{other}: file not found (named by the join of {column} in {mapping.name})")
    lookup = _two_columns(found, join, mapping)
    child = raw.data["child_id"].astype("string")
    values = child.map(lookup).fillna("")
    raw.data[column] = pd.array(values.to_numpy(dtype=object), dtype="string")
    raw.add_present(column)
    raw.notes.append(f"{column} joined from {found.name} on the child id ({int((values != '').sum())} rows matched)")


#: the two columns a join reads from its file
_JOIN_SPEC = TableSpec(name="join", columns=("key", "value"), required=("key",), dates=(), key=("key",),
                       masked=("key", "value"), may_be_empty=True,
                       column_specs=(Column("key", "id", required=True), Column("value", "text")))


def _two_columns(path: Path, join: Join, mapping: Mapping) -> dict[str, str]:
    """``{child id: value}`` from a join's file (its ``key`` and ``value`` headers)."""
    renames = Mapping(columns={"join": {norm_header(join.key): "key", norm_header(join.value): "value"}},
                      sheet=join.sheet, path=mapping.path)
    needs = f"{path}: the join in {mapping.name} needs columns {join.key!r} and {join.value!r}"
    try:
        read = read_file(path, _JOIN_SPEC, renames)
    except InputFileError as exc:
        if "missing required column" in str(exc):
            raise InputFileError(needs) from None
        raise
    if not read.has("value"):
        raise InputFileError(needs)
    data = read.data[read.data["key"] != ""].drop_duplicates("key")
    return dict(zip(data["key"], data["value"], strict=True))


def translate_codes(raw: RawTable, mapping: Mapping) -> None:
    """The authority's own codes of the table's ``code`` columns (``values: source_code:`` in the
    mapping) replaced by the codes they stand for; other values are left for coding."""
    for column in raw.spec.of_kind("code"):
        table = mapping.values.get(column)
        if not table or not raw.has(column):
            continue
        text = raw.data[column]
        codes, uniques = pd.factorize(text)
        mapped = pd.Series(uniques).map(lambda v, own=table: own.get(norm_value(v), v))
        raw.data[column] = pd.array(mapped.to_numpy(dtype=object)[codes], dtype="string")
