"""Rule conflicting_contact: one contact_id, two different contents."""

from hwb_kpis.ingest import CONTACTS
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of

ROW = {"child_id": "K1", "contact_date": "2015-11-03", "outcome": "nfa"}


def test_every_row_of_a_conflicting_id_is_found_and_exact_copies_are_not():
    rows = rows_of(CONTACTS, [
        ROW | {"contact_id": "C1"},
        ROW | {"contact_id": "C1", "outcome": "referral"},   # conflicts with row 2
        ROW | {"contact_id": "C2"},
        ROW | {"contact_id": "C2"},                          # an exact copy: dropped, not quarantined
        ROW | {"contact_id": "C3"},
        ROW | {"contact_id": "", "outcome": "advice"},       # no id: missing_value's
    ])
    assert broken("conflicting_contact", rows) == [(2, "contact_id"), (3, "contact_id")]
    assert rows.duplicate.tolist() == [False, False, False, True, False, False]


def test_reason_and_place():
    rule = RULES["conflicting_contact"]
    assert (rule.reason, rule.order, rule.tables) == ("duplicate contact_id with different content", 120, ("contacts",))
