"""Page 02, contacts and sources (hwb_kpis.report.pages.contacts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.report import display
from hwb_kpis.report.pages import contacts as ct
from tests.report.frames import monthly


def test_seasonality_finds_the_dip_and_the_group():
    values = [100] * 24
    values[7] = values[19] = 60  # August
    schools = monthly("contacts", "schools", [v - 50 if v == 60 else 50 for v in values])
    total = monthly("contacts", "all", values)
    profile = ct.seasonal_profile(total)
    by_group = {"schools": ct.seasonal_profile(schools), "police": ct.seasonal_profile(monthly("contacts", "police", [40] * 24))}
    s = ct.seasonality_sentence(profile, "contacts", by_group=by_group)
    assert s.startswith("Contacts are lowest in August") and "deepest for schools" in s
    assert ct.seasonality_title(profile, by_group) == "Contacts by agency: schools dip most in August"


def test_health_breakdown_ranks_services():
    ref = pd.DataFrame({"code": ["3A", "3C", "3E", "6"], "group": ["health", "health", "health", "police"],
                        "label": ["GP", "School nurse", "A&E", "Police"],
                        "health_breakdown": ["GP", "School nurse", "A&E / NHS 111", None]})
    frame = pd.concat([monthly("contacts", "code:3E", [80] * 12), monthly("contacts", "code:3A", [30] * 12),
                       monthly("contacts", "code:3C", [3] * 12)])
    table = ct.health_breakdown(frame, "2014-12", ref)
    assert list(table["code"]) == ["3E", "3A", "3C"]
    assert table.loc[0, "last 12 months"] == 960 and table.loc[2, "this month"] == 3
    s = ct.health_breakdown_sentence(table)
    assert "largest health referrer was A&E / NHS 111 (71% of health contacts)" in s and "smallest was School nurse" in s
    shown = display.publish(table, count_columns=["this month", "last 12 months"], rate_columns=["share this month", "share"],
                            rate_basis={"share this month": ["this month"], "share": ["last 12 months"]})
    assert shown.loc[2, "this month"] == "<5" and shown.loc[2, "share this month"] == "*" and shown.loc[2, "share"] == "3%"


def test_average_and_range_sentences():
    rows = monthly("contacts", "all", [100, 140, 120], start="2015-01")
    assert ct.average_sentence(rows) == ("From January 2015 to March 2015 the front door received on average 120 "
                                         "contacts a month (lowest 100 in January 2015, highest 140 in February 2015).")
    shares = monthly("health_share", "all", [150, 190, 170], start="2015-03")
    assert ct.range_sentence(shares, "the share", start="2015-04") == "Since April 2015, the share has been between 17% and 19% each month."


@pytest.fixture(scope="module")
def page():
    return ct.load()


def test_the_contacts_page_builds_on_the_default_data(page):
    assert page.year_start == "2015-04" and page.since == "2014-04"
    assert page.contacts_chart.frame.attrs["chart"] == "xmr"
    assert [v.label for v in page.contacts_verdicts] == ["Contacts received"]
    assert [(v.kpi, v.group) for v in page.marf_verdicts] == [("marf", "all"), ("marf", "health")]
    assert page.marf_verdicts[1].sentence.startswith("Contacts submitted on a MARF (health): ")
    assert page.health_share_verdicts[0].latest_month == "2015-11"  # a share of all contacts: never maturing
    assert page.average_sentence.startswith("From April 2014 to November 2015 the front door received on average")
    assert page.seasonality_sentence.startswith("Contacts are lowest in ")
    assert page.health_share_range.startswith("Since April 2015, the share of contacts from health has been between")
    assert page.health_breakdown_sentence.startswith("Over the last 12 months the largest health referrer was")
    assert len(page.health_breakdown_table) == 6


def test_a_small_month_is_not_quoted_as_the_lowest():
    """"lowest 3 in December 2015": a month of 3 contacts is fewer than 5 in the sentence."""
    rows = monthly("contacts", "all", [1380, 1481, 3], start="2015-10")
    s = ct.average_sentence(rows)
    assert "lowest fewer than 5 in December 2015" in s and "lowest 3" not in s


def test_no_chart_draws_a_count_from_1_to_4(page):
    """The health services panels (school nurse at 4 in August 2014) and every other figure of the
    page: no point of a count chart is drawn at 1 to 4."""
    for make in (page.health_services_figure, page.agencies_figure, page.contacts_figure):
        fig = make()
        for ax in fig.axes:
            for line in ax.get_lines():
                y = np.asarray(line.get_ydata(), dtype=float)
                assert not ((y >= 1) & (y <= 4)).any(), (make.__name__, ax.get_title())
    assert "not drawn" in page.health_services_figure().texts[-1].get_text()


def test_the_health_breakdown_and_the_health_total_give_no_code_away():
    """August 2014: the school nurse's 4 contacts, beside the month's health total on page 00."""
    from hwb_kpis.privacy.disclosure import published_html
    from hwb_kpis.report.pages import summary
    from tests.privacy.audit import attack_pack

    month = "2014-08"
    contacts = ct.load(month=month)
    assert (contacts.health_breakdown.set_index("code").loc["3C", "this month"]) == 4
    pages = {"00_board_summary.html": published_html(summary.load(month=month).measures_table),
             "02_contacts_and_sources.html": published_html(contacts.health_breakdown_table)}
    assert attack_pack(pages, month) == []
