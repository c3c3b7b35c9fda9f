"""Source formats: each module here reads one way a raw folder can be laid out (the project's
own contract CSV/XLSX files, Ofsted Annex A workbooks, the DfE Children in Need census XML, the
SSDA903 return, Data to Insight's Standard Safeguarding Dataset) into the contract's raw tables.

A format is an object with a ``name`` (what ``--format`` calls it), a ``description`` (plain
words for the run's log and the pages), ``absent`` (why a KPI cannot be computed when the format
lacks a table or column: ``table`` or ``table.column`` -> words, replacing the contract's own),
``detect(raw_dir, mapping) -> bool``, ``locate(raw_dir, mapping) -> {table: path}`` (the tables
it finds, or a one-line ``InputFileError``), ``read(raw_dir, mapping) -> {table: RawTable}`` and
``describe(raw_dir, mapping) -> str`` (what it found).

:func:`choose` picks the format (``auto``: the formats of :data:`FORMATS` that recognise the
folder, combined when there are several (:class:`Combined`: SSD contacts with an SSDA903 return;
two sources of one table are an error naming both files); the contract format, last, is the
fallback and its errors say what is missing);
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
from hwb_kpis.ingest.formats.cin_census import CIN_CENSUS_FORMAT
from hwb_kpis.ingest.formats.contract import CONTRACT_FORMAT
from hwb_kpis.ingest.formats.ssd import SSD_FORMAT
from hwb_kpis.ingest.formats.ssda903 import SSDA903_FORMAT
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
FORMATS: tuple[Format, ...] = (CIN_CENSUS_FORMAT, SSDA903_FORMAT, SSD_FORMAT, ANNEX_A_FORMAT, CONTRACT_FORMAT)
#: what ``--format`` accepts
CHOICES: tuple[str, ...] = ("auto", *(f.name for f in FORMATS))
AUTO = "auto"


def by_name(name: str) -> Format:
    """The format called ``name`` (``cin-census``, ``ssda903``, ``ssd``, ``annex-a``, ``contract``)."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise InputFileError(f"unknown format {name!r}; expected one of {', '.join(CHOICES)}")


class Combined:
    """A raw folder holding several sources (SSD contacts with an SSDA903 return, a CIN census
    beside the contract's contacts file...): each table from the one source that has it; two
    sources of one table are a one-line error naming both files."""

    def __init__(self, parts: tuple[Format, ...], raw_dir: Path, mapping: Mapping) -> None:
        self.parts = parts
        self.name = "+".join(p.name for p in parts)
        self._where = (Path(raw_dir), mapping)

    @property
    def description(self) -> str:
        return " with ".join(p.description for p in self.parts)

    def sources(self, raw_dir: Path, mapping: Mapping) -> dict[str, Format]:
        """The format each table comes from; an error when two give one table."""
        by_table: dict[str, tuple[Format, Path]] = {}
        for part in self.parts:
            for table, path in part.locate(raw_dir, mapping).items():
                if table in by_table:
                    other, other_path = by_table[table]
                    raise InputFileError(
                        f"{raw_dir}: two sources for the {table.replace('_', '-')} table: {other_path.name} "
                        f"({other.description}) and {path.name} ({part.description}); keep one, or choose one "
                        "format with --format")
                by_table[table] = (part, path)
        return {t: f for t, (f, _) in by_table.items()}

    @property
    def absent(self) -> dict[str, str]:
        """For a table one format gives, that format's words on its columns; for a table none
        gives, the first format's words."""
        sources = self.sources(*self._where)
        out: dict[str, str] = {}
        for part in self.parts:
            for key, words in part.absent.items():
                table = key.split(".")[0]
                if table in sources and (sources[table] is not part or "." not in key):
                    continue
                out.setdefault(key, words)
        return out

    def detect(self, raw_dir: Path, mapping: Mapping) -> bool:
        return all(p.detect(raw_dir, mapping) for p in self.parts)

    def locate(self, raw_dir: Path, mapping: Mapping) -> dict[str, Path]:
        self.sources(raw_dir, mapping)
        out: dict[str, Path] = {}
        for part in self.parts:
            out.update(part.locate(raw_dir, mapping))
        return out

    def read(self, raw_dir: Path, mapping: Mapping) -> dict[str, RawTable]:
        sources = self.sources(raw_dir, mapping)
        out: dict[str, RawTable] = {}
        for part in self.parts:
            out.update({t: raw for t, raw in part.read(raw_dir, mapping).items() if sources.get(t) is part})
        return {t: out[t] for t in ("contacts", "referrals", "looked_after") if t in out}

    def describe(self, raw_dir: Path, mapping: Mapping) -> str:
        self.sources(raw_dir, mapping)
        return "; ".join(f"{p.name}: {p.describe(raw_dir, mapping)}" for p in self.parts)


def detect(raw_dir: Path | str, mapping: Mapping) -> Format:
    """The format of ``raw_dir``: the formats of :data:`FORMATS` that recognise it (combined when
    several do: :class:`Combined`), else the contract format."""
    raw_dir = Path(raw_dir)
    found = tuple(fmt for fmt in FORMATS if fmt.detect(raw_dir, mapping))
    if not found:
        return FORMATS[-1]
    return found[0] if len(found) == 1 else Combined(found, raw_dir, mapping)


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
