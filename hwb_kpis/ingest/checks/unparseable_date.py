"""Rule unparseable_date: a date in no known format."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule
from hwb_kpis.ingest.dates import UNPARSEABLE


@rule(code="unparseable_date", order=30, reason=UNPARSEABLE)
def find(rows):
    """A date column holds text in no known date format (``soon``, ``2015-13``)."""
    for col in rows.spec.dates:
        yield col, rows.date_problem(col, UNPARSEABLE)
