"""Rule assessment_before_period: an initial health assessment before the period of care began."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule
from hwb_kpis.ingest.dates import IMPOSSIBLE


@rule(code="assessment_before_period", order=90, reason=f"{IMPOSSIBLE} (assessment before period start)",
      tables=("looked_after",))
def find(rows):
    """``iha_date`` is before ``period_start``."""
    yield "iha_date", (rows.dates("iha_date") < rows.dates("period_start")).fillna(False)
