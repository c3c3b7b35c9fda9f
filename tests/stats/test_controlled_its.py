"""Controlled interrupted time series (hwb_kpis.stats.controlled_its)."""

from __future__ import annotations

import numpy as np
import pytest

from hwb_kpis.stats.controlled_its import segmented_break


def _series(rng, effect: float, T: int = 32, at: int = 24, kink: bool = True):
    t = np.arange(T)
    common = (np.where(t > 20, (t - 20) * 0.12, 0.0) if kink else np.zeros(T)) + rng.normal(0, 0.1, T)
    n, nc = rng.poisson(300, T), rng.poisson(900, T)
    p = 1 / (1 + np.exp(-(-0.5 + common + effect * (t >= at) + rng.normal(0, 0.1, T))))
    pc = 1 / (1 + np.exp(-(common + rng.normal(0, 0.05, T))))
    return t, rng.binomial(n, p), n, rng.binomial(nc, pc), nc


def test_a_planted_level_change_is_inside_the_interval_and_a_common_shock_is_not_a_change():
    rng = np.random.default_rng(3)
    inside = false_alarm = false_alarm_uncontrolled = 0
    for _ in range(60):
        t, y, n, yc, nc = _series(rng, 0.3)
        r = segmented_break(t, y, n, at=24, comparison=(yc, nc))
        inside += r.level_ci[0] <= 0.3 <= r.level_ci[1]
        t, y, n, yc, nc = _series(rng, 0.0)
        false_alarm += segmented_break(t, y, n, at=24, comparison=(yc, nc)).level_p < 0.05
        false_alarm_uncontrolled += segmented_break(t, y, n, at=24).level_p < 0.05
    assert inside >= 52  # about 95% of 60
    assert false_alarm <= 8
    assert false_alarm_uncontrolled > false_alarm  # the rise shared by every series fools the plain model


def test_level_change_in_points_and_counts_of_months():
    rng = np.random.default_rng(5)
    t, y, n, yc, nc = _series(rng, 0.4, kink=False)
    r = segmented_break(t, y, n, at=24, comparison=(yc, nc))
    assert (r.n_before, r.n_after) == (24, 8)
    assert r.controlled and r.level_pp_ci[0] < r.level_pp < r.level_pp_ci[1]
    assert r.level_odds_ratio == pytest.approx(np.exp(r.level_log_odds))
    assert np.sign(r.level_pp) == np.sign(r.level_log_odds)


def test_a_break_with_no_month_on_one_side_is_refused():
    with pytest.raises(ValueError):
        segmented_break(np.arange(6), [1] * 6, [10] * 6, at=10)
