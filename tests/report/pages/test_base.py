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


# --- what the extract cannot show ----------------------------------------------------------------
from hwb_kpis.report.pages.base import needs  # noqa: E402
from hwb_kpis.report.unavailable import Unavailable  # noqa: E402

NO_MARF = {"kpis": {"available": ["contacts", "conversion"],
                    "unavailable": {"marf": "Annex A List 1 does not say whether a contact came on a MARF"}},
           "derivations": [{"table": "contacts", "column": "outcome", "note": "Outcomes linked within {link_days} days."},
                           {"table": "looked_after", "column": "iha_date", "note": "never shown here"}],
           "link_days": 9}


class _Page(BasePage):
    MEASURES = ("contacts", "marf", "conversion")
    computed = 0

    @needs("marf")
    def marf_figure(self):
        _Page.computed += 1
        return "a figure"

    @property
    @needs("marf", quiet=True)
    def marf_sentence(self) -> str:
        _Page.computed += 1
        return "a sentence"

    @property
    @needs("conversion")
    def conversion_sentence(self) -> str:
        return "Conversion was 50%."


def test_a_member_the_extract_cannot_give_computes_nothing_and_says_why():
    page = _Page(PageData("2015-11", {"summary": NO_MARF}, pd.Timestamp("2015-11-30")))
    first, second, quiet = page.marf_figure(), page.marf_figure(), page.marf_sentence
    assert _Page.computed == 0 and not first and list(first) == [first] and len(first) == 0
    assert first.markdown == ("*Contacts submitted on a MARF cannot be shown from this extract: Annex A List 1 does "
                              "not say whether a contact came on a MARF.*")
    assert second.markdown == "*Contacts submitted on a MARF: not in this extract (see above).*"
    assert quiet.markdown == ""
    assert page.conversion_sentence == "Conversion was 50%."
    assert page.can_show("contacts") and not page.can_show("contacts", "marf")


def test_the_top_of_the_page_lists_what_it_cannot_show_and_how_figures_were_derived():
    page = _Page(PageData("2015-11", {"summary": NO_MARF}, pd.Timestamp("2015-11-30")))
    assert page.cannot_show == ["Contacts submitted on a MARF cannot be shown from this extract: Annex A List 1 does "
                                "not say whether a contact came on a MARF."]
    assert page.derivations == ["Outcomes linked within 9 days."]  # IHA is not on this page
    assert page.extract_note.startswith("**What this extract cannot show on this page**\n\n- Contacts submitted")
    assert "**How some figures were worked out**\n\n- Outcomes linked within 9 days." in page.extract_note
    full = {"kpis": {"available": ["contacts", "marf", "conversion"], "unavailable": {}}}
    assert _Page(PageData("2015-11", {"summary": full}, pd.Timestamp("2015-11-30"))).extract_note == ""


def test_display_shows_the_reason_in_place_of_a_figure_table_or_sentences(monkeypatch):
    import IPython.display

    from hwb_kpis.report import display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj.data))
    gap = Unavailable("Initial health assessments on time", "the list has no date of the initial assessment")
    for show in (display.show_figure, display.show_published, display.show_markdown, display.show_bullets):
        show(gap)
    assert shown == [gap.sentence] * 4
    display.show_markdown(Unavailable("x", "y", quiet=True))
    assert len(shown) == 4
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
