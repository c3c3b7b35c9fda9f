"""Rule assessment_before_period: a health assessment before the period of care began."""

from hwb_kpis.ingest import LOOKED_AFTER
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_assessments_before_the_period_are_found():
    rows = rows_of(LOOKED_AFTER, [
        {"child_id": "K1", "period_start": "2015-01-05", "iha_date": "2015-01-04"},
        {"child_id": "K2", "period_start": "2015-01-05", "iha_date": "2015-01-05"},
        {"child_id": "K3", "period_start": "2015-01-05", "iha_date": "30/01/2015"},
        {"child_id": "K4", "period_start": "05/01/2015", "iha_date": "2014-12-01"},
        {"child_id": "K5", "period_start": "2015-01-05", "iha_date": ""},
        {"child_id": "K6", "period_start": "2015-01-05", "consent_date": "2014-12-01"},  # consent may come first
    ])
    assert broken("assessment_before_period", rows) == [(2, "iha_date"), (5, "iha_date")]


def test_reason_and_place():
    rule = RULES["assessment_before_period"]
    assert (rule.reason, rule.order, rule.tables) == (
        "impossible date (assessment before period start)", 90, ("looked_after",))
