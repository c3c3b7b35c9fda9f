"""How a page shows things (hwb_kpis.report.display): tables through disclosure control,
declaring their count columns; figures as PNG; sentences as markdown."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from hwb_kpis.privacy import disclosure
from hwb_kpis.report import display


@pytest.fixture
def shown(monkeypatch):
    """What display() received, in order."""
    import IPython.display

    out = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: out.append(obj))
    return out


def counts_declared(html_obj) -> list[str]:
    markup = html_obj.data
    start = markup.index('data-hwb-counts="') + len('data-hwb-counts="')
    return json.loads(markup[start:markup.index('"', start)].replace("&quot;", '"'))


def table():
    return pd.DataFrame({"code": ["3E", "3A", "3C"], "this month": [80, 30, 3], "share": [80 / 113, 30 / 113, 3 / 113]})


def test_publish_suppresses_small_numbers_and_formats():
    out = display.publish(table(), count_columns=["this month"], rate_columns=["share"])
    assert list(out["this month"]) == ["80", "30", "<5"] and list(out["share"]) == ["71%", "27%", "*"]
    internal = display.publish(table(), count_columns=["this month"], rate_columns=["share"], internal=True)
    assert list(internal["this month"]) == ["80", "30", "3"] and internal.loc[2, "share"] == "3%"


def test_show_table_declares_count_columns(shown):
    display.show_table(table(), count_columns=["this month"], rate_columns=["share"])
    assert counts_declared(shown[0]) == ["this month"] and "&lt;5" in shown[0].data
    display.show_published(display.publish(table(), count_columns=["this month"], rate_columns=["share"]))
    assert counts_declared(shown[1]) == ["this month"]


def test_show_published_declares_every_column_but_the_first_by_default(shown):
    display.show_published(pd.DataFrame({"measure": ["a"], "this month": ["<5"], "count": ["12"]}))
    assert counts_declared(shown[0]) == ["this month", "count"]
    display.show_published(display.declare_counts(pd.DataFrame({"month": ["x"], "median": ["4"]}), []))
    assert counts_declared(shown[1]) == []


def test_show_markdown_bullets_and_figure(shown):
    display.show_markdown("")
    assert shown == []
    display.show_markdown("**x**")
    display.show_bullets(["a", "b"])
    assert shown[0].data == "**x**" and shown[1].data == "- a\n- b"
    from matplotlib.figure import Figure

    fig = Figure()
    fig.subplots().plot([1, 2])
    display.show_figure(fig, alt="a line")
    assert shown[2].metadata == {"alt": "a line"} and shown[2].data[:4] == b"\x89PNG"


def test_the_small_number_rule_as_a_page_states_it():
    assert disclosure.rule_clause() == ("a count from 1 to 4 is shown as `<5` and a rate resting on it as `*`; `c` "
                                        "marks a count withheld so that a hidden one cannot be worked out from the "
                                        "others")
