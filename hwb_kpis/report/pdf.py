"""The pack as boards receive it: one A4 PDF (``pack.pdf``) of the whole pack, made with WeasyPrint
from the rendered HTML pages (:func:`write_pack_pdf`).

The pages are put into one print document (:func:`print_document`): the contents page first
(with page numbers), every page on a new sheet, the glossary, then an appendix holding the
figures behind every chart (each chart's collapsed table is moved there and the chart says where
it went). Links between pages become links inside the document. The print style sheet
(``templates/print.css``) sets A4, the running header (the month and the synthetic/INTERNAL
banner), page numbers, charts kept whole, long tables split between rows with their header
repeated, and headings kept with what follows. The SPC verdict icons (colour emoji, which the
print fonts lack) become the shapes the charts use (:data:`hwb_kpis.report.plots.SPC_MARKERS`).

When WeasyPrint or its system libraries (Pango) cannot be loaded, :func:`renderer_problem` says
why and the build writes the HTML pack without a PDF. :class:`PrintWorker` prints in a process of
its own, which loads WeasyPrint while the notebooks run, so that the build can write its Excel
copy while the PDF is laid out."""

from __future__ import annotations

import html as _html
import re
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hwb_kpis.report.render import TEMPLATES_DIR
from hwb_kpis.report.tables import with_images, without_images

PDF_FILE = "pack.pdf"
#: print in a process of its own (tests of the build set it False: printing a tiny pack in the
#: test's process is quicker than starting one)
SEPARATE_PROCESS = True
#: the shape that stands for each verdict icon in print (the chart's own marker shapes)
_SHAPES = {"o": "●", "D": "◆", "s": "■", "^": "▲"}


@dataclass(frozen=True)
class PrintPage:
    """One HTML file of the pack to print: its file name in the pack and its title."""

    file: str
    title: str


def renderer_problem() -> str | None:
    """Why no PDF can be made here (WeasyPrint not installed, or its system libraries missing), or
    None when it can."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return "WeasyPrint is not installed (pip install weasyprint)"
    except OSError as exc:  # Pango, HarfBuzz or fontconfig missing
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"WeasyPrint cannot load its system libraries ({first})"
    return None


@cache
def print_css() -> str:
    """The print style sheet (``templates/print.css``)."""
    return (TEMPLATES_DIR / "print.css").read_text(encoding="utf-8")


def _icon_shapes() -> dict[str, tuple[str, str]]:
    """Verdict icon (as the pages write it) → (verdict key, the shape that stands for it)."""
    from hwb_kpis.report.palette import SPC_MARKERS
    from hwb_kpis.report.verdict import VERDICTS

    out = {}
    for key, (icon, _words) in VERDICTS.items():
        shape = _SHAPES.get(SPC_MARKERS.get(key, "o"), "●")
        out[icon] = (key, shape)
    return out


def _prefix(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", stem)


class _Document:
    """The print document being assembled: its sections, the chart tables moved to the appendix,
    and the pages' file names (for links)."""

    def __init__(self, pages: Sequence[PrintPage]) -> None:
        self.files = {p.file: _prefix(Path(p.file).stem) for p in pages}
        self.titles = {p.file: p.title for p in pages}
        self.appendix: list[tuple[str, str, str]] = []  # (caption, page title, table html)
        self.icons = _icon_shapes()

    def link(self, href: str, current: str) -> str:
        """An href of ``current`` as a link inside the print document."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return href
        target = unquote(parts.path) or current
        if target not in self.files:
            return href
        prefix = self.files[target]
        return f"#{prefix}-{parts.fragment}" if parts.fragment else f"#page-{prefix}"

    def section(self, text: str, page: PrintPage, *, classes: str = "pdf-page") -> str:
        """One page of the pack as a print section: its ``main`` without navigation and footer, ids
        and links made unique to the document, chart tables moved to the appendix, wide tables
        marked, verdict icons as shapes."""
        from bs4 import BeautifulSoup

        text, images = without_images(text)
        soup = BeautifulSoup(text, "html.parser")
        main = soup.find("main") or soup.body or soup
        for tag in main.find_all(["footer", "nav", "script"]):
            tag.decompose()
        prefix = self.files[page.file]
        for tag in main.find_all(id=True):
            tag["id"] = f"{prefix}-{tag['id']}"
        for tag in main.find_all("a", href=True):
            tag["href"] = self.link(tag["href"], page.file)
        for details in main.find_all("details", class_="hwb-chart-data"):
            table = details.find("table")
            if table is None:
                details.decompose()
                continue
            caption = table.find("caption")
            caption_text = " ".join(caption.get_text(" ").split()) if caption else "Figures behind a chart"
            if caption:
                caption.decompose()
            number = len(self.appendix) + 1
            self.appendix.append((caption_text, page.title, str(table)))
            ref = BeautifulSoup(
                f'<p class="pdf-figref">The figures behind this chart are in <a href="#appendix-{number}">table '
                f'A{number} of the appendix</a>.</p>', "html.parser")
            details.replace_with(ref)
        for image in main.find_all("div", class_="jp-RenderedImage"):
            # the prose just before a chart (its heading and introduction) goes to the chart's sheet
            cell = image.find_parent("div", class_="jp-Cell")
            before = cell.find_previous_sibling("div") if cell is not None else None
            if before is not None and "jp-MarkdownCell" in before.get("class", []):
                before["class"] = [*before.get("class", []), "pdf-keep-with-next"]
        for table in main.find_all("table"):
            first_row = table.find("tr")
            if first_row is not None and len(first_row.find_all(["th", "td"])) > 8:
                table["class"] = [*table.get("class", []), "pdf-wide"]
        self._shapes(main, BeautifulSoup)
        inner = with_images("".join(str(child) for child in main.children), images)
        return f'<section class="{classes}" id="page-{prefix}">\n{inner}\n</section>'

    def _shapes(self, main, soup_class) -> None:
        pattern = re.compile("|".join(re.escape(icon) for icon in self.icons))
        for text in list(main.find_all(string=pattern)):
            if text.parent is not None and text.parent.name in ("style", "script"):
                continue
            pieces, last = [], 0
            for match in pattern.finditer(str(text)):
                key, shape = self.icons[match.group(0)]
                pieces.append(_html.escape(str(text)[last:match.start()], quote=False))
                pieces.append(f'<span class="pdf-icon pdf-icon-{key}">{shape}</span>')
                last = match.end()
            pieces.append(_html.escape(str(text)[last:], quote=False))
            text.replace_with(soup_class("".join(pieces), "html.parser"))

    def appendix_section(self) -> str:
        if not self.appendix:
            return ""
        from hwb_kpis.privacy.disclosure import RULE_TEXT

        parts = ['<section class="pdf-page" id="page-appendix">', "<h1>Appendix: the figures behind the charts</h1>",
                 "<p>Each table holds the figures one chart of the pack draws, under the chart's title. "
                 f"{_html.escape(RULE_TEXT, quote=False)}</p>"]
        for number, (caption, page_title, table) in enumerate(self.appendix, start=1):
            parts.append(f'<h2 id="appendix-{number}">A{number}. {_html.escape(caption, quote=False)}</h2>')
            parts.append(f'<p class="pdf-appendix-from">From the page “{_html.escape(page_title, quote=False)}”.</p>')
            parts.append(table.replace("<table", '<table class="pdf-appendix-table"', 1))
        parts.append("</section>")
        return "\n".join(parts)


def print_document(folder: Path, pages: Sequence[PrintPage], *, month_label: str, title: str, organisation: str,
                   banners: Sequence[dict[str, str]], footer: str) -> str:
    """The whole pack as one HTML document for printing: ``pages[0]`` is the contents page (its
    list of pages becomes a numbered table of contents), then each page on a new sheet, then the
    appendix of chart figures."""
    doc = _Document(pages)
    contents, *rest = pages
    sections = []
    toc = ['<ol class="pdf-toc">']
    for page in rest:
        toc.append(f'<li><a href="#page-{doc.files[page.file]}">{_html.escape(page.title, quote=False)}</a></li>')
    toc.append("</ol>")
    first = doc.section((folder / contents.file).read_text(encoding="utf-8"), contents, classes="pdf-contents")
    first = re.sub(r'<ul class="hwb-pages">.*?</ul>', "\n".join(toc), first, count=1, flags=re.S)
    sections.append(first)
    for page in rest:
        sections.append(doc.section((folder / page.file).read_text(encoding="utf-8"), page))
    appendix = doc.appendix_section()
    if appendix:
        sections[0] = sections[0].replace('</ol>', '<li><a href="#page-appendix">Appendix: the figures behind the '
                                          'charts</a></li></ol>', 1)
        sections.append(appendix)
    banner_text = " · ".join(b["text"] for b in banners)
    banner_html = "".join(
        f'<p class="pdf-banner pdf-banner-{_html.escape(b["kind"])}">{_html.escape(b["text"], quote=False)}</p>'
        for b in banners)
    running = (f'<p class="pdf-kicker" style="string-set: pack-title content(); margin: 0 0 2mm; color: #505a5f">'
               f"{_html.escape(organisation, quote=False)} · {_html.escape(title, quote=False)}, "
               f"{_html.escape(month_label, quote=False)}</p>")
    if banner_text:
        running += (f'<p style="string-set: pack-banner content(); font-size: 0; line-height: 0; margin: 0">'
                    f"{_html.escape(banner_text, quote=False)}</p>")
    rule = f'<p class="pdf-rule">{_html.escape(footer, quote=False)}</p>'
    sections[0] = sections[0].replace(">", ">" + running + banner_html, 1) + rule
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_html.escape(title, quote=False)} – {_html.escape(month_label, quote=False)}</title>\n"
            f"<style>\n{print_css()}\n</style>\n</head>\n<body>\n" + "\n".join(sections) + "\n</body>\n</html>\n")


def write_pack_pdf(folder: Path, pages: Sequence[PrintPage], **document) -> Path:
    """Write ``folder/pack.pdf`` from the pack's HTML files (:func:`print_document` with
    ``document``: month_label, title, organisation, banners, footer). Raises what WeasyPrint
    raises; call :func:`renderer_problem` first."""
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # unsupported JupyterLab-free CSS is fine
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    source = print_document(folder, pages, **document)
    target = folder / PDF_FILE
    tmp = folder / f".{PDF_FILE}.tmp"
    weasyprint.HTML(string=source, base_url=str(folder)).write_pdf(tmp)
    tmp.replace(target)
    return target


class PrintWorker:
    """A process of its own that loads WeasyPrint as soon as it is made (while the notebooks run)
    and prints the pack when asked (:meth:`start`). Where no such process can be started, the
    printing happens in this process instead."""

    def __init__(self) -> None:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self.pool = None
        if SEPARATE_PROCESS:
            try:
                self.pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"))
                self._ready: Future = self.pool.submit(renderer_problem)
            except (OSError, RuntimeError, ValueError):  # no processes here: print in this one
                self.pool = None

    def problem(self) -> str | None:
        """Why no PDF can be made (None: it can), once the worker has loaded WeasyPrint."""
        if self.pool is not None:
            try:
                return self._ready.result()
            except Exception:  # the worker died: try in this process
                self.pool = None
        return renderer_problem()

    def start(self, folder: Path, pages: Sequence[PrintPage], **document) -> Future:
        """Print the pack (:func:`write_pack_pdf`); the future's result is the PDF's path."""
        if self.pool is not None:
            try:
                return self.pool.submit(write_pack_pdf, folder, pages, **document)
            except Exception:  # a broken pool: print here
                self.pool = None
        future: Future = Future()
        try:
            future.set_result(write_pack_pdf(folder, pages, **document))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PrintWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
