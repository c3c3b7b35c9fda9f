"""The bad-input corpus (``tests/data/bad/``): for each case, the exact outcome of ``hwb-kpis
clean`` — a one-line error naming the file, or a quarantine with reasons — and counts that
reconcile. Whether a pack is written for a broken extract is tested in ``test_report_trust.py``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app
from tests.support import TEST_DATA

BAD = TEST_DATA / "bad"
runner = CliRunner()


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "bad-input-test-key-0001")


def _clean(tmp_path: Path, contacts: str | Path, looked_after: str = "looked_after_ok.csv"):
    raw = tmp_path / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    source = Path(contacts) if Path(contacts).is_absolute() else BAD / contacts
    shutil.copy(source, raw / ("contacts" + source.suffix))
    shutil.copy(BAD / looked_after, raw / "looked_after.csv")
    out = tmp_path / "processed"
    result = runner.invoke(app, ["clean", "--raw", str(raw), "--out", str(out)])
    summary = json.loads((out / "ingest_summary.json").read_text()) if (out / "ingest_summary.json").exists() else None
    quarantine = pd.read_csv(out / "quarantine.csv") if (out / "quarantine.csv").exists() else None
    return result, summary, quarantine


def _reconciled(summary: dict, table: str = "contacts") -> tuple[int, int, int, int]:
    s = summary["tables"][table]
    assert s["reconciled"] and s["raw_rows"] == s["clean_rows"] + s["quarantined"] + s["duplicates_dropped"]
    return s["raw_rows"], s["clean_rows"], s["quarantined"], s["duplicates_dropped"]


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output
    return lines[0]


def test_truncated_last_row_is_quarantined(tmp_path):
    result, summary, q = _clean(tmp_path, "truncated.csv")
    assert result.exit_code == 0, result.output
    assert _reconciled(summary) == (4, 3, 1, 0)
    assert q.loc[0, "row"] == 5 and q.loc[0, "reason"].startswith("malformed row (wrong number of fields)")


def test_truncated_inside_a_quote_is_quarantined_too(tmp_path):
    result, summary, q = _clean(tmp_path, "truncated_in_quote.csv")
    assert result.exit_code == 0, result.output
    assert _reconciled(summary) == (4, 3, 1, 0)
    assert q["row"].tolist() == [5] and q.loc[0, "column"] == "(whole row)"
    assert q.loc[0, "reason"] == "unbalanced quote"  # a quote never closed


def test_a_file_that_is_not_csv_is_a_one_line_error(tmp_path):
    (tmp_path / "notes.csv").write_bytes(b"%PDF-1.4\x00\x00 not a table")
    result, summary, _ = _clean(tmp_path, tmp_path / "notes.csv")
    assert "contacts.csv: not a text table" in _one_line_error(result)
    assert summary is None  # nothing written


def test_wrong_delimiter_is_detected(tmp_path):
    result, summary, _ = _clean(tmp_path, "semicolon.csv")
    assert result.exit_code == 0, result.output
    assert _reconciled(summary) == (3, 3, 0, 0)
    assert "delimiter ';' detected" in summary["tables"]["contacts"]["notes"]


def test_excel_title_rows_above_header(tmp_path):
    result, summary, _ = _clean(tmp_path, "title_row.xlsx")
    assert result.exit_code == 0, result.output
    assert _reconciled(summary) == (3, 3, 0, 0)
    assert "header found on sheet row 3" in summary["tables"]["contacts"]["notes"]
    contacts = pd.read_parquet(tmp_path / "processed" / "contacts.parquet")
    assert contacts["source_row"].tolist() == [4, 5, 6]


def test_merged_cells_lose_the_value_and_quarantine_the_row(tmp_path):
    result, summary, q = _clean(tmp_path, "merged_cells.xlsx")
    assert result.exit_code == 0, result.output
    assert _reconciled(summary) == (3, 2, 1, 0)
    assert (q.loc[0, "row"], q.loc[0, "column"], q.loc[0, "reason"]) == (3, "contact_date", "missing required value")


def test_a_column_of_all_blanks(tmp_path):
    result, summary, _ = _clean(tmp_path, "all_blank_marf.csv")  # optional column: unknown, kept
    assert result.exit_code == 0 and _reconciled(summary) == (3, 3, 0, 0)
    assert pd.read_parquet(tmp_path / "processed" / "contacts.parquet")["marf"].isna().all()
    result, _, _ = _clean(tmp_path / "x", "all_blank_child_id.csv")  # required column: stop
    assert "required column 'child_id' is blank in every row" in _one_line_error(result)


def test_windows_1252_text(tmp_path):
    result, summary, _ = _clean(tmp_path, "windows_1252.csv")
    assert result.exit_code == 0, result.output
    assert _reconciled(summary) == (1, 1, 0, 0)
    assert "file is not UTF-8; read as Windows-1252" in summary["tables"]["contacts"]["notes"]


def test_dates_in_the_future(tmp_path):
    result, summary, q = _clean(tmp_path, "future_dates.csv")
    assert result.exit_code == 0
    assert _reconciled(summary) == (5, 3, 2, 0)
    assert q["reason"].tolist() == ["date in the future"] * 2 and q["row"].tolist() == [5, 6]


def test_month_missing_from_the_middle_is_reported(tmp_path):
    result, summary, _ = _clean(tmp_path, "month_missing.csv")
    assert result.exit_code == 0
    assert summary["months_without_contacts"] == ["2015-11"]
    assert "no contacts in 2015-11" in result.output


def test_looked_after_file_with_no_rows(tmp_path):
    result, summary, _ = _clean(tmp_path, "semicolon.csv", looked_after="looked_after_empty.csv")
    assert result.exit_code == 0, result.output
    assert _reconciled(summary, "looked_after") == (0, 0, 0, 0)
    assert len(pd.read_parquet(tmp_path / "processed" / "looked_after.parquet")) == 0


def test_fifty_thousand_duplicate_rows(tmp_path):
    big = tmp_path / "dups.csv"
    rows = ["D1,K9,2015-10-05,6,Y,referral"] * 50_000
    big.write_text("\n".join([
        "contact_id,child_id,contact_date,source_code,marf,outcome",
        "B1,K1,2015-10-01,3E,Y,referral", *rows]) + "\n")
    result, summary, q = _clean(tmp_path, big)
    assert result.exit_code == 0, result.output
    assert _reconciled(summary) == (50_001, 2, 0, 49_999)
    assert len(q) == 0


def test_implausible_and_out_of_range_dates_are_quarantined_never_a_stop(tmp_path):
    # the defect: a 1900 or 1950 birth stopped the run ("processed tables break their contract ...
    # age_years 113"), a contact dated 01/01/1900 was kept, and a date before 1677 crashed pandas
    text = "\n".join([
        "contact_id,child_id,contact_date,child_dob,outcome",
        "B1,K1,2015-10-01,1900-01-01,nfa",
        "B2,K2,2015-10-01,1950-06-01,nfa",
        "B3,K3,01/01/1900,2010-01-01,nfa",
        "B4,K4,2015-10-01,1600-01-01,nfa",
        "B5,K5,0001-01-01,2010-01-01,nfa",
        "B6,K6,2015-10-01,2015-12-01,nfa",  # unborn at the contact: kept
        "B7,K7,2015-10-01,2010-01-01,nfa",
    ]) + "\n"
    (tmp_path / "c.csv").write_text(text)
    result, summary, q = _clean(tmp_path, tmp_path / "c.csv")
    assert result.exit_code == 0, result.output
    assert _reconciled(summary) == (7, 2, 5, 0)
    assert q["row"].tolist() == [2, 3, 4, 5, 6]
    assert set(q["reason"]) <= {"implausible date (born long before contact)", "implausible date (too early)",
                                "impossible date (before 1900)"}
    assert summary["first_contact_date"] == "2015-10-01"
