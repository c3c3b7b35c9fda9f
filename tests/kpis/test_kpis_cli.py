"""`hwb-kpis kpis` on a tiny processed folder written here."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from hwb_kpis.cli import app
from tests.kpis.fixtures import make_contacts, make_looked_after


def write_processed(folder):
    folder.mkdir(parents=True, exist_ok=True)
    make_contacts([
        ("a", "2015-10-01", "nfa", "3E", "3E", True), ("a", "2015-11-02", "referral", "3E", "3E", True),
        ("b", "2015-11-03", "pending", "2A", "2A", False), ("c", "2015-11-04", "nfa", "3C", "2A", None),
    ]).to_parquet(folder / "contacts.parquet", index=False)
    make_looked_after([("a", "2015-10-05", "2015-10-20")]).to_parquet(folder / "looked_after.parquet", index=False)
    (folder / "ingest_summary.json").write_text(json.dumps({"extract_date": "2015-11-04"}), encoding="utf-8")
    return folder


def test_cli_kpis_json(tmp_path):
    folder = write_processed(tmp_path / "processed")
    result = CliRunner().invoke(app, ["kpis", "--processed", str(folder), "--month", "2015-11", "--format", "json",
                                      "--internal"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    names = {r["kpi"] for r in records}
    assert {"contacts", "health_share", "marf", "conversion", "pending", "repeat_contacts",
            "rereferral_12m"} <= names
    rep = [r for r in records if r["kpi"] == "repeat_contacts" and r["group"] == "all"]
    assert rep == [{"kpi": "repeat_contacts", "group": "all", "month": "2015-11", "numerator": 1,
                    "denominator": 3, "rate": 1 / 3}]


def test_cli_kpis_table_and_options(tmp_path):
    folder = write_processed(tmp_path / "processed")
    result = CliRunner().invoke(app, ["kpis", "--processed", str(folder), "--month", "2015-10",
                                      "--view", "recorded", "--iha-limit", "20wd", "--lookback-days", "30",
                                      "--as-of", "2015-12-01", "--format", "table", "--internal"])
    assert result.exit_code == 0, result.output
    assert "iha_within_28_days" in result.stdout and "limit 20wd" in result.stdout
    assert "100.0%" in result.stdout


def test_cli_kpis_missing_folder_is_one_line(tmp_path):
    result = CliRunner().invoke(app, ["kpis", "--processed", str(tmp_path / "none"), "--format", "csv"])
    assert result.exit_code == 2
    assert "run `hwb-kpis clean` first" in result.output
    assert "Traceback" not in result.output


def test_cli_kpis_no_internal_suppresses_small_numbers(tmp_path):
    folder = write_processed(tmp_path / "processed")
    result = CliRunner().invoke(app, ["kpis", "--processed", str(folder), "--month", "2015-11",
                                      "--format", "json", "--no-internal"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert records[0]["numerator"] == "<5" and records[0]["rate"] == "*"


def test_cli_kpis_suppresses_by_default_and_says_which(tmp_path):
    """Without --internal every count from 1 to 4 is <5, and a note on stderr names what is hidden."""
    folder = write_processed(tmp_path / "processed")
    result = CliRunner().invoke(app, ["kpis", "--processed", str(folder), "--month", "2015-11", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert all(r["numerator"] in (0, "<5", "c") and r["denominator"] in (0, "<5", "c") for r in records)
    assert "note:" in result.stderr and "--internal shows them" in result.stderr
    assert "contacts/all/2015-11 numerator (<5)" in result.stderr
    table = CliRunner().invoke(app, ["kpis", "--processed", str(folder), "--month", "2015-11"])
    assert "<5" in table.stdout and "note:" not in table.stdout and "note:" in table.stderr
