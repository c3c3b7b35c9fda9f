"""The register of quarantine rules: the order in which rules decide a row's reason, one test
file per rule, and the first rule broken winning."""

from __future__ import annotations

from pathlib import Path

import pytest

from hwb_kpis.ingest import CONTACTS, LOOKED_AFTER
from hwb_kpis.ingest.checks import RULES, Rule, find_problems, ordered
from hwb_kpis.ingest.checks.registry import add
from tests.ingest.checks.support import rows_of


def test_the_order_of_the_rules():
    assert [(r.code, r.reason) for r in ordered()] == [
        ("unbalanced_quote", "unbalanced quote"),
        ("malformed_row", "malformed row (wrong number of fields)"),
        ("missing_value", "missing required value"),
        ("unparseable_date", "unparseable date"),
        ("impossible_date", "impossible date"),
        ("date_before_1900", "impossible date (before 1900)"),
        ("implausible_date", "implausible date (too early)"),
        ("date_in_future", "date in the future"),
        ("decision_before_contact", "impossible date (decision before contact)"),
        ("born_after_contact", "implausible date (born long after contact)"),
        ("born_long_before_contact", "implausible date (born long before contact)"),
        ("assessment_before_period", "impossible date (assessment before period start)"),
        ("unknown_outcome", "unknown outcome"),
        ("unknown_yes_no", "unrecognised yes/no value"),
        ("conflicting_contact", "duplicate contact_id with different content"),
        ("conflicting_referral", "duplicate referral_id with different content"),
        ("conflicting_period", "duplicate period of care (child_id, period_start) with different content"),
    ]
    assert "assessment_before_period" not in [r.code for r in ordered("contacts")]
    assert "conflicting_contact" not in [r.code for r in ordered("looked_after")]
    assert [r.code for r in ordered("referrals")][-1] == "conflicting_referral"


def test_every_rule_has_its_module_and_its_test():
    package = Path(__import__("hwb_kpis.ingest.checks", fromlist=["x"]).__file__).parent
    for code in RULES:
        assert (package / f"{code}.py").is_file(), code
        assert (Path(__file__).parent / f"test_{code}.py").is_file(), code
        assert RULES[code].summary, code


def test_codes_and_orders_are_unique():
    with pytest.raises(ValueError, match="registered twice"):
        add(Rule(code="missing_value", order=999, reason="x", tables=None, find=None))
    with pytest.raises(ValueError, match="same order 20"):
        add(Rule(code="another", order=20, reason="x", tables=None, find=None))
    assert "another" not in RULES


def test_the_first_rule_broken_is_the_reason_and_exact_copies_are_never_flagged():
    row = {"contact_id": "C1", "child_id": "K1", "contact_date": "2015-11-03", "outcome": "nfa"}
    rows = rows_of(CONTACTS, [
        row,
        row | {"contact_id": "C2", "child_id": "", "outcome": "maybe"},              # missing before outcome
        row | {"contact_id": "C3", "contact_date": "soon", "marf": "perhaps"},       # date before yes/no
        row | {"contact_id": "C4", "decision_date": "2015-11-01", "outcome": "x"},   # decision before outcome
        row,                                                                          # exact copy of row 2
        row | {"contact_id": "C6", "marf": "Y"},
    ])
    problems = find_problems(rows)
    assert problems.reason.tolist() == ["", "missing required value", "unparseable date",
                                        "impossible date (decision before contact)", "", ""]
    assert problems.column.tolist() == ["", "child_id", "contact_date", "decision_date", "", ""]
    assert problems.free.tolist() == [True, False, False, False, False, True]


def test_a_table_gets_only_its_own_rules():
    rows = rows_of(LOOKED_AFTER, [{"child_id": "K1", "period_start": "2015-01-05", "iha_date": "2015-01-01"}])
    assert find_problems(rows).reason.tolist() == ["impossible date (assessment before period start)"]
