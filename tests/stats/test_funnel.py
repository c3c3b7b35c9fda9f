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
