"""Rule date_before_1900: a date before 1 January 1900."""

from hwb_kpis.ingest import CONTACTS, LOOKED_AFTER
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_dates_before_1900_are_found():
    rows = rows_of(CONTACTS, [
        {"contact_date": "1899-12-31"},
        {"contact_date": "1900-01-01"},
        {"contact_date": "2015-11-03", "decision_date": "03/11/1815"},
        {"contact_date": "2015-11-03", "child_dob": "1850-06"},
        {"contact_date": ""},
        {"contact_date": "2015-11-03"},
    ])
    assert broken("date_before_1900", rows) == [(2, "contact_date"), (4, "decision_date"), (5, "child_dob")]


def test_every_date_column_of_looked_after():
    rows = rows_of(LOOKED_AFTER, [{"period_start": "2015-01-05", "iha_date": "1815-01-30"}])
    assert broken("date_before_1900", rows) == [(2, "iha_date")]


def test_reason_and_place():
    rule = RULES["date_before_1900"]
    assert (rule.reason, rule.order, rule.tables) == ("impossible date (before 1900)", 50, None)
