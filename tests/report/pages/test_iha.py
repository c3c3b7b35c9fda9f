"""Page 05, initial health assessments (hwb_kpis.report.pages.iha)."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb_kpis.report.pages import iha as page_iha


def test_delay_sentence_finds_longest_step():
    steps = pd.DataFrame({"month": ["2015-01", "2015-01", "2015-10", "2015-10"],
                          "step": ["start_to_consent", "notified_to_iha", "start_to_consent", "notified_to_iha"],
                          "median_days": [40.0, 10.0, 5.0, 12.0]})
    s = page_iha.delay_sentence(steps)
    assert "January 2015 the longest step was social care getting consent" in s and "40 days" in s
    assert "October 2015 it was health carrying out the assessment" in s


def test_iha_headline_and_table_respect_small_numbers():
    iha = pd.DataFrame({"kpi": "iha_within_28_days", "group": "all", "month": ["2015-01", "2015-10", "2015-11"],
                        "numerator": [1, 18, 1], "denominator": [14, 20, 1], "rate": [1 / 14, 0.9, 1.0],
                        "not_yet_due": [0, 0, 8]})
    s = page_iha.iha_headline(iha, "2015-11")
    assert s == ("For children who became looked after in October 2015, 90% of initial health assessments were "
                 "completed within 28 days, compared with fewer than 5 of 14 for those who did in January 2015.")
    assert "compared with 7% for those" in page_iha.iha_headline(iha, "2015-11", internal=True)
    table = page_iha.iha_table({"28d": iha, "20wd": iha}, "2015-01", "2015-11")
    assert list(table.columns) == ["month", "children due", "not yet due", "done within 28 days", "% within 28 days",
                                   "done within 20 working days", "% within 20 working days"]
    assert table.loc[0, "% within 28 days"] == "*" and table.loc[1, "% within 28 days"] == "90%"
    marked = page_iha.iha_table({"28d": iha}, "2015-01", "2015-11", maturing=["2015-11"])
    assert list(marked["month"]) == ["January 2015", "October 2015", "November 2015 (still maturing)"]


def test_steps_table_suppresses_medians_on_few_children():
    steps = pd.DataFrame({"month": ["2015-10", "2015-10", "2015-11"], "step": ["start_to_consent", "start_to_iha",
                                                                             "start_to_consent"],
                          "median_days": [12.4, 30.0, 9.0], "n": [10, 3, 0]})
    table = page_iha.iha_steps_table(steps, "2015-10", "2015-11")
    assert list(table.columns) == ["month", "social care getting consent", "the whole process"]
    assert table.iloc[0].tolist() == ["October 2015", "12", "*"]
    assert page_iha.iha_steps_table(steps, "2015-10", "2015-11", internal=True).iloc[0, 2] == "30"


@pytest.fixture(scope="module")
def page():
    return page_iha.load()


def test_the_iha_page_builds_on_the_default_data(page):
    assert page.iha_month == "2015-10" and page.its_break == "2015-01" and page.start == "2014-11"
    assert page.headline.startswith("For children who became looked after in October 2015, 90% of initial health")
    [v] = page.verdicts
    assert v.sentence.startswith("Initial health assessments on time: ")
    assert v.segment_start == "2015-01" and "since the declared change: IHA process redesigned" in v.sentence
    assert page.its_change.month == "2015-01" and "declared for January 2015: " in page.its_note
    assert page.assurance_sentence.startswith("Initial health assessments on time: the target of 90%")
    assert page.cohort_table["month"].iloc[-1] == "November 2015 (still maturing)"
    assert "the share of IHAs done within 28 days from January 2015" in page.its_sentence
    assert page.delay_sentence.startswith("In January 2015 the longest step was")
    assert list(page.steps_table.columns)[0] == "month" and page.steps_table.attrs


def test_the_delay_sentence_quotes_no_median_on_fewer_than_5_children():
    """A median on 3 children ("median 30 days") is neither quoted nor used to find the longest step."""
    steps = pd.DataFrame({"month": ["2015-01", "2015-01", "2015-10", "2015-10"],
                          "step": ["start_to_consent", "notified_to_iha", "start_to_consent", "notified_to_iha"],
                          "median_days": [40.0, 10.0, 30.0, 12.0], "n": [14, 14, 3, 9]})
    s = page_iha.delay_sentence(steps)
    assert "30" not in s and "in October 2015 it was health carrying out the assessment (median 12 days)" in s
    assert "social care getting consent (median 30 days)" in page_iha.delay_sentence(steps, internal=True)
