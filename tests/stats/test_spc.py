"""SPC: XmR and p / Laney p' charts, hand-worked (NHSRplotthedots rules)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.report.verdict import summary_sentence
from hwb_kpis.stats import (
    assurance,
    difference_test,
    overdispersion_test,
    p_chart,
    spc_summary,
    sustained_shift_start,
    xmr,
)
from hwb_kpis.stats.spc import _classify
from hwb_kpis.stats.spc_rules import special_causes

# Baseline of 12 points alternating 11, 9: mean 10, every moving range 2 -> mean MR 2,
# limits 10 +/- 2.66 x 2 = 4.68 / 15.32, sigma = 2.66 / 3 x 2, near lines 10 +/- 2 sigma.
# It has no run (it alternates sides), no trend and ends below the mean.
BASE = [11.0, 9.0] * 6
SIGMA = 2.66 / 3 * 2
NEAR_UP = 10 + 2 * SIGMA  # 13.5467
NEAR_LO = 10 - 2 * SIGMA  # 6.4533


def chart(tail: list[float], **kw) -> pd.DataFrame:
    """Limits fixed on the baseline, so the tail is judged against known limits."""
    return xmr(BASE + tail, fix_after_n_points=12, **kw)


def tail_rules(df: pd.DataFrame) -> list[str]:
    return df["rule"].iloc[12:].tolist()


# --- limits ----------------------------------------------------------------------------------
def test_xmr_limits_hand_worked():
    y = [10, 12, 11, 13, 12, 14, 13, 15, 12, 11, 13, 12]
    df = xmr(y)
    mean = 148 / 12
    mrs = [2, 1, 2, 1, 2, 1, 2, 3, 1, 2, 1]  # |differences|; none >= 3.267 x mean
    amr = sum(mrs) / 11
    assert df["mean"].iloc[0] == pytest.approx(12.333333, abs=1e-6)
    assert df["mean"].iloc[0] == pytest.approx(mean)
    assert df["amr"].iloc[0] == pytest.approx(18 / 11)
    assert df["upl"].iloc[0] == pytest.approx(mean + 2.66 * amr)
    assert df["lpl"].iloc[0] == pytest.approx(mean - 2.66 * amr)
    assert df["upl"].iloc[0] == pytest.approx(16.686061, abs=1e-6)
    assert df["lpl"].iloc[0] == pytest.approx(7.980606, abs=1e-6)
    assert df["near_upper"].iloc[0] == pytest.approx(mean + 2 * 2.66 / 3 * amr)
    assert df["sigma"].iloc[0] == pytest.approx(amr / 1.128, rel=1e-3)  # 2.66/3 ~ 1/1.128
    assert df["mr"].isna().iloc[0] and df["mr"].iloc[1:].tolist() == mrs
    assert not df["special_cause"].any()
    assert (df["rule"] == "").all() and (df["variation"] == "common_cause").all()
    assert not df["trial_limits"].any()
    for col in ("y", "mean", "lpl", "upl", "special_cause", "rule", "x", "near_lower", "variation"):
        assert col in df.columns
    assert df["special_cause"].dtype == bool


def test_screening_on_and_off():
    y = [10, 10, 11, 10, 30, 10, 11, 10, 10, 11, 10, 11]  # sum 144 -> mean 12
    # moving ranges 0,1,1,20,20,1,1,0,1,1,1: mean 47/11 = 4.27; screen >= 3.267 x 4.27 = 13.96
    on = xmr(y)
    off = xmr(y, screen_outliers=False)
    assert on["mean"].iloc[0] == off["mean"].iloc[0] == 12
    assert off["amr"].iloc[0] == pytest.approx(47 / 11)
    assert on["amr"].iloc[0] == pytest.approx(7 / 9)  # the two 20s dropped
    assert on["mr_screened"].tolist() == [False] * 4 + [True, True] + [False] * 6
    assert not off["mr_screened"].any()
    assert on["upl"].iloc[0] == pytest.approx(12 + 2.66 * 7 / 9)
    assert off["upl"].iloc[0] == pytest.approx(12 + 2.66 * 47 / 11)
    assert on["rule"].iloc[4] == "beyond_limit" and off["rule"].iloc[4] == "beyond_limit"


def test_fix_after_n_points_uses_only_the_first_points():
    df = chart([20.0, 0.0])
    assert (df["mean"] == 10).all()
    assert (df["amr"] == 2).all()  # |20 - 9| and |0 - 20| are not used
    assert df["upl"].iloc[0] == pytest.approx(15.32)
    assert df["lpl"].iloc[0] == pytest.approx(4.68)
    assert tail_rules(df) == ["beyond_limit", "beyond_limit"]
    assert df["mr"].iloc[12] == 11  # shown, but not used for the limits


def test_trial_limits_below_12_points():
    assert xmr([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3])["trial_limits"].all()
    assert not xmr([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2])["trial_limits"].any()
    s = spc_summary(xmr([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]))
    assert s["trial_limits"] and "trial limits" in summary_sentence(s) and s["n_points"] == 11


# --- rule 1: beyond a limit ---------------------------------------------------------------------
def test_beyond_limit_boundary():
    upl = chart([10.0])["upl"].iloc[0]
    at = chart([upl])
    assert tail_rules(at) == [""]  # on the limit is not beyond it
    above = chart([upl + 1e-9, 10.0])
    assert tail_rules(above) == ["beyond_limit", ""]
    below = chart([4.67])
    assert tail_rules(below) == ["beyond_limit"]
    assert below["direction"].iloc[-1] == -1


# --- rule 2: trend --------------------------------------------------------------------------------
def test_trend_of_seven_fires_and_flags_all_seven():
    df = chart([7, 8, 9, 9.5, 10.5, 11, 12, 9])
    assert tail_rules(df) == ["trend"] * 7 + [""]
    assert df["rule_trend"].iloc[11] == np.False_  # the baseline 9 before the 7 is not part of it


def test_trend_of_six_or_with_a_tie_does_not_fire():
    six = chart([8, 9, 9.5, 10.5, 11, 12, 9])
    assert tail_rules(six) == [""] * 7
    tie = chart([7, 8, 9, 9.5, 10.5, 11, 11, 9])  # equal values break a trend
    assert tail_rules(tie) == [""] * 8


def test_trend_direction_orients_improvement_even_below_the_mean():
    inc = chart([7, 8, 9, 9.5, 10.5, 11, 12, 9], improvement_direction="increase")
    assert inc["variation"].iloc[12:19].tolist() == ["improvement"] * 7
    dec = chart([7, 8, 9, 9.5, 10.5, 11, 12, 9], improvement_direction="decrease")
    assert dec["variation"].iloc[12:19].tolist() == ["concern"] * 7
    falling = chart([12, 11, 10.5, 9.5, 9, 8, 7, 9], improvement_direction="increase")
    assert falling["variation"].iloc[12:19].tolist() == ["concern"] * 7
    neutral = chart([7, 8, 9, 9.5, 10.5, 11, 12, 9])
    assert neutral["variation"].iloc[12:19].tolist() == ["neither"] * 7


def test_rule_priority_beyond_limit_before_trend():
    df = chart([7, 8, 9, 9.5, 10.5, 11, 16, 9])
    assert tail_rules(df) == ["trend"] * 6 + ["beyond_limit", ""]
    assert df["rule_trend"].iloc[18] and df["rule_beyond_limit"].iloc[18]


# --- rule 3: two of three beyond 2 sigma ---------------------------------------------------------
def test_two_of_three_flags_only_the_points_beyond_two_sigma():
    assert 13.54 < NEAR_UP < 13.55
    df = chart([14, 12, 14, 9])
    assert tail_rules(df) == ["two_of_three", "", "two_of_three", ""]
    assert df["special_cause"].iloc[12:].tolist() == [True, False, True, False]
    low = chart([6, 6.2, 9], improvement_direction="increase")
    assert tail_rules(low) == ["two_of_three", "two_of_three", ""]
    assert low["variation"].iloc[12:14].tolist() == ["concern", "concern"]


def test_two_of_three_boundaries():
    # third point on the other side of the mean, or exactly on the mean: no
    assert tail_rules(chart([14, 9, 14, 9])) == [""] * 4
    assert tail_rules(chart([14, 10, 14, 9])) == [""] * 4
    # two close points four apart: not within three consecutive points
    assert tail_rules(chart([14, 12, 12, 14, 9])) == [""] * 5
    # exactly on the 2-sigma line is not beyond it
    assert tail_rules(chart([NEAR_UP, 12, NEAR_UP, 9])) == [""] * 4
    # a point beyond the process limit is not "close to" it (NHSRplotthedots)
    assert tail_rules(chart([16, 14, 12, 9])) == ["beyond_limit", "", "", ""]


# --- rule 4: shift --------------------------------------------------------------------------------
def test_shift_of_seven_fires():
    df = chart([10.5, 11, 10.5, 11, 10.5, 11, 10.5, 9], improvement_direction="decrease")
    assert tail_rules(df) == ["shift"] * 7 + [""]
    assert df["variation"].iloc[12:19].tolist() == ["concern"] * 7


def test_shift_of_six_and_point_on_the_mean_break_the_run():
    assert tail_rules(chart([10.5, 11, 10.5, 11, 10.5, 11, 9])) == [""] * 7
    on_mean = chart([10.5, 11, 10.5, 10, 11, 10.5, 11, 10.5, 9])  # 10 = the mean
    assert on_mean["y"].iloc[15] == on_mean["mean"].iloc[15]
    assert tail_rules(on_mean) == [""] * 9


# --- rebasing -----------------------------------------------------------------------------------
def test_rebase_recomputes_limits_per_segment():
    months = pd.period_range("2014-01", periods=24, freq="M").strftime("%Y-%m").tolist()
    y = [1.0, 2.0] * 6 + [5.0, 6.0] * 6
    df = xmr(y, x=months, rebase_at="2015-01")
    assert df["segment"].tolist() == [0] * 12 + [1] * 12
    assert df["mean"].iloc[0] == 1.5 and df["mean"].iloc[12] == 5.5
    assert df["amr"].iloc[0] == 1 and df["amr"].iloc[12] == 1  # the jump 2 -> 5 is not an MR
    assert np.isnan(df["mr"].iloc[12])
    assert df["upl"].iloc[0] == pytest.approx(1.5 + 2.66)
    assert df["lpl"].iloc[12] == pytest.approx(5.5 - 2.66)
    assert not df["special_cause"].any()
    one = xmr(y, x=months)
    assert one["mean"].iloc[0] == 3.5 and one["special_cause"].any()
    by_position = xmr(y, rebase_at=12)
    assert by_position["mean"].tolist() == df["mean"].tolist()
    assert pd.api.types.is_datetime64_any_dtype(df["x"])


def test_rebase_outside_range_is_an_error():
    with pytest.raises(ValueError):
        xmr([1, 2, 3], x=["2015-01", "2015-02", "2015-03"], rebase_at="2016-01")


def test_missing_value_is_an_error():
    with pytest.raises(ValueError, match="missing"):
        xmr([1.0, np.nan, 2.0])


# --- assurance and summary -------------------------------------------------------------------------
def test_assurance_against_target():
    df = chart([10.0], improvement_direction="increase")  # limits 4.68 .. 15.32
    assert assurance(df, 16) == "consistent_fail"
    assert assurance(df, 4) == "consistent_pass"
    assert assurance(df, 12) == "inconsistent"
    assert assurance(df, 16, "decrease") == "consistent_pass"
    assert assurance(df, 4, "decrease") == "consistent_fail"
    assert assurance(df, 12, "neutral") is None
    assert assurance(df) is None
    with_target = chart([10.0], improvement_direction="increase", target=16)
    assert (with_target["target"] == 16).all()
    s = spc_summary(with_target)
    assert s["assurance"] == "consistent_fail"
    assert s["variation"] == "common_cause" and s["variation_icon"] == "common_cause"


def test_summary_icon_of_latest_point():
    s = spc_summary(chart([16.0], improvement_direction="decrease"))
    assert s["variation"] == "concern" and s["variation_icon"] == "concern_high"
    assert s["rule"] == "beyond_limit" and "concern" in summary_sentence(s)
    s = spc_summary(chart([4.0]))
    assert s["variation_icon"] == "neither_low"


# --- p-chart --------------------------------------------------------------------------------------
NUM = [10, 20, 15, 36]
DEN = [100, 200, 100, 150]


def test_p_chart_limits_hand_worked():
    df = p_chart(NUM, DEN)
    pbar = 81 / 550
    for i, n in enumerate(DEN):
        s = math.sqrt(pbar * (1 - pbar) / n)
        assert df["mean"].iloc[i] == pytest.approx(pbar)
        assert df["y"].iloc[i] == pytest.approx(NUM[i] / n)
        assert df["upl"].iloc[i] == pytest.approx(pbar + 3 * s)
        assert df["lpl"].iloc[i] == pytest.approx(pbar - 3 * s)
        assert df["near_upper"].iloc[i] == pytest.approx(pbar + 2 * s)
    assert df["upl"].iloc[0] == pytest.approx(0.253586, abs=1e-6)
    assert (df["sigma_z"] == 1).all()
    assert df["trial_limits"].all()
    assert df["numerator"].tolist() == NUM and df["denominator"].tolist() == DEN


def test_laney_p_prime_limits_hand_worked():
    df = p_chart(NUM, DEN, laney=True)
    pbar = 81 / 550  # 0.147273
    sig = [math.sqrt(pbar * (1 - pbar) / n) for n in DEN]
    z = [(NUM[i] / DEN[i] - pbar) / sig[i] for i in range(4)]
    # z = -1.3340, -1.8865, 0.0770, 3.2047
    assert z[0] == pytest.approx(-1.33396, abs=1e-4)
    assert z[3] == pytest.approx(3.20470, abs=1e-4)
    mr = [abs(z[1] - z[0]), abs(z[2] - z[1]), abs(z[3] - z[2])]
    sigma_z = (sum(mr) / 3) / 1.128
    assert sigma_z == pytest.approx(1.66778, abs=1e-4)
    assert df["sigma_z"].iloc[0] == pytest.approx(sigma_z)
    assert df["z"].tolist() == pytest.approx(z)
    for i in range(4):
        assert df["upl"].iloc[i] == pytest.approx(pbar + 3 * sig[i] * sigma_z)
        assert df["lpl"].iloc[i] == pytest.approx(max(0.0, pbar - 3 * sig[i] * sigma_z))
    # month 4 (24%) is beyond the p-chart limit (23.4%) but not the wider p' limit (29.2%)
    plain = p_chart(NUM, DEN)
    assert plain["upl"].iloc[3] == pytest.approx(0.234077, abs=1e-6)
    assert plain["rule"].iloc[3] == "beyond_limit"
    assert df["upl"].iloc[3] == pytest.approx(0.292043, abs=1e-6)
    assert df["lpl"].iloc[0] == 0  # pbar - 3 sigma_i sigma_z = -0.030 clipped
    assert df["rule"].iloc[3] == ""


def test_p_chart_limits_clipped_to_0_1():
    df = p_chart([1, 0, 2], [10, 5, 10])
    assert (df["lpl"] == 0).all()
    assert (df["upl"] <= 1).all()
    high = p_chart([9, 5, 10], [10, 5, 10])
    assert (high["upl"] == 1).all()


def test_p_chart_rejects_zero_denominator():
    with pytest.raises(ValueError):
        p_chart([0, 1], [0, 5])


def test_p_chart_rebase_and_rules():
    months = pd.period_range("2014-01", periods=24, freq="M").strftime("%Y-%m").tolist()
    num = [20, 22] * 6 + [60, 62] * 6
    df = p_chart(num, [100] * 24, x=months, rebase_at="2015-01", improvement_direction="increase")
    assert df["mean"].iloc[0] == pytest.approx(0.21) and df["mean"].iloc[12] == pytest.approx(0.61)
    assert not df["special_cause"].any()
    one = p_chart(num, [100] * 24, x=months, improvement_direction="increase")
    assert one["mean"].iloc[0] == pytest.approx(0.41)
    assert one["upl"].iloc[0] == pytest.approx(0.41 + 3 * math.sqrt(0.41 * 0.59 / 100))  # 0.5575
    assert one["rule"].tolist() == ["beyond_limit"] * 24
    assert (one["variation"].iloc[12:] == "improvement").all()
    assert (one["variation"].iloc[:12] == "concern").all()


def test_overdispersion_test():
    d = overdispersion_test(NUM, DEN)
    pbar = 81 / 550
    z = [(NUM[i] / DEN[i] - pbar) / math.sqrt(pbar * (1 - pbar) / DEN[i]) for i in range(4)]
    assert d["chi2_pooled"] == pytest.approx(sum(v * v for v in z))
    assert d["phi_pooled"] == pytest.approx(d["chi2_pooled"] / 3)
    # judged around a straight log-odds line: 4 points, 2 parameters
    assert d["df"] == 2 and d["phi"] == pytest.approx(d["chi2"] / 2)
    rng = np.random.default_rng(6)
    n = np.full(24, 1400)
    binom = rng.binomial(n, 0.5)
    assert not overdispersion_test(binom, n)["use_laney"]
    p = rng.beta(200, 200, size=24)  # sd of p about 0.025, binomial sd 0.013
    num = rng.binomial(n, p)
    over = overdispersion_test(num, n)
    assert over["use_laney"] and over["sigma_z"] > 1.15 and "Laney" in over["message"]
    # screening the moving ranges (qicharts2's default) can only lower sigma_z
    assert overdispersion_test(num, n, screen_outliers=False)["sigma_z"] > 1.3


def test_points_are_ordered_by_x_with_their_targets():
    df = xmr([3.0, 1.0, 2.0], x=["2015-03", "2015-01", "2015-02"], target=[30, 10, 20])
    assert df["y"].tolist() == [1.0, 2.0, 3.0]
    assert df["target"].tolist() == [10, 20, 30]
    assert df["x"].iloc[0] == pd.Timestamp("2015-01-01")


def test_options_are_checked_once_before_any_work():
    from hwb_kpis.stats.spc import ChartOptions

    with pytest.raises(ValueError, match="improvement_direction"):
        xmr([1.0, 2.0, 3.0], improvement_direction="up")
    with pytest.raises(ValueError, match="improvement_direction"):
        p_chart([1, 2], [10, 10], improvement_direction="better")
    for bad in (0, 2.5, "12", True):
        with pytest.raises(ValueError, match="fix_after_n_points"):
            xmr([1.0, 2.0, 3.0], fix_after_n_points=bad)
    assert ChartOptions("increase", 12.0).fix_after_n_points == 12
    assert ChartOptions(fix_after_n_points=12).baseline(5) == 5
    assert ChartOptions().baseline(30) == 30


# --- reading a chart: sustained shifts to propose, and the difference of two points ---------------
def test_sustained_shift_start_finds_the_run_still_going_on():
    df = xmr([10.0, 12.0] * 6 + [15.0] * 8)
    assert sustained_shift_start(df) == 12  # x is the position when no x is given
    assert sustained_shift_start(xmr([10.0, 12.0] * 6 + [15.0] * 6)) is None  # 6 points: too short
    assert sustained_shift_start(xmr([10.0, 12.0] * 6 + [15.0] * 8 + [9.0])) is None  # the run has ended
    assert sustained_shift_start(xmr([15.0] * 8)) is None  # the whole series: nothing to split
    rebased = xmr([10.0, 12.0] * 6 + [15.0, 16.0] * 5, rebase_at=[12])
    assert sustained_shift_start(rebased) is None  # judged within the latest segment only
    months = [f"2015-{m:02d}" for m in range(1, 13)] + [f"2016-{m:02d}" for m in range(1, 9)]
    dated = xmr([10.0, 12.0] * 6 + [15.0] * 8, x=months)
    assert pd.Timestamp(sustained_shift_start(dated)) == pd.Timestamp("2016-01-01")


def test_difference_test_uses_each_points_sigma():
    df = chart([10.0, 10.0])
    test = difference_test(df)
    assert test["difference"] == 0 and test["z"] == 0 and test["p_value"] == pytest.approx(1.0)
    jump = difference_test(chart([10.0, 10.0 + 2 * SIGMA * np.sqrt(2)]))
    assert jump["z"] == pytest.approx(2.0) and jump["p_value"] == pytest.approx(0.0455, abs=1e-3)
    p = p_chart([100, 130], [1000, 1000])
    expected = 0.03 / np.hypot(*p["sigma"])
    assert difference_test(p)["z"] == pytest.approx(expected)
    laney = p_chart([100, 130, 90, 140, 95], [1000] * 5, laney=True)
    assert abs(difference_test(laney)["z"]) < abs(difference_test(p_chart([100, 130, 90, 140, 95], [1000] * 5))["z"])


# --- the references' own cases (issue 18, defect 7) ----------------------------------------------
def test_trial_limits_follow_nhsrplotthedots_short_group_warning():
    # NHSRplotthedots tests/testthat/test-ptd_add_short_group_warnings.R: 11 points warn, 12 do not
    assert xmr(list(range(11)))["trial_limits"].all()
    assert not xmr([float(i % 3) for i in range(12)])["trial_limits"].any()


def test_opposite_trends_meeting_on_a_tie_are_special_cause():
    # 7 rising, a tie, 7 falling, within wide limits: every point belongs to a trend, so every one
    # has a direction and none is common cause (main gave the two tied points direction 0)
    y = np.array([1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1], dtype=float)
    lines = [np.full(len(y), v) for v in (4.0, -100.0, 100.0, -50.0, 50.0)]
    flags = special_causes(y, *lines)
    assert (flags["rule"] == "trend").all()
    assert flags["direction"].tolist() == [1] * 7 + [-1] * 7
    frame = pd.DataFrame({"y": y, "segment": 0, "mean": 4.0, "lpl": -100.0, "upl": 100.0,
                          "near_lower": -50.0, "near_upper": 50.0})
    classified = _classify(frame, "increase")
    assert classified["variation"].tolist() == ["improvement"] * 7 + ["concern"] * 7


def test_rebase_at_a_date_not_in_x_is_an_error():
    months = pd.period_range("2014-01", periods=24, freq="M").strftime("%Y-%m").tolist()
    y = [float(i % 4) for i in range(24)]
    with pytest.raises(ValueError, match="not one of the chart's x values"):
        xmr(y, x=months, rebase_at="2015-01-15")
    with pytest.raises(ValueError, match="not one of the chart's x values"):
        p_chart([5] * 24, [10] * 24, x=months, rebase_at="2016-03")
    assert xmr(y, x=months, rebase_at="2015-01")["segment"].tolist() == [0] * 12 + [1] * 12


def test_laney_sigma_z_screens_moving_ranges_by_default_as_qicharts2():
    num = [100, 102, 98, 101, 99, 160, 100, 101, 99, 100, 102, 98]
    den = [1000] * 12
    screened = p_chart(num, den, laney=True)
    raw = p_chart(num, den, laney=True, screen_outliers=False)
    pbar = sum(num) / sum(den)
    z = [(a / b - pbar) / math.sqrt(pbar * (1 - pbar) / b) for a, b in zip(num, den, strict=True)]
    mr = [abs(z[i] - z[i - 1]) for i in range(1, 12)]
    assert raw["sigma_z"].iloc[0] == pytest.approx(sum(mr) / len(mr) / 1.128)
    kept = [m for m in mr if m < 3.267 * (sum(mr) / len(mr))]
    assert len(kept) < len(mr)
    assert screened["sigma_z"].iloc[0] == pytest.approx(sum(kept) / len(kept) / 1.128)
