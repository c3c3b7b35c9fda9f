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
    (``lines``; None when the reader cannot tell, and then every row is taken as one line).

    ``present`` names the contract columns the extract holds (read from the file, set by the
    mapping or derived at ingest); the others are blank and count as not in the extract (None:
    every column, for tables built in memory).
    ``derived`` says, for each column ingest derived, how (plain words). ``filtered_out`` counts
    the rows the mapping's row filters left out (they are accounted for in the reconciliation).
    ``folded`` counts source rows a format folded into another row of the table (SSDA903
    episodes that continue a period of care begun earlier), ``folded_note`` says what they are."""

    spec: TableSpec
    path: Path
    data: pd.DataFrame
    malformed: pd.DataFrame  # columns: row, reason
    notes: list[str] = field(default_factory=list)
    present: tuple[str, ...] | None = None
    derived: dict[str, str] = field(default_factory=dict)
    filtered_out: int = 0
    lines: Lines | None = None
    folded: int = 0
    folded_note: str = ""

    @property
    def raw_rows(self) -> int:
        return len(self.data) + len(self.malformed) + self.filtered_out + self.folded

    def has(self, column: str) -> bool:
        """True when the extract holds ``column`` (or ingest derived it)."""
        return self.present is None or column in self.present

    @property
    def columns_present(self) -> tuple[str, ...]:
        """The contract columns (and optional columns) the extract holds, in contract order."""
        return tuple(c for c in (*self.spec.columns, *self.spec.optional) if self.has(c))

    def add_present(self, column: str) -> None:
        """Record that ``column`` is now in the table (set by the mapping or derived)."""
        if self.present is not None and column not in self.present:
            self.present = (*self.present, column)
