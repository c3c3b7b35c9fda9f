"""Is a rate really changing over time, in words (hwb_kpis.report.trends)."""

from __future__ import annotations

import numpy as np

from hwb_kpis.report import trends
from tests.report.frames import monthly


def test_trend_sentences_never_extrapolate():
    rising = trends.trend_sentence({"pp_per_month": 0.5, "pp_ci": (0.3, 0.7), "n_months": 20}, "conversion")
    assert rising.startswith("**Conversion rose over 20 months:**") and "0.5 percentage points a month" in rising
    assert "0.3 to 0.7" in rising and "it is not a forecast" in rising
    assert "a year" not in rising and "really" not in rising
    falling = trends.trend_sentence({"pp_per_month": -0.5, "pp_ci": (-0.7, -0.3), "n_months": 20,
                                     "odds_ratio": 0.97, "or_ci": (0.96, 0.98)}, "conversion")
    assert "fell" in falling and "the odds fell by about 3% a month (95% interval 2% to 4%)" in falling
    flat = trends.trend_sentence({"pp_per_month": 0.1, "pp_ci": (-0.1, 0.3), "n_months": 20}, "conversion")
    assert "No clear trend" in flat
    assert trends.trend_sentence({"sentence": "Too few months."}) == "Too few months."


def test_its_sentence_step_without_slope_change():
    its = {"level_change_pp": 35.0, "level_pp_ci": (20.0, 50.0), "slope_change": 1.01, "slope_ci": (0.95, 1.07)}
    s = trends.its_sentence(its, measure="IHAs on time", at="2015-04")
    assert s.startswith("IHAs on time jumped up by about 35 percentage points from April 2015 (95% interval 20 to 50)")
    assert "did not clearly change" in s


def test_its_sentence_reads_step_and_slope():
    its = {"level_change_pp": 2.0, "level_pp_ci": (-7.0, 11.0), "slope_change": 1.84, "slope_ci": (1.55, 2.17)}
    s = trends.its_sentence(its, measure="the share done on time", at="2015-01")
    assert s.startswith("There is no clear step in the share done on time from January 2015")
    assert "Instead, the trend improved month by month after it: the odds changed by +84% a month" in s


def test_rate_trend_fits_the_last_twelve_months():
    rng = np.random.default_rng(5)
    rising = monthly("conversion", "all", [int(v) for v in rng.binomial(1000, np.linspace(0.3, 0.6, 24))])
    trend = trends.rate_trend(rising, "conversion", "2015-12")
    assert trend.n_months == 12 and trend.pp_ci[0] > 0 and (trend.first, trend.last) == ("2015-01", "2015-12")
    s = trends.trend_sentence(trend, "conversion")
    fitted = list(trend.result.result.fittedvalues)
    assert s.startswith("**Conversion rose from January 2015 to December 2015:** the trend model puts it at about "
                        f"{fitted[0]:.0%} in the first of these months and {fitted[-1]:.0%} in the last")
    assert "points a year" not in s
