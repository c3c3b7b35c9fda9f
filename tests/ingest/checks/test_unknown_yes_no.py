"""Rule unknown_yes_no: a yes/no column holding something else."""

from hwb_kpis.ingest import CONTACTS
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of


def test_values_neither_yes_nor_no_are_found():
    rows = rows_of(CONTACTS, [{"marf": m} for m in ["Y", "perhaps", "0", "", "TRUE", "2"]])
    assert broken("unknown_yes_no", rows) == [(3, "marf"), (7, "marf")]  # blank: unknown, not wrong


def test_reason_and_place():
    rule = RULES["unknown_yes_no"]
    assert (rule.reason, rule.order, rule.tables) == ("unrecognised yes/no value", 110, None)
