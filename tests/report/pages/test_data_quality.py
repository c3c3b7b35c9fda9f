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
    assert s == ("Every raw row is accounted for: contacts: 100 raw rows = 93 used + fewer than 5 quarantined + "
                 "fewer than 5 exact duplicates dropped.")
    assert "4 quarantined" in dq.reconciliation_sentence(summary, internal=True)


def test_recoding_by_rule_and_school_nurse_sentence():
    rec = pd.DataFrame({"rule": ["nurse_dsl", "nurse_dsl", "staff"], "month": ["2015-10", "2015-11", "2015-11"],
                        "source_code_recorded": ["2A", "2A", "3C"], "source_code": ["3C", "3C", "2A"],
                        "contacts": [20, 30, 2]})
    wide = dq.recoding_by_rule(rec, "2015-10", "2015-11")
    assert list(wide.columns) == ["rule", "change", "2015-10", "2015-11", "total"]
    assert wide.iloc[0].tolist() == ["nurse_dsl", "2A → 3C", 20, 30, 50]
    s = dq.school_nurse_sentence(rec, 12, 60, start="2015-10", end="2015-11")
    assert s.startswith("From October 2015 to November 2015, 12 contacts were recorded as coming from a school nurse; "
                        "after recoding there are 60. 50 came in")
    assert "fewer than 5 went out" in s and s.endswith("5.0 times what was recorded.")
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
