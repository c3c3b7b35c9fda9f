"""The IHA measure as the pack frames it (hwb_kpis.report.iha_cohort)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.report import iha_cohort


def iha_rows() -> pd.DataFrame:
    months = pd.period_range("2014-01", "2015-11", freq="M").astype(str)
    den = [10] * len(months)
    num = [2] * 12 + [8] * (len(months) - 12)
    return pd.DataFrame({"kpi": iha_cohort.IHA_KPI, "group": "all", "month": months, "numerator": num,
                         "denominator": den, "rate": [n / d for n, d in zip(num, den, strict=True)],
                         "not_yet_due": [0] * (len(months) - 1) + [4]})


def test_reporting_month_is_the_latest_cohort_all_due():
    iha = pd.DataFrame({"kpi": "iha_within_28_days", "group": "all", "month": ["2015-01", "2015-10", "2015-11"],
                        "numerator": [1, 18, 1], "denominator": [14, 20, 1], "rate": [1 / 14, 0.9, 1.0],
                        "not_yet_due": [0, 0, 8]})
    assert iha_cohort.reporting_month(iha, "2015-11") == "2015-10"
    assert iha_cohort.reporting_month(iha, "2014-12") == "2014-12"  # nothing to quote: the month itself
    assert list(iha_cohort.quotable(iha, "2015-11")["month"]) == ["2015-01", "2015-10"]


def test_its_break_and_limit_words():
    assert iha_cohort.its_break_month("2015-10") == "2015-01" and iha_cohort.its_break_month("2015-02") == "2014-01"
    assert iha_cohort.limit_words("28d") == "within 28 days"
    assert iha_cohort.limit_words("20wd") == "within 20 working days"


def test_iha_chart_is_rebased_at_the_break_up_to_the_quoted_cohort():
    chart = iha_cohort.iha_chart(iha_rows(), "2015-11", label="IHAs on time")
    frame = chart.frame
    assert str(frame["x"].iloc[-1])[:7] == "2015-10"  # November is not all due yet
    assert frame["segment"].nunique() == 2
    assert frame["mean"].iloc[0] < frame["mean"].iloc[-1]
    assert chart.verdict["since"] == "2015-01" and "since January 2015" in chart.sentence
    assert chart.sentence.split(": ")[0].endswith("IHAs on time")
