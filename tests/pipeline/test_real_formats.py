"""The CIN census, the SSDA903 return and the SSD export through `hwb-kpis clean`, `hwb-kpis kpis`
and the pages (hwb_kpis/pipeline.py, report/pages): each detected and said, reconciled (the 903 by
episode rows), pseudonymised, the KPIs worked by hand in tests/data/*/README.md, no KPI printed
that the source cannot give, and page 05 showing children starting to be looked after from a
return without IHA dates."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app
from hwb_kpis.kpis import kpi_table, load_processed
from hwb_kpis.report.pages import data_quality, iha
from tests.kpis.fixtures import counts
from tests.support import TEST_DATA

runner = CliRunner()
KEY = "real-formats-test-key-0123456789"
CONTACT_KPIS = {"contacts", "health_share", "marf", "conversion", "pending", "repeat_contacts"}


def clean(raw, out):
    result = runner.invoke(app, ["clean", "--raw", str(raw), "--out", str(out)], env={"HWB_KPIS_PSEUDONYM_KEY": KEY})
    assert result.exit_code == 0, result.output
    return result.output, json.loads((out / "ingest_summary.json").read_text())


@pytest.fixture(scope="module")
def cin(tmp_path_factory):
    out = tmp_path_factory.mktemp("cin") / "p"
    return (*clean(TEST_DATA / "cin_census", out), out)


@pytest.fixture(scope="module")
def ssda903(tmp_path_factory):
    out = tmp_path_factory.mktemp("903") / "p"
    return (*clean(TEST_DATA / "ssda903", out), out)


def test_the_cin_census_gives_referral_measures_only(cin):
    output, summary, out = cin
    assert "format: DfE Children in Need census (XML) (cin-census, detected): cin_census.xml as referrals" in output
    assert summary["tables"]["referrals"]["reconciled"] and summary["tables"]["referrals"]["quarantined"] == 1
    assert CONTACT_KPIS <= set(summary["kpis"]["unavailable"])
    assert "lists referrals, not contacts" in summary["kpis"]["unavailable"]["conversion"]
    t = kpi_table(load_processed(out))
    assert not CONTACT_KPIS & set(t["kpi"])
    assert counts(t, "referrals", "all", "2015-11") == (2, 2)
    assert counts(t, "referral_health_share", "all", "2015-11") == (1, 2)
    assert counts(t, "referral_nfa", "all", "2015-12") == (1, 1)
    assert counts(t, "rereferral_12m", "all", "2015-12") == (1, 1)
    text = "".join(p.read_bytes().decode("latin-1") for p in out.iterdir() if p.is_file())
    assert "CHILD-A" not in text and "CHILD-C" not in text


def test_kpis_prints_no_contact_figure_for_the_census(cin):
    _, _, out = cin
    result = runner.invoke(app, ["kpis", "--processed", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.output))
    assert not CONTACT_KPIS & set(frame["kpi"])


def test_the_903_reconciles_episodes_and_gives_no_iha(ssda903):
    output, summary, out = ssda903
    assert ("looked_after: raw 9 = clean 4 + quarantined 1 + duplicates dropped 1 + episodes continuing a period "
            "of care 3  (reconciled)") in output
    assert "no date of the initial health assessment" in summary["kpis"]["unavailable"]["iha_within_28_days"]
    assert summary["kpis"]["available"] == []
    assert "iha_within_28_days" not in set(kpi_table(load_processed(out))["kpi"])


def test_the_pages_show_episodes_folded_and_starts_per_month(ssda903):
    _, _, out = ssda903
    page = iha.load(month="2016-01", processed_dir=out, raw_dir=out / "none")
    assert page.starts_table["children starting to be looked after"].tolist()[-5:] == ["0", "<5", "<5", "0", "<5"]
    assert "in 4 of the 12 months" in page.starts_sentence
    assert "no date of the initial health assessment" in str(page.headline)
    quality = data_quality.load(month="2016-01", processed_dir=out, raw_dir=out / "none")
    assert "+ fewer than 5 episodes continuing a period of care" in quality.reconciliation_sentence
    assert data_quality.FOLDED in quality.rows_table.columns


def test_a_census_without_periods_says_why_page_05_has_no_starts(cin):
    _, _, out = cin
    page = iha.load(month="2015-12", processed_dir=out, raw_dir=out / "none")
    assert page.starts_sentence.startswith("Children starting to be looked after cannot be shown from this extract: "
                                           "the Children in Need census does not list periods of care")
    assert len(page.starts_table) == 0


def test_a_folder_holding_only_a_census_xml_is_an_extract(tmp_path):
    """Never mistaken for an empty folder (which would be given the synthetic extract)."""
    from hwb_kpis.pipeline import has_raw_extract

    (tmp_path / "cin.xml").write_bytes((TEST_DATA / "cin_census" / "cin_census.xml").read_bytes())
    assert has_raw_extract(tmp_path)
