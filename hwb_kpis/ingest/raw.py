"""The raw table as a reader returns it: the interface between the readers (and source formats)
and cleaning."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from hwb_kpis.contract.tables import TableSpec
from hwb_kpis.ingest.lines import Lines


@dataclass
class RawTable:
    """A raw table as read: every contract column as text (``""`` when blank), ``source_row``,
    the rows the reader could not split into fields, and how the file's physical lines were used
    (``lines``; None when the reader cannot tell, and then every row is taken as one line)."""

    spec: TableSpec
    path: Path
    data: pd.DataFrame
    malformed: pd.DataFrame  # columns: row, reason
    notes: list[str] = field(default_factory=list)
    lines: Lines | None = None

    @property
    def raw_rows(self) -> int:
        return len(self.data) + len(self.malformed)


@dataclass
class FileRead:
    """What a reader returns for one file: the contract's text columns (``source_row``: the line
    or sheet row each row starts on), the rows it set apart (``row``, ``reason``), its notes and
    how the file's lines were used."""

    frame: pd.DataFrame
    malformed: pd.DataFrame
    notes: list[str]
    lines: Lines | None = None
