"""Regression models (hwb_kpis.stats.models): GLM trend, interrupted time series and the
re-contact drivers, recovering known effects from simulated data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from hwb_kpis.stats import glm_trend, interrupted_time_series, month_index, recontact_drivers

MONTHS36 = pd.period_range("2013-04", periods=36, freq="M").strftime("%Y-%m").tolist()


def test_month_index():
    assert month_index(["2015-11", "2015-12", "2016-02"]).tolist() == [0, 1, 3]


def test_glm_trend_recovers_known_slope():
    rng = np.random.default_rng(20160101)
    n = rng.integers(800, 1200, 36)
    beta = 0.03  # log-odds per month
    y = rng.binomial(n, expit(-0.8 + beta * np.arange(36)))
    r = glm_trend(y, n, MONTHS36, measure="conversion to referral")
    assert r.or_ci[0] < math.exp(beta) < r.or_ci[1]
    assert r.odds_ratio == pytest.approx(math.exp(beta), abs=0.005)
    pooled = y.sum() / n.sum()
    assert r.pooled_rate == pytest.approx(pooled)
    assert r.pp_per_month == pytest.approx(math.log(r.odds_ratio) * pooled * (1 - pooled) * 100)
    assert r.pp_ci[0] < r.pp_per_month < r.pp_ci[1]
    assert r.p_value < 1e-6
    assert r.sentence.startswith("Conversion to referral rose by about")
    assert "percentage points a month" in r.sentence
    coef = r.coefficients.set_index("term")
    assert coef.loc["month", "ci_low"] < beta < coef.loc["month", "ci_high"]


def test_glm_trend_quasi_when_overdispersed_and_flat():
    rng = np.random.default_rng(7)
    n = np.full(36, 1400)
    p = rng.beta(400, 600, size=36)  # no trend, extra month-to-month variation
    y = rng.binomial(n, p)
    r = glm_trend(y, n, MONTHS36)
    assert r.phi > 2 and r.quasi
    b = glm_trend(y, n, MONTHS36, dispersion="binomial")
    assert not b.quasi
    width_q = np.log(r.or_ci[1]) - np.log(r.or_ci[0])
    width_b = np.log(b.or_ci[1]) - np.log(b.or_ci[0])
    assert width_q == pytest.approx(width_b * math.sqrt(r.phi), rel=1e-6)
    assert r.or_ci[0] < 1 < r.or_ci[1]
    assert "no clear trend" in r.sentence and "beyond chance" in r.sentence


def test_glm_trend_seasonality():
    rng = np.random.default_rng(11)
    n = np.full(36, 2000)
    season = 0.3 * np.sin(2 * np.pi * np.arange(36) / 12)
    y = rng.binomial(n, expit(-0.5 + 0.01 * np.arange(36) + season))
    r = glm_trend(y, n, MONTHS36, seasonality=True)
    assert r.or_ci[0] < math.exp(0.01) < r.or_ci[1]
    assert r.coefficients["term"].str.startswith("month_").sum() == 11
    assert "time of year" in r.sentence


def test_its_binomial_recovers_level_and_slope_change():
    rng = np.random.default_rng(2015)
    t = np.arange(36)
    post = (t >= 18).astype(float)
    level, slope = 0.5, 0.04
    eta = -1.0 + 0.01 * t + level * post + slope * (t - 18) * post
    n = rng.integers(40, 60, 36) * 10
    y = rng.binomial(n, expit(eta))
    r = interrupted_time_series(y, n, MONTHS36, at=MONTHS36[18], measure="the IHA rate")
    c = r.coefficients.set_index("term")
    assert c.loc["post", "ci_low"] < level < c.loc["post", "ci_high"]
    assert c.loc["month_after", "ci_low"] < slope < c.loc["month_after", "ci_high"]
    assert r.level_change == pytest.approx(math.exp(c.loc["post", "estimate"]))
    assert r.level_ci[0] < math.exp(level) < r.level_ci[1]
    assert r.slope_ci[0] < math.exp(slope) < r.slope_ci[1]
    assert r.n_before == 18 and r.n_after == 18
    true_pp = (expit(-1.0 + 0.18 + level) - expit(-1.0 + 0.18)) * 100  # about 11.7 points
    assert r.level_pp_ci[0] < true_pp < r.level_pp_ci[1]
    assert r.sentence.startswith("At the change, the IHA rate moved by +")


def test_its_gaussian_recovers_level_and_slope_change():
    rng = np.random.default_rng(99)
    t = np.arange(30)
    post = (t >= 12).astype(float)
    y = 50 + 0.2 * t + 5 * post - 0.3 * (t - 12) * post + rng.normal(0, 1, 30)
    months = pd.period_range("2014-01", periods=30, freq="M").strftime("%Y-%m").tolist()
    r = interrupted_time_series(y, x=months, at="2015-01")
    assert r.family == "gaussian" and r.level_change_pp is None
    assert r.level_ci[0] < 5 < r.level_ci[1]
    assert r.slope_ci[0] < -0.3 < r.slope_ci[1]
    assert r.pre_slope == pytest.approx(0.2, abs=0.15)
    hac = interrupted_time_series(y, x=months, at="2015-01", hac_lags=2)
    assert hac.level_change == pytest.approx(r.level_change)
    assert hac.level_ci != r.level_ci


def test_its_break_outside_data():
    with pytest.raises(ValueError):
        interrupted_time_series([1.0, 2.0, 3.0], x=["2015-01", "2015-02", "2015-03"], at="2016-01")


def _simulated_contacts(seed: int = 3, n: int = 6000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    source = rng.choice(["health", "police", "schools"], n, p=[0.4, 0.35, 0.25])
    marf = rng.random(n) < 0.5
    age = rng.choice(["0-4", "5-9", "10-15"], n)
    prev = rng.choice(["nfa", "advice", "none"], n, p=[0.45, 0.25, 0.3])
    month = rng.choice(pd.period_range("2014-04", periods=24, freq="M").strftime("%Y-%m"), n)
    eta = (-0.5 + np.log(2.0) * (source == "police") + np.log(0.5) * marf
           + np.log(1.5) * (age == "10-15") + 0.2 * (prev == "advice"))
    is_repeat = rng.random(n) < expit(eta)
    is_repeat = np.where(prev == "none", False, is_repeat)  # no earlier contact: never a repeat
    marf_col = pd.array(marf, dtype="boolean")
    marf_col[:50] = pd.NA
    return pd.DataFrame({
        "source_group": pd.array(source, dtype="string"), "marf": marf_col,
        "age_band": pd.array(age, dtype="string"), "month": pd.array(month, dtype="string"),
        "previous_outcome": pd.array(np.where(prev == "none", None, prev), dtype="string"),
        "is_repeat": is_repeat,
    })


def test_recontact_drivers_recovers_odds_ratios():
    df = _simulated_contacts()
    out = recontact_drivers(df, reference={"source_group": "health", "age_band": "0-4", "marf": "no"})
    assert list(out.columns) == ["term", "level", "label", "odds_ratio", "ci_low", "ci_high",
                                 "p_value", "q_value", "n", "is_reference"]
    t = out.set_index("label")
    police = t.loc["Source: police vs health"]
    assert police["ci_low"] < 2.0 < police["ci_high"]
    assert t.loc["MARF: yes vs no"]["ci_low"] < 0.5 < t.loc["MARF: yes vs no"]["ci_high"]
    assert t.loc["Age band: 10-15 vs 0-4"]["ci_low"] < 1.5 < t.loc["Age band: 10-15 vs 0-4"]["ci_high"]
    assert t.loc["Source: health (reference)"]["odds_ratio"] == 1.0
    assert t.loc["Source: health (reference)"]["is_reference"]
    assert "MARF: unknown vs no" in t.index
    # "no earlier contact" is never a repeat: left out of the fit and reported
    assert any("Earlier outcome: unknown" in e for e in out.attrs["excluded"])
    assert out.attrs["n"] == int(df["previous_outcome"].notna().sum())
    assert "Time: per 12 months" in t.index
    assert t.loc["Time: per 12 months"]["ci_low"] < 1 < t.loc["Time: per 12 months"]["ci_high"]
    assert t.loc["Source: police vs health"]["n"] == int(
        ((df["source_group"] == "police") & df["previous_outcome"].notna()).sum())
    assert out["p_value"].dropna().between(0, 1).all()


def test_recontact_drivers_optional_terms():
    df = _simulated_contacts().drop(columns=["previous_outcome"])
    out = recontact_drivers(df, age_col=None, month_col=None)
    assert set(out["term"]) == {"source_group", "marf"}
    with pytest.raises(KeyError):
        recontact_drivers(df.drop(columns=["marf"]))


def test_recontact_drivers_leaves_out_a_term_that_determines_the_flag():
    df = _simulated_contacts()
    df["is_repeat"] = df["previous_outcome"].isin(["nfa", "advice"]).fillna(False)
    out = recontact_drivers(df)
    assert "previous_outcome" not in set(out["term"])
    assert any(e.startswith("Earlier outcome: left out") for e in out.attrs["excluded"])
    assert out.attrs["n"] == len(df)
    assert np.isfinite(out.loc[~out["is_reference"], "odds_ratio"]).all()
