"""Rule date_in_future: a date after the day of the run (15 January 2016 here)."""

from hwb_kpis.ingest import CONTACTS
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_dates_after_today_are_found():
    rows = rows_of(CONTACTS, [
        {"contact_date": "2016-01-15"},
        {"contact_date": "2016-01-16"},
        {"contact_date": "2015-11-03", "decision_date": "2017-01-01"},
        {"contact_date": "2015-11-03", "child_dob": "2016-02"},
        {"contact_date": "2015-12-31"},
        {"contact_date": ""},
    ])
    assert broken("date_in_future", rows) == [(3, "contact_date"), (4, "decision_date"), (5, "child_dob")]


def test_reason_and_place():
    rule = RULES["date_in_future"]
    assert (rule.reason, rule.order, rule.tables) == ("date in the future", 60, None)
