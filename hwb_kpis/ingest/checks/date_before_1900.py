"""Rule date_before_1900: a date before 1 January 1900 (a typing slip, never a real date here)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.ingest.checks.registry import rule
from hwb_kpis.ingest.dates import IMPOSSIBLE

EARLIEST_DATE = pd.Timestamp("1900-01-01")


@rule(code="date_before_1900", order=50, reason=f"{IMPOSSIBLE} (before 1900)")
def find(rows):
    """A date is before 1 January 1900."""
    for col in rows.spec.dates:
        yield col, (rows.dates(col) < EARLIEST_DATE).fillna(False)
