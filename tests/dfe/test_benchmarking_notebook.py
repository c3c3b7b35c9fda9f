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
    nb = _run_notebook(tmp_path, dfe_dir=str(tmp_path / "no_dfe_here"), processed_dir=str(tmp_path / "p"),
                       raw_dir=str(tmp_path / "r"))
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    text = " ".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "explore-education-statistics" in text and "Characteristics of children in need" in text
    assert not [o for o in outputs if "image/png" in o.get("data", {})]


@pytest.mark.slow
def test_notebook_shows_benchmark_with_png(tmp_path: Path, dfe_dir: Path) -> None:
    # a processed folder with a summary but no tables, and no raw extract: the own-rate section
    # reports it cannot compute (no synthetic build in this test) and the page still renders
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "ingest_summary.json").write_text("{}", encoding="utf-8")
    nb = _run_notebook(tmp_path, dfe_dir=str(dfe_dir), comparators=["Oxfordshire"],
                       processed_dir=str(tmp_path / "p"), raw_dir=str(tmp_path / "r"))
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    pngs = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pngs) == 1 and "Buckinghamshire" in pngs[0].metadata["image/png"]["alt"]
    html = " ".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "South East" in html and "England" in html and "Oxfordshire" in html
    assert "2014/15" in " ".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "application/javascript" not in {k for o in outputs for k in o.get("data", {})}
