"""Rule born_after_contact: a child born after the contact about them."""

from hwb_kpis.ingest import CONTACTS
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_births_after_the_contact_are_found():
    rows = rows_of(CONTACTS, [
        {"contact_date": "2015-11-03", "child_dob": "2015-11-04"},
        {"contact_date": "2015-11-03", "child_dob": "2015-11-03"},
        {"contact_date": "2015-11-03", "child_dob": "2015-12"},     # a month: its first day
        {"contact_date": "2015-11-03", "child_dob": "2015-11"},
        {"contact_date": "2015-11-03", "child_dob": ""},
        {"contact_date": "2015-11-03", "child_dob": "2009-03-01"},
    ])
    assert broken("born_after_contact", rows) == [(2, "child_dob"), (4, "child_dob")]


def test_reason_and_place():
    rule = RULES["born_after_contact"]
    assert (rule.reason, rule.order, rule.tables) == ("impossible date (born after contact)", 80, ("contacts",))
