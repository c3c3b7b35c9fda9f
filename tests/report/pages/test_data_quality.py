"""Page 01, data quality and coding (hwb_kpis.report.pages.data_quality)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from hwb_kpis.report.pages import data_quality as dq
from tests.report.frames import monthly


def test_views_comparison_and_reconciliation():
    rec = monthly("marf", "health", [150], start="2015-11", den=200)
    cod = monthly("marf", "health", [160], start="2015-11", den=220)
    table = dq.views_comparison(rec, cod, [("marf", "health")], "2015-11")
    assert table.iloc[0].tolist() == ["Contacts submitted on a MARF – health", "75%", "73%", "-2 points"]
    summary = {"tables": {"contacts": {"raw_rows": 100, "clean_rows": 93, "quarantined": 4, "duplicates_dropped": 3,
                                       "reconciled": True}}}
    s = dq.reconciliation_sentence(summary)
    # 100 − 93 would leave 7 for the two small counts (each 3 or 4): "used" is withheld with them
    assert s == ("Every raw row is accounted for: contacts: 100 raw rows = not shown used + fewer than 5 quarantined + "
                 "fewer than 5 exact duplicates dropped.")
    assert "4 quarantined" in dq.reconciliation_sentence(summary, internal=True)


def test_recoding_by_rule_and_school_nurse_sentence():
    rec = pd.DataFrame({"rule": ["nurse_dsl", "nurse_dsl", "staff"], "month": ["2015-10", "2015-11", "2015-11"],
                        "source_code_recorded": ["2A", "2A", "3C"], "source_code": ["3C", "3C", "2A"],
                        "contacts": [20, 30, 2]})
    wide = dq.recoding_by_rule(rec, "2015-10", "2015-11")
    assert list(wide.columns) == ["rule", "change", "2015-10", "2015-11", "total"]
    assert wide.iloc[0].tolist() == ["nurse_dsl", "2A → 3C", 20, 30, 50]
    moved_in, moved_out = dq.moved(rec, "2015-10", "2015-11")
    assert (moved_in, moved_out) == (50, 2)
    s = dq.school_nurse_sentence(12, 62, 50, 0, start="2015-10", end="2015-11")
    assert s.startswith("From October 2015 to November 2015, 12 contacts were recorded as coming from a school nurse; "
                        "after recoding there are 62. 50 came in")
    assert "and 0 went out" in s and s.endswith("5.2 times what was recorded.")
    # 2 went out: 60 = 12 + 50 − out would give it away, so another count is withheld with it
    s = dq.school_nurse_sentence(14, 62, 50, 2, start="2015-10", end="2015-11")
    assert "fewer than 5 went out" in s and "not shown" in s
    assert dq.recode_rule_words("unknown_source").startswith("No valid code recorded")
    assert dq.recode_rule_words("x", {"x": "  Does\n  this. "}) == "Does this."


@pytest.fixture(scope="module")
def page():
    return dq.load()


def test_the_data_quality_page_builds_on_the_default_data(page):
    assert list(page.rows_table["table"]) == ["contacts", "looked after"]
    assert page.reconciliation_sentence.startswith("Every raw row is accounted for: contacts: ")
    assert list(page.reasons_table.columns) == ["table", "column", "reason", "rows"]
    assert len(page.unknown_table) == 12 and page.unknown_table["month"].iloc[-1] == "November 2015"
    assert page.completeness_sentence.startswith("In November 2015, ")
    assert page.rule_descriptions == []  # the board's table says each rule in plain words
    assert page.school_nurse_sentence.startswith("From December 2014 to November 2015, ")
    assert list(page.views_table["measure"])[-1] == "Contacts received – school nurse"
    assert list(page.health_views_table.columns) == ["source", "as recorded", "as recoded"]


def test_the_board_reads_no_rule_names_or_source_codes(page):
    """Rule ids (``dsl_on_behalf_of_school_nurse``) and codes (``2A → 3C``) stay in the internal copy."""
    import re

    board = page.recoding_table
    assert list(board.columns[:2]) == ["correction", "from → to"]
    text = " ".join(board["correction"]) + " " + " ".join(board["from → to"])
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # no snake_case rule ids
    assert not re.search(r"\b(?:[1-9][A-F]?|10)\b", text), text  # no source codes
    assert "schools → school nurse" in text
    internal = dq.DataQualityPage(dataclasses.replace(page.data, internal=True))
    assert "dsl_on_behalf_of_school_nurse" in set(internal.recoding_table["rule"])
    assert "2A → 3C" in " ".join(internal.recoding_table["change"])
    assert len(internal.rule_descriptions) == len(internal.recoding_table)
    assert list(internal.health_views_table.columns) == ["code", "source", "as recorded", "as recoded"]



def test_page_01_and_the_index_give_no_small_count_away(page):
    """The recoding table's totals (a <5 beside a total of 84 whose visible cells sum to 80), the
    rows received − used on the index, the flows of the recoding rules and the school nurse's
    counts: attacked from the HTML they render to."""
    from hwb_kpis.privacy.disclosure import published_html
    from hwb_kpis.report import render
    from tests.privacy.audit import attack_pack

    tables = [page.rows_table, page.reasons_table, page.unknown_table, page.recoding_table,
              page.health_views_table, page.views_table]
    texts = [page.reconciliation_sentence, page.completeness_sentence, page.school_nurse_sentence]
    html = "".join(published_html(t) for t in tables) + "".join(f"<p>{t}</p>" for t in texts)
    index = render.render_index([], month=page.month, summary=dict(page.data.summary), synthetic=False, internal=False)
    problems = attack_pack({"01_data_quality_and_coding.html": html, "index.html": index}, page.month)
    assert problems == []
    assert "c" in set(page.recoding_table.drop(columns=["correction", "from → to"]).to_numpy().ravel())
