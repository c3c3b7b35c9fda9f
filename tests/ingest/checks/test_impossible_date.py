"""Rule impossible_date: a known format naming a day that does not exist."""

from hwb_kpis.ingest import CONTACTS
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_days_that_do_not_exist_are_found():
    rows = rows_of(CONTACTS, [
        {"contact_date": "2015-11-03"},
        {"contact_date": "31/02/2015"},
        {"contact_date": "2015-13-01"},
        {"contact_date": "29/02/2016"},              # a leap day: fine
        {"contact_date": "2015-11-03", "child_dob": "2009-13"},
        {"contact_date": "soon"},                    # unparseable, not impossible
    ])
    assert broken("impossible_date", rows) == [(3, "contact_date"), (4, "contact_date"), (6, "child_dob")]


def test_reason_and_place():
    rule = RULES["impossible_date"]
    assert (rule.reason, rule.order, rule.tables) == ("impossible date", 40, None)
