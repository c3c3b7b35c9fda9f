"""Rule implausible_date: an event date before the earliest plausible date (2000-01-01 by default,
``reference/ingest_limits.yml``)."""

from hwb_kpis.ingest import CONTACTS, LOOKED_AFTER, limits
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_event_dates_before_2000_are_found_but_not_births():
    rows = rows_of(CONTACTS, [
        {"contact_date": "01/01/1900"},
        {"contact_date": "1999-12-31"},
        {"contact_date": "2000-01-01"},
        {"contact_date": "2015-11-03", "decision_date": "1950-06-01"},
        {"contact_date": "2015-11-03", "child_dob": "1999-06"},  # a birth is judged against the contact
    ])
    assert broken("implausible_date", rows) == [(2, "contact_date"), (3, "contact_date"), (5, "decision_date")]


def test_every_date_column_of_looked_after():
    rows = rows_of(LOOKED_AFTER, [{"period_start": "1995-01-05"}, {"period_start": "2015-01-05", "iha_date": "1998-01-30"}])
    assert broken("implausible_date", rows) == [(2, "period_start"), (3, "iha_date")]


def test_the_window_is_editable_data(monkeypatch):
    monkeypatch.setitem(limits.LIMITS, "dates", {**limits.LIMITS["dates"], "earliest": "1990-01-01"})
    rows = rows_of(CONTACTS, [{"contact_date": "1999-12-31"}, {"contact_date": "1989-12-31"}])
    assert broken("implausible_date", rows) == [(3, "contact_date")]


def test_reason_and_place():
    rule = RULES["implausible_date"]
    assert (rule.reason, rule.order, rule.tables) == ("implausible date (too early)", 55, None)
