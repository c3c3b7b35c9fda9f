"""The IHA measure as the pack frames it (hwb_kpis.report.iha_cohort)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.report import iha_cohort
from hwb_kpis.report.declared import Change, VerdictRules


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


def test_its_break_is_the_declared_change_else_the_start_of_the_year():
    assert iha_cohort.its_break_month("2015-10") == "2015-01" and iha_cohort.its_break_month("2015-02") == "2014-01"
    assert iha_cohort.its_break(VerdictRules(), "2015-10") == ("2015-01", None)
    redesign = Change(iha_cohort.IHA_KPI, "2014-09", "consent at placement")
    rules = VerdictRules(changes=(redesign, Change("conversion", "2015-03", "not IHA")))
    assert iha_cohort.its_break(rules, "2015-10", first="2014-01") == ("2014-09", redesign)
    assert iha_cohort.its_break(rules, "2014-08") == ("2014-01", None)  # declared after the month
    assert iha_cohort.limit_words("28d") == "within 28 days"
    assert iha_cohort.limit_words("20wd") == "within 20 working days"


def test_a_cohort_with_a_few_children_not_yet_due_is_quoted_under_a_looser_share():
    iha = iha_rows()
    iha.loc[iha.index[-2], "not_yet_due"] = 1  # 1 of 11: 9% not yet due
    assert iha_cohort.reporting_month(iha, "2015-11") == "2015-09"
    assert iha_cohort.reporting_month(iha, "2015-11", share=0.1) == "2015-10"
