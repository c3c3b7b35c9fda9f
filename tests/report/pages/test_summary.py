"""Page 00, the board summary (hwb_kpis.report.pages.summary)."""

from __future__ import annotations

import pytest

from hwb_kpis.report import verdict
from hwb_kpis.report.pages import iha, summary
from tests.report.frames import kpi_frame


def test_what_changed_lists_moves_and_signals():
    frame = kpi_frame()
    items = [("repeat_contacts", "all"), ("contacts", "all")]
    moved = summary.what_changed(frame, items, "2015-11", points_threshold=1, count_threshold=0.05)
    assert moved[0] == "**Repeat contacts**: 51%, up 1 point from 50% last month."
    assert moved[1].startswith("**Contacts received**: 1,400, down 120")
    signal = {"key": "concern", "icon": "🟠", "words": "a concern"}
    flagged = summary.what_changed(frame, items[:1], "2015-11", {items[0]: signal})
    assert flagged == ["**Repeat contacts**: 51%, up 1 point from 50% last month — 🟠 a concern."]
    calm = summary.what_changed(frame, items[:1], "2015-11", {items[0]: {"key": "common_cause"}})
    assert calm == [f"No measure moved by 3 points or more since last month, and {verdict.NO_SIGNAL_CLAUSE}: "
                    "the differences are within normal variation."]


@pytest.fixture(scope="module")
def page():
    return summary.load()


def test_the_summary_builds_on_the_default_data(page):
    table = page.measures_table
    assert len(table) == len(summary.ITEMS)
    assert page.iha_month == "2015-10"
    assert table["measure"].iloc[-1] == "Initial health assessments on time (October 2015)"
    shown = " ".join(table.astype(str).to_numpy().ravel())
    for figure in ["34%", "74%", "58%", "51%", "47%", "90%"]:  # the seed report's figures
        assert figure in shown
    assert page.month_heading == "## November 2015"
    assert "`<5`" in page.table_note and "within 28 days" in page.iha_note
    assert len(page.verdict_sentences) == len(summary.ITEMS)
    assert page.changes and all(line.startswith("**") or line.startswith("No measure") for line in page.changes)
    assert page.commissioning_answer.startswith("In November 2015, health services sent 17% of all contacts.")
    assert "conversion" in page.threshold_answer and page.feedback_answer.startswith("In November 2015, ")


def test_the_summary_and_the_iha_page_give_one_verdict(page):
    """The summary judges IHA timeliness on the IHA page's own chart: same mean, limits and verdict."""
    detail = iha.load()
    mine = page.charts[("iha_within_28_days", "all")].verdict
    theirs = detail.chart.verdict
    for key in ("key", "mean", "lpl", "upl", "since", "n_points"):
        assert mine[key] == theirs[key], key
    assert "since January 2015" in page.verdict_sentences[-1]


def test_what_changed_on_a_month_of_3_contacts_gives_no_count_away():
    """"Contacts received: 3, down 1,377": neither the count nor the change from last month."""
    from tests.report.frames import monthly

    frame = monthly("contacts", "all", [1380, 3], start="2015-11")
    signal = {("contacts", "all"): {"key": "concern", "icon": "🟠", "words": "a concern"}}
    moved = summary.what_changed(frame, [("contacts", "all")], "2015-12", signal)
    assert moved == ["**Contacts received**: fewer than 5 — 🟠 a concern."]


def test_the_commissioning_answer_gives_no_share_of_a_small_count():
    """10 contacts, 4 from health all on a MARF: not "health services sent 40% of all contacts",
    nor "100% of health contacts came on a MARF"."""
    import pandas as pd

    from hwb_kpis.report.pages.base import PageData
    from tests.kpis.fixtures import make_contacts, make_looked_after

    rows = [(f"h{i}", "2015-12-0" + str(1 + i), "referral", "3A", "3A", True) for i in range(4)]
    rows += [(f"p{i}", "2015-12-0" + str(1 + i % 9), "nfa", "6", "6", False) for i in range(6)]
    rows += [(f"q{i}", "2015-11-1" + str(i), "nfa", "6", "6", False) for i in range(9)]
    tables = {"contacts": make_contacts(rows), "looked_after": make_looked_after([("x", "2015-06-01", "2015-06-20")]),
              "summary": {"extract_date": "2015-12-09"}}
    page = summary.SummaryPage(PageData("2015-12", tables, pd.Timestamp("2015-12-09")), view="recoded",
                               lookback_days=365, iha_limit="28d")
    answer = page.commissioning_answer
    assert "40%" not in answer and "100%" not in answer and "not shown" in answer
    table = page.measures_table.set_index("measure")
    assert table.loc["Share of contacts from health", "this month"] == "*"
    assert table.loc["Share of contacts from health", "count"] == "<5"
