"""Page 03, contacts progressed to referral (hwb_kpis.report.pages.conversion)."""

from __future__ import annotations

import pytest

from hwb_kpis.report.pages import conversion


@pytest.fixture(scope="module")
def page():
    return conversion.load()


def test_the_conversion_page_builds_on_the_default_data(page):
    assert page.chart.frame.attrs["chart"] in ("p", "laney_p_prime")
    assert page.chart_sentence.split(": ")[0].endswith("Contacts progressed to referral")
    assert "p-chart" in page.chart_choice_sentence or "p′" in page.chart_choice_sentence
    first, pending = page.comparison_sentences
    assert first.startswith("**Contacts progressed to referral** in November 2015: 58%")
    assert pending.startswith("**")
    assert "the share progressed to referral" in page.trend_sentence
    assert set(page.fluctuation["verdict"]) <= {"varies beyond chance", "within chance"}
    assert list(page.fluctuation_table.columns) == ["agency", "referrals", "decided contacts", "progressed", "verdict"]
    assert page.fluctuation_sentence.startswith("Over the last 12 months")
    assert page.funnel_sentence.startswith("For the share progressed to referral in November 2015, ")
