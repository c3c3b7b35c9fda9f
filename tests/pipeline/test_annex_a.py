"""An Ofsted Annex A workbook through `hwb-kpis clean` and `hwb-kpis kpis` (hwb_kpis/pipeline.py):
detected and said, every list reconciled, ids pseudonymised, outcomes derived as documented, the
KPIs worked by hand in tests/data/annex_a/README.md, and no unavailable KPI ever printed."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app
from hwb_kpis.kpis import kpi_table, load_processed
from hwb_kpis.pipeline import is_current, reading_settings, run_clean
from tests.ingest.annex_a import write_annex_a
from tests.kpis.fixtures import counts
from tests.support import REALFORMAT_DIR, require_shared

runner = CliRunner()
KEY = "annex-a-pipeline-test-key-42"

#: (kpi, group, month) -> (numerator, denominator), as tests/data/annex_a/README.md works them out
HAND = {
    ("contacts", "all", "2015-09"): (1, 1), ("contacts", "all", "2015-10"): (3, 3), ("contacts", "all", "2015-11"): (4, 4),
    ("health_share", "all", "2015-10"): (1, 3), ("health_share", "all", "2015-11"): (2, 4),
    ("conversion", "all", "2015-09"): (1, 1), ("conversion", "all", "2015-10"): (0, 3),
    ("conversion", "all", "2015-11"): (1, 3), ("pending", "all", "2015-11"): (1, 4),
    ("repeat_contacts", "all", "2015-10"): (1, 3), ("repeat_contacts", "all", "2015-11"): (0, 4),
    ("referrals", "all", "2015-09"): (1, 1), ("referrals", "all", "2015-10"): (1, 1), ("referrals", "all", "2015-11"): (2, 2),
    ("referral_health_share", "all", "2015-10"): (1, 1), ("referral_health_share", "all", "2015-11"): (1, 2),
    ("referral_nfa", "all", "2015-09"): (0, 1), ("referral_nfa", "all", "2015-10"): (1, 1),
    ("referral_nfa", "all", "2015-11"): (1, 2),
    ("rereferral_12m", "all", "2015-10"): (1, 1), ("rereferral_12m", "all", "2015-11"): (0, 2),
}


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", KEY)


@pytest.mark.parametrize("shape", [{}, {"sheets": {"Cover": None, "List 1 - Contacts": "contacts",
                                                   "List 3 - Referrals": "referrals", "List 8 - CLA": "looked_after"},
                                        "title_rows": 2, "compact": True, "text_dates": True}])
def test_the_hand_made_workbook_gives_the_answers_worked_by_hand(tmp_path, keyed, shape):
    (tmp_path / "raw").mkdir()
    write_annex_a(tmp_path / "raw" / "Annex A.xlsx", **shape)
    said = []
    result = run_clean(tmp_path / "raw", tmp_path / "p", echo=said.append)
    assert said[0].startswith("format: Ofsted Annex A workbook (annex-a, detected): List 1 (Annex A.xlsx")
    tables = load_processed(tmp_path / "p")
    t = kpi_table(tables)
    for (kpi, group, month), expected in HAND.items():
        assert counts(t, kpi, group, month) == expected, (kpi, month)
    assert set(t["kpi"]) == {k for k, _, _ in HAND}
    summary = result.summary
    assert summary["format"] == {"name": "annex-a", "description": "Ofsted Annex A workbook", "chosen": "detected"}
    assert set(summary["kpis"]["unavailable"]) == {"marf", "iha_within_28_days"}
    assert {(d["table"], d["column"]) for d in summary["derivations"]} == {
        ("contacts", "contact_id"), ("contacts", "outcome"), ("referrals", "referral_id")}
    assert {name: s["reconciled"] for name, s in summary["tables"].items()} == dict.fromkeys(
        ["contacts", "referrals", "looked_after"], True)
    # every id pseudonymised with the key; nothing of the extract's ids written
    text = "".join((tmp_path / "p" / f).read_bytes().decode("latin-1") for f in
                   ("contacts.parquet", "referrals.parquet", "looked_after.parquet", "quarantine.csv"))
    assert not any(raw in text for raw in ("A100", "B200", "C300", "D400", "E500", "F600", "Worker"))
    assert tables["contacts"]["outcome"].tolist().count("not_referred") == 5


def test_kpis_never_prints_a_kpi_the_extract_cannot_give(tmp_path, keyed):
    (tmp_path / "raw").mkdir()
    write_annex_a(tmp_path / "raw" / "Annex A.xlsx")
    result = runner.invoke(app, ["clean", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert "KPIs this extract cannot give (2):" in result.output
    assert "iha_within_28_days: Annex A List 8 holds the date of the last health assessment" in result.output
    out = runner.invoke(app, ["kpis", "--processed", str(tmp_path / "p"), "--format", "csv"])
    frame = pd.read_csv(io.StringIO(out.output))
    assert "marf" not in set(frame["kpi"]) and "iha_within_28_days" not in set(frame["kpi"])
    assert {"contacts", "referral_nfa", "rereferral_12m"} <= set(frame["kpi"])


def test_the_link_window_and_the_format_asked_for_are_part_of_the_fingerprint(tmp_path, keyed):
    (tmp_path / "raw").mkdir()
    write_annex_a(tmp_path / "raw" / "Annex A.xlsx")
    run_clean(tmp_path / "raw", tmp_path / "p", echo=lambda _: None)
    assert is_current(tmp_path / "p", tmp_path / "raw")
    assert not is_current(tmp_path / "p", tmp_path / "raw", settings=reading_settings("auto", 10))
    result = run_clean(tmp_path / "raw", tmp_path / "p10", echo=lambda _: None, link_days=10, fmt="annex-a")
    assert result.summary["link_days"] == 10 and result.summary["format"]["chosen"] == "asked"
    assert counts(kpi_table(load_processed(tmp_path / "p10")), "conversion", "all", "2015-10") == (1, 3)
    forced = runner.invoke(app, ["clean", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "c"),
                                 "--format", "contract"])
    assert forced.exit_code == 2 and "no table of the extract found" in forced.stderr


def test_the_shared_liia_tools_sample_cleans_with_every_row_accounted_for(tmp_path, keyed):
    sample = require_shared(REALFORMAT_DIR / "annex_a_liia_tools.xlsx")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / sample.name).write_bytes(sample.read_bytes())
    result = run_clean(tmp_path / "raw", tmp_path / "p", echo=lambda _: None)
    summary = json.loads((tmp_path / "p" / "ingest_summary.json").read_text())
    assert {n: (s["raw_rows"], s["clean_rows"]) for n, s in summary["tables"].items()} == {
        "contacts": (5, 5), "referrals": (6, 6), "looked_after": (5, 5)}
    assert summary["last_date"] == "2020-09-16" and len(result.referrals) == 6
    assert sorted(summary["kpis"]["unavailable"]) == ["iha_within_28_days", "marf"]


def test_the_issues_mapping_one_workbook_two_sheets_now_reads(tmp_path, keyed):
    """As first tried: `excel: sheet: {contacts: List 1, looked_after: List 8}` on one workbook
    named for both tables (it failed with "not a readable Excel workbook (TypeError)")."""
    (tmp_path / "raw").mkdir()
    write_annex_a(tmp_path / "raw" / "Annex_A.xlsx", sheets={"List 1": "contacts", "List 8": "looked_after"})
    (tmp_path / "m.yml").write_text(
        "files: {contacts: Annex_A.xlsx, looked_after: Annex_A.xlsx}\n"
        "excel: {sheet: {contacts: List 1, looked_after: List 8}}\n"
        "columns:\n  contacts: {Child Unique ID: child_id, Date of Contact: contact_date, Contact Source: source_code}\n"
        "  looked_after: {Child Unique ID: child_id, Date Started to be Looked After: period_start}\n")
    result = run_clean(tmp_path / "raw", tmp_path / "p", mapping_path=tmp_path / "m.yml", echo=lambda _: None)
    assert result.summary["format"]["name"] == "contract"
    assert {n: s["clean_rows"] for n, s in result.summary["tables"].items()} == {"contacts": 8, "looked_after": 2}
    # no outcome and no referrals: nothing derived from a stand-in, the KPIs say why
    assert set(result.summary["kpis"]["available"]) == {"contacts", "health_share"}
    assert result.summary["kpis"]["unavailable"]["conversion"].startswith("the contacts list has no decision")
