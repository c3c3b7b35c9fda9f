"""The one writer of the pack's CSV and Excel files (hwb_kpis.report.tabular)."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from hwb_kpis.report import tabular


def test_text_a_spreadsheet_would_run_is_neutralised_but_figures_are_not():
    assert tabular.safe_text("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert [tabular.safe_text(t) for t in ("+1+1", "@SUM(A1)", "-cmd", "\tx")] == ["'+1+1", "'@SUM(A1)", "'-cmd", "'\tx"]
    assert [tabular.safe_text(t) for t in ("-2.5", "+3", "-1,200", "ok", "<5")] == ["-2.5", "+3", "-1,200", "ok", "<5"]


def test_csv_is_utf8_with_safe_text(tmp_path):
    path = tabular.write_csv(pd.DataFrame({"a": ["=1+1", "Wöld"], "n": [1, 2]}), tmp_path / "x.csv")
    assert path.read_bytes().decode("utf-8") == "a,n\n'=1+1,1\nWöld,2\n"


def test_figures_written_as_text_become_numbers():
    assert tabular.number_from_text("1,380") == (1380, "#,##0")
    assert tabular.number_from_text("58%") == (0.58, "0%")
    assert tabular.number_from_text("12.3") == (12.3, "#,##0.0")
    assert tabular.number_from_text("<5") is None and tabular.number_from_text("2014/15") is None


def test_workbook_sheets_title_notes_table_and_blocks(tmp_path):
    sheets = [
        tabular.Sheet("One", pd.DataFrame({"Rate": [0.5, "*"], "Name": ["=x", "y"]}), title="Title",
                      notes=["a note"], formats={"Rate": "0.0%"}),
        tabular.Sheet("Two", blocks=[("First table", pd.DataFrame({"n": ["1,200", "<5"]}))], numbers_from_text=True),
    ]
    book = load_workbook(tabular.write_xlsx(sheets, tmp_path / "x.xlsx"))
    assert book.sheetnames == ["One", "Two"]
    one = book["One"]
    assert [one.cell(r, 1).value for r in (1, 2, 4, 5, 6)] == ["Title", "a note", "Rate", 0.5, "*"]
    assert one.cell(5, 1).number_format == "0.0%" and one.cell(5, 2).value == "'=x"
    assert one.freeze_panes == "A5" and one.auto_filter.ref == "A4:B6"
    two = book["Two"]
    assert [two.cell(r, 1).value for r in (1, 2, 3, 4)] == ["First table", "n", 1200, "<5"]
    assert two.cell(4, 1).alignment.horizontal == "right"  # a suppressed count sits with the figures
