"""The one disclosure step (hwb_kpis.privacy.disclosure): a count, a rate, a median or a chart point,
in a table, a sentence, a chart or a file, published from one status."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis.privacy import disclosure as d


def test_a_plans_statuses_give_the_table_sentence_and_chart_forms():
    plan = d.Decisions({"small": d.SMALL, "kept": d.WITHHELD, "big": d.SHOWN}, {"small": 3, "kept": 40, "big": 1380})
    assert [plan.cell(k) for k in ("small", "kept", "big")] == ["<5", "c", "1,380"]
    assert [plan.words(k) for k in ("small", "kept", "big")] == ["fewer than 5", "not shown", "1,380"]
    assert np.isnan(plan.number("small")) and np.isnan(plan.number("kept")) and plan.number("big") == 1380
    assert plan.rate(0.5, ("big", 1380), ("kept", 40)) == "*" and plan.rate(0.5, ("big", 1380)) == 0.5
    assert plan.rate_words(0.514, ("big", 1380)) == "51%" and plan.rate_words(0.5, ("small", 3)) == "not shown"
    # a count the plan does not hold gets the rule alone; 0 stays 0
    assert plan.cell(None, 2) == "<5" and plan.cell(None, 0) == "0" and plan.words(None, 12) == "12"
    # the page must show the number the plan was made with
    try:
        plan.cell("big", 1381)
    except ValueError as exc:
        assert "1380" in str(exc)
    else:
        raise AssertionError("a different value went unnoticed")
    internal = d.Decisions({"small": d.SMALL}, {"small": 3}, internal=True)
    assert internal.cell("small") == "3" and internal.rate(0.5, ("small", 3)) == 0.5


def test_sentence_helpers_hide_what_rests_on_a_small_count():
    assert d.say_count(3) == "fewer than 5" and d.say_count(1380) == "1,380" and d.say_count(0) == "0"
    assert d.say_rate(1.0, 4, 4) == "not shown" and d.say_rate(0.4, 4, 10) == "not shown"
    assert d.say_rate(0.4, 40, 100) == "40%" and d.say_rate(1.0, 4, 4, internal=True) == "100%"
    assert d.say_statistic("median 7 days", 3) == "not shown" and d.say_statistic("median 7 days", 12) == "median 7 days"


def test_chart_values_leave_out_small_points_and_say_so():
    assert np.isnan(d.chart_values([2, 30, 0])[0]) and list(d.chart_values([2, 30, 0])[1:]) == [30, 0]
    rates = d.chart_values([0.4, 0.5], [4, 50], [10, 100])
    assert np.isnan(rates[0]) and rates[1] == 0.5
    assert list(d.chart_values([2], internal=True)) == [2]
    assert "not drawn" in d.hidden_points_note(2) and d.hidden_points_note(0) == ""


def test_suppress_publishes_a_table_through_a_plan():
    """The function the pack's tables — and any CSV or Excel file it carries — pass through."""
    table = pd.DataFrame({"code": ["3A", "3C", "3F"], "n": [30, 3, 12], "share": [0.67, 0.07, 0.27]})
    plan = d.Decisions({("n", 2): d.WITHHELD}, {("n", 2): 12})
    out = d.suppress(table, count_columns=["n"], rate_columns=["share"], decisions=plan, keys=lambda i, c: (c, i))
    assert list(out["n"]) == ["30", "<5", "c"] and list(out["share"]) == [0.67, "*", "*"]
    assert d.suppress(table, count_columns=["n"], rate_columns=["share"], internal=True).equals(table)
