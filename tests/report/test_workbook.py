"""The board's tables in Excel (hwb_kpis.report.workbook, ``hwb-kpis kpis --format xlsx``)."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook
from typer.testing import CliRunner

from hwb_kpis.report import kpi_tables, workbook
from tests.report.test_revisions import NOVEMBER

PAGE = """<html><body><header><nav><a href="index.html">Contents</a></nav></header><main>
<h1>Board summary</h1><img src="data:image/png;base64,AAAA" alt="x">
<table><caption>The measures at a glance</caption><thead><tr><th scope="col">measure</th>
<th scope="col">this month</th></tr></thead><tbody><tr><th scope="row">Contacts received</th><td>1,380</td></tr>
<tr><td>Repeat contacts – housing</td><td>*</td></tr></tbody></table></main></body></html>"""


def test_page_tables_are_read_back_cell_for_cell():
    [(caption, table)] = workbook.page_tables(PAGE)
    assert caption == "The measures at a glance"
    assert list(table.columns) == ["measure", "this month"]
    assert table.values.tolist() == [["Contacts received", "1,380"], ["Repeat contacts – housing", "*"]]


def test_the_workbook_has_a_readme_the_kpis_and_a_sheet_per_page(tmp_path):
    published = kpi_tables.published_kpis(NOVEMBER, "2015-11")
    path = workbook.write_workbook(tmp_path / "kpis.xlsx", published, summary={"extract_date": "2015-11-30"},
                                   month="2015-11", synthetic=True,
                                   pages=workbook.page_sheets([("00_board_summary", "Board summary", PAGE)]))
    book = load_workbook(path)
    assert book.sheetnames == ["README", "KPIs", "00 Board summary"]
    readme = [row[0] for row in book["README"].iter_rows(values_only=True) if row[0]]
    assert "Data extracted on 30 November 2015." in readme and any("SYNTHETIC" in r for r in readme)
    assert any("shown as <5" in r for r in readme)  # the small-number rule
    assert "Contacts received" in readme  # each measure with its definition
    kpis = list(book["KPIs"].iter_rows(values_only=True))
    assert kpis[2] == ("Measure", "Agency", "Month", "Month name", "Count", "Out of", "Rate")
    housing = next(r for r in kpis if r[1] == "housing")
    assert housing[4:] == ("<5", 41, "*")  # suppressed exactly as published
    page = list(book["00 Board summary"].iter_rows(values_only=True))
    assert ("Contacts received", 1380) in page and ("Repeat contacts – housing", "*") in page


def test_cli_kpis_writes_the_workbook(tmp_path, monkeypatch):
    from hwb_kpis import kpis as kpis_module
    from hwb_kpis.cli import app

    monkeypatch.setattr(kpis_module, "load_processed", lambda _: {"summary": {"extract_date": "2015-11-30"}})
    monkeypatch.setattr(kpis_module, "kpi_table", lambda tables, **kw: NOVEMBER)
    result = CliRunner().invoke(app, ["kpis", "--format", "xlsx", "--out", str(tmp_path / "k.xlsx"), "--no-internal"])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(tmp_path / "k.xlsx")["KPIs"].iter_rows(values_only=True))
    assert next(r for r in rows if r[1] == "housing")[4] == "<5"
    missing = CliRunner().invoke(app, ["kpis", "--format", "xlsx"])
    assert missing.exit_code == 2 and "--out" in missing.output and "Traceback" not in missing.output
    assert pd.notna(NOVEMBER["rate"]).all()
