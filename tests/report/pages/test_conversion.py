"""Page 03, contacts progressed to referral (hwb_kpis.report.pages.conversion)."""

from __future__ import annotations

import pytest

from hwb_kpis.report.pages import conversion


@pytest.fixture(scope="module")
def page():
    return conversion.load()


def test_the_conversion_page_builds_on_the_default_data(page):
    assert page.chart.frame.attrs["chart"] in ("p", "laney_p_prime")
    assert [v.label for v in page.verdicts] == ["Contacts progressed to referral",
                                               "Contacts progressed to referral (health)"]
    assert "p-chart" in page.chart_choice_sentence or "p′" in page.chart_choice_sentence
    assert page.judged_month == "2015-10"
    maturing, judged, pending = page.comparison_sentences
    assert maturing.startswith("**Contacts progressed to referral** in November 2015: 58%")
    assert "still maturing" in maturing and "up " not in maturing
    assert judged.startswith("**Contacts progressed to referral** in October 2015: 56%")
    assert pending.startswith("**Contacts still awaiting a decision** in November 2015: 15%")
    assert "The share progressed to referral rose from November 2014 to October 2015" in page.trend_sentence
    assert set(page.fluctuation["verdict"]) <= {"varies beyond chance", "within chance"}
    assert list(page.fluctuation_table.columns) == ["agency", "referrals", "decided contacts", "progressed", "verdict"]
    assert page.fluctuation_sentence.startswith("Over the 12 months to October 2015")
    assert page.funnel_sentence.startswith("For the share progressed to referral in October 2015, ")
