"""The benchmarking notebook (notebooks/06_benchmarking.ipynb) with and without the DfE file."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tests.support import ROOT

NOTEBOOK = ROOT / "notebooks" / "06_benchmarking.ipynb"


def _run_notebook(tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    import papermill

    out = tmp_path / "06_out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3",
        cwd=str(NOTEBOOK.parent), execution_timeout=120, progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def test_notebook_parameters_are_simple() -> None:
    import papermill

    declared = papermill.inspect_notebook(str(NOTEBOOK))
    assert {"month", "processed_dir", "dfe_dir", "la_code", "comparators", "internal"} <= set(declared)
    assert declared["month"]["default"] == '"2015-11"'
    assert declared["la_code"]["default"] == '"E10000002"'


@pytest.mark.slow
def test_notebook_skips_cleanly_without_dfe_file(tmp_path: Path) -> None:
    """Without DfE tables the board reads why there is no comparison, with no server path, no
    download steps and no empty sections; the build is told where the page looked."""
    from hwb_kpis.report import render
    from hwb_kpis.report.display import GAP_MIME
    from hwb_kpis.report.notebooks import Page

    missing = tmp_path / "no_dfe_here"
    nb = _run_notebook(tmp_path, dfe_dir=str(missing), processed_dir=str(tmp_path / "p"),
                       raw_dir=str(tmp_path / "r"))
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    text = " ".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "no comparison" in text and str(missing) not in text and "explore-education" not in text
    assert not [o for o in outputs if "image/png" in o.get("data", {})]
    assert [o["data"][GAP_MIME]["what"] for o in outputs if GAP_MIME in o.get("data", {})] == [
        "the comparison with DfE's published statistics"]
    assert any(str(missing) in gap for gap in render.page_gaps(nb))
    html = render.render_page(nb, Page("06_benchmarking", "Benchmarking", "", NOTEBOOK), month="2015-11",
                              banners=[], internal=False)
    main = html[html.index("<main>"):]
    assert str(missing) not in main and "hwb-kpis dfe update" not in main and "explore-education" not in main
    # no section heading is left with nothing under it: the sections that need DfE's figures are gone
    import re

    headings = [h for h in re.findall(r"<h[2-6][^>]*>([^<]*)<", main)]
    assert headings == [], headings


@pytest.mark.slow
def test_notebook_shows_benchmark_with_png_from_the_shipped_tables(tmp_path: Path) -> None:
    """A fresh clone (no ../shared): the default dfe_dir is the DfE tables shipped with the package."""
    # a processed folder with a summary but no tables, and no raw extract: the own-rate section
    # reports it cannot compute (no synthetic build in this test) and the page still renders
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "ingest_summary.json").write_text("{}", encoding="utf-8")
    nb = _run_notebook(tmp_path, comparators=["Oxfordshire"],
                       processed_dir=str(tmp_path / "p"), raw_dir=str(tmp_path / "r"))
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    pngs = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pngs) == 1 and "Buckinghamshire" in pngs[0].metadata["image/png"]["alt"]
    html = " ".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "South East" in html and "England" in html and "Oxfordshire" in html
    assert "2014/15" in " ".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "application/javascript" not in {k for o in outputs for k in o.get("data", {})}
    text = " ".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "Open Government Licence v3.0" in text and "/shared/" not in text
