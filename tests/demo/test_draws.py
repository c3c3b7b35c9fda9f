"""The generator's random draws (``hwb_kpis.demo.draws``)."""

from __future__ import annotations

import numpy as np
import pytest

from hwb_kpis.demo.draws import (
    choose_text,
    largest_remainder,
    logit,
    sigmoid,
    solve_intercept,
    weighted_pick,
)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


def test_weighted_pick_draws_distinct_sorted_indices_favouring_weight():
    picks = weighted_pick(rng(), np.array([1.0, 1.0, 50.0, 1.0]), 1)
    assert picks.tolist() == [2]
    many = weighted_pick(rng(), np.ones(100), 30)
    assert len(set(many.tolist())) == 30 and many.tolist() == sorted(many.tolist())
    assert weighted_pick(rng(), np.ones(3), 0).tolist() == [] and weighted_pick(rng(), np.ones(3), 9).tolist() == [0, 1, 2]


def test_same_seed_same_draws():
    assert weighted_pick(rng(4), np.arange(1, 50.0), 10).tolist() == weighted_pick(rng(4), np.arange(1, 50.0), 10).tolist()
    table = {"Y": 0.5, "Yes": 0.3, "": 0.2}
    assert choose_text(rng(5), table, 20).tolist() == choose_text(rng(5), table, 20).tolist()
    assert set(choose_text(rng(5), table, 200)) == set(table)


def test_largest_remainder_gives_exact_totals():
    counts = largest_remainder(17, np.array([0.2, 0.1, 0.13, 0.57]))
    assert counts.sum() == 17 and counts.tolist() == [3, 2, 2, 10]


def test_solve_intercept_hits_the_target_mean():
    x = np.array([-1.0, 0.0, 0.5, 2.0])
    intercept = solve_intercept(x, 0.58)
    assert float(np.mean(sigmoid(intercept + x))) == pytest.approx(0.58, abs=1e-9)
    assert solve_intercept(np.array([]), 0.3) == pytest.approx(logit(0.3))
