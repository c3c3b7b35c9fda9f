"""Rule missing_value: a required column left blank."""

from hwb_kpis.ingest import CONTACTS, LOOKED_AFTER
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of

OK = {"contact_id": "C1", "child_id": "K1", "contact_date": "2015-11-03", "outcome": "nfa"}


def test_each_required_column_left_blank_is_found():
    rows = rows_of(CONTACTS, [OK, OK | {"contact_id": "C2", "child_id": ""}, OK | {"contact_id": "C3", "contact_date": ""},
                              OK | {"contact_id": "C4", "outcome": ""}, {"child_id": "K5"},
                              OK | {"contact_id": "C6", "gender": "", "marf": ""}])
    assert broken("missing_value", rows) == [(3, "child_id"), (4, "contact_date"), (5, "outcome"),
                                             (6, "contact_date"), (6, "contact_id"), (6, "outcome")]


def test_looked_after_needs_child_and_start():
    rows = rows_of(LOOKED_AFTER, [{"child_id": "K1", "period_start": "2015-01-05"}, {"child_id": "K2"},
                                  {"period_start": "2015-01-05", "iha_date": "2015-02-01"}])
    assert broken("missing_value", rows) == [(3, "period_start"), (4, "child_id")]


def test_a_column_the_extract_does_not_hold_is_not_checked():
    """Annex A List 1 has no outcome: its KPIs are unavailable, its rows are not quarantined."""
    rows = rows_of(CONTACTS, [OK | {"outcome": ""}, OK | {"contact_id": "C2", "outcome": "", "child_id": ""}])
    rows.raw.present = ("contact_id", "child_id", "contact_date")
    assert broken("missing_value", rows) == [(3, "child_id")]


def test_reason_and_place():
    rule = RULES["missing_value"]
    assert (rule.reason, rule.order, rule.tables) == ("missing required value", 20, None)
