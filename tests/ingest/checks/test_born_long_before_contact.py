"""Rule born_long_before_contact: a birth more than 25 years before the contact (a children's
service; ``reference/ingest_limits.yml``)."""

from hwb_kpis.ingest import CONTACTS
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_births_long_before_the_contact_are_found():
    rows = rows_of(CONTACTS, [
        {"contact_date": "2015-11-03", "child_dob": "1900-01-01"},
        {"contact_date": "2015-11-03", "child_dob": "1950-06-01"},
        {"contact_date": "2015-11-03", "child_dob": "1990-11-02"},  # a day over 25 years
        {"contact_date": "2015-11-03", "child_dob": "1990-11-04"},
        {"contact_date": "2015-11-03", "child_dob": "2009-03"},
    ])
    assert broken("born_long_before_contact", rows) == [(2, "child_dob"), (3, "child_dob"), (4, "child_dob")]


def test_reason_and_place():
    rule = RULES["born_long_before_contact"]
    assert (rule.reason, rule.order, rule.tables) == ("implausible date (born long before contact)", 85, ("contacts",))
