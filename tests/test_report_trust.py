"""A pack is either complete and correct or not written at all: broken input and a month with no
contacts stop `hwb-kpis report` before any notebook runs, with one line and nothing in reports/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app

FIXTURES = Path(__file__).parent / "data" / "ingest"
runner = CliRunner()


@pytest.fixture
def raw(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "report-trust-key-0001")
    shutil.copytree(FIXTURES, tmp_path / "raw")
    return tmp_path / "raw"


def _report(tmp_path: Path, raw: Path, month: str):
    return runner.invoke(app, ["report", "--month", month, "--raw", str(raw), "--processed",
                               str(tmp_path / "processed"), "--out", str(tmp_path / "reports")])


def _nothing_written(tmp_path: Path) -> bool:
    reports = tmp_path / "reports"
    return not reports.exists() or not any(reports.iterdir())


def test_broken_extract_writes_no_pack(tmp_path, raw):
    (raw / "contacts.csv").write_text("contact_id,child_id,outcome\nC1,X1,nfa\n")
    result = _report(tmp_path, raw, "2015-11")
    assert result.exit_code == 2
    assert "contacts.csv: missing required column(s) contact_date" in result.stderr
    assert _nothing_written(tmp_path)


def test_month_with_no_contacts_writes_no_pack(tmp_path, raw):
    result = _report(tmp_path, raw, "2015-10")
    assert result.exit_code == 2
    assert "no contacts dated 2015-10" in result.stderr and "2015-11 to 2015-11" in result.stderr
    assert _nothing_written(tmp_path)


def test_month_checks():
    from hwb_kpis.errors import HwbKpisError
    from hwb_kpis.report.build import check_month_covered

    summary = {"first_contact_date": "2013-04-01", "last_contact_date": "2015-11-30",
               "months_without_contacts": ["2014-06"]}
    check_month_covered(summary, "2015-11")
    check_month_covered(summary, "2013-04")
    for month in ["2013-03", "2015-12", "2014-06"]:
        with pytest.raises(HwbKpisError, match=f"no contacts dated {month}"):
            check_month_covered(summary, month)
