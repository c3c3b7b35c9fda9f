"""The four Making Data Count rules (hwb_kpis.stats.spc_rules), each on its own, and their
priority when several fire (NHSRplotthedots ``ptd_special_cause_type``)."""

from __future__ import annotations

import numpy as np

from hwb_kpis.stats.spc_rules import (
    RULES,
    beyond_limit,
    shift,
    special_causes,
    trend,
    trend_direction,
    two_of_three,
)


def line(value: float, n: int) -> np.ndarray:
    return np.full(n, float(value))


def test_beyond_limit_is_strictly_outside():
    y = np.array([4.0, 5.0, 10.0, 15.0, 16.0])
    assert beyond_limit(y, line(5, 5), line(15, 5)).tolist() == [True, False, False, False, True]


def test_trend_needs_seven_strictly_rising_or_falling_points():
    rising = np.array([1, 2, 3, 4, 5, 6, 7, 3], dtype=float)
    assert trend(rising).tolist() == [True] * 7 + [False]
    assert trend(rising[::-1]).tolist() == [False] + [True] * 7
    assert not trend(np.array([1, 2, 3, 4, 5, 6, 3], dtype=float)).any()  # six
    assert not trend(np.array([1, 2, 3, 3, 4, 5, 6, 7], dtype=float)).any()  # a tie breaks it
    assert trend(np.arange(4, dtype=float), run=3).all()  # the run length is an option


def test_two_of_three_flags_only_the_points_beyond_two_sigma():
    n = 5
    mean, lpl, upl, near_lo, near_up = line(10, n), line(4, n), line(16, n), line(6, n), line(14, n)
    y = np.array([14.5, 12.0, 14.5, 9.0, 9.0])
    assert two_of_three(y, mean, lpl, upl, near_lo, near_up).tolist() == [True, False, True, False, False]
    across = np.array([14.5, 9.0, 14.5, 9.0, 9.0])  # the third point on the other side: no
    assert not two_of_three(across, mean, lpl, upl, near_lo, near_up).any()
    beyond = np.array([17.0, 14.5, 12.0, 9.0, 9.0])  # beyond the limit is not "close to" it
    assert not two_of_three(beyond, mean, lpl, upl, near_lo, near_up).any()


def test_shift_needs_seven_on_one_side_of_the_mean():
    y = np.array([11, 12, 11, 12, 11, 12, 11, 9], dtype=float)
    assert shift(y, line(10, 8)).tolist() == [True] * 7 + [False]
    on_mean = np.array([11, 12, 11, 10, 12, 11, 12, 11], dtype=float)
    assert not shift(on_mean, line(10, 8)).any()


def test_short_segments_fire_no_run_rule():
    y = np.array([1.0, 2.0])
    assert not trend(y).any() and not shift(y, line(0, 2)).any()
    assert not two_of_three(y, line(0, 2), line(-9, 2), line(9, 2), line(-0.5, 2), line(0.5, 2)).any()


def test_trend_direction_follows_the_trend():
    y = np.array([1, 2, 3, 4, 5, 6, 7, 3], dtype=float)
    assert trend_direction(y, trend(y))[:7].tolist() == [1] * 7


def test_special_causes_names_the_first_rule_in_priority_order():
    y = np.array([7, 8, 9, 9.5, 10.5, 11, 16, 9])
    n = len(y)
    out = special_causes(y, line(10, n), line(4.68, n), line(15.32, n), line(6.45, n), line(13.55, n))
    assert list(out) == [f"rule_{r}" for r in RULES] + ["rule", "direction"]
    assert out["rule"].tolist() == ["trend"] * 6 + ["beyond_limit", ""]
    assert out["rule_trend"][6] and out["rule_beyond_limit"][6]
    assert out["direction"].tolist() == [1] * 7 + [0]


def test_trend_membership_follows_nhsrplotthedots_own_cases():
    # tests/testthat/test-ptd_calculate_point_type.R, ptd_seven_point_trend and ptd_part_of_seven_trend
    from hwb_kpis.stats.spc_rules import trend as seven_trend
    from hwb_kpis.stats.spc_rules import trend_runs

    assert not seven_trend(np.arange(1.0, 7.0)).any()  # 1:6, too short
    assert not seven_trend(np.array([1, 2, 3, 3, 4, 5, 6], float)).any()  # c(1:3, 3:6): a tie breaks it
    assert seven_trend(np.arange(1.0, 8.0)).all()  # 1:7
    assert seven_trend(np.array([2, 1, 2, 3, 4, 5, 6, 7, 3], float)).tolist() == [False] + [True] * 7 + [False]
    rising, falling = trend_runs(np.array([2, 7, 6, 5, 4, 3, 2, 1, 3], float))  # c(2, 7:1, 3)
    assert falling.tolist() == [False] + [True] * 7 + [False] and not rising.any()
