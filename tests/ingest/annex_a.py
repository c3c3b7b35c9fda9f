"""Annex A workbooks for tests, in the shapes councils publish them, written from the hand-made
lists of ``tests/data/annex_a/`` (their README works out every answer) or from rows a test gives.

``write_annex_a(path, sheets={"List 1 - Contacts": "contacts", ...}, title_rows=2, compact=True,
text_dates=True)``: sheet names with suffixes, title rows above the header, headers without
spaces (as the Standard Safeguarding Dataset's Annex A export writes them) and dates as
``dd/mm/yyyy`` text rather than Excel dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import openpyxl

from tests.support import TEST_DATA

LISTS = {"contacts": "list_1.csv", "referrals": "list_3.csv", "looked_after": "list_8.csv"}
#: the Standard Safeguarding Dataset's Annex A headers (no spaces; sic "Loooked")
COMPACT = {"Date of Contact": "DateOfContact", "Date of Referral": "ReferralDate",
           "Date Started to be Looked After": "LoookedAfterStartDate", "Referral NFA?": "ReferralNFA",
           "Date of Last Health Assessment": "LastHealthAssessmentDate"}


def list_rows(table: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of one hand-made list."""
    with open(TEST_DATA / "annex_a" / LISTS[table], encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _cell(value: str, text_dates: bool):
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = dt.date.fromisoformat(value)
        return day.strftime("%d/%m/%Y") if text_dates else dt.datetime(day.year, day.month, day.day)
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value) if "." in value else int(value)
    return value or None


def write_annex_a(path: Path, sheets: dict[str, str | None] | None = None, *, title_rows: int = 0,
                  compact: bool = False, text_dates: bool = False,
                  rows: dict[str, tuple[list[str], list[list[str]]]] | None = None) -> Path:
    """A workbook holding the lists named by ``sheets`` (sheet name -> table, None for a sheet
    that is not a list), from ``rows`` (table -> (header, rows)) or the hand-made lists."""
    sheets = sheets or {"List 1": "contacts", "List 3": "referrals", "List 8": "looked_after"}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, table in sheets.items():
        ws = wb.create_sheet(name)
        if table is None:
            ws.append(["Ofsted inspection: Annex A"])
            continue
        header, body = (rows or {}).get(table) or list_rows(table)
        for i in range(title_rows):
            ws.append([f"Annex A {name}" if i == 0 else "Prepared for the inspection team"])
        ws.append([COMPACT.get(h, h).replace(" ", "") if compact else h for h in header])
        for row in body:
            ws.append([_cell(v, text_dates) for v in row])
    wb.save(path)
    return path
