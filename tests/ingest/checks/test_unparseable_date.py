"""Rule unparseable_date: a date in no known format."""

from hwb_kpis.ingest import CONTACTS
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_text_in_no_date_format_is_found_in_every_date_column():
    rows = rows_of(CONTACTS, [
        {"contact_date": "2015-11-03"},
        {"contact_date": "soon"},
        {"contact_date": "2015-11"},                 # a year and month is a date of birth's only
        {"contact_date": "03/11/2015", "child_dob": "2009-03"},
        {"contact_date": "", "decision_date": "tomorrow"},
        {"contact_date": "31/02/2015"},              # impossible, not unparseable
    ])
    assert broken("unparseable_date", rows) == [(3, "contact_date"), (4, "contact_date"), (6, "decision_date")]


def test_reason_and_place():
    rule = RULES["unparseable_date"]
    assert (rule.reason, rule.order, rule.tables) == ("unparseable date", 30, None)
