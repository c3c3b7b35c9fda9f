"""Source formats: each module here reads one way a raw folder can be laid out (the project's
own contract CSV/XLSX files; later Annex A workbooks, CIN census XML, SSDA903...) into the
contract's raw tables.

A format is an object with a ``name``, ``detect(raw_dir, mapping) -> bool`` (does the folder hold
this format?), ``locate(raw_dir, mapping) -> {table: path}`` (every file it needs, or a one-line
``InputFileError`` naming the one missing) and ``read(raw_dir, mapping) -> {table: RawTable}``.
:func:`detect` picks the first format in :data:`FORMATS` that recognises the folder; the contract
format, last, is the fallback (its errors say which contract file is missing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from hwb_kpis.ingest.formats.contract import CONTRACT_FORMAT
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable


class Format(Protocol):
    """One layout of a raw folder."""

    name: str

    def detect(self, raw_dir: Path, mapping: Mapping) -> bool: ...

    def locate(self, raw_dir: Path, mapping: Mapping) -> dict[str, Path]: ...

    def read(self, raw_dir: Path, mapping: Mapping) -> dict[str, RawTable]: ...


#: the formats, tried in order; the contract format comes last and is the fallback
FORMATS: tuple[Format, ...] = (CONTRACT_FORMAT,)


def detect(raw_dir: Path | str, mapping: Mapping) -> Format:
    """The format of ``raw_dir``: the first of :data:`FORMATS` that recognises it, else the
    contract format."""
    for fmt in FORMATS[:-1]:
        if fmt.detect(Path(raw_dir), mapping):
            return fmt
    return FORMATS[-1]
