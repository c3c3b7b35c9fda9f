"""How the pack writes numbers, dates and lists (hwb_kpis.report.words)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.report import words


def test_percent_count_points_months():
    assert words.percent(0.514) == "51%"
    assert words.percent(0.585) == "58%" or words.percent(0.585) == "59%"
    assert words.percent(None) == "n/a"
    assert words.percent(float("nan")) == "n/a"
    assert words.percent("*") == "*"
    assert words.count(1400) == "1,400"
    assert words.count("<5") == "<5"
    assert words.points(-0.031) == "3 points"
    assert words.points(0.01) == "1 point"
    assert words.month_name("2015-11") == "November 2015"
    assert words.shift_month("2015-01", -1) == "2014-12"
    assert words.shift_month("2015-11", -12) == "2014-11"


def test_join_words_and_bullets():
    assert words.join_words(["a", "b", "c"]) == "a, b and c"
    assert words.join_words(["a"]) == "a" and words.join_words([]) == ""
    assert words.bullets(["x", "y"]) == "- x\n- y"


def test_value_text_dates_and_decimals():
    assert words.value_text(0.5, is_rate=True) == "50%" and words.value_text(1400, is_rate=False) == "1,400"
    assert words.fmt_date("2015-11-30") == "30 November 2015" and words.fmt_date(None) == "n/a"
    assert words.decimal(12.345) == "12.3" and words.decimal(16.6, 0) == "17"
    assert words.decimal(float("nan")) == "" and words.decimal(pd.NA) == "" and words.decimal("*") == "*"
