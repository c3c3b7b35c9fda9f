"""Rule impossible_date: a date in a known format naming a day that does not exist."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule
from hwb_kpis.ingest.dates import IMPOSSIBLE


@rule(code="impossible_date", order=40, reason=IMPOSSIBLE)
def find(rows):
    """A date names a day that does not exist (``31/02/2015``, ``2015-13-01``)."""
    for col in rows.spec.dates:
        yield col, rows.date_problem(col, IMPOSSIBLE)
