"""The pack's plan (``hwb_kpis.report.notebooks``): which notebooks, their titles and descriptions,
and the parameters each is given."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.report.notebooks import (
    describe_notebook,
    discover_notebooks,
    one_line,
    plan_pages,
    plan_parameters,
)
from tests.report.fakes import NOTEBOOKS


def test_only_filter_and_unknown_name() -> None:
    assert [p.name for p in discover_notebooks(NOTEBOOKS)] == ["01_ok.ipynb", "02_fail.ipynb"]
    assert [p.name for p in discover_notebooks(NOTEBOOKS, ["02_fail.ipynb"])] == ["02_fail.ipynb"]
    with pytest.raises(HwbKpisError, match="no notebook named 99_nope"):
        discover_notebooks(NOTEBOOKS, ["99_nope"])


def test_describe_notebook() -> None:
    nb = nbformat.read(NOTEBOOKS / "01_ok.ipynb", as_version=4)
    assert describe_notebook(nb, "x") == ("A page that works", "This tiny page shows the month it was given.")
    assert describe_notebook(nbformat.v4.new_notebook(), "07_some_page") == ("07 some page", "")


def test_long_description_is_cut_at_a_word() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\n" + "word " * 80)]
    _, description = describe_notebook(nb, "x")
    assert description.endswith("word …") and len(description) <= 200


def test_plan_passes_each_notebook_only_what_it_declares(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOKS / "01_ok.ipynb", as_version=4)
    nb.cells[1].source = 'month = "2015-11"\nprocessed_dir = "x"\nview = "recoded"\ndfe_dir = ""'
    nbformat.write(nb, tmp_path / "00_more.ipynb")
    sources = [tmp_path / "00_more.ipynb", NOTEBOOKS / "01_ok.ipynb"]
    base = {"month": "2015-10", "processed_dir": "/p", "view": "recorded", "internal": True}
    plans = plan_parameters(sources, base, {"dfe_dir": "/dfe"})
    assert plans[sources[0]] == {"month": "2015-10", "processed_dir": "/p", "view": "recorded", "dfe_dir": "/dfe"}
    assert plans[sources[1]] == {"month": "2015-10", "processed_dir": "/p", "internal": True}


def test_plan_pages_titles_and_plans_every_page() -> None:
    pages = plan_pages(NOTEBOOKS, {"month": "2015-11", "processed_dir": "/p", "raw_dir": "/r"})
    assert [(p.name, p.title) for p in pages] == [("01_ok", "A page that works"), ("02_fail", pages[1].title)]
    assert all(p.parameters == {"month": "2015-11", "processed_dir": "/p"} for p in pages)
    assert not any(p.ok for p in pages)  # nothing rendered yet


def test_one_line_is_the_last_line_without_colours() -> None:
    assert one_line(RuntimeError("first\n\nsecond  ")) == "RuntimeError: second"
    error = RuntimeError("papermill")
    error.ename, error.evalue = "ValueError", "\x1b[31mbad value\x1b[0m"
    assert one_line(error) == "ValueError: bad value"
    assert len(one_line(ValueError("x" * 500))) == 300
