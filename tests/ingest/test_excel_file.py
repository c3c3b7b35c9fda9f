"""Excel workbooks (hwb_kpis/ingest/excel_file.py): title rows above the header, Annex A headers
through a mapping, dates and numbers as cells hold them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from hwb_kpis import config
from hwb_kpis.ingest import load_mapping, read_and_clean
from hwb_kpis.privacy import DEMO_KEY, PseudonymKey

KEY = PseudonymKey(DEMO_KEY, "demo")
TODAY = dt.date(2016, 1, 15)


def _write_xlsx(path: Path, header: list[str], rows: list[list], title_rows: int = 0) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append([f"Annex A List 1 - report title line {i + 1}"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)


def test_excel_with_annex_a_headers_and_mapping(tmp_path):
    mapping = load_mapping(config.MAPPINGS_DIR / "annex_a.yml")
    _write_xlsx(
        tmp_path / "contacts.xlsx",
        ["Contact ID", "Child Unique ID", "Date of Contact", "Contact Source", "Contact Outcome", "MARF Received", "Date of Birth"],
        [
            ["A1", "X9", dt.datetime(2015, 11, 3), "k) 3E: Health services", "NFA - Information only", "Form", "05/2010"],
            ["A2", "X8", 42312, "6", "Progressed to Assessment", "Verbal", None],
            ["A3", "X7", "04/11/2015", "2A", "Awaiting MASH decision", None, dt.datetime(2009, 3, 1)],
        ],
        title_rows=2,
    )
    _write_xlsx(
        tmp_path / "looked_after.xlsx",
        ["Child Unique ID", "Date Started to be Looked After", "Date of IHA"],
        [["X9", dt.datetime(2015, 1, 5), dt.datetime(2015, 1, 30)]],
    )
    tables = read_and_clean(tmp_path, mapping, KEY, today=TODAY)
    c = tables["contacts"]
    assert c.summary["reconciled"] and c.summary["clean_rows"] == 3 and c.summary["quarantined"] == 0
    assert c.clean["contact_date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-11-03", "2015-11-04", "2015-11-04"]
    assert c.clean["outcome"].tolist() == ["advice", "referral", "pending"]
    assert c.clean["marf"].tolist()[:2] == [True, False]
    # title rows pushed the header to sheet row 3, so the first record is sheet row 4
    assert c.clean["source_row"].tolist() == [4, 5, 6]
    assert tables["looked_after"].clean["iha_date"].iloc[0] == pd.Timestamp("2015-01-30")
