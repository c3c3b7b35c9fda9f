"""Script injection into page 06 (benchmarking): every value from a file (a DfE area name) or a
parameter (the ``--dfe-dir`` folder) is escaped before it reaches markdown or HTML; and the page
prints no absolute path and no log line."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from hwb_kpis.report import render
from hwb_kpis.report.notebooks import Page
from hwb_kpis.report.pages import benchmarking
from tests.support import ROOT

NOTEBOOK = ROOT / "notebooks" / "06_benchmarking.ipynb"
SCRIPT = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def _markdown_html(text: str) -> str:
    """The HTML nbconvert makes of a markdown output (raw HTML in markdown passes through)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def _malicious_dfe(dfe_dir: Path, target: Path) -> Path:
    target.mkdir()
    for source in dfe_dir.glob("*.csv"):
        text = source.read_text(encoding="utf-8-sig")
        (target / source.name).write_text(text.replace("Buckinghamshire", f"Bucks{SCRIPT}"), encoding="utf-8")
    return target


def test_a_folder_name_with_a_backtick_and_a_script_is_escaped(tmp_path):
    folder = tmp_path / f"x`{SCRIPT}"
    page = benchmarking.load(dfe_dir=str(folder))
    html = _markdown_html(page.missing_note)
    assert "<script" not in html and "<img" not in html
    assert str(tmp_path) not in page.missing_note  # no absolute path on a page


def test_area_names_from_the_dfe_file_are_escaped(tmp_path, dfe_dir):
    page = benchmarking.load(dfe_dir=str(_malicious_dfe(dfe_dir, tmp_path / "dfe")))
    for text in (page.authority_note, *page.sentences, page.lookalikes_note):
        html = _markdown_html(text)
        assert "<script" not in html and "<img" not in html, text
    assert "&lt;script&gt;" in _markdown_html(page.authority_note)  # shown as text, not run


@pytest.mark.slow
def test_the_rendered_page_runs_no_script_and_prints_no_path_or_log(tmp_path, dfe_dir):
    import papermill

    out = tmp_path / "06.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(out), kernel_name="python3", cwd=str(NOTEBOOK.parent), execution_timeout=300,
        progress_bar=False,
        parameters={"dfe_dir": str(_malicious_dfe(dfe_dir, tmp_path / "dfe")), "raw_dir": str(tmp_path / "raw"),
                    "processed_dir": str(tmp_path / "processed")},
    )
    nb = nbformat.read(out, as_version=4)
    page = Page("06_benchmarking", "Benchmarking", "", NOTEBOOK)
    html = render.render_page(nb, page, month="2015-11", banners=[], internal=False)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "Bucks&lt;img" in html or "Bucks&amp;lt;img" in html
    # the own-rate section cleans the synthetic extract: none of that reaches the page
    streams = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "stream"]
    assert streams == [], streams
    assert str(tmp_path) not in html


def test_escaping_keeps_plain_names_readable():
    from hwb_kpis.report.escape import markdown_text

    assert markdown_text("Bracknell Forest") == "Bracknell Forest"
    assert markdown_text("St. Helens & Knowsley") == "St. Helens &amp; Knowsley"
    assert _markdown_html(markdown_text("a*b_c`d<e>[f](g)")).count("<") == 2  # only <p></p>
    assert pd.isna(pd.NA) and markdown_text(None) == ""


def test_the_folder_is_named_without_its_path(tmp_path):
    page = benchmarking.load(dfe_dir=str(tmp_path / "dfe files"))
    # the board's page names no folder at all (the build's terminal says where it looked)
    assert "no comparison" in page.missing_note and str(tmp_path) not in page.missing_note
    assert "dfe files" in page.missing_detail
    shutil.rmtree(tmp_path, ignore_errors=True)
