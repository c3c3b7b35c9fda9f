"""Rule date_in_future: a date after the day of the run."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule

FUTURE = "date in the future"


@rule(code="date_in_future", order=60, reason=FUTURE)
def find(rows):
    """A date is after today (the day the extract is cleaned)."""
    for col in rows.spec.dates:
        yield col, (rows.dates(col) > rows.today).fillna(False)
