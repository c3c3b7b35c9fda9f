"""Rendering the pack's HTML (``hwb_kpis.report.render``): the board's copy of a notebook, pages
and the index, banners and footer."""

from __future__ import annotations

from pathlib import Path

import nbformat

from hwb_kpis.privacy import INTERNAL_BANNER, disclosure
from hwb_kpis.report import render
from hwb_kpis.report.notebooks import Page
from hwb_kpis.report.render import (
    SYNTHETIC_BANNER,
    board_notebook,
    render_index,
    render_page,
    write_page,
)

MONTH = "2015-11"


def test_board_notebook_strips_errors_and_js() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\n## Volumes"),
        nbformat.v4.new_code_cell("1/0", outputs=[
            nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="x", traceback=["Traceback"]),
            nbformat.v4.new_output("stream", name="stdout", text="Traceback (most recent call last):\n"),
            nbformat.v4.new_output("display_data", data={"application/javascript": "alert(1)"}),
            nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"}),
            nbformat.v4.new_output("execute_result", data={"text/plain": "<Figure size 800x450 with 1 Axes>"}),
            nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: something\n"),
        ]),
    ]
    clean = board_notebook(nb, "Title")
    outputs = clean.cells[1].outputs
    assert len(outputs) == 1 and outputs[0].metadata["alt"] == "Chart: Volumes"


def test_board_notebook_drops_removed_cells_and_empty_code_and_keeps_given_alt_text() -> None:
    nb = nbformat.v4.new_notebook()
    png = nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"})
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("secret", metadata={"tags": ["remove"]}),
        nbformat.v4.new_code_cell("x = 1", outputs=[]),
        nbformat.v4.new_code_cell("month = 1", metadata={"tags": ["injected-parameters"]},
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="shown?\n")]),
        nbformat.v4.new_code_cell("plot()", metadata={"alt": "Contacts by month"}, outputs=[png]),
    ]
    clean = board_notebook(nb, "Title")
    assert [c.source for c in clean.cells] == ["# Title", "plot()"]
    assert clean.cells[1].outputs[0].metadata["alt"] == "Contacts by month"
    assert clean.metadata["title"] == "Title" and len(nb.cells) == 5  # the original is untouched


def test_render_without_synthetic_has_no_synthetic_banner() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Real page")]
    page = Page("00_x", "Real page", "", Path("00_x.ipynb"))
    html = render_page(nb, page, month=MONTH, banners=[], internal=False)
    assert SYNTHETIC_BANNER not in html and INTERNAL_BANNER not in html
    index = render_index([page], month=MONTH, summary={}, synthetic=False, internal=False)
    assert SYNTHETIC_BANNER not in index and '<html lang="en">' in index


def test_pages_rendered_one_after_another_share_nothing() -> None:
    """The exporter is reused (its templates compile once): nothing of one page may reach the next."""
    first = nbformat.v4.new_notebook()
    first.cells = [nbformat.v4.new_markdown_cell("# First page\n\nOnly on the first page.")]
    second = nbformat.v4.new_notebook()
    second.cells = [nbformat.v4.new_markdown_cell("# Second page")]
    a = render_page(first, Page("01_a", "First page", "", Path("01_a.ipynb")), month=MONTH,
                    banners=render.banners_for(True, True), internal=True)
    b = render_page(second, Page("02_b", "Second page", "", Path("02_b.ipynb")), month="2015-10",
                    banners=[], internal=False)
    assert SYNTHETIC_BANNER in a and INTERNAL_BANNER in a
    assert "Only on the first page" not in b and SYNTHETIC_BANNER not in b and INTERNAL_BANNER not in b
    assert "October 2015" in b and "November 2015" not in b
    again = render_page(first, Page("01_a", "First page", "", Path("01_a.ipynb")), month=MONTH,
                        banners=render.banners_for(True, True), internal=True)
    assert again == a


def test_footer_states_the_small_number_rule_unless_internal() -> None:
    assert render.footer(False) == disclosure.RULE_TEXT
    assert "NOT suppressed" in render.footer(True)
    assert [b["kind"] for b in render.banners_for(True, True)] == ["internal", "synthetic"]
    assert render.banners_for(False, False) == []


def test_index_counts_follow_the_small_number_rule() -> None:
    summary = {"tables": {"contacts": {"raw_rows": 1210, "clean_rows": 1200, "quarantined": 3,
                                       "duplicates_dropped": None}}}
    published = render_index([], month=MONTH, summary=summary, synthetic=False, internal=False)
    assert "1,210" in published and "&lt;5" in published and ">3<" not in published
    internal = render_index([], month=MONTH, summary=summary, synthetic=False, internal=True)
    assert ">3<" in internal and "&lt;5" not in internal


def test_write_page_records_a_rendering_failure(tmp_path: Path) -> None:
    (tmp_path / "broken.ipynb").write_text("not a notebook", encoding="utf-8")
    page = Page("01_x", "X", "", Path("01_x.ipynb"))
    write_page(page, tmp_path / "broken.ipynb", tmp_path, month=MONTH, banners=[], internal=False)
    assert page.error.startswith("rendering failed: ") and page.html is None and not page.ok


def _md(text: str, tags=()) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text, metadata={"tags": list(tags)})


def _code(outputs, tags=()) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell("x", outputs=outputs, metadata={"tags": list(tags)})


def _shown(text: str):
    return nbformat.v4.new_output("display_data", data={"text/markdown": text})


def test_method_notes_for_analysts_stay_out_of_the_board_copy() -> None:
    from hwb_kpis.report.display import GAP_MIME

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _md("# Page"),
        _md("## Month by month\n\nThe chart."),
        _md("*Method:* Laney's p′ chart.", tags=["internal"]),
        _code([_shown("The share varies.")]),
        _code([_shown("p < 0.001, so Laney's p′ limits")], tags=["internal"]),
        _code([nbformat.v4.new_output("display_data", data={GAP_MIME: {"what": "x", "why": "y"}})]),
    ]
    board = "\n".join(str(c.get("source", "")) + str(c.get("outputs", "")) for c in board_notebook(nb, "Page").cells)
    assert "Laney" not in board and GAP_MIME not in board and "The share varies." in board
    internal = "\n".join(str(c.get("source", "")) + str(c.get("outputs", ""))
                         for c in board_notebook(nb, "Page", internal=True).cells)
    assert internal.count("Laney") == 2


def test_a_section_with_nothing_to_show_is_dropped_but_prose_sections_stay() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _md("# Page"),
        _md("## Empty section\n\nNothing will follow."),
        _code([]),  # the DfE file is missing: the cell showed nothing
        _md("More about the empty section."),
        _md("## Shown section"),
        _code([_shown("A figure.")]),
        _md("## About these figures\n\n- prose only"),
    ]
    kept = [c.source for c in board_notebook(nb, "Page").cells if c.cell_type == "markdown"]
    assert kept == ["# Page", "## Shown section", "## About these figures\n\n- prose only"]


def test_page_gaps_are_read_for_the_build_and_never_shown() -> None:
    from hwb_kpis.report.display import GAP_MIME

    nb = nbformat.v4.new_notebook()
    gap = {"what": "the comparison with DfE's published statistics", "why": "no DfE table in /srv/x"}
    nb.cells = [_md("# Page"), _code([nbformat.v4.new_output("display_data", data={GAP_MIME: gap})])]
    assert render.page_gaps(nb) == ["the comparison with DfE's published statistics (no DfE table in /srv/x)"]
    html = render_page(nb, Page("06_x", "Page", "", Path("06_x.ipynb")), month=MONTH, banners=[], internal=False)
    assert "/srv/x" not in html and "DfE" not in html


def test_tables_get_a_caption_and_header_scopes() -> None:
    table = ("<table><thead><tr><th>measure</th><th>n</th></tr></thead>"
             "<tbody><tr><th>Contacts</th><td>1</td></tr></tbody></table>")
    nb = nbformat.v4.new_notebook()
    nb.cells = [_md("# Page\n\n## The measures at a glance"),
                _code([nbformat.v4.new_output("display_data", data={"text/html": table})])]
    html = render_page(nb, Page("00_x", "Page", "", Path("00_x.ipynb")), month=MONTH, banners=[], internal=False)
    assert "<caption>The measures at a glance</caption>" in html
    assert '<th scope="col">measure</th>' in html and '<th scope="row">Contacts</th>' in html
    assert 'href="glossary.html"' in html  # every page links the glossary


def test_a_page_renders_as_nbconvert_renders_it_without_parsing_its_charts() -> None:
    """The board exporter skips nbconvert's parse of the whole page (charts and all) but does what
    that parse did: the page equals nbconvert's ``HTMLExporter`` on the same template, an image
    without alt text gets nbconvert's, and outputs stay focusable."""
    import base64

    from nbconvert import HTMLExporter

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40).decode()
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"},
                               metadata={"alt": "A chart of contacts"}),
        nbformat.v4.new_output("display_data", data={"text/html": '<p>x</p><img src="data:image/png;base64,'
                                                                   + png + '">'}),
    ])
    nb.cells = [nbformat.v4.new_markdown_cell("# A page\n\nSome words."), code]
    page = Page("00_x", "A page", "", Path("00_x.ipynb"))
    ours = render_page(nb, page, month=MONTH, banners=[], internal=False)
    plain = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                         template_file="board_page.html.j2", extra_template_basedirs=[str(render.TEMPLATES_DIR)])
    plain.template_paths = [str(render.TEMPLATES_DIR), *plain.template_paths]
    saved = render._EXPORTERS.__dict__.get("exporter")
    render._EXPORTERS.exporter = plain
    try:
        theirs = render_page(nb, page, month=MONTH, banners=[], internal=False)
    finally:
        render._EXPORTERS.exporter = saved
    assert ours == theirs
    assert ours.count(png) == 2 and 'alt="Chart: A page"' in ours
    assert 'alt="No description has been provided for this image"' in ours and 'tabindex="0"' in ours
