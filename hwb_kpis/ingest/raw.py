"""The raw table as a reader returns it: the interface between the readers (and source formats)
and cleaning."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from hwb_kpis.contract.tables import TableSpec


@dataclass
class RawTable:
    """A raw table as read: every contract column as text (``""`` when blank), ``source_row``,
    and the rows the reader could not split into fields."""

    spec: TableSpec
    path: Path
    data: pd.DataFrame
    malformed: pd.DataFrame  # columns: row, reason
    notes: list[str] = field(default_factory=list)

    @property
    def raw_rows(self) -> int:
        return len(self.data) + len(self.malformed)
