"""What stands beside every chart (hwb_kpis.report.chart_data): its figures as a table that keeps
the small-number rule, and alt text that states the finding and points to that table."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from hwb_kpis.report import chart_data, plots  # noqa: E402
from hwb_kpis.report.display import chart_table_html  # noqa: E402
from hwb_kpis.stats import funnel_limits, km_curves, p_chart, xmr  # noqa: E402

MONTHS = pd.period_range("2014-04", periods=20, freq="M").strftime("%Y-%m").tolist()


def test_an_spc_chart_carries_its_months_with_small_counts_suppressed():
    den = [100] * 19 + [4]  # the last month rests on 4 children: its rate may not be published
    num = [30] * 19 + [3]
    fig = plots.spc_chart(p_chart(num, den, x=MONTHS), title="Repeat contacts: no change", y_label="%",
                          percent=True)
    data = chart_data.of(fig)
    table = data.table
    assert list(table.columns) == ["Month", "Count", "Out of", "Value", "Average", "Lower limit", "Upper limit",
                                   "Status"]
    assert table["Month"].iloc[0] == "Apr 2014" and table["Value"].iloc[0] == "30.0%"
    assert table.iloc[-1][["Count", "Out of", "Value"]].tolist() == ["<5", "<5", "*"]
    assert data.counts == ["Count", "Out of"]
    assert "20 months from Apr 2014 to Nov 2015" in data.summary


def test_a_count_chart_holds_its_counts_to_the_rule():
    fig = plots.spc_chart(xmr([1200, 1300, 1250, 3], x=MONTHS[:4]), title="Contacts", y_label="n")
    table = chart_data.of(fig).table
    assert table["Value"].tolist() == ["1,200", "1,300", "1,250", "<5"]


def test_alt_text_states_the_finding_and_points_to_the_table():
    fig = plots.spc_chart(p_chart([30] * 20, [100] * 20, x=MONTHS), title="Repeat contacts: no change",
                          y_label="%", percent=True)
    alt = chart_data.alt_text(fig)
    assert alt.startswith("Repeat contacts: no change.")  # the finding, from the chart's title
    assert "The latest month is 30.0%" in alt and chart_data.TABLE_NAME in alt
    assert chart_data.alt_text(fig, "Three lines.").startswith("Three lines.")  # a page's own alt text is kept
    assert chart_data.TABLE_NAME in chart_data.alt_text(fig, "Three lines.")


def test_the_table_under_a_chart_is_collapsed_captioned_and_declares_its_counts():
    fig = plots.spc_chart(p_chart([30] * 20, [100] * 20, x=MONTHS), title="Repeat contacts: no change",
                          y_label="%", percent=True)
    html = chart_table_html(fig)
    assert html.startswith('<details class="hwb-chart-data"><summary>') and html.endswith("</details>")
    assert f"<caption>{chart_data.TABLE_NAME}: Repeat contacts: no change</caption>" in html
    assert 'data-hwb-counts="[&quot;Count&quot;, &quot;Out of&quot;]"' in html


def test_every_house_chart_carries_its_figures():
    rng = np.random.default_rng(1)
    frames = [p_chart(rng.binomial(100, 0.3, 20), [100] * 20, x=MONTHS).assign(agency=a) for a in ["A", "B"]]
    funnel = funnel_limits([100, 330, 600], [1000, 1000, 1000], labels=["low", "mid", "high"])
    episodes = pd.DataFrame({"duration_days": rng.integers(1, 400, 60), "event": rng.integers(0, 2, 60),
                             "group": ["x", "y"] * 30})
    drivers = pd.DataFrame({"label": ["a", "b"], "odds_ratio": [1.5, 0.9], "ci_low": [1.2, 0.7],
                            "ci_high": [1.9, 1.1], "is_reference": [False, False]})
    figures = {
        "funnel": plots.funnel_plot(funnel, title="t", y_label="y"),
        "small multiples": plots.small_multiples(pd.concat(frames), x="x", y="y", group="agency", title="t",
                                                 y_label="y", percent=True),
        "bars": plots.before_after_bars(pd.DataFrame({"g": ["a", "b"], "b": [3, 40], "a": [10, 50]}), group="g",
                                        before="b", after="a", title="t", y_label="y"),
        "survival": plots.km_plot(km_curves(episodes), title="t"),
        "odds ratios": plots.odds_ratio_plot(drivers, title="t"),
    }
    for name, fig in figures.items():
        data = chart_data.of(fig)
        assert data is not None and len(data.table) and data.summary, name
    assert chart_data.of(figures["funnel"]).table["Agency"].tolist() == ["low", "mid", "high"]
    assert "Outside the funnel: low (below) and high (above)." in chart_data.of(figures["funnel"]).summary
    bars = chart_data.of(figures["bars"]).table
    assert bars.iloc[0].tolist() == ["a", "<5", "10"]  # a count of 3 is not published
    assert list(chart_data.of(figures["small multiples"]).table.columns) == ["Month", "A", "B"]
