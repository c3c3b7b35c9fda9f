"""The pack built as a council would build it from Ofsted Annex A (issue 13's "done when"):
``hwb-kpis report --month <latest month> --raw <folder>`` exits 0 with every page built, each
saying what the extract cannot provide — on liia-tools' public sample (when ../shared is there)
and on a hand-made workbook in another shape (suffixed sheet names, title rows, headers without
spaces, dates as text). Page by page on many more small extracts: test_small_extracts.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app
from tests.ingest.annex_a import write_annex_a
from tests.support import REALFORMAT_DIR

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pack")]

PAGES = ["00_board_summary", "01_data_quality_and_coding", "02_contacts_and_sources", "03_conversion_fluctuation",
         "04_repeat_contacts", "05_iha_timeliness", "06_benchmarking"]
IHA_REASON = "Annex A List 8 holds the date of the last health assessment, not the initial one"


def build(root: Path, month: str) -> tuple[object, Path]:
    result = CliRunner().invoke(app, ["report", "--month", month, "--raw", str(root / "raw"), "--processed",
                                      str(root / "processed"), "--out", str(root / "reports"), "--dfe-dir",
                                      str(root / "no-dfe")], env={"HWB_KPIS_PSEUDONYM_KEY": "annex-a-pack-key-77"})
    return result, root / "reports" / month


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    root = tmp_path_factory.mktemp("annex_a_pack")
    (root / "raw").mkdir()
    write_annex_a(root / "raw" / "Ofsted Annex A 2015.xlsx", sheets={
        "Contents": None, "List 1 - Contacts": "contacts", "List 3 - Referrals": "referrals",
        "List 8 - Children in Care": "looked_after"}, title_rows=2, compact=True, text_dates=True)
    return build(root, "2015-11")


def test_an_annex_a_export_in_another_shape_builds_every_page(hand_made):
    result, pack = hand_made
    assert result.exit_code == 0, result.output
    assert "format: Ofsted Annex A workbook (annex-a, detected)" in result.output
    assert sorted(p.stem for p in pack.glob("*.html")) == sorted([*PAGES, "index", "glossary"])


def test_each_page_says_what_the_extract_cannot_provide(hand_made):
    _, pack = hand_made
    page = {name: (pack / f"{name}.html").read_text(encoding="utf-8") for name in PAGES}
    assert IHA_REASON in page["05_iha_timeliness"]
    assert "Contacts submitted on a MARF cannot be shown from this extract" in page["00_board_summary"]
    assert "Multi Agency Referral Form" in page["01_data_quality_and_coding"]
    for name in ("00_board_summary", "03_conversion_fluctuation", "04_repeat_contacts"):
        assert "A contact counts as progressed to referral when the list of referrals has a referral" in page[name]
    assert "Referrals received" in page["03_conversion_fluctuation"]


def test_nothing_of_the_workbook_that_identifies_a_child_or_worker_reaches_the_pack(hand_made):
    _, pack = hand_made
    text = " ".join(p.read_text(encoding="utf-8") for p in pack.glob("*.html"))
    text = re.sub(r"<style.*?</style>", "", text, flags=re.S)  # the house stylesheet's colour names
    for never in ("A100", "B200", "C300", "D400", "Worker One", "Worker Two", "HP1 1AA"):
        assert never not in text


def test_the_liia_tools_sample_builds_for_its_latest_month(tmp_path):
    sample = REALFORMAT_DIR / "annex_a_liia_tools.xlsx"
    if not sample.exists():
        pytest.skip(f"{sample} not found: ../shared/ is only present on project machines")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / sample.name).write_bytes(sample.read_bytes())
    result, pack = build(tmp_path, "2020-09")
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in pack.glob("*.html")) == sorted([*PAGES, "index", "glossary"])
    assert IHA_REASON in (pack / "05_iha_timeliness.html").read_text(encoding="utf-8")
