"""Notebook hygiene: committed without outputs, kernelspec kept, one simple `parameters` cell with
known names, a heading and a description first, no figure typed into the words (every figure is
computed), and thin: each notebook loads its page module (hwb_kpis.report.pages) with every
parameter and shows the page's sections through hwb_kpis.report.display."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from hwb_kpis.report import parameters

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb")) + sorted((NOTEBOOK_DIR / "agency").glob("*.ipynb"))

#: every parameter a notebook may take (the report runner passes these)
ALLOWED_PARAMETERS = set(parameters.NAMES)

#: the notebooks of the board pack (06 is written separately)
EXPECTED = {
    "00_board_summary", "01_data_quality_and_coding", "02_contacts_and_sources",
    "03_conversion_fluctuation", "04_repeat_contacts", "05_iha_timeliness",
}

#: a percentage or a number written into prose (e.g. "51%", "34 %", "1,400 contacts") is a figure
#: typed by hand: figures must be computed and rendered by code
TYPED_FIGURE = re.compile(r"\b\d+(\.\d+)?\s?%|\b\d{1,3},\d{3}\b")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def parameter_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]


def is_simple_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, (str, int, float, bool))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float))
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(is_simple_literal(e) for e in node.elts)
    return False


def test_the_pack_notebooks_exist():
    names = {p.stem for p in NOTEBOOKS}
    assert EXPECTED <= names, f"missing notebooks: {sorted(EXPECTED - names)}"


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request) -> tuple[Path, dict]:
    return request.param, load(request.param)


def test_committed_without_outputs(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name} cell {i} has outputs: clear them before committing"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"


def test_every_cell_has_an_id(notebook):
    """nbformat 4.5 cells carry an id (a cell without one is a warning today, an error later)."""
    path, nb = notebook
    missing = [i for i, cell in enumerate(nb["cells"]) if not cell.get("id")]
    assert not missing, f"{path.name}: cells {missing} have no id (nbformat.validator.normalize adds them)"


def test_kernelspec_kept(notebook):
    path, nb = notebook
    spec = nb.get("metadata", {}).get("kernelspec")
    assert spec, f"{path.name}: metadata.kernelspec missing (papermill needs it)"
    assert spec.get("name") == "python3", f"{path.name}: kernelspec name is {spec.get('name')!r}, not python3"


def test_one_simple_parameters_cell(notebook):
    path, nb = notebook
    cells = parameter_cells(nb)
    assert len(cells) == 1, f"{path.name}: {len(cells)} cells tagged 'parameters', expected exactly one"
    cell = cells[0]
    assert cell["cell_type"] == "code"
    tree = ast.parse(source(cell))
    names = []
    for stmt in tree.body:
        assert isinstance(stmt, ast.Assign), (
            f"{path.name}: the parameters cell may hold only assignments, found {ast.dump(stmt)[:60]}"
        )
        assert len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name), (
            f"{path.name}: one plain name per parameter assignment"
        )
        assert is_simple_literal(stmt.value), (
            f"{path.name}: parameter {stmt.targets[0].id} must be a literal (derive values in the next cell)"
        )
        names.append(stmt.targets[0].id)
    assert names, f"{path.name}: the parameters cell is empty"
    assert len(names) == len(set(names)), f"{path.name}: a parameter is assigned twice"
    unknown = set(names) - ALLOWED_PARAMETERS
    assert not unknown, f"{path.name}: unknown parameter names {sorted(unknown)}"


def test_defaults_are_the_seed_month(notebook):
    path, nb = notebook
    tree = ast.parse(source(parameter_cells(nb)[0]))
    values = {s.targets[0].id: ast.literal_eval(s.value) for s in tree.body}
    if "month" in values:
        assert values["month"] == "2015-11", f"{path.name}: default month should be the seed's 2015-11"
    if "internal" in values:
        assert values["internal"] is False, f"{path.name}: a notebook must default to the published (suppressed) view"
    if "view" in values:
        assert values["view"] in ("recoded", "recorded")
    if "iha_limit" in values:
        assert values["iha_limit"] in ("28d", "20wd")


def test_starts_with_a_markdown_heading(notebook):
    path, nb = notebook
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown", f"{path.name}: the first cell should be a markdown heading"
    assert source(first).lstrip().startswith("# "), f"{path.name}: the first cell should start with '# '"
    description = source(first).lstrip().split("\n", 1)[1].strip() if "\n" in source(first).strip() else ""
    assert description, f"{path.name}: the heading should be followed by a one-paragraph description (the index shows it)"


def test_no_typed_figures_in_markdown(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        found = TYPED_FIGURE.search(source(cell))
        assert not found, (
            f"{path.name} markdown cell {i} types the figure {found.group(0)!r}: compute it in code "
            "(the notebook's page module in hwb_kpis.report.pages) and show it with hwb_kpis.report.display"
        )


#: the page module (hwb_kpis.report.pages) of each notebook
PAGE_MODULES = {
    "00_board_summary": "summary", "01_data_quality_and_coding": "data_quality", "02_contacts_and_sources": "contacts",
    "03_conversion_fluctuation": "conversion", "04_repeat_contacts": "repeats", "05_iha_timeliness": "iha",
    "06_benchmarking": "benchmarking", "feedback": "feedback",
}


def parameter_names(nb: dict) -> list[str]:
    return [s.targets[0].id for s in ast.parse(source(parameter_cells(nb)[0])).body]


def test_page_loaded_right_after_parameters(notebook):
    """The cell after the parameters (papermill injects overrides between) loads the notebook's
    page with every parameter, by name; the page reads its data through ensure_processed."""
    import importlib
    import inspect

    from hwb_kpis.report.pages import base

    path, nb = notebook
    cells = nb["cells"]
    idx = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    following = next((c for c in cells[idx + 1:] if c["cell_type"] == "code"), None)
    assert following is not None, f"{path.name}: no code cell after the parameters"
    name = PAGE_MODULES.get(path.stem)
    assert name, f"{path.name}: no page module named for it in PAGE_MODULES"
    text = source(following)
    assert f"from hwb_kpis.report.pages import {name}" in text and f"page = {name}.load(" in text, (
        f"{path.name}: the cell after the parameters should load the page: page = {name}.load(...)")
    for param in parameter_names(nb):
        assert f"{param}={param}" in text, f"{path.name}: parameter {param} is not passed to {name}.load"
    module = importlib.import_module(f"hwb_kpis.report.pages.{name}")
    assert list(inspect.signature(module.load).parameters) == parameter_names(nb), (
        f"hwb_kpis.report.pages.{name}.load should take the notebook's parameters, in the same order")
    loads_data = "load_data(" in inspect.getsource(module) or "ensure_processed(" in inspect.getsource(module)
    assert loads_data and "ensure_processed(" in inspect.getsource(base.load_data), (
        f"{name}: a page reads its data through hwb_kpis.report.data.ensure_processed")


#: what a notebook may import: the page module and the report's display and words
ALLOWED_IMPORT = re.compile(r"^from hwb_kpis\.report(\.pages)? import \w+$|^from hwb_kpis\.report import display, words$")
#: a code cell beyond this many lines is logic that belongs in the page module
MAX_CELL_LINES = 12


def test_notebooks_are_thin(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or "parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        lines = [line for line in source(cell).splitlines() if line.strip()]
        assert len(lines) <= MAX_CELL_LINES, f"{path.name} cell {i}: {len(lines)} lines; move the logic to its page module"
        for line in lines:
            if line.startswith(("import ", "from ")):
                assert ALLOWED_IMPORT.match(line), f"{path.name} cell {i} imports {line!r}: the page module should"
        assert "narrative" not in source(cell), f"{path.name} cell {i}: narrative.py is gone; use the page module"


def test_typed_figure_pattern_catches_seed_figures():
    for text in ("only 34% of all referrals", "51 % in November", "about 1,400 a month"):
        assert TYPED_FIGURE.search(text)
    for text in ("# 04 Repeat contacts", "within 28 days", "the 12-month window", "SPC (XmR)"):
        assert not TYPED_FIGURE.search(text)


#: in the pack's notebooks every table and sentence is shown through hwb_kpis.report.display
#: (show_table / show_published suppress small numbers; show_markdown; show_figure as PNG)
DIRECT_OUTPUT = re.compile(r"\bdisplay\(|\bprint\(|\.to_html\(|\.head\(|\.style\b|^\s*[A-Za-z_][\w.]*\s*$", re.M)


@pytest.mark.parametrize("name", sorted(PAGE_MODULES))
def test_pack_notebooks_show_output_only_through_display(name):
    path = NOTEBOOK_DIR / f"{name}.ipynb"
    if name == "feedback":
        path = NOTEBOOK_DIR / "agency" / f"{name}.ipynb"
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    nb = load(path)
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or "parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        found = DIRECT_OUTPUT.search(source(cell))
        assert not found, (
            f"{path.name} cell {i} shows output directly ({found.group(0).strip()!r}): use hwb_kpis.report.display's "
            "show_table / show_published / show_markdown / show_figure so small numbers are suppressed"
        )
