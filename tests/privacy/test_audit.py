"""The attack on a built pack (tests/privacy/audit.py) finds each leak the issue lists when it is
built the old way, and passes when it is protected: pages are written here as the old pack
printed them, in the pack's HTML shapes."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.privacy.disclosure import published_html
from tests.privacy.audit import attack_pack


def table_html(rows: list[list[str]], columns: list[str]) -> str:
    return published_html(pd.DataFrame(rows, columns=columns))


def page(*parts: str) -> str:
    return "<html><body>" + "".join(parts) + "</body></html>"


def para(text: str) -> str:
    return f"<p>{text}</p>"


RULE_MONTHS = ["Dec 14", "Jan 15", "Feb 15", "Mar 15", "Apr 15", "May 15", "Jun 15", "Jul 15", "Aug 15", "Sep 15",
               "Oct 15", "Nov 15"]


def recoding(nhs_feb: str, nhs_apr: str) -> str:
    cells = ["7", "6", nhs_feb, "10", nhs_apr, "9", "7", "8", "5", "6", "12", "5"]
    return table_html([["nhs_111", "3D → 3E, 3F → 3E, 8 → 3E", *cells, "84"]], ["rule", "change", *RULE_MONTHS, "total"])


def test_a_total_beside_one_hidden_cell_gives_it_away():
    """Page 01's recoding table: <5 in one month beside a total of 84 whose visible cells sum to 80."""
    old = attack_pack({"01_data_quality_and_coding.html": page(recoding("<5", "5"))}, "2015-11")
    assert any("nhs_111" in p and "[4, 4]" in p for p in old)
    assert attack_pack({"01_data_quality_and_coding.html": page(recoding("<5", "c"))}, "2015-11") == []


def breakdown(code_3c: str, code_3f: str) -> str:
    rows = [["3E", "A&E / NHS 111", "70", "36%", "863", "31%"], ["3D", "Other primary", "61", "31%", "729", "26%"],
            ["3A", "GP", "30", "15%", "381", "14%"], ["3B", "Health visitor", "27", "14%", "336", "12%"],
            ["3F", "Other health", code_3f, "*" if code_3f == "c" else "3%", "302", "11%"],
            ["3C", "School nurse", code_3c, "*", "204", "7%"]]
    return table_html(rows, ["code", "source", "this month", "share this month", "last 12 months", "share"])


def summary(health: str) -> str:
    return table_html([["Share of contacts from health", "*" if health in ("<5", "0") else "14%", "17%", "17%", health,
                        "1,380"]],
                      ["measure", "this month", "last month", "same month last year", "count", "out of"])


def test_the_health_breakdown_less_the_health_total_gives_a_small_code_away():
    """Page 02's services beside page 00's health total: 196 − 194 = 2."""
    old = {"00_board_summary.html": page(summary("196")), "02_contacts_and_sources.html": page(breakdown("<5", "6"))}
    assert any("'3C'" in p and "[2, 2]" in p for p in attack_pack(old, "2015-11"))
    new = {"00_board_summary.html": page(summary("196")), "02_contacts_and_sources.html": page(breakdown("<5", "c"))}
    assert attack_pack(new, "2015-11") == []


def index(used: str) -> str:
    return table_html([["Children becoming looked after", "513", used, "<5", "<5"]],
                      ["Table", "Rows received", "Rows used", "Rows set aside (quarantined)", "Duplicates removed"])


def test_received_less_used_on_the_index_narrows_two_small_counts():
    old = attack_pack({"index.html": page(index("506"))}, "2015-11")
    assert any("quarantined" in p and "[3, 4]" in p for p in old)
    assert attack_pack({"index.html": page(index("c"))}, "2015-11") == []


def test_sentences_on_a_small_month_break_the_rule():
    """"Contacts received: 3, down 1,377" and "lowest 3 in December 2015"."""
    changed = page(para("<strong>Contacts received</strong>: 3, down 1,377, 100% from 1,380 last month."))
    assert any("count from 1 to 4" in p for p in attack_pack({"00_board_summary.html": changed}, "2015-12"))
    lowest = page(para("From April 2014 to December 2015 the front door received on average 1,334 contacts a month "
                       "(lowest 3 in December 2015, highest 1,490 in November 2014)."))
    assert any("lowest 3" in p for p in attack_pack({"02_contacts_and_sources.html": lowest}, "2015-12"))
    fixed = page(para("<strong>Contacts received</strong>: fewer than 5."),
                 summary("0"))
    assert not any("count from 1 to 4" in p for p in attack_pack({"00_board_summary.html": fixed}, "2015-12"))


def test_a_sentence_may_not_give_a_rate_the_table_hides():
    """"100% of health contacts came on a MARF" on 4 contacts, "health services sent 40% of all
    contacts" (4 of 10), while the table shows *."""
    table = table_html([["Share of contacts from health", "*", "17%", "17%", "<5", "10"],
                        ["Contacts submitted on a MARF – health", "*", "74%", "53%", "<5", "<5"]],
                       ["measure", "this month", "last month", "same month last year", "count", "out of"])
    old = page(table, para("In December 2015, health services sent 40% of all contacts. 100% of health contacts came "
                           "on a MARF (all agencies: 60%)."))
    problems = attack_pack({"00_board_summary.html": old}, "2015-12")
    assert any("40%" in p for p in problems) and any("100%" in p for p in problems)
    new = page(table, para("In December 2015, the share of contacts from health services is not shown, to protect "
                           "children's privacy."))
    assert attack_pack({"00_board_summary.html": new}, "2015-12") == []


def test_a_median_on_fewer_than_5_children_may_not_be_quoted():
    steps = table_html([["January 2015", "30", "5", "15", "48"], ["October 2015", "*", "2", "14", "20"]],
                       ["month", "social care getting consent", "social care notifying health",
                        "health carrying out the assessment", "the whole process"])
    old = page(para("In January 2015 the longest step was social care getting consent (median 30 days); in October 2015 "
                    "it was social care getting consent (median 7 days), down from 30."), steps)
    assert any("median 7 days" in p for p in attack_pack({"05_iha_timeliness.html": old}, "2015-11"))
    new = page(para("In January 2015 the longest step was social care getting consent (median 30 days); in October 2015 "
                    "it was health carrying out the assessment (median 14 days)."), steps)
    assert attack_pack({"05_iha_timeliness.html": new}, "2015-11") == []


def test_the_same_count_printed_two_ways_is_a_leak():
    pages = {"index.html": page(index("c")),
             "01_data_quality_and_coding.html": page(table_html([["looked after", "513", "506", "<5", "<5"]],
                                                                ["table", "raw rows", "used", "quarantined",
                                                                 "exact duplicates dropped"]))}
    assert any("printed differently" in p for p in attack_pack(pages, "2015-11"))


def test_a_table_the_audit_does_not_know_still_gets_the_rule():
    unknown = table_html([["x", "3", "12%"]], ["thing", "children", "share"])
    assert any("prints 3" in p for p in attack_pack({"09_new_page.html": page(unknown)}, "2015-11"))


def kpi_file(rows: list[tuple[str, str, str, str, str, str]]) -> str:
    lines = ["kpi,group,month,numerator,denominator,rate"] + [",".join(r) for r in rows]
    return "\n".join(lines) + "\n"


def test_the_kpi_file_gives_away_a_small_group_by_its_total():
    """kpis.csv: all agencies 100, police 97, health <5, with nothing else hidden: health is 3."""
    rows = [("contacts", "all", "2015-11", "100", "100", "1.0"), ("contacts", "police", "2015-11", "97", "100", "0.97"),
            ("contacts", "health", "2015-11", "<5", "100", "*")]
    old = attack_pack({"kpis.csv": kpi_file(rows)}, "2015-11")
    assert any("health" in p and "[3, 3]" in p for p in old), old
    rows[1] = ("contacts", "police", "2015-11", "c", "100", "*")
    assert attack_pack({"kpis.csv": kpi_file(rows)}, "2015-11") == []


def test_a_rate_in_the_kpi_file_gives_back_the_count_it_rests_on():
    rows = [("contacts", "all", "2015-11", "200", "200", "1.0"), ("contacts", "police", "2015-11", "c", "200", "0.485"),
            ("contacts", "health", "2015-11", "c", "200", "*")]
    assert any("police" in p for p in attack_pack({"kpis.csv": kpi_file(rows)}, "2015-11"))


def test_a_count_a_page_withholds_may_not_be_read_in_the_kpi_file():
    """Page 02 withholds 3F as c; kpis.csv printing its number is caught (printed two ways)."""
    pages = {"02_contacts_and_sources.html": page(breakdown("<5", "c")),
             "kpis.csv": kpi_file([("contacts", "code:3F", "2015-11", "6", "1380", "0.004348")])}
    assert any("printed differently" in p for p in attack_pack(pages, "2015-11"))
