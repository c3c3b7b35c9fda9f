"""Rule conflicting_period: two periods of care of one child starting the same day, with
different content."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule

CONFLICT_PERIOD = "duplicate period of care (child_id, period_start) with different content"


@rule(code="conflicting_period", order=130, reason=CONFLICT_PERIOD, tables=("looked_after",))
def find(rows):
    """Rows share ``child_id`` and ``period_start`` (as dates) but differ elsewhere."""
    yield rows.spec.key[0], rows.key_conflicts()
