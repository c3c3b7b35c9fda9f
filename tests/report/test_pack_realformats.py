"""The pack built from a DfE return as a council would build it (issue 14's "done when"):
``hwb-kpis report --month <latest month with data> --raw <folder>`` exits 0 with every page built
and the unavailable measures named — for the CIN census no contact figure (conversion, repeat
contacts, MARF), for the SSDA903 no IHA figure but the children starting to be looked after. On
the public samples when ../shared is there, else on the hand-made fixtures."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app
from tests.support import REALFORMAT_DIR, TEST_DATA

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pack")]

PAGES = ["00_board_summary", "01_data_quality_and_coding", "02_contacts_and_sources", "03_conversion_fluctuation",
         "04_repeat_contacts", "05_iha_timeliness", "06_benchmarking"]
#: source -> (public sample, its latest month with data; fixture, its latest month)
SOURCES = {
    "cin-census": (REALFORMAT_DIR / "cin_census_fake.xml", "2026-10", TEST_DATA / "cin_census", "2015-12"),
    "ssda903": (REALFORMAT_DIR / "ssda903_fake", "2018-03", TEST_DATA / "ssda903", "2016-01"),
}


def text_of(page: Path) -> str:
    t = re.sub(r"<style.*?</style>|<script.*?</script>|<svg.*?</svg>", " ", page.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", t)))


@pytest.fixture(scope="module", params=list(SOURCES))
def pack(request, tmp_path_factory):
    sample, sample_month, fixture, fixture_month = SOURCES[request.param]
    source, month = (sample, sample_month) if sample.exists() else (fixture, fixture_month)
    root = tmp_path_factory.mktemp(request.param)
    raw = root / "raw"
    raw.mkdir()
    for path in ([source] if source.is_file() else [p for p in source.iterdir() if p.suffix in (".csv", ".xml")]):
        shutil.copy(path, raw / path.name)
    result = CliRunner().invoke(app, ["report", "--month", month, "--raw", str(raw), "--processed",
                                      str(root / "processed"), "--out", str(root / "reports"), "--dfe-dir",
                                      str(root / "no-dfe")], env={"HWB_KPIS_PSEUDONYM_KEY": "real-format-pack-key-1"})
    return request.param, result, root / "reports" / month


def test_every_page_builds_and_names_what_it_cannot_show(pack):
    name, result, folder = pack
    assert result.exit_code == 0, result.output
    assert f"({name}, detected)" in result.output
    assert sorted(p.stem for p in folder.glob("*.html")) == sorted([*PAGES, "index", "glossary"])
    pages = {p: text_of(folder / f"{p}.html") for p in PAGES}
    assert "Repeat contacts cannot be shown from this extract" in pages["00_board_summary"]
    assert "Contacts progressed to referral cannot be shown from this extract" in pages["03_conversion_fluctuation"]
    if name == "cin-census":
        assert "lists referrals, not contacts" in pages["04_repeat_contacts"]
        assert "Referrals received" in pages["03_conversion_fluctuation"]
        assert "does not list periods of care" in pages["05_iha_timeliness"]
    else:
        assert "no date of the initial health assessment" in pages["05_iha_timeliness"]
        assert "children started to be looked after in" in pages["05_iha_timeliness"]
        assert "episodes continuing a period of care" in pages["01_data_quality_and_coding"]


def test_no_figure_of_a_measure_the_source_cannot_give(pack):
    name, result, folder = pack
    summary = text_of(folder / "00_board_summary.html")
    glance = summary[summary.find("The measures at a glance"):summary.find("How to read the icons")]
    absent = ["Contacts progressed to referral", "Repeat contacts", "Contacts submitted on a MARF",
              "Contacts received", "Initial health assessments on time"]
    for label in absent:
        assert label not in glance  # no row, so no figure, in the table of measures
    assert "<img" not in (folder / "04_repeat_contacts.html").read_text(encoding="utf-8")
    if name == "ssda903":
        assert "<img" not in (folder / "05_iha_timeliness.html").read_text(encoding="utf-8")
