"""Source formats: each module here reads one way a raw folder can be laid out (the project's
own contract CSV/XLSX files, Ofsted Annex A workbooks; later CIN census XML, SSDA903...) into
the contract's raw tables.

A format is an object with a ``name`` (what ``--format`` calls it), a ``description`` (plain
words for the run's log and the pages), ``absent`` (why a KPI cannot be computed when the format
lacks a table or column: ``table`` or ``table.column`` -> words, replacing the contract's own),
``detect(raw_dir, mapping) -> bool``, ``locate(raw_dir, mapping) -> {table: path}`` (the tables
it finds, or a one-line ``InputFileError``), ``read(raw_dir, mapping) -> {table: RawTable}`` and
``describe(raw_dir, mapping) -> str`` (what it found).

:func:`choose` picks the format (``auto``: the first of :data:`FORMATS` that recognises the
folder; the contract format, last, is the fallback and its errors say what is missing);
:func:`read_extract` reads every table and derives what the extract lacks
(:mod:`hwb_kpis.ingest.fill`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.fill import DEFAULT_LINK_DAYS, fill_absent
from hwb_kpis.ingest.formats.annex_a import ANNEX_A_FORMAT
from hwb_kpis.ingest.formats.contract import CONTRACT_FORMAT
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable


class Format(Protocol):
    """One layout of a raw folder."""

    name: str

    @property
    def description(self) -> str: ...

    @property
    def absent(self) -> dict[str, str]: ...

    def detect(self, raw_dir: Path, mapping: Mapping) -> bool: ...

    def locate(self, raw_dir: Path, mapping: Mapping) -> dict[str, Path]: ...

    def read(self, raw_dir: Path, mapping: Mapping) -> dict[str, RawTable]: ...

    def describe(self, raw_dir: Path, mapping: Mapping) -> str: ...


#: the formats, tried in order; the contract format comes last and is the fallback
FORMATS: tuple[Format, ...] = (ANNEX_A_FORMAT, CONTRACT_FORMAT)
#: what ``--format`` accepts
CHOICES: tuple[str, ...] = ("auto", *(f.name for f in FORMATS))
AUTO = "auto"


def by_name(name: str) -> Format:
    """The format called ``name`` (``annex-a``, ``contract``)."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise InputFileError(f"unknown format {name!r}; expected one of {', '.join(CHOICES)}")


def detect(raw_dir: Path | str, mapping: Mapping) -> Format:
    """The format of ``raw_dir``: the first of :data:`FORMATS` that recognises it, else the
    contract format."""
    for fmt in FORMATS[:-1]:
        if fmt.detect(Path(raw_dir), mapping):
            return fmt
    return FORMATS[-1]


def choose(raw_dir: Path | str, mapping: Mapping, wanted: str = AUTO) -> Format:
    """The format asked for, or the one detected when ``wanted`` is ``auto``."""
    return detect(raw_dir, mapping) if wanted == AUTO else by_name(wanted)


def read_extract(fmt: Format, raw_dir: Path | str, mapping: Mapping, *, link_days: int = DEFAULT_LINK_DAYS,
                 today: dt.date | None = None) -> dict[str, RawTable]:
    """Every table of the extract, read by ``fmt``, with the columns it lacks derived where the
    contract says how."""
    raws = fmt.read(Path(raw_dir), mapping)
    fill_absent(raws, link_days=link_days, today=today)
    return raws


def absent_reason(fmt: Format, table: str, column: str | None = None) -> str | None:
    """The format's own words for a table (or column) it lacks, or None."""
    return fmt.absent.get(table if column is None else f"{table}.{column}")
