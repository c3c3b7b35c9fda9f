"""`hwb-kpis clean` end to end on the hand-written fixtures: outputs, reconciliation, privacy of
the processed folder, and one-line errors for broken input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app
from hwb_kpis.synthetic import write_marker
from tests.support import TEST_DATA

FIXTURES = TEST_DATA / "ingest"
RAW_IDS = ["CH001", "CH002", "CH003", "CH014", "C001", "C002", "C003", "C013"]
runner = CliRunner()


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES, raw)
    return raw


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "test-key-0123456789")
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY_FILE", raising=False)


def _all_text(folder: Path) -> str:
    """Everything written to a processed folder, Parquet decoded to text."""
    parts = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".parquet":
            parts.append(pd.read_parquet(path).astype(str).to_csv(index=False))
        elif path.is_file():
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def test_clean_writes_processed_tables_and_reconciles(raw_dir, tmp_path, keyed):
    out = tmp_path / "processed"
    result = runner.invoke(app, ["clean", "--raw", str(raw_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "contacts: raw 16 = clean 4 + quarantined 11 + duplicates dropped 1  (reconciled)" in result.output
    assert "looked_after: raw 5 = clean 2 + quarantined 3 + duplicates dropped 0" in result.output
    for name in ["contacts.parquet", "looked_after.parquet", "quarantine.csv", "recoding_audit.csv", "ingest_summary.json"]:
        assert (out / name).is_file(), name
    summary = json.loads((out / "ingest_summary.json").read_text())
    assert summary["tables"]["contacts"]["reconciled"] is True
    assert summary["extract_date"] == "2015-11-03"
    assert summary["synthetic"] is False and summary["pseudonym_key_source"] == "env"
    quarantine = pd.read_csv(out / "quarantine.csv")
    assert len(quarantine) == 14 and set(quarantine["table"]) == {"contacts", "looked_after"}
    contacts = pd.read_parquet(out / "contacts.parquet")
    assert len(contacts) == 4
    assert {"source_code_recorded", "source_code", "source_group"} <= set(contacts.columns)
    # free text never reaches the processed tables
    assert not {"source_detail", "referrer_role", "referrer_org", "child_dob"} & set(contacts.columns)


def test_no_raw_id_key_or_dob_survives_into_processed_files(raw_dir, tmp_path, keyed):
    out = tmp_path / "processed"
    assert runner.invoke(app, ["clean", "--raw", str(raw_dir), "--out", str(out)]).exit_code == 0
    text = _all_text(out)
    for raw_id in RAW_IDS:
        assert raw_id not in text, raw_id
    assert "test-key-0123456789" not in text
    for dob in ["2010-05-12", "12/05/2008", "2008-05-12"]:
        assert dob not in text
    assert "Stoke Mandeville" not in text and "Designated Safeguarding Lead" not in text


def test_real_data_without_key_fails_cleanly(raw_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY_FILE", raising=False)
    result = runner.invoke(app, ["clean", "--raw", str(raw_dir), "--out", str(tmp_path / "p")])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: no pseudonymisation key configured")
    assert "Traceback" not in result.output
    assert not (tmp_path / "p" / "contacts.parquet").exists()


def test_synthetic_marker_allows_demo_key(raw_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY_FILE", raising=False)
    write_marker(raw_dir)  # exactly these files, as `hwb-kpis synth` marks what it writes
    result = runner.invoke(app, ["clean", "--raw", str(raw_dir), "--out", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert "DEMO key" in result.output and "SYNTHETIC" in result.output


def test_same_key_gives_same_pseudonyms_across_runs_and_other_key_differs(raw_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "month-one-key-123456")
    runner.invoke(app, ["clean", "--raw", str(raw_dir), "--out", str(tmp_path / "a")])
    runner.invoke(app, ["clean", "--raw", str(raw_dir), "--out", str(tmp_path / "b")])
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "another-key-98765432")
    runner.invoke(app, ["clean", "--raw", str(raw_dir), "--out", str(tmp_path / "c")])
    a, b, c = (pd.read_parquet(tmp_path / x / "contacts.parquet")["child_id"] for x in "abc")
    assert a.tolist() == b.tolist()
    assert not set(a) & set(c)


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda raw: [(raw / f).unlink() for f in ("contacts.csv", "looked_after.csv")],
         r"no table of the extract found \(looked for contacts\.csv or contacts\.xlsx; referrals\.csv"),
        (lambda raw: (raw / "contacts.csv").write_text(""), r"contacts\.csv: file is empty"),
        (lambda raw: (raw / "contacts.csv").write_text("contact_id,child_id,outcome\nC1,X,nfa\n"),
         r"contacts\.csv: missing required column\(s\) contact_date"),
        (lambda raw: (raw / "looked_after.csv").write_bytes(b"\x00\x01\x02binary"), r"looked_after\.csv: not a text table"),
    ],
)
def test_broken_input_gives_one_line_error_and_nonzero_exit(raw_dir, tmp_path, keyed, setup, expected):
    import re

    setup(raw_dir)
    result = runner.invoke(app, ["clean", "--raw", str(raw_dir), "--out", str(tmp_path / "p")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert re.search(expected, lines[0]), lines[0]


def test_every_command_has_help():
    for command in ["clean", "kpis", "synth", "report", "benchmark"]:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, command
