"""This month against last month and the same month last year (hwb_kpis.report.comparisons)."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb_kpis.report import comparisons as cmp
from tests.report.frames import kpi_frame, monthly


def test_compare_periods_rate_kpi():
    comp = cmp.compare_periods(kpi_frame(), "repeat_contacts", "all", "2015-11")
    assert list(comp.index) == list(cmp.PERIODS)
    assert list(comp["month"]) == ["2015-11", "2015-10", "2014-11"]
    assert comp.attrs["is_rate"]
    assert comp.loc["this month", "value"] == pytest.approx(0.51)
    sentence = cmp.comparison_sentence(comp)
    assert "51%" in sentence and "714 of 1,400" in sentence
    assert "up 1 point from 50% last month" in sentence
    assert "up 5 points from 46% in November 2014" in sentence


def test_compare_periods_count_kpi_and_missing_month():
    comp = cmp.compare_periods(kpi_frame(), "contacts", "all", "2015-11")
    assert not comp.attrs["is_rate"]
    assert comp.loc["this month", "value"] == 1400
    s = cmp.comparison_sentence(comp)
    assert "1,400" in s and "down 120" in s and "up 50" in s
    missing = cmp.compare_periods(kpi_frame(), "repeat_contacts", "all", "2015-10")
    assert pd.isna(missing.loc["last month", "value"])
    assert "no comparable figure last month" in cmp.comparison_sentence(missing)


def test_change_sentence_rounds_as_printed():
    # 50.4% and 49.6% both print as 50%: the board would see no change
    assert cmp.change_sentence(0.504, 0.496) == "the same as last month (50%)"
    assert cmp.change_sentence(0.58, 0.55) == "up 3 points from 55% last month"
    assert cmp.change_sentence(0.40, 0.45, previous_label="a year ago") == "down 5 points from 45% a year ago"
    assert cmp.change_sentence(1300, 1400, is_rate=False).startswith("down 100, 7% from 1,400")


def test_comparison_table_suppresses_small_numbers():
    frame = kpi_frame()
    frame = pd.concat([frame, pd.DataFrame([
        {"kpi": "iha_within_28_days", "group": "all", "month": "2015-11", "numerator": 1, "denominator": 1, "rate": 1.0},
        {"kpi": "iha_within_28_days", "group": "all", "month": "2015-10", "numerator": 18, "denominator": 20, "rate": 0.9},
    ])], ignore_index=True)
    items = [("repeat_contacts", "all"), ("contacts", "all"), ("iha_within_28_days", "all"), ("nope", "all")]
    table = cmp.comparison_table(frame, items, "2015-11")
    assert list(table.columns) == ["measure", *cmp.PERIODS, "count", "out of"]
    assert list(table["measure"]) == ["Repeat contacts", "Contacts received", "Initial health assessments on time"]
    row = table.set_index("measure")
    assert row.loc["Repeat contacts", "this month"] == "51%" and row.loc["Repeat contacts", "count"] == "714"
    assert row.loc["Contacts received", "this month"] == "1,400" and row.loc["Contacts received", "out of"] == ""
    assert row.loc["Initial health assessments on time", "this month"] == "*"
    assert row.loc["Initial health assessments on time", "count"] == "<5"
    assert row.loc["Initial health assessments on time", "last month"] == "90%"
    internal = cmp.comparison_table(frame, items, "2015-11", internal=True).set_index("measure")
    assert internal.loc["Initial health assessments on time", "this month"] == "100%"
    own = cmp.comparison_table(frame, items, "2015-11", month_for={("iha_within_28_days", "all"): "2015-10"})
    assert own["measure"].iloc[-1] == "Initial health assessments on time (October 2015)"
    assert own["this month"].iloc[-1] == "90%"


def test_comparison_sentence_hides_small_numbers():
    frame = pd.DataFrame([{"kpi": "marf", "group": "all", "month": "2015-11", "numerator": 2, "denominator": 3,
                           "rate": 2 / 3}])
    comp = cmp.compare_periods(frame, "marf", "all", "2015-11")
    assert "fewer than 5" in cmp.comparison_sentence(comp)
    assert "67%" in cmp.comparison_sentence(comp, internal=True)


def test_compare_periods_treats_incomplete_history_as_no_figure():
    frame = monthly("repeat_contacts", "all", [140] * 13, start="2013-05")
    frame.loc[:10, "incomplete_history"] = True
    comp = cmp.compare_periods(frame, "repeat_contacts", "all", "2014-05")
    assert pd.isna(comp.loc["same month last year", "value"]) and not pd.isna(comp.loc["this month", "value"])
    assert "no comparable figure in May 2013" in cmp.comparison_sentence(comp)


def test_compare_items_skips_absent_measures_and_gives_own_months():
    items = [("repeat_contacts", "all"), ("contacts", "health")]
    found = list(cmp.compare_items(kpi_frame(), items, "2015-11", {("repeat_contacts", "all"): "2015-10"}))
    assert [(k, g, m) for k, g, m, _ in found] == [("repeat_contacts", "all", "2015-10")]
    assert found[0][3].loc["this month", "month"] == "2015-10"
