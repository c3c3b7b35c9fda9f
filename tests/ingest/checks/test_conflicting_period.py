"""Rule conflicting_period: one child, two periods of care starting the same day, different content."""

from hwb_kpis.ingest import LOOKED_AFTER
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_periods_with_the_same_start_written_differently_conflict():
    rows = rows_of(LOOKED_AFTER, [
        {"child_id": "K1", "period_start": "2015-01-05", "iha_date": "2015-01-30"},
        {"child_id": "K1", "period_start": "05/01/2015", "iha_date": "2015-02-02"},  # same start: conflict
        {"child_id": "K1", "period_start": "2015-06-01"},                            # a later period: fine
        {"child_id": "K2", "period_start": "2015-01-05"},
        {"child_id": "K2", "period_start": "2015-01-05"},                            # exact copy: dropped
        {"child_id": "K3", "period_start": "2015-01-05"},
    ])
    assert broken("conflicting_period", rows) == [(2, "child_id"), (3, "child_id")]


def test_reason_and_place():
    rule = RULES["conflicting_period"]
    assert (rule.reason, rule.order, rule.tables) == (
        "duplicate period of care (child_id, period_start) with different content", 130, ("looked_after",))
