"""Rule born_after_contact: a birth more than 10 months after the contact about the child
(contacts about an unborn child are real; ``reference/ingest_limits.yml``)."""

from hwb_kpis.ingest import CONTACTS, limits
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_births_long_after_the_contact_are_found():
    rows = rows_of(CONTACTS, [
        {"contact_date": "2015-11-03", "child_dob": "2016-09-04"},  # 10 months and a day after
        {"contact_date": "2015-11-03", "child_dob": "2015-11-04"},  # unborn at the contact: kept
        {"contact_date": "2015-11-03", "child_dob": "2016-08"},     # a month: its first day, within 10 months
        {"contact_date": "2015-11-03", "child_dob": "2016-10"},
        {"contact_date": "2015-11-03", "child_dob": ""},
        {"contact_date": "2015-11-03", "child_dob": "2009-03-01"},
    ])
    assert broken("born_after_contact", rows) == [(2, "child_dob"), (5, "child_dob")]


def test_the_window_is_editable_data(monkeypatch):
    monkeypatch.setitem(limits.LIMITS, "dates", {**limits.LIMITS["dates"], "birth_months_after_contact": 0})
    rows = rows_of(CONTACTS, [{"contact_date": "2015-11-03", "child_dob": "2015-11-04"}])
    assert broken("born_after_contact", rows) == [(2, "child_dob")]


def test_reason_and_place():
    rule = RULES["born_after_contact"]
    assert (rule.reason, rule.order, rule.tables) == ("implausible date (born long after contact)", 80, ("contacts",))
