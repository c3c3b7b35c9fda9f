"""Rule decision_before_contact: a contact decided before it was made."""

from hwb_kpis.ingest import CONTACTS
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_decisions_before_the_contact_are_found():
    rows = rows_of(CONTACTS, [
        {"contact_date": "2015-11-03", "decision_date": "2015-11-02"},
        {"contact_date": "2015-11-03", "decision_date": "2015-11-03"},
        {"contact_date": "2015-11-03", "decision_date": "04/11/2015"},
        {"contact_date": "03/11/2015", "decision_date": "2015-10-30"},
        {"contact_date": "2015-11-03", "decision_date": ""},
        {"contact_date": "", "decision_date": "2015-11-01"},
    ])
    assert broken("decision_before_contact", rows) == [(2, "decision_date"), (5, "decision_date")]


def test_reason_and_place():
    rule = RULES["decision_before_contact"]
    assert (rule.reason, rule.order, rule.tables) == ("impossible date (decision before contact)", 70, ("contacts",))
