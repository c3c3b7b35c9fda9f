"""`hwb-kpis clean` under faults and careless use: every failure is one line (exit 2), never a
traceback; the previous processed set survives; nothing of the extract is echoed."""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hwb_kpis import pipeline
from hwb_kpis.cli import app
from tests.support import TEST_DATA

runner = CliRunner()


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(TEST_DATA / "ingest", raw)
    return raw


@pytest.fixture(autouse=True)
def keyed(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "faults-test-key-0000001")
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY_FILE", raising=False)


def _clean(raw: Path, out: Path):
    return runner.invoke(app, ["clean", "--raw", str(raw), "--out", str(out)])


def _one_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_out_being_a_file_is_one_line(raw_dir, tmp_path):
    (tmp_path / "afile").write_text("x")
    assert "afile" in _one_line(_clean(raw_dir, tmp_path / "afile"))


def test_a_read_only_out_folder_is_one_line(raw_dir, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "out"))

    monkeypatch.setattr(pipeline.tempfile, "mkdtemp", refuse)
    assert "Permission denied" in _one_line(_clean(raw_dir, tmp_path / "out"))


def test_a_full_disk_is_one_line_and_the_previous_set_survives(raw_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert _clean(raw_dir, out).exit_code == 0
    before = (out / "ingest_summary.json").read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    (raw_dir / "contacts.csv").write_text((raw_dir / "contacts.csv").read_text() + "C099,CH099,2015-11-03,3E,,,,Y,nfa,,,M\n")
    assert "No space left on device" in _one_line(_clean(raw_dir, out))
    assert (out / "ingest_summary.json").read_bytes() == before
    assert not list(out.glob(".clean-*"))


def test_out_equal_to_the_raw_folder_is_refused(raw_dir):
    message = _one_line(_clean(raw_dir, raw_dir))
    assert "must not be the raw folder" in message
    assert not (raw_dir / "quarantine.csv").exists()
    message = _one_line(_clean(raw_dir, raw_dir / "processed"))
    assert "must not be inside the raw folder" in message


def test_leftovers_of_a_killed_clean_are_removed(raw_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = out / ".clean-999999999-abcd"  # a process id that cannot exist
    dead.mkdir()
    (dead / "contacts.parquet").write_bytes(b"half written")
    old_style = out / ".clean-x1y2z3"  # made before process ids were in the name, two days ago
    old_style.mkdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old_style, (two_days_ago, two_days_ago))
    assert _clean(raw_dir, out).exit_code == 0
    assert not dead.exists() and not old_style.exists()


def test_a_contacts_file_without_a_header_row_names_no_cell_value(raw_dir):
    # the defect: the error listed the first data row ("found: ZZCONTACTID001, ..., jane doe nhs ...")
    rows = (raw_dir / "contacts.csv").read_text().splitlines()[1:]
    rows[0] = "ZZCONTACTID001,ZZCHILD001,2015-11-03,3E,jane doe nhs 943 476 5919,Nurse,Oak,Y,referral,,2010-05-12,M"
    (raw_dir / "contacts.csv").write_text("\n".join(rows) + "\n")
    message = _one_line(_clean(raw_dir, raw_dir.parent / "out"))
    assert "missing required column(s)" in message and "does not look like a header row" in message
    for value in ("ZZCONTACTID001", "ZZCHILD001", "jane", "943", "2015-11-03", "Oak"):
        assert value not in message


def test_a_header_row_is_named_when_it_looks_like_one(raw_dir):
    (raw_dir / "contacts.csv").write_text("Person ID,Date of contact,Outcome\nC1,2015-11-03,nfa\n")
    message = _one_line(_clean(raw_dir, raw_dir.parent / "out"))
    assert "(found: Person ID, Date of contact, Outcome)" in message


def test_an_error_from_arrow_quotes_no_row(tmp_path, raw_dir):
    # Arrow's own messages quote the offending row: they must not reach the terminal
    (raw_dir / "contacts.csv").write_bytes(b"contact_id,child_id,contact_date,outcome\nC1,K1,2015-11-03,nfa\n")
    assert _clean(raw_dir, tmp_path / "out").exit_code == 0


def test_a_mapping_that_is_not_utf8_is_one_line(raw_dir, tmp_path):
    mapping = tmp_path / "mapping.yml"
    mapping.write_bytes(b"columns:\n  contacts:\n    \xff\xfe: contact_id\n")
    result = runner.invoke(app, ["clean", "--raw", str(raw_dir), "--out", str(tmp_path / "out"), "--mapping", str(mapping)])
    assert "mapping.yml" in _one_line(result)


def test_the_summary_of_a_clean_names_no_process_leftovers(raw_dir, tmp_path):
    out = tmp_path / "out"
    assert _clean(raw_dir, out).exit_code == 0
    assert json.loads((out / "ingest_summary.json").read_text())["tables"]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) in ([], [".build.lock"])
    assert os.listdir(out)


def test_a_broken_processed_contract_names_the_column_not_the_values(raw_dir, tmp_path, monkeypatch):
    from hwb_kpis.contract import schemas

    monkeypatch.setattr(schemas.PROCESSED_CONTACTS.columns["outcome"], "checks",
                        [__import__("pandera").Check.isin(["nothing"])])
    message = _one_line(_clean(raw_dir, tmp_path / "out"))
    assert "column outcome" in message and "isin" in message
    assert "referral" not in message and "nfa" not in message


def test_report_out_being_a_file_is_one_line(tmp_path):
    (tmp_path / "reports").write_text("not a folder")
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "reports"), "--raw", str(tmp_path / "raw"),
                                 "--processed", str(tmp_path / "processed")])
    assert "reports" in _one_line(result)
