"""Rendering the pack's HTML: each executed notebook made fit for the board (:func:`board_notebook`)
and exported without code by nbconvert on the house template (:func:`render_page`), and the
contents page (:func:`render_index`); both carry the banners (synthetic data, internal copy) and
the footer that states the small-number rule (:mod:`hwb_kpis.privacy.disclosure`)."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.metadata
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

import nbformat

from hwb_kpis.periods import month_name
from hwb_kpis.privacy import disclosure
from hwb_kpis.report.display import GAP_MIME
from hwb_kpis.report.markup import TEMPLATES_DIR
from hwb_kpis.report.notebooks import Page, markdown_text, one_line
from hwb_kpis.report.tables import align_tables, scope_headers, with_caption

SYNTHETIC_BANNER = "Synthetic data — not real children"
TITLE = "Children's social care front door board pack"
ORGANISATION = "Health & Wellbeing Board"
INTERNAL_FOOTER = "INTERNAL: small numbers are NOT suppressed in this pack. Do not circulate."

_NOISE = re.compile(r"Traceback \(most recent call last\)|^\s*File \".*\", line \d+", re.M)
#: a bare object repr such as ``<Figure size 800x450 with 1 Axes>`` or ``<... at 0x7f...>``
_REPR = re.compile(r"^\s*<[^<>]*(?: at 0x[0-9a-f]+|Figure size [^<>]*)>\s*$")
_REMOVE = {"remove", "remove_cell"}
#: the tag of a notebook cell only the internal pack shows (method names, notes to analysts)
INTERNAL_TAG = "internal"



# --- the board's copy of a notebook ---------------------------------------------------------------


def _shown_output(out: nbformat.NotebookNode, cell: nbformat.NotebookNode, heading: str) -> bool:
    """Whether an output reaches the board (JavaScript and widget data are dropped from it, and a
    PNG is given alt text: the output's or the cell's ``alt`` metadata, else the heading above)."""
    if out.output_type == "error":
        return False
    if out.output_type == "stream":
        return not (out.get("name") == "stderr" or _NOISE.search(out.get("text", "")))
    if out.output_type not in ("display_data", "execute_result"):
        return True
    data = out.get("data", {})
    data.pop(GAP_MIME, None)  # a note to the build, never to the board
    for mime in list(data):
        if "javascript" in mime or "widget" in mime or "plotly" in mime:
            del data[mime]
    if any(_NOISE.search(str(v)) for v in data.values()):
        return False
    if not data or (set(data) == {"text/plain"} and _REPR.match(str(data["text/plain"]))):
        return False
    if "image/png" in data:
        meta = out.setdefault("metadata", {})
        png_meta = meta.get("image/png", {}) if isinstance(meta.get("image/png"), dict) else {}
        meta["alt"] = png_meta.get("alt") or cell.get("metadata", {}).get("alt") or f"Chart: {heading}"
    if "text/html" in data and "<table" in str(data["text/html"]).lower():
        data["text/html"] = with_caption(str(data["text/html"]), heading)  # a table says what it holds
    return True


def _heading_level(cell: nbformat.NotebookNode) -> int:
    """The level of the heading a markdown cell opens with (0: it does not open with one)."""
    if cell.cell_type != "markdown":
        return 0
    first = next((ln.strip() for ln in cell.source.splitlines() if ln.strip()), "")
    match = re.match(r"^(#{1,6})\s", first)
    return len(match.group(1)) if match else 0


def _without_empty_sections(cells: list[tuple[nbformat.NotebookNode, bool]]) -> list[nbformat.NotebookNode]:
    """Drop every section (a markdown cell opening with a heading, to the next heading) whose code
    cells all came out empty: a heading with nothing under it tells the board nothing. A section
    of prose only (no code cells) stays. ``cells``: (cell, is a code cell that was dropped)."""
    out: list[nbformat.NotebookNode] = []
    section: list[tuple[nbformat.NotebookNode, bool]] = []

    def flush() -> None:
        codes = [dropped for cell, dropped in section if cell.cell_type == "code" or dropped]
        if not (section and _heading_level(section[0][0]) > 1 and codes and all(codes)):
            out.extend(cell for cell, dropped in section if not dropped)
        section.clear()

    for cell, dropped in cells:
        if _heading_level(cell):
            flush()
        section.append((cell, dropped))
    flush()
    return out


def board_notebook(nb: nbformat.NotebookNode, title: str, internal: bool = False) -> nbformat.NotebookNode:
    """A copy of an executed notebook fit for the board: no error outputs, no stderr (warnings
    name files and lines), nothing that looks like a traceback, no JavaScript, no note to the
    build (:func:`hwb_kpis.report.display.report_gap`), cells tagged ``remove``/``remove_cell``
    dropped, cells tagged ``internal`` (method names, notes to analysts) dropped unless
    ``internal``, sections left with nothing to show dropped, alt text on every PNG (from the
    cell's ``alt`` metadata or the nearest heading above it) and a caption on every table (the
    heading above it, unless it has its own)."""
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    heading = title
    cells: list[tuple[nbformat.NotebookNode, bool]] = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & (_REMOVE | {"injected-parameters"}) and cell.cell_type == "code":
            cell.outputs = []
        if tags & _REMOVE or (INTERNAL_TAG in tags and not internal):
            continue
        if cell.cell_type == "markdown":
            if "papermill-error-cell-tag" in tags:
                continue
            for ln in cell.source.splitlines():
                if ln.lstrip().startswith("#"):
                    heading = markdown_text(ln.lstrip().lstrip("#"))
        if cell.cell_type == "code":
            cell.outputs = [out for out in cell.get("outputs", []) if _shown_output(out, cell, heading)]
            if not cell.outputs:
                cells.append((cell, True))  # nothing to show (the code itself is never shown)
                continue
        cells.append((cell, False))
    nb.cells = _without_empty_sections(cells)
    return nb


def page_gaps(nb: nbformat.NotebookNode) -> list[str]:
    """What an executed notebook told the build it could not show
    (:func:`hwb_kpis.report.display.report_gap`), one line each: ``what (why)``."""
    gaps = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            gap = out.get("data", {}).get(GAP_MIME)
            if isinstance(gap, dict):
                gaps.append(f"{gap.get('what', 'something')} ({gap.get('why', 'no reason given')})")
    return gaps


# --- banners and footer ---------------------------------------------------------------------------


def banners_for(synthetic: bool, internal: bool) -> list[dict[str, str]]:
    """The banners at the top of every page: internal copy first, then synthetic data."""
    out = []
    if internal:
        out.append({"kind": "internal", "text": disclosure.INTERNAL_BANNER})
    if synthetic:
        out.append({"kind": "synthetic", "text": SYNTHETIC_BANNER})
    return out


def footer(internal: bool) -> str:
    """The footer of every page: the small-number rule, or the internal copy's warning."""
    return INTERNAL_FOOTER if internal else disclosure.RULE_TEXT


@cache
def house_css() -> str:
    """The pack's style sheet (``templates/house.css``), embedded in every page."""
    return (TEMPLATES_DIR / "house.css").read_text(encoding="utf-8")


# --- pages ----------------------------------------------------------------------------------------


_EXPORTERS = threading.local()


def _board_exporter_class():
    """nbconvert's ``HTMLExporter``, whose last step (alt text on images that have none, outputs
    made focusable) parses the page with its megabytes of base64 charts; this one does the same
    on the page without them (:func:`~hwb_kpis.report.markup.without_images`)."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    from hwb_kpis.report.markup import with_images, without_images

    class BoardExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            text, images = without_images(html)
            soup = BeautifulSoup(text, features="html.parser")
            for elem in soup.select("img:not([alt])"):
                elem.attrs["alt"] = "No description has been provided for this image"
            for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper, .jp-Notebook div.jp-OutputArea-output"):
                elem.attrs["tabindex"] = "0"
            return with_images(str(soup), images), resources

    return BoardExporter


def _page_exporter():
    """The page exporter (nbconvert's ``HTMLExporter`` on the board template, without parsing the
    page's charts: :func:`_board_exporter_class`), made once per thread: its templates are
    compiled on first use, which costs more than rendering a page."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        exporter = _board_exporter_class()(
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            template_file="board_page.html.j2",
            extra_template_basedirs=[str(TEMPLATES_DIR)],
        )
        exporter.template_paths = [str(TEMPLATES_DIR), *exporter.template_paths]
        _EXPORTERS.exporter = exporter
    return exporter


def render_page(nb: nbformat.NotebookNode, page: Page, *, month: str, banners, internal: bool) -> str:
    """HTML of one page (no code, no prompts, banners at the top, images embedded, columns of
    figures right-aligned)."""
    resources = {
        "metadata": {"name": page.title},
        "hwb": {
            "css": house_css(),
            "banners": banners,
            "month_label": month_name(month),
            "footer": footer(internal),
        },
    }
    body, _ = _page_exporter().from_notebook_node(board_notebook(nb, page.title, internal), resources=resources)
    return scope_headers(align_tables(body))


def write_page(page: Page, executed: Path, folder: Path, *, month: str, banners, internal: bool) -> None:
    """Render the executed notebook of ``page`` to ``folder/<name>.html`` and set ``page.html``;
    a page that cannot be rendered gets an ``error`` instead."""
    try:
        nb = nbformat.read(executed, as_version=4)
        page.gaps = page_gaps(nb)
        html = render_page(nb, page, month=month, banners=banners, internal=internal)
        page.html = f"{page.name}.html"
        (folder / page.html).write_text(html, encoding="utf-8")
    except Exception as exc:
        page.error = f"rendering failed: {one_line(exc)}"


# --- the contents page ----------------------------------------------------------------------------

_TABLE_LABELS = {"contacts": "Contacts", "looked_after": "Children becoming looked after"}
_COUNT_KEYS = ("raw_rows", "clean_rows", "quarantined", "duplicates_dropped")


def index_plan(summary: dict[str, Any], internal: bool, processed_dir: Path | None = None) -> disclosure.Decisions:
    """The disclosure decisions of the index's "data in this pack" counts (made once per process:
    a build makes them while the notebooks run)."""
    import json

    from hwb_kpis.report.published import rows_plan

    if internal:
        return disclosure.Decisions(internal=True)
    return rows_plan(json.dumps(summary, sort_keys=True, default=str), str(processed_dir) if processed_dir else None)


def _count_rows(summary: dict[str, Any], internal: bool, processed_dir: Path | None = None) -> list[dict[str, str]]:
    """The index's "data in this pack" rows from the ingest summary; counts are published as page
    01 publishes them (the same disclosure plan: :func:`hwb_kpis.report.published.rows_plan`),
    so "received − used" cannot narrow a ``<5``."""
    from hwb_kpis.report.published import rows_key

    decisions = index_plan(summary, internal, processed_dir)
    rows = []
    for name, table in (summary.get("tables") or {}).items():
        if not isinstance(table, dict):
            continue
        row = {"label": _TABLE_LABELS.get(name, name.replace("_", " ").capitalize())}
        for key in _COUNT_KEYS:
            value = table.get(key)
            if isinstance(value, int):
                row[key] = decisions.cell(rows_key(name, key), value)
            else:
                row[key] = "" if value is None else str(value)
        rows.append(row)
    return rows


def render_index(
    pages: list[Page], *, month: str, summary: dict[str, Any], synthetic: bool, internal: bool,
    downloads: list[dict[str, str]] | None = None, revisions: dict[str, Any] | None = None,
    processed_dir: Path | None = None,
) -> str:
    """HTML of the contents page: every page that worked (linked, with its description), the
    pack's PDF and Excel copies (``downloads``: ``href``, ``text``), what changed since last
    month's pack (``revisions``: ``sentence``, ``header``, ``rows``), every page that failed
    (with its error), the data's row counts, banners and footer."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, keep_trailing_newline=True
    )
    return env.get_template("index.html.j2").render(
        downloads=downloads or [],
        revisions=revisions,
        title=TITLE,
        organisation=ORGANISATION,
        month=month,
        month_label=month_name(month),
        extract_date=summary.get("extract_date"),
        synthetic=synthetic,
        banners=banners_for(synthetic, internal),
        counts=_count_rows(summary, internal, processed_dir),
        pages=[p for p in pages if p.ok],
        failed=[p for p in pages if not p.ok],
        footer=footer(internal),
        generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=_version(),
        css=house_css(),
    )


def render_glossary_page(*, month: str, synthetic: bool, internal: bool) -> str:
    """HTML of the glossary page (:mod:`hwb_kpis.report.glossary`) with the pack's banners."""
    from hwb_kpis.report.glossary import render_glossary

    return render_glossary(title=TITLE, organisation=ORGANISATION, month_label=month_name(month),
                           banners=banners_for(synthetic, internal), footer=footer(internal), css=house_css(),
                           rule=disclosure.RULE_TEXT)


def _version() -> str:
    try:
        return importlib.metadata.version("hwb-kpis")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "dev"
