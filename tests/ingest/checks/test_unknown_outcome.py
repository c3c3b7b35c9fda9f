"""Rule unknown_outcome: an outcome that maps to none of the contract's outcomes."""

from hwb_kpis.ingest import CONTACTS, Mapping
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of

OUTCOMES = ["NFA", "maybe", "Early_Help", "Closed", "", " Referral "]


def test_outcomes_neither_the_mapping_nor_the_value_maps_know_are_found():
    rows = rows_of(CONTACTS, [{"outcome": o} for o in OUTCOMES])
    assert broken("unknown_outcome", rows) == [(3, "outcome"), (5, "outcome")]  # blank is missing_value's


def test_the_mapping_can_name_an_outcome():
    rows = rows_of(CONTACTS, [{"outcome": o} for o in OUTCOMES], mapping=Mapping(values={"outcome": {"closed": "nfa"}}))
    assert broken("unknown_outcome", rows) == [(3, "outcome")]


def test_reason_and_place():
    rule = RULES["unknown_outcome"]
    assert (rule.reason, rule.order, rule.tables) == ("unknown outcome", 100, None)
