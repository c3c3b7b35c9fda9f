"""Small frames for the quarantine-rule tests: a raw table from a few rows (every other column
blank), and the rows one rule flags."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from hwb_kpis.contract.tables import TableSpec
from hwb_kpis.ingest import Mapping, RawTable
from hwb_kpis.ingest.checks import RULES
from hwb_kpis.ingest.rows import Rows
from hwb_kpis.privacy import DEMO_KEY, PseudonymKey

KEY = PseudonymKey(DEMO_KEY, "demo")
TODAY = dt.date(2016, 1, 15)


def raw_table(spec: TableSpec, records: list[dict[str, str]]) -> RawTable:
    """A raw table of ``records`` as a reader returns it (rows numbered from 2)."""
    data = pd.DataFrame({col: pd.array([r.get(col, "") for r in records], dtype="string")
                         for col in (*spec.columns, *spec.optional)})
    data["source_row"] = np.arange(2, len(records) + 2, dtype="int64")
    malformed = pd.DataFrame({"row": pd.Series(dtype="int64"), "reason": pd.Series(dtype="string")})
    return RawTable(spec=spec, path=Path(f"{spec.name}.csv"), data=data, malformed=malformed)


def rows_of(spec: TableSpec, records: list[dict[str, str]], *, mapping: Mapping | None = None) -> Rows:
    """The table being cleaned, as the rules see it."""
    return Rows(raw_table(spec, records), mapping or Mapping(), KEY, today=TODAY)


def broken(code: str, rows: Rows) -> list[tuple[int, str]]:
    """``(row, column)`` of every row that rule ``code`` finds broken (whatever other rules say)."""
    found = []
    for column, mask in RULES[code].find(rows):
        found += [(int(r), column) for r in rows.data.loc[np.asarray(mask, dtype=bool), "source_row"]]
    return sorted(found)
