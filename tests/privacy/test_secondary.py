"""Complementary suppression (hwb_kpis.privacy.secondary): after protect(), no hidden count can be
worked out more narrowly than its band from the relations — checked here by the pack audit's own
linear programs (tests/privacy/audit.py), not by the solver that made the decisions."""

from __future__ import annotations

import numpy as np
import pytest

from hwb_kpis.privacy.disclosure import SHOWN, SMALL, WITHHELD
from hwb_kpis.privacy.secondary import Ledger
from tests.privacy.audit import Attack


def audit(ledger: Ledger, decisions) -> list[str]:
    """Attack what ``decisions`` publish, with every relation of the ledger."""
    attack = Attack()
    for key, value in ledger.values.items():
        if not ledger.published[key]:
            continue
        text = {SHOWN: f"{value:,.0f}", SMALL: "<5", WITHHELD: "c"}[decisions.status(key)]
        attack.count(key, text, repr(key))
    for rel in ledger.relations:
        attack.relation(dict(rel.terms), rel.lo, rel.hi, rel.what)
    return attack.verdict()


def test_one_small_cell_beside_a_row_total_gets_a_complement():
    ledger = Ledger()
    months = [ledger.count(("rule", m), v) for m, v in enumerate([7, 6, 3, 10, 5, 9, 7, 8, 5, 6, 12, 5])]
    ledger.count(("rule", "total"), 83, margin=True)
    ledger.total(("rule", "total"), months)
    decisions = ledger.protect()
    statuses = [decisions.status(k) for k in months]
    assert statuses.count(SMALL) == 1 and statuses.count(WITHHELD) == 1
    assert decisions.status(("rule", "total")) == SHOWN  # inner cells before the total
    assert decisions.cell(months[2]) == "<5" and "c" in [decisions.cell(k) for k in months]
    assert audit(ledger, decisions) == []
    # without the complement the audit pins the small cell at 3
    bare = Ledger()
    for k in [*months, ("rule", "total")]:
        bare.count(k, ledger.values[k])
    bare.total(("rule", "total"), months)
    assert any("[3, 3]" in p for p in audit(bare, type(decisions)({k: (SMALL if k == months[2] else SHOWN)
                                                                   for k in bare.values}, bare.values)))


def test_received_less_used_cannot_narrow_two_small_counts():
    ledger = Ledger()
    for key, value in (("raw", 513), ("used", 506), ("quarantined", 4), ("duplicates", 3)):
        ledger.count(key, value, margin=key == "raw")
    ledger.total("raw", ["used", "quarantined", "duplicates"])
    decisions = ledger.protect()
    assert [decisions.cell(k) for k in ("raw", "used", "quarantined", "duplicates")] == ["513", "c", "<5", "<5"]
    assert audit(ledger, decisions) == []


def test_small_parts_of_a_small_total_are_withheld_not_shown_as_small():
    """Three parts shown as <5 would tell a reader the total is at least 3."""
    ledger = Ledger()
    for key, value in (("total", 4), ("a", 2), ("b", 1), ("c", 1), ("d", 0)):
        ledger.count(key, value, margin=key == "total")
    ledger.total("total", ["a", "b", "c", "d"])
    decisions = ledger.protect()
    assert decisions.cell("total") == "<5" and decisions.cell("d") == "0"
    assert all(decisions.cell(k) == "c" for k in "abc")
    assert audit(ledger, decisions) == []


@pytest.mark.parametrize("seed", range(6))
def test_tables_with_row_and_column_totals_are_safe_after_protection(seed):
    rng = np.random.default_rng(seed)
    cells = rng.choice([0, 1, 2, 3, 4, 5, 7, 9, 12, 20], size=(4, 6), p=[.1, .12, .1, .1, .1, .1, .1, .1, .1, .08])
    ledger = Ledger()
    for i in range(4):
        for j in range(6):
            ledger.count((i, j), cells[i, j])
    for i in range(4):
        ledger.count((i, "T"), cells[i].sum(), margin=True)
        ledger.total((i, "T"), [(i, j) for j in range(6)])
    for j in range(6):
        ledger.count(("T", j), cells[:, j].sum(), margin=True)
        ledger.total(("T", j), [(i, j) for i in range(4)])
    ledger.count(("T", "T"), cells.sum(), margin=True)
    ledger.total(("T", "T"), [(i, "T") for i in range(4)])
    decisions = ledger.protect()
    assert audit(ledger, decisions) == []
    assert decisions.unresolved == ()
    # every count from 1 to 4 is hidden, zeros stay 0
    for (i, j), v in np.ndenumerate(cells):
        assert decisions.status((i, j)) != SHOWN if 1 <= v <= 4 else True
        assert decisions.cell((i, j)) == "0" if v == 0 and decisions.status((i, j)) == SHOWN else True


def test_shares_and_means_are_relations_too():
    """A mean quoted to the nearest whole number pins a month once the others are shown."""
    ledger = Ledger()
    keys = [ledger.count(("m", i), v) for i, v in enumerate([3, 100, 102, 98])]
    ledger.mean(keys, round(sum([3, 100, 102, 98]) / 4))
    decisions = ledger.protect()
    assert decisions.status(keys[0]) == SMALL and audit(ledger, decisions) == []
    assert sum(decisions.status(k) == WITHHELD for k in keys) >= 1


def test_decisions_are_deterministic_and_internal_shows_everything():
    def make():
        ledger = Ledger()
        parts = [ledger.count(("p", i), v) for i, v in enumerate([2, 8, 9, 30, 1])]
        ledger.count("t", 50, margin=True)
        ledger.total("t", parts)
        return ledger

    first, second = make().protect(), make().protect()
    assert [first.status(("p", i)) for i in range(5)] == [second.status(("p", i)) for i in range(5)]
    internal = make().protect(internal=True)
    assert all(internal.status(("p", i)) == SHOWN for i in range(5)) and internal.cell(("p", 0)) == "2"


def test_a_relation_that_does_not_hold_is_refused():
    ledger = Ledger()
    ledger.count("a", 2)
    ledger.count("b", 5)
    with pytest.raises(ValueError, match="does not hold"):
        ledger.total("b", ["a"])
    with pytest.raises(KeyError):
        ledger.total("b", ["missing"])
    with pytest.raises(ValueError, match="twice"):
        ledger.count("a", 3)


def test_a_program_presolve_calls_infeasible_is_solved_again_without_presolve(monkeypatch):
    """HiGHS' presolve reported an unbounded program (a small extract's health codes, every
    relation holding for the true counts) as infeasible, and the pack failed to build: the
    program is solved again without presolve before it counts as a modelling error."""
    import scipy.optimize

    from hwb_kpis.privacy import secondary

    real = scipy.optimize.linprog
    calls = []

    def presolve_says_infeasible(c, **kwargs):
        calls.append(kwargs.get("options"))
        if kwargs.get("options", {}).get("presolve", True):
            return scipy.optimize.OptimizeResult(status=2, message="infeasible (presolve)", fun=None, x=None)
        return real(c, **kwargs)

    monkeypatch.setattr(scipy.optimize, "linprog", presolve_says_infeasible)
    ledger = secondary.Ledger()
    ledger.count(("a",), 2)
    ledger.count(("b",), 40)
    ledger.count(("total",), 42, margin=True)
    ledger.total(("total",), [("a",), ("b",)], what="total = a + b")
    decisions = ledger.protect()
    assert decisions.status(("a",), 2) == "small" and decisions.status(("b",), 40) == "withheld"
    assert {"presolve": False} in calls


def test_a_count_another_publication_hides_starts_hidden():
    """``hidden``: a count the board pack withholds as c stays hidden, and what would give it
    away is withheld too (here a + b = total with a hidden: b must go)."""
    from hwb_kpis.privacy.disclosure import SHOWN, WITHHELD
    from hwb_kpis.privacy.secondary import Ledger

    ledger = Ledger()
    ledger.count("a", 40)
    ledger.count("b", 60)
    ledger.count("total", 100, margin=True)
    ledger.total("total", ["a", "b"])
    assert ledger.protect().status("a") == SHOWN
    decisions = ledger.protect(hidden={"a": WITHHELD})
    assert decisions.status("a") == WITHHELD
    assert WITHHELD in {decisions.status("b"), decisions.status("total")}
