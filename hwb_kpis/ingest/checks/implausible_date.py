"""Rule implausible_date: an event date (a contact, a decision, a period of care, an IHA step)
before the earliest plausible date (``reference/ingest_limits.yml``; 2000-01-01 by default): a
typing slip that would stretch every chart back to it."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule
from hwb_kpis.ingest.limits import earliest_date

IMPLAUSIBLE = "implausible date"


@rule(code="implausible_date", order=55, reason=f"{IMPLAUSIBLE} (too early)")
def find(rows):
    """An event date is before the earliest plausible date (dates of birth are judged against the contact)."""
    earliest = earliest_date()
    for col in rows.spec.dates:
        if rows.spec.column(col).kind == "date":
            yield col, (rows.dates(col) < earliest).fillna(False)
