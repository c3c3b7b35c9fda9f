"""The board pack's words on the default data, against the four defects of issue 17 (each of these
tests fails on the code before it): verdicts across a change, months still maturing, words that
overclaim — and the contradiction between pages (tests/report/test_verdict_pages.py reads the
built pages; tests/report/pages/test_summary.py compares the verdict objects)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from hwb_kpis.report import agencies, trends
from hwb_kpis.report.pages import conversion, summary


@pytest.fixture(scope="module")
def board():
    return summary.load()


@pytest.fixture(scope="module")
def conversion_page():
    return conversion.load()


# --- defect 2: verdicts across a change, without rebasing -----------------------------------------
def test_limits_the_latest_months_do_not_fit_are_not_offered_as_normal_variation(conversion_page):
    chart = conversion_page.chart
    last = chart.frame.tail(6)
    assert (last["y"] > last["upl"]).all()  # the latest months all lie above the upper limit
    assert "within normal variation" not in chart.sentence
    assert not re.search(r"a month between \d+% and \d+%", chart.sentence)
    assert "these limits describe the process before it changed, not a range to expect now" in chart.sentence


def test_a_month_that_fell_or_stood_still_is_not_a_change_for_the_better(board):
    changes = " ".join(board.changes)
    assert "MARF (health)**: 74%, down 1 point" not in changes and "down 1 point" not in changes
    assert "the same as last month" not in changes
    assert "real change" not in changes
    assert "Signals that began earlier and continue (not changes this month)" in changes
    assert "Contacts submitted on a MARF (health) (special cause variation, improving, since February 2015)" in changes


def test_limits_restart_only_at_a_declared_change(board):
    iha = board.verdicts[("iha_within_28_days", "all")]
    assert iha.segment_start == "2015-01" and iha.segment_change.what.startswith("IHA process redesigned")
    undeclared = board.data.verdict(board.iha, "iha_within_28_days")  # the same pack's verdict, once more
    assert undeclared.record() == iha.record()
    from hwb_kpis.report.declared import VerdictRules
    from hwb_kpis.report.kpi_verdicts import kpi_verdict

    real = kpi_verdict(board.iha, "iha_within_28_days", "all", board.month, VerdictRules())
    assert real.frame["segment"].nunique() == 1 and real.segment_change is None  # nothing declared: no rebase


# --- defect 3: months still maturing ---------------------------------------------------------------
def test_no_verdict_or_change_rests_on_a_month_still_maturing(board, conversion_page):
    judged = conversion_page.chart.frame
    assert str(judged["x"].iloc[-1])[:7] == "2015-10"  # November's contacts are not all decided
    sentences = " ".join(conversion_page.comparison_sentences)
    assert "up 15 points from 0%" not in sentences
    assert "awaiting a decision** in November 2015: 17% (229 of 1,380). The month is still maturing" in sentences
    assert "November 2015" not in " ".join(board.changes)
    assert "November 2015 is still maturing" in conversion_page.chart.sentence


# --- defect 4: words that overclaim ----------------------------------------------------------------
def test_the_trend_is_not_extrapolated_and_not_called_real(board, conversion_page):
    for text in (board.threshold_answer, conversion_page.trend_sentence):
        assert "points a year" not in text and "really" not in text
        assert "it is not a forecast" in text


def test_funnel_words_do_not_claim_more_than_the_funnel_shows(board):
    assert "so very unlikely to be chance" not in board.threshold_answer
    inside = pd.DataFrame({"label": ["police", "health"], "flag": ["within", "within"]})
    words = agencies.funnel_sentence(inside, what="repeat rate")
    assert "no bigger than chance would give" not in words and "could be chance alone" in words


def test_an_untested_move_is_not_listed_as_a_change(board):
    changes = " ".join(board.changes)
    assert "47%, up 6 points" not in changes and "Repeat contacts (health)" not in changes


def test_the_log_odds_trend_is_described_by_its_fitted_values():
    rows = pd.DataFrame({"kpi": "conversion", "group": "all", "period": "month",
                         "month": [f"2015-{m:02d}" for m in range(1, 13)], "numerator": [300 + 30 * m for m in range(12)],
                         "denominator": 1000, "rate": 0.0, "incomplete_history": False})
    s = trends.trend_sentence(trends.rate_trend(rows, "conversion", "2015-12"), "conversion")
    assert re.search(r"about 3\d% in the first of these months and 6\d% in the last", s), s


def test_nothing_is_judged_or_compared_without_a_complete_month():
    from hwb_kpis.report.kpi_verdicts import kpi_verdict
    from hwb_kpis.report.verdict import NOT_JUDGED

    one = kpi_verdict(monthly_frame(), "conversion", "all", "2015-11")
    assert one.too_few and one.latest_month is None and list(one.maturing["month"]) == ["2015-11"]
    assert summary.what_changed({("conversion", "all"): one}) == [
        "Too few months are complete to say whether anything changed."]
    assert trends.trend_sentence({"pp_per_month": 0.0, "pp_ci": (0.0, 0.0), "n_months": 1}, "conversion") == (
        "Too few months (1) to estimate a trend in conversion.")
    assert "is not judged and agencies are not compared" in NOT_JUDGED.format(what="conversion")


def monthly_frame() -> pd.DataFrame:
    """One month of conversion whose contacts are 15% pending."""
    return pd.DataFrame({"kpi": ["conversion", "pending"], "group": "all", "period": "month", "month": "2015-11",
                         "numerator": [580, 150], "denominator": [1000, 1000], "rate": [0.58, 0.15],
                         "incomplete_history": False})
