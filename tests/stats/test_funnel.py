"""Funnel-plot limits (hwb_kpis.stats.funnel): binomial quantiles, interpolation, flags and
over-dispersion."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from hwb_kpis.stats import binomial_limit, funnel_curve, funnel_limits


def test_funnel_limits_are_binomial_quantiles():
    num, den = [10, 30, 50, 80, 5], [100, 200, 300, 400, 60]
    p0 = 175 / 1060
    raw = funnel_limits(num, den, interpolate=False)
    for i, n in enumerate(den):
        assert raw["upper_95"].iloc[i] == sps.binom.ppf(0.975, n, p0) / n
        assert raw["lower_95"].iloc[i] == sps.binom.ppf(0.025, n, p0) / n
        assert raw["upper_99_8"].iloc[i] == sps.binom.ppf(0.999, n, p0) / n
        assert raw["lower_99_8"].iloc[i] == sps.binom.ppf(0.001, n, p0) / n
    assert raw["upper_95"].iloc[0] == 0.24  # 24 of 100 at p0 = 16.5%
    smooth = funnel_limits(num, den)
    for i, n in enumerate(den):  # Spiegelhalter's interpolation between binomial steps
        r = sps.binom.ppf(0.975, n, p0)
        a = (sps.binom.cdf(r, n, p0) - 0.975) / (sps.binom.cdf(r, n, p0) - sps.binom.cdf(r - 1, n, p0))
        assert smooth["upper_95"].iloc[i] == pytest.approx((r - a) / n)
        assert (r - 1) / n <= smooth["upper_95"].iloc[i] <= r / n
    assert smooth.attrs["pooled"] == pytest.approx(p0)
    assert smooth["pooled"].iloc[0] == pytest.approx(0.165094, abs=1e-6)


def test_funnel_flags():
    df = funnel_limits([10, 60, 50, 80, 5], [100, 200, 300, 400, 60], labels=list("abcde"))
    flags = dict(zip(df["label"], df["flag"], strict=True))
    # pooled 205/1060 = 19.3%: a 10% of 100 below 99.8%? lower_99_8(100) ~ 9.5%, lower_95 ~ 12%
    assert flags["a"] == "below 95%"
    assert flags["b"] == "above 99.8%"  # 30% of 200
    assert flags["c"] == "within"
    assert df.loc[df["label"] == "b", "outside"].item()
    assert not df.loc[df["label"] == "a", "outside"].item()


def test_funnel_overdispersion_phi():
    num = np.array([15, 90, 20, 150, 45])
    den = np.array([100, 200, 100, 300, 150])
    p0 = num.sum() / den.sum()
    z = (num / den - p0) / np.sqrt(p0 * (1 - p0) / den)
    df = funnel_limits(num, den, overdispersion=True, winsorise=0)
    assert df.attrs["phi"] == pytest.approx(float(np.mean(z**2)))
    phi = df.attrs["phi"]
    assert phi > 1 and df.attrs["phi_used"] == phi
    half = 1.959964 * math.sqrt(phi * p0 * (1 - p0) / 100)
    assert df["upper_95"].iloc[0] == pytest.approx(p0 + half, abs=1e-6)
    plain = funnel_limits(num, den, winsorise=0)
    assert plain.attrs["phi_used"] == 1.0
    assert (df["upper_99_8"] > plain["upper_99_8"]).all()


def test_funnel_curve_matches_point_limits():
    curve = funnel_curve(0.2, 500, n_min=10)
    row = curve[curve["n"] == 100].iloc[0]
    assert row["upper_95"] == pytest.approx(float(binomial_limit(0.2, 100, 0.975)))
    assert curve["n"].is_monotonic_increasing
    assert (curve["upper_99_8"] >= curve["upper_95"]).all()


def test_funnel_additive_tau2_follows_spiegelhalter():
    num = np.array([15, 90, 20, 150, 45])
    den = np.array([100, 200, 100, 300, 150])
    p0 = num.sum() / den.sum()
    df = funnel_limits(num, den, overdispersion="additive", winsorise=0)
    phi, k = df.attrs["phi"], 5
    w = den / (p0 * (1 - p0))
    tau2 = (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum())
    assert df.attrs["tau2"] == pytest.approx(tau2) and tau2 > 0
    assert df.attrs["method"] == "additive" and df.attrs["phi_used"] == 1.0
    s2 = p0 * (1 - p0) / den
    assert df["upper_95"].to_numpy() == pytest.approx(np.clip(p0 + 1.959964 * np.sqrt(s2 + tau2), 0, 1), abs=1e-6)
    assert df["z_adjusted"].to_numpy() == pytest.approx((num / den - p0) / np.sqrt(s2 + tau2))
    assert df["q_value"].notna().all() and (df["q_value"] >= df["p_value"] - 1e-12).all()


def test_funnel_auto_uses_the_allowance_only_when_over_dispersed():
    rng = np.random.default_rng(2)
    den = np.array([200, 400, 800, 1600, 300, 900, 1200, 500, 700, 1000, 250])
    calm = funnel_limits(rng.binomial(den, 0.4), den, overdispersion="auto")
    assert calm.attrs["method"] == "none" and calm.attrs["tau2"] == 0
    p = np.clip(0.4 + rng.normal(0, 0.08, len(den)), 0.05, 0.95)
    spread = funnel_limits(rng.binomial(den, p), den, overdispersion="auto")
    assert spread.attrs["overdispersed"] and spread.attrs["method"] == "additive" and spread.attrs["tau2"] > 0
    with pytest.raises(ValueError):
        funnel_limits([1, 2], [10, 10], overdispersion="sideways")
