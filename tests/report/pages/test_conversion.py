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
    assert judged.startswith("**Contacts progressed to referral** in October 2015: 57%")
    assert pending.startswith("**Contacts still awaiting a decision** in November 2015: 17%")
    assert "The share progressed to referral rose from November 2014 to October 2015" in page.trend_sentence
    assert set(page.fluctuation["verdict"]) <= {"varies beyond chance", "within chance"}
    assert list(page.fluctuation_table.columns) == ["agency", "referrals", "decided contacts", "progressed", "verdict"]
    assert page.fluctuation_sentence.startswith("Over the 12 months to October 2015")
    # agencies over-dispersed: the additive funnel, said on the page (issue 18), with nobody beyond it
    assert "share progressed to referral in October 2015" in page.funnel_sentence
    assert "allow for that spread" in page.funnel_sentence


@pytest.fixture(scope="module")
def three_contacts(tmp_path_factory):
    """A year of synthetic history, then a month (December 2015) with three contacts."""
    from hwb_kpis.demo import write_extract

    mp = pytest.MonkeyPatch()
    mp.setenv("HWB_KPIS_PSEUDONYM_KEY", "three-contacts-key-000001")
    base = tmp_path_factory.mktemp("three")
    raw = base / "raw"
    write_extract(raw, start="2014-12", end="2015-11", scale=0.3, echo=lambda m: None)
    with open(raw / "contacts.csv", "a", encoding="utf-8") as fh:
        for i, (code, outcome) in enumerate([("3E", "referral"), ("2A", "nfa"), ("6", "advice")]):
            fh.write(f"DEC{i},DECCHILD{i},2015-12-0{i + 1},{code},,,,Y,{outcome},2015-12-0{i + 1},,\n")
    yield conversion.load(month="2015-12", processed_dir=str(base / "processed"), raw_dir=str(raw))
    mp.undo()


def test_a_month_with_three_contacts_builds(three_contacts):
    # the defect: page 03 crashed (IndexError) on a month with 3 contacts: no agency reached the
    # funnel plot's minimum, and its figure read the first row of an empty table
    page = three_contacts
    assert page.funnel.empty
    assert page.funnel_figure() is not None and page.agencies_figure() is not None
    assert page.funnel_sentence and page.chart.sentence and page.fluctuation_sentence
