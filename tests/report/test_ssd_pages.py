"""Every page's code run on the hand-made Standard Safeguarding Dataset export (tests/data/ssd):
the pages build, each names the one measure the SSD cannot give (the MARF) and no other, and page
05 times the initial health assessments found among the health checks (notebooks run in this
process: tests/report/cells.py; the full pack from a DfE return: test_pack_realformats.py)."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout

import pytest

from hwb_kpis.kpis import registry
from hwb_kpis.pipeline import run_clean
from tests.report.cells import NOTEBOOKS, run_cells
from tests.support import TEST_DATA


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ssd_pages")
    raw, processed = folder / "raw", folder / "processed"
    shutil.copytree(TEST_DATA / "ssd", raw, ignore=shutil.ignore_patterns("*.md"))
    mp = pytest.MonkeyPatch()
    mp.setenv("HWB_KPIS_PSEUDONYM_KEY", "ssd-pages-test-key-0123456789")
    try:
        run_clean(raw, processed, echo=lambda _: None)
        out = {}
        with redirect_stdout(io.StringIO()):
            for path in NOTEBOOKS:
                params = {"month": "2016-06", "processed_dir": str(processed), "raw_dir": str(raw)}
                if path.stem.startswith("06"):
                    params["dfe_dir"] = str(folder / "no-dfe-files")
                out[path.stem] = run_cells(path, **params)["page"]
    finally:
        mp.undo()
    return out


def test_each_page_names_only_the_marf_as_unavailable(pages):
    assert pages["00_board_summary"].data.summary["kpis"]["unavailable"].keys() == {"marf"}
    for name, page in pages.items():
        if not hasattr(page, "MEASURES") or name.startswith("06"):
            continue
        for kpi in page.measures:
            assert (registry.label(kpi) in page.extract_note) == (kpi == "marf"), (name, kpi)


def test_page_05_times_the_assessments_found_among_the_health_checks(pages):
    page = pages["05_iha_timeliness"]
    cohorts = page.iha["28d"].set_index("month")
    assert cohorts.loc["2016-01", ["numerator", "denominator"]].tolist() == [10, 10]
    assert cohorts.loc["2016-06", ["numerator", "denominator"]].tolist() == [0, 10]
    assert "initial health assessments were completed within 28 days" in page.headline
    assert page.starts_table["children starting to be looked after"].tolist()[-6:] == ["10", "9", "11", "10", "10", "10"]
