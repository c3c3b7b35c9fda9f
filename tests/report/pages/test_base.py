"""What every page stands on (hwb_kpis.report.pages.base)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis import kpis
from hwb_kpis.report.pages.base import BasePage, PageData, data_note


def test_data_note_names_extract_date_and_synthetic_data():
    summary = {"extract_date": "2015-11-30", "synthetic": True}
    assert data_note(summary, pd.Timestamp("2015-11-30")) == (
        "Figures from the case-management extract up to 30 November 2015 — **synthetic data, not real children**.")
    assert "judged as at 31 October 2015" in data_note(summary, "2015-10-31")
    assert data_note({"extract_date": "2015-11-30", "synthetic": False}) == (
        "Figures from the case-management extract up to 30 November 2015.")


def test_banner_month_and_date_of_a_page():
    data = PageData("2015-11", {"summary": {"extract_date": "2015-11-30"}}, pd.Timestamp("2015-11-30"))
    page = BasePage(data)
    assert page.banner == ""
    assert "INTERNAL" in BasePage(PageData("2015-11", {}, pd.Timestamp("2015-11-30"), internal=True)).banner
    assert page.month_words == "November 2015" and page.as_of_text == "30 November 2015"
    assert page.data_note == "Figures from the case-management extract up to 30 November 2015."


def test_monthly_kpis_stop_at_the_page_month(monkeypatch):
    rows = pd.DataFrame({"kpi": ["contacts"] * 3, "period": ["month", "month", "year"],
                         "month": ["2015-10", "2015-12", "2014/15"]})
    seen = {}
    monkeypatch.setattr(kpis, "kpi_table", lambda tables, **options: seen.update(options) or rows)
    data = PageData("2015-11", {}, pd.Timestamp("2015-11-30"))
    assert list(data.kpis(view="recorded")["month"]) == ["2015-10"]
    assert seen == {"view": "recorded"}


def test_every_page_judges_with_the_packs_rules(tmp_path):
    from hwb_kpis.report.pages.base import load_data

    demo = load_data("2015-11")  # the default (synthetic) data: the demo's example declarations
    assert demo.rules.changes_origin.kind == "demo" and demo.rules.targets
    own = tmp_path / "settings"
    own.mkdir()
    (own / "changes.yml").write_text("changes: []\n", encoding="utf-8")
    mine = load_data("2015-11", settings_dir=own, maturing_share=0.2)
    assert mine.rules.changes == () and mine.rules.changes_origin.kind == "settings"
    assert mine.rules.targets_origin.kind == "demo" and mine.rules.maturing_share == 0.2
    v = mine.verdict(mine.kpis(), "conversion", "health")
    assert v.label == "Contacts progressed to referral (health)" and v.latest_month == "2015-11"  # 15% <= 20%
    iha = demo.verdict(demo.iha("28d"), "iha_within_28_days")
    assert iha.segment_start == "2015-01" and iha.target.value == 0.9
