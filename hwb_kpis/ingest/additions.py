"""What a mapping adds to a table as read (``constants``, ``joins``, ``values`` of code columns):
one value of a column for every row, a column joined from another file of the raw folder on the
child id, and the authority's own source codes (Eclipse's ``HSERVAE``...) translated to DfE's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from hwb_kpis.contract.tables import Column, TableSpec
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.mapping import Join, Mapping
from hwb_kpis.ingest.raw import RawTable
from hwb_kpis.ingest.text import norm_header, norm_value

#: reads a file into a RawTable (``readers.read_file``), handed in to read a join's file
Reader = Callable[..., RawTable]


def apply_mapping(raw: RawTable, mapping: Mapping, read_file: Reader) -> None:
    """Everything the mapping adds to ``raw``, in place: constants, joins, then code translations."""
    add_constants(raw, mapping)
    for column, join in mapping.joins.get(raw.spec.name, {}).items():
        add_join(raw, column, join, mapping, read_file)
    translate_codes(raw, mapping)


def add_constants(raw: RawTable, mapping: Mapping) -> None:
    """The mapping's ``constants`` of the table: one value in every row (over the file's column)."""
    for column, value in mapping.constants.get(raw.spec.name, {}).items():
        raw.data[column] = pd.array([value] * len(raw.data), dtype="string")
        raw.add_present(column)
        raw.notes.append(f"{column} set to one value for every row by {mapping.name}")


def add_join(raw: RawTable, column: str, join: Join, mapping: Mapping, read_file: Reader) -> None:
    """Fill ``column`` from another file of the raw folder, matched on the child id: that file's
    ``key`` header holds the child id, its ``value`` header the value (the first row of a child
    wins; children it does not list stay blank)."""
    other = raw.path.parent / join.file
    found = {p.name.lower(): p for p in raw.path.parent.iterdir() if p.is_file()}.get(join.file.lower())
    if found is None:
        raise InputFileError(f"{other}: file not found (named by the join of {column} in {mapping.name})")
    lookup = _two_columns(found, join, mapping, read_file)
    child = raw.data["child_id"].astype("string")
    values = child.map(lookup).fillna("")
    raw.data[column] = pd.array(values.to_numpy(dtype=object), dtype="string")
    raw.add_present(column)
    raw.notes.append(f"{column} joined from {found.name} on the child id ({int((values != '').sum())} rows matched)")


#: the two columns a join reads from its file
_JOIN_SPEC = TableSpec(name="join", columns=("key", "value"), required=("key",), dates=(), key=("key",),
                       masked=("key", "value"), may_be_empty=True,
                       column_specs=(Column("key", "id", required=True), Column("value", "text")))


def _two_columns(path: Path, join: Join, mapping: Mapping, read_file: Reader) -> dict[str, str]:
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
