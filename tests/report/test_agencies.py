"""Agencies compared with each other (hwb_kpis.report.agencies)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb_kpis import stats
from hwb_kpis.report import agencies as ag
from hwb_kpis.report.labels import group_label
from tests.report.frames import monthly


def test_funnel_sentence_names_outliers():
    funnel = pd.DataFrame({"label": ["health", "police", "schools", "other"],
                           "flag": ["within", "above 99.8%", "below 99.8%", "below 95%"]})
    s = ag.funnel_sentence(funnel, what="conversion rate")
    assert "well above the average: police" in s and "well below the average: schools" in s
    assert "possibly chance: other agencies" in s and "health" not in s
    funnel["flag"] = "within"
    assert "inside the funnel" in ag.funnel_sentence(funnel)


def test_group_fluctuation_separates_noisy_from_calm_agencies():
    rng = np.random.default_rng(7)
    noisy = monthly("conversion", "police", list(rng.integers(100, 400, 12)), start="2015-01", den=500)
    calm = monthly("conversion", "health", list(rng.binomial(500, 0.5, 12)), start="2015-01", den=500)
    table = ag.group_fluctuation(pd.concat([noisy, calm]), "conversion", "2015-12")
    verdicts = dict(zip(table["group"], table["verdict"], strict=True))
    assert verdicts["police"] == "varies beyond chance"
    s = ag.fluctuation_sentence(table)
    assert "police varied from month to month, around its own trend, more than chance" in s
    assert "The 2 agencies were tested together" in s


def test_largest_groups_keep_the_panels_readable_and_name_the_rest():
    table = pd.DataFrame({"group": [f"g{i}" for i in range(11)], "denominator": [50, 900, *range(100, 1000, 100)]})
    shown, rest = ag.largest_groups(table)
    assert len(shown) == ag.MAX_PANELS == 9 and shown[:2] == ["g1", "g10"]  # largest first
    assert rest == ["g2", "g0"]
    assert ag.largest_groups(table, n=20) == (table.sort_values("denominator", ascending=False)["group"].tolist(), [])
    sentence = ag.left_out_sentence(shown, ["housing", "anonymous"], where="the table below")
    assert sentence.startswith("The chart shows the 9 agencies with the most contacts;")
    assert "are in the table below." in sentence and group_label("housing") in sentence
    assert "is in" in ag.left_out_sentence(shown, ["housing"], where="the table below")
    assert ag.left_out_sentence(shown, [], where="the table below") == ""


def test_funnel_pools_months_and_leaves_out_small_agencies():
    frames = [monthly("conversion", "police", [300] * 12, start="2015-01", den=600),
              monthly("conversion", "health", [100] * 12, start="2015-01", den=400),
              monthly("conversion", "legal", [1] * 12, start="2015-01", den=2)]
    kpi_df = pd.concat(frames, ignore_index=True)
    one = ag.kpi_funnel(kpi_df, "conversion", "2015-12")
    assert list(one["label"]) == ["health", "police"] and one.attrs["left_out"] == ["legal"]
    year = ag.kpi_funnel(kpi_df, "conversion", "2015-12", months=12)
    assert set(year["label"]) == {"health", "legal", "police"}


def test_agency_panels_stack_each_agency_chart():
    kpi_df = pd.concat([monthly("conversion", g, [300] * 24, den=600) for g in ("police", "la_services")])
    panels = ag.agency_panels(kpi_df, "conversion", ["la_services", "police"], "2015-12", start="2015-01")
    assert list(dict.fromkeys(panels["agency"])) == ["LA services", "police"]
    assert len(panels) == 24 and {"x", "y", "mean", "upl"} <= set(panels.columns)


# --- issue 18, defects 1 and 2 ----------------------------------------------------------------------
def test_a_trend_alone_does_not_make_agencies_fluctuate():
    # eleven agencies whose months are binomial around the synthetic conversion trend (31% to 58%
    # over 11 months): main called 5 to 9 of them "varies beyond chance"
    from scipy.special import expit, logit

    rng = np.random.default_rng(18)
    slope = (logit(0.58) - logit(0.31)) / 11
    frames = []
    for i in range(11):
        p = expit(logit(0.31) + slope * np.arange(12) + rng.normal(0, 0.3))
        frames.append(monthly("conversion", f"agency{i}", list(rng.binomial(400, p)), start="2015-01", den=400))
    table = ag.group_fluctuation(pd.concat(frames), "conversion", "2015-12")
    assert len(table) == 11
    assert (table["verdict"] == "varies beyond chance").sum() <= 1
    assert "q_value" in table.columns


@pytest.fixture(scope="module")
def conversion_page():
    from hwb_kpis.report.pages import conversion

    return conversion.load()


def test_the_conversion_funnel_allows_for_over_dispersion(conversion_page):
    # phi is about 50 for 12-month conversion by agency: binomial limits flagged 8 of 11 agencies
    funnel = ag.kpi_funnel(conversion_page.kpi_df, "conversion", conversion_page.judged_month, months=12)
    assert funnel.attrs["phi"] > 10 and funnel.attrs["overdispersed"]
    assert funnel.attrs["method"] == "additive" and funnel.attrs["tau2"] > 0
    assert not funnel["outside"].any()
    binomial = stats.funnel_limits(funnel["numerator"], funnel["denominator"])
    assert binomial["outside"].sum() >= 5  # what main showed
    sentence = ag.funnel_sentence(funnel, what="share progressed to referral")
    assert "allow for that spread" in sentence and "well above" not in sentence and "well below" not in sentence


def test_the_funnel_leaves_out_an_agency_whose_rate_rests_on_a_small_count():
    """An agency at 10 contacts and 40% (4 referrals) is neither drawn nor named."""
    from hwb_kpis.report import plots

    frame = pd.concat([monthly("conversion", "police", [120], start="2015-11", den=400),
                       monthly("conversion", "health", [90], start="2015-11", den=150),
                       monthly("conversion", "housing", [4], start="2015-11", den=10)])
    funnel = ag.kpi_funnel(frame, "conversion", "2015-11")
    assert list(funnel["label"]) == ["health", "police"] and funnel.attrs["not_drawn"] == ["housing"]
    fig = plots.funnel_plot(funnel, title="t", y_label="y", note=ag.funnel_note(funnel))
    drawn = np.vstack([c.get_offsets() for c in fig.axes[0].collections if len(c.get_offsets())])
    assert not any(abs(x - 10) < 1e-9 and abs(y - 0.4) < 1e-9 for x, y in drawn)
    assert "not drawn" in fig.texts[-1].get_text()
