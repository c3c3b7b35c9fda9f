"""ensure_processed: what notebooks call to get data — builds the synthetic default when there is
nothing, reuses processed tables while the raw files are unchanged, re-cleans when they change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.pipeline import is_current, months_without_contacts, raw_fingerprint
from hwb_kpis.report.data import ensure_processed
from hwb_kpis.synthetic import write_marker
from tests.support import TEST_DATA

FIXTURES = TEST_DATA / "ingest"


def _cleaned_at(processed: Path) -> str:
    return json.loads((processed / "ingest_summary.json").read_text())["cleaned_at"]


def test_empty_raw_folder_gets_the_synthetic_default(tmp_path, monkeypatch):
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY", raising=False)
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    messages: list[str] = []
    tables = ensure_processed(processed, raw, echo=messages.append)
    assert (raw / "SYNTHETIC").is_file() and (raw / "contacts.csv").is_file()
    assert any("SYNTHETIC" in m for m in messages)
    assert tables["summary"]["synthetic"] is True and tables["summary"]["pseudonym_key_source"] == "demo"
    assert len(tables["contacts"]) > 40_000
    first = _cleaned_at(processed)
    ensure_processed(processed, raw, echo=messages.append)  # unchanged: no re-clean
    assert _cleaned_at(processed) == first


def test_changed_raw_file_is_recleaned_and_relative_paths_resolve(tmp_path, monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "pipeline-test-key-000")
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES, raw)
    monkeypatch.chdir(tmp_path)
    tables = ensure_processed("processed", "raw", echo=lambda m: None)
    assert len(tables["contacts"]) == 4
    assert is_current(tmp_path / "processed", raw)
    before = raw_fingerprint(raw)
    with open(raw / "contacts.csv", "a") as fh:
        fh.write("C099,CH099,2015-11-12,6,Police,,,Y,referral,,,\n")
    assert raw_fingerprint(raw) != before and not is_current(tmp_path / "processed", raw)
    tables = ensure_processed("processed", "raw", echo=lambda m: None)
    assert len(tables["contacts"]) == 5


def test_mapping_used_by_the_last_clean_is_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "pipeline-test-key-000")
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    (raw / "contacts.csv").write_text("Ref,Person,When,Result\nA1,P1,2015-11-03,Closed\n")
    (raw / "looked_after.csv").write_text("child_id,period_start\n")
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(
        "columns:\n  contacts:\n    Ref: contact_id\n    Person: child_id\n    When: contact_date\n    Result: outcome\n"
        "values:\n  outcome:\n    Closed: nfa\n"
    )
    tables = ensure_processed(processed, raw, mapping_path=mapping, echo=lambda m: None)
    assert tables["contacts"]["outcome"].tolist() == ["nfa"]
    first = _cleaned_at(processed)
    tables = ensure_processed(processed, raw, echo=lambda m: None)  # e.g. a notebook after the report
    assert _cleaned_at(processed) == first


def test_months_without_contacts():
    import pandas as pd

    contacts = pd.DataFrame({"contact_date": pd.to_datetime(["2015-01-03", "2015-03-04"]), "month": ["2015-01", "2015-03"]})
    assert months_without_contacts(contacts) == ["2015-02"]
    assert months_without_contacts(contacts.iloc[:0]) == []


@pytest.mark.parametrize("name", ["contacts.parquet", "ingest_summary.json"])
def test_missing_processed_file_means_not_current(tmp_path, monkeypatch, name):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "pipeline-test-key-000")
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES, raw)
    ensure_processed(tmp_path / "p", raw, echo=lambda m: None)
    (tmp_path / "p" / name).unlink()
    assert not is_current(tmp_path / "p", raw)


def test_raw_folder_with_renamed_files_never_gets_the_synthetic_extract(tmp_path):
    from hwb_kpis.pipeline import has_raw_extract

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "README.md").write_text("what goes here")
    assert not has_raw_extract(raw) and not has_raw_extract(tmp_path / "missing")
    (raw / "List 1 contacts.xlsx").write_bytes(b"a real extract named by a mapping")
    assert has_raw_extract(raw)


def test_raw_files_removed_after_cleaning_keep_the_cleaned_tables(tmp_path, monkeypatch):
    """An analyst may delete the raw extract once it is cleaned: the processed tables are used as
    they are, and the synthetic extract is never written over them."""
    from hwb_kpis import pipeline

    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "pipeline-test-key-000")
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES, raw)
    assert pipeline.refresh_processed(tmp_path / "p", raw, echo=lambda m: None) == "cleaned"
    assert pipeline.refresh_processed(tmp_path / "p", raw, echo=lambda m: None) == "reused"
    before = (tmp_path / "p" / "contacts.parquet").read_bytes()
    for f in raw.iterdir():
        f.unlink()
    lines = []
    assert pipeline.refresh_processed(tmp_path / "p", raw, echo=lines.append) == "kept"
    assert list(raw.iterdir()) == [] and (tmp_path / "p" / "contacts.parquet").read_bytes() == before
    assert "using the tables already cleaned" in lines[0]
    summary_path = tmp_path / "p" / "ingest_summary.json"
    summary = json.loads(summary_path.read_text())
    summary["hwb_kpis_version"] = "0.1.0"  # cleaned by another version: pseudonyms may differ
    summary_path.write_text(json.dumps(summary))
    with pytest.raises(HwbKpisError, match="cleaned by hwb-kpis 0.1.0.*put the raw extract back"):
        pipeline.refresh_processed(tmp_path / "p", raw, echo=lambda m: None)


def test_nothing_at_all_gets_the_demo_writer(tmp_path, monkeypatch):
    """With no extract and no cleaned tables, ``write_demo`` fills the raw folder, then it is
    cleaned; without a ``write_demo`` that is an error (the pipeline never writes demo data itself)."""
    from hwb_kpis import pipeline

    written = []

    def write_demo(out_dir):
        written.append(Path(out_dir))
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "contacts.csv").write_text("x\n")
        write_marker(out_dir)

    cleaned = []
    monkeypatch.setattr(pipeline, "run_clean", lambda raw, out, **kw: cleaned.append((raw, out)))
    with pytest.raises(HwbKpisError, match="no raw extract"):
        pipeline.refresh_processed(tmp_path / "p", tmp_path / "raw", echo=lambda m: None)
    status = pipeline.refresh_processed(tmp_path / "p", tmp_path / "raw", echo=lambda m: None,
                                        write_demo=write_demo)
    assert status == "cleaned" and written == [(tmp_path / "raw").resolve()]
    assert cleaned == [((tmp_path / "raw").resolve(), (tmp_path / "p").resolve())]


def test_run_clean_reports_every_stage_to_its_timings_hook(tmp_path, monkeypatch):
    """The public hook the speed benchmark uses: every stage of ``pipeline.STAGES`` is reported,
    with non-negative seconds, and what it reports adds up to no more than the wall clock."""
    import time

    from hwb_kpis import pipeline

    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "pipeline-test-key-000")
    heard: list[tuple[str, float]] = []
    start = time.perf_counter()
    pipeline.run_clean(FIXTURES, tmp_path / "p", echo=lambda m: None, timings=lambda s, sec: heard.append((s, sec)))
    wall = time.perf_counter() - start
    assert {s for s, _ in heard} == set(pipeline.STAGES)
    assert all(sec >= 0 for _, sec in heard)
    assert sum(sec for s, sec in heard if s != "fingerprint") <= wall
    assert [s for s, _ in heard].count("parse/validate") == 2  # once per table


def test_the_summary_has_exactly_the_documented_fields(tmp_path, monkeypatch):
    """``ingest_summary.json`` holds the keys ``contract/processed.py`` documents (and
    docs/interfaces.md shows), no more, no fewer."""
    from hwb_kpis.contract.processed import SUMMARY_FIELDS, TABLE_SUMMARY_FIELDS
    from hwb_kpis.pipeline import run_clean

    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "pipeline-test-key-000")
    run_clean(FIXTURES, tmp_path / "p", echo=lambda m: None)
    summary = json.loads((tmp_path / "p" / "ingest_summary.json").read_text())
    whole = ("tables", "made_from", "provided")  # keyed by table
    keys = [k for k in summary if not isinstance(summary[k], dict) or k in whole]
    keys += [f"{k}.{sub}" for k, v in summary.items() if isinstance(v, dict) and k not in whole for sub in v]
    assert sorted(keys) == sorted(SUMMARY_FIELDS)
    for table in summary["tables"].values():
        assert list(table) == list(TABLE_SUMMARY_FIELDS)
