"""What changed since last month's pack (hwb_kpis.report.revisions, hwb_kpis.report.kpi_tables):
each pack keeps its published KPI table, and the next compares with it."""

from __future__ import annotations

import json

import pandas as pd

from hwb_kpis.report import kpi_tables, revisions


def kpi_frame(rows) -> pd.DataFrame:
    return pd.DataFrame([{"kpi": k, "group": g, "month": m, "period": "month", "numerator": n, "denominator": d,
                          "rate": n / d if d else float("nan")} for k, g, m, n, d in rows])


OCTOBER = kpi_frame([
    ("contacts", "all", "2015-09", 1400, 1400), ("contacts", "all", "2015-10", 1450, 1450),
    ("repeat_contacts", "all", "2015-10", 700, 1450), ("repeat_contacts", "housing", "2015-10", 3, 40),
])
NOVEMBER = kpi_frame([
    ("contacts", "all", "2015-09", 1400, 1400), ("contacts", "all", "2015-10", 1457, 1457),  # late recording
    ("repeat_contacts", "all", "2015-10", 703, 1457), ("repeat_contacts", "housing", "2015-10", 4, 41),
    ("contacts", "all", "2015-11", 1380, 1380),
])


def test_the_published_table_keeps_the_small_number_rule():
    published = kpi_tables.published_kpis(NOVEMBER, "2015-11")
    housing = published[published["group"] == "housing"].iloc[0]
    assert (housing["numerator"], housing["denominator"], housing["rate"]) == ("<5", 41, "*")
    assert published["month"].max() == "2015-11"
    assert kpi_tables.published_kpis(NOVEMBER, "2015-10")["month"].max() == "2015-10"
    internal = kpi_tables.published_kpis(NOVEMBER, "2015-11", internal=True)
    assert internal[internal["group"] == "housing"]["numerator"].iloc[0] == 4


def test_a_pack_keeps_its_table_and_the_next_one_finds_what_moved(tmp_path):
    october = tmp_path / "2015-10"
    october.mkdir()
    kpi_tables.write_pack_kpis(kpi_tables.published_kpis(OCTOBER, "2015-10"), october, month="2015-10",
                               summary={"extract_date": "2015-10-31"}, internal=False, synthetic=True)
    assert json.loads((october / "pack.json").read_text())["extract_date"] == "2015-10-31"
    found = revisions.against_previous_pack(kpi_tables.published_kpis(NOVEMBER, "2015-11"), "2015-11", tmp_path)
    assert found.found and found.previous_extract == "2015-10-31"
    moved = set(zip(found.table["kpi"], found.table["group"], found.table["month"], strict=True))
    # October's contacts and repeat rate moved; housing's count is <5 both times (not a visible revision);
    # September did not move; November is new, not a revision
    assert moved == {("contacts", "all", "2015-10"), ("repeat_contacts", "all", "2015-10"),
                     ("repeat_contacts", "housing", "2015-10")}  # its denominator moved from 40 to 41
    assert found.count == 3 and found.moved("contacts", "all", "2015-10")
    assert not found.moved("contacts", "all", "2015-09")
    sentence = found.sentence([("contacts", "all")])
    assert sentence.startswith("3 figures for earlier months have been revised since last month's pack "
                               "(October 2015, data extracted on 31 October 2015)")
    assert "1 of them is among the measures on this page" in sentence
    header, rows = revisions.readable(found)
    assert header[3:] == ["In last month's pack", "In this pack"]
    assert ["Contacts received", "all agencies", "October 2015", "1450", "1457"] in rows
    assert ["Repeat contacts", "housing", "October 2015", "<5 of 40", "<5 of 41"] in rows


def test_a_board_pack_is_not_compared_with_an_internal_copy(tmp_path):
    october = tmp_path / "2015-10"
    october.mkdir()
    kpi_tables.write_pack_kpis(kpi_tables.published_kpis(OCTOBER, "2015-10", internal=True), october,
                               month="2015-10", summary={}, internal=True, synthetic=False)
    board = kpi_tables.published_kpis(NOVEMBER, "2015-11")
    assert not revisions.against_previous_pack(board, "2015-11", tmp_path).found
    assert revisions.against_previous_pack(kpi_tables.published_kpis(NOVEMBER, "2015-11", internal=True), "2015-11",
                                           tmp_path, internal=True).found


def test_without_a_previous_pack_the_page_says_so(tmp_path):
    found = revisions.against_previous_pack(kpi_tables.published_kpis(NOVEMBER, "2015-11"), "2015-11", tmp_path)
    assert not found.found and found.count == 0
    assert "no pack for October 2015 to compare with" in found.sentence()


def test_revised_figures_are_marked_beside_the_figure():
    found = revisions.compare(kpi_tables.published_kpis(NOVEMBER, "2015-11"),
                              kpi_tables.published_kpis(OCTOBER, "2015-10"), "2015-11", previous_month="2015-10")
    table = pd.DataFrame({"measure": ["Contacts received"], "this month": ["1,380"], "last month": ["1,457"]})
    marked = revisions.mark(table, found, {(0, "last month"): ("contacts", "all", "2015-10"),
                                           (0, "this month"): ("contacts", "all", "2015-11")})
    assert marked.iloc[0].tolist() == ["Contacts received", "1,380", f"1,457 {revisions.REVISED_MARK}"]
