"""The data a pack runs on (``hwb_kpis.report.data``): processed tables refreshed only when the
raw files changed, and a month the extract does not cover refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.report import data
from hwb_kpis.report.data import check_month_covered
from tests.report.fakes import MONTH, workspace, write_processed


def test_real_fingerprint_unchanged_skips_clean(tmp_path: Path, monkeypatch) -> None:
    """With the lead's pipeline: processed tables stamped with the raw files' fingerprint are reused."""
    pipeline = pytest.importorskip("hwb_kpis.pipeline")
    if not hasattr(pipeline, "raw_fingerprint"):
        pytest.skip("hwb_kpis.pipeline.raw_fingerprint not available")
    dirs = workspace(tmp_path)
    write_processed(dirs["processed_dir"], fingerprint=pipeline.raw_fingerprint(dirs["raw_dir"], None))
    for name in getattr(pipeline, "PROCESSED_FILES", ()):
        path = dirs["processed_dir"] / name
        if not path.exists():
            path.write_text("", encoding="utf-8")
    calls = []
    monkeypatch.setattr(pipeline, "run_clean", lambda *a, **k: calls.append(a))
    data.prepare_data(dirs["raw_dir"], dirs["processed_dir"], echo=lambda s: None)
    assert calls == []
    (dirs["raw_dir"] / "contacts.csv").write_text("contact_id\nchanged\n", encoding="utf-8")
    data.prepare_data(dirs["raw_dir"], dirs["processed_dir"], echo=lambda s: None)
    assert len(calls) == 1


def test_month_checks():
    summary = {"first_contact_date": "2013-04-01", "last_contact_date": "2015-11-30",
               "months_without_contacts": ["2014-06"]}
    check_month_covered(summary, "2015-11")
    check_month_covered(summary, "2013-04")
    for month in ["2013-03", "2015-12", "2014-06"]:
        with pytest.raises(HwbKpisError, match=f"no contacts dated {month}"):
            check_month_covered(summary, month)


def test_pack_data_reads_the_summary_and_says_synthetic(tmp_path: Path, fake_pipeline) -> None:
    dirs = workspace(tmp_path)
    found = data.pack_data(dirs["raw_dir"], dirs["processed_dir"], MONTH, echo=lambda s: None)
    assert found.refresh == "reused" and found.synthetic
    assert found.summary["extract_date"] == "2015-12-02"
    assert data.read_summary(tmp_path / "nowhere") == {}
