"""The pack as boards receive it: one A4 PDF (``pack.pdf``) of the whole pack, made with WeasyPrint
from the rendered HTML pages.

Each page of the pack is printed on its own, as soon as it is rendered (:func:`print_page`: its
``main`` without navigation or footer, links to other pages kept as text, the SPC verdict icons,
colour emoji the print fonts lack, as the shapes the charts use), together with its part of the
appendix: the figures behind each of its charts (each chart's collapsed table moves there, and
the chart says where). :func:`join` then prints the contents page, with the page each part
starts on, puts the parts together in the pack's order (contents, pages, glossary, appendix) and
stamps every sheet with the running header (the month and the synthetic/INTERNAL banner), the
part's title and "Page N of M". The print style sheet (``templates/print.css``) sets A4, keeps
charts whole (with the prose that introduces them), splits long tables between rows with their
header row repeated, and keeps headings with what follows.

:class:`PrintJob` does this in a process of its own, which loads WeasyPrint while the notebooks
run and prints each page while the others still run; :func:`write_pack_pdf` does it in this
process, one page after another. When WeasyPrint or its system libraries (Pango) cannot be
loaded, :func:`renderer_problem` says why and the build writes the HTML pack without a PDF."""

from __future__ import annotations

import html as _html
import re
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from hwb_kpis.report.markup import TEMPLATES_DIR, with_images, without_images

PDF_FILE = "pack.pdf"
#: print in a process of its own (tests of the build set it False: printing a tiny pack in the
#: test's process is quicker than starting one)
SEPARATE_PROCESS = True
#: the shape that stands for each verdict icon in print (the chart's own marker shapes)
#: CSS pixels (WeasyPrint's unit) to PDF points
_PT = 0.75


@dataclass(frozen=True)
class PrintPage:
    """One HTML file of the pack to print: its file name in the pack, its title and its number
    among the pack's pages (which names its appendix tables: A3.2 is page 3's second chart)."""

    file: str
    title: str
    number: int = 0


@dataclass(frozen=True)
class Document:
    """What every sheet says: the month, the pack's title and organisation, the banners (synthetic
    data, internal copy) and the small-number rule."""

    month_label: str
    title: str
    organisation: str
    banners: tuple[tuple[str, str], ...] = ()  # (kind, text)
    footer: str = ""

    @classmethod
    def of(cls, month_label: str, title: str, organisation: str, banners=(), footer: str = "") -> Document:
        return cls(month_label, title, organisation, tuple((b["kind"], b["text"]) for b in banners), footer)


@dataclass
class Printed:
    """A printed part: its PDF, its sheets and the title its sheets carry at the foot."""

    pdf: Path
    sheets: int
    title: str


@dataclass
class PrintedPage:
    """A page of the pack printed: the page, and its part of the appendix (None: no charts)."""

    page: Printed
    appendix: Printed | None = None


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


def _prefix(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", stem)


def _html_document(body: str, title: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_html.escape(title, quote=False)}</title>\n<style>\n{print_css()}\n</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def page_parts(text: str, page: PrintPage) -> tuple[str, list[tuple[str, str]]]:
    """One rendered page for print: its ``main`` (navigation and footer dropped, ids made unique,
    links to other pages kept as their text, wide tables marked) and the
    tables of figures behind its charts, taken out of it as (caption, table HTML) in page order;
    each chart says which appendix table holds its figures."""
    from bs4 import BeautifulSoup

    text, images = without_images(text)
    soup = BeautifulSoup(text, "html.parser")
    main = soup.find("main") or soup.body or soup
    for tag in main.find_all(["footer", "nav", "script"]):
        tag.decompose()
    prefix = _prefix(Path(page.file).stem)
    for tag in main.find_all(id=True):
        tag["id"] = f"{prefix}-{tag['id']}"
    for tag in main.find_all("a", href=True):
        parts = urlsplit(tag["href"])
        if parts.scheme or parts.netloc:
            continue
        if not parts.path and parts.fragment:
            tag["href"] = f"#{prefix}-{parts.fragment}"
        else:  # another page of the pack: a separate part of the PDF, so the words stay, not the link
            tag.unwrap()
    for table in main.find_all("table"):  # wide tables (the appendix's too) print in smaller type
        first_row = table.find("tr")
        if first_row is not None and len(first_row.find_all(["th", "td"])) > 8:
            table["class"] = [*table.get("class", []), "pdf-wide"]
    appendix: list[tuple[str, str]] = []
    for details in main.find_all("details", class_="hwb-chart-data"):
        table = details.find("table")
        if table is None:
            details.decompose()
            continue
        caption = table.find("caption")
        caption_text = " ".join(caption.get_text(" ").split()) if caption else "Figures behind a chart"
        if caption:
            caption.decompose()
        number = f"A{page.number}.{len(appendix) + 1}"
        appendix.append((f"{number}. {caption_text}", str(table)))
        details.replace_with(BeautifulSoup(
            f'<p class="pdf-figref">The figures behind this chart are in table {number} of the appendix.</p>',
            "html.parser"))
    for image in main.find_all("div", class_="jp-RenderedImage"):
        # the prose just before a chart (its heading and introduction) goes to the chart's sheet
        cell = image.find_parent("div", class_="jp-Cell")
        before = cell.find_previous_sibling("div") if cell is not None else None
        if before is not None and "jp-MarkdownCell" in before.get("class", []):
            before["class"] = [*before.get("class", []), "pdf-keep-with-next"]
    body = with_images("".join(str(child) for child in main.children), images)
    return body, [(caption, with_images(table, images)) for caption, table in appendix]


def _write(source: str, target: Path) -> tuple[Path, int, list]:
    """Lay out ``source`` and write it to ``target``; returns the path, its sheets and each
    sheet's links (WeasyPrint's: type, target, rectangle in CSS pixels from the top left)."""
    import weasyprint

    document = weasyprint.HTML(string=source, base_url=str(target.parent)).render()
    document.write_pdf(target)
    return target, len(document.pages), [page.links for page in document.pages]


def appendix_html(page: PrintPage, tables: Sequence[tuple[str, str]]) -> str:
    """A page's part of the appendix: its charts' tables under their captions."""
    parts = [f'<h2 class="pdf-appendix-page">Appendix to “{_html.escape(page.title, quote=False)}”: the figures '
             "behind its charts</h2>"]
    for caption, table in tables:
        parts.append(f"<h3>{_html.escape(caption, quote=False)}</h3>")
        parts.append(_with_class(table, "pdf-appendix-table"))
    return "\n".join(parts)


def _with_class(table: str, name: str) -> str:
    """The HTML of one table with ``name`` added to the classes of its opening tag (kept with
    those it has: a second ``class`` attribute would be dropped by the parser, and with it the
    ``pdf-wide`` mark of a wide table)."""
    head, sep, rest = table.partition(">")
    found = re.search(r'\sclass="([^"]*)"', head)
    if found:
        head = f"{head[:found.start(1)]}{found.group(1)} {name}{head[found.end(1):]}"
    else:
        head = head.replace("<table", f'<table class="{name}"', 1)
    return head + sep + rest


def _images_as_files(markup: str, work: Path, stem: str) -> str:
    """``markup`` with each embedded image (a ``data:`` URI) written to a file in ``work`` and
    referred to by its name: WeasyPrint's HTML parser reads a page many times faster without its
    megabytes of base64, and the image is the same."""
    import base64

    text, images = without_images(markup)
    names = []
    for i, uri in enumerate(images):
        mime, _, data = uri.partition(";base64,")
        name = f"{stem}-image-{i}.{mime.rsplit('/', 1)[-1].split('+')[0] or 'png'}"
        (Path(work) / name).write_bytes(base64.b64decode(data))
        names.append(name)
    return with_images(text, names)


def print_page(folder: Path, page: PrintPage, work: Path) -> PrintedPage:
    """Print one page of the pack, and its part of the appendix, into ``work``."""
    body, tables = page_parts((Path(folder) / page.file).read_text(encoding="utf-8"), page)
    stem = _prefix(Path(page.file).stem)
    body = _images_as_files(body, work, stem)
    path, sheets, _ = _write(_html_document(body, page.title), Path(work) / f"{stem}.pdf")
    printed = PrintedPage(Printed(path, sheets, page.title))
    if tables:
        path, sheets, _ = _write(_html_document(appendix_html(page, tables), page.title), Path(work) / f"{stem}.appendix.pdf")
        printed.appendix = Printed(path, sheets, "Appendix: the figures behind the charts")
    return printed


def contents_html(text: str, entries: Sequence[tuple[str, int]], document: Document) -> str:
    """The contents page for print: the index's ``main`` with its list of pages replaced by a
    table of contents giving the sheet each part starts on, the banners and the small-number rule."""
    body, _ = page_parts(text, PrintPage("index.html", document.title))
    toc = ['<ol class="pdf-toc">']
    for title, start in entries:
        toc.append(f'<li data-page="{start}"><a href="#hwb-part-{start}">{_html.escape(title, quote=False)}</a></li>')
    toc.append("</ol>")
    body = re.sub(r'<ul class="hwb-pages">.*?</ul>', "\n".join(toc), body, count=1, flags=re.S)
    banners = "".join(f'<p class="pdf-banner pdf-banner-{_html.escape(kind)}">{_html.escape(text, quote=False)}</p>'
                      for kind, text in document.banners)
    kicker = (f'<p class="pdf-kicker">{_html.escape(document.organisation, quote=False)} · '
              f"{_html.escape(document.month_label, quote=False)}</p>")
    rule = f'<p class="pdf-rule">{_html.escape(document.footer, quote=False)}</p>' if document.footer else ""
    return kicker + banners + body + rule


def stamp_html(titles: Sequence[str], document: Document) -> str:
    """One blank sheet per sheet of the PDF carrying what every sheet says: the organisation and
    the month, the banners, the part's title and "Page N of M" (laid over the printed parts)."""
    banner = " · ".join(text for _, text in document.banners)
    head = (f"{document.organisation} · {document.title}, {document.month_label}")
    sheets = "".join(f'<div class="pdf-stamp"><p class="pdf-stamp-title">{_html.escape(t, quote=False)}</p></div>'
                     for t in titles)
    css = ("@page { size: A4; margin: 20mm 16mm 18mm 16mm;"
           f" @top-left {{ content: \"{_css_text(head)}\"; font-size: 8.5pt; color: #505a5f; vertical-align: bottom;"
           " padding-bottom: 3mm; }"
           f" @top-right {{ content: \"{_css_text(banner)}\"; font-size: 8.5pt; font-weight: bold; color: #7a3e00;"
           " vertical-align: bottom; padding-bottom: 3mm; }"
           " @bottom-left { content: string(part); font-size: 8pt; color: #505a5f; }"
           " @bottom-right { content: \"Page \" counter(page) \" of \" counter(pages); font-size: 8pt; color: #505a5f; } }"
           " html { font-family: \"Liberation Sans\", Arial, \"DejaVu Sans\", sans-serif; }"
           " .pdf-stamp { break-after: page; } .pdf-stamp:last-child { break-after: auto; }"
           " .pdf-stamp-title { string-set: part content(); font-size: 0; line-height: 0; margin: 0; }")
    return f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><style>{css}</style></head><body>{sheets}</body></html>"


def _css_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def join(folder: Path, contents: PrintPage, parts: Sequence[Printed], document: Document, work: Path,
         name: str = PDF_FILE) -> Path:
    """Print the contents page, put it and ``parts`` (in order) together, stamp every sheet, link
    the contents to the parts, and write ``folder/<name>`` (``pack.pdf``)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link

    index = (Path(folder) / contents.file).read_text(encoding="utf-8")
    titles = [p.title for p in parts]
    contents_sheets, source = 1, ""
    for _attempt in range(3):  # the contents' own length moves every part's first sheet
        starts, sheet = [], contents_sheets + 1
        for part in parts:
            starts.append(sheet)
            sheet += part.sheets
        entries = [(t, s) for i, (t, s) in enumerate(zip(titles, starts, strict=True)) if i == 0 or t != titles[i - 1]]
        source = _html_document(contents_html(index, entries, document), document.title)
        contents_pdf, sheets, links = _write(source, Path(work) / "contents.pdf")
        if sheets == contents_sheets:
            break
        contents_sheets = sheets
    writer = PdfWriter()
    writer.append(PdfReader(contents_pdf), import_outline=False)
    writer.add_outline_item(title=document.title, page_number=0)
    previous = ""
    for part, start in zip(parts, starts, strict=True):
        writer.append(PdfReader(part.pdf), import_outline=False)
        if part.title != previous:  # a bookmark per part (the appendix's parts share one)
            writer.add_outline_item(title=part.title, page_number=start - 1)
        previous = part.title
    all_titles = ["Contents"] * contents_sheets + [p.title for p in parts for _ in range(p.sheets)]
    stamp_pdf, _, _ = _write(stamp_html(all_titles, document), Path(work) / "stamp.pdf")
    stamp = PdfReader(stamp_pdf)
    for i, sheet in enumerate(writer.pages):
        sheet.merge_page(stamp.pages[i])
        sheet.compress_content_streams()  # merging leaves the sheet's drawing uncompressed
    height = float(writer.pages[0].mediabox.height)
    for i, sheet_links in enumerate(links):
        for kind, target, (x1, y1, x2, y2), _box in sheet_links:
            if kind == "internal" and str(target).startswith("hwb-part-"):
                page_index = int(str(target).removeprefix("hwb-part-")) - 1
                writer.add_annotation(i, Link(rect=(x1 * _PT, height - y2 * _PT, x2 * _PT, height - y1 * _PT),
                                              target_page_index=page_index))
    target = Path(folder) / name
    tmp = Path(folder) / f".{name}.tmp"
    with open(tmp, "wb") as handle:
        writer.write(handle)
    tmp.replace(target)
    return target


def _quiet() -> None:
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def _ready() -> str | None:
    """(In the printing process.) Load WeasyPrint; why it cannot be loaded, or None."""
    problem = renderer_problem()
    if problem is None:
        _quiet()
        from hwb_kpis.report.startup import freeze_startup

        freeze_startup()  # this process lays out page after page: its imports stay out of the collector's way
    return problem


def _pack_parts(printed: Sequence[PrintedPage], glossary: Printed | None) -> list[Printed]:
    """The parts of the PDF after the contents, in order: the pages, the glossary, then the
    appendix (each page's part, in page order)."""
    parts = [p.page for p in printed]
    if glossary is not None:
        parts.append(glossary)
    parts += [p.appendix for p in printed if p.appendix is not None]
    return parts


def write_pack_pdf(folder: Path, pages: Sequence[PrintPage], **document) -> Path:
    """Write ``folder/pack.pdf`` in this process, one page after another: ``pages[0]`` is the
    contents page, a last page called ``glossary.html`` is the glossary, the others are the
    pack's pages (``document``: month_label, title, organisation, banners, footer)."""
    _quiet()
    doc = Document.of(**document)
    contents, *rest = pages
    glossary = [p for p in rest if p.file == "glossary.html"]
    body = [p for p in rest if p.file != "glossary.html"]
    with tempfile.TemporaryDirectory(prefix=".print-", dir=folder) as work:
        printed = [print_page(folder, p, Path(work)) for p in body]
        glossary_printed = print_page(folder, glossary[0], Path(work)).page if glossary else None
        return join(folder, contents, _pack_parts(printed, glossary_printed), doc, Path(work))


class PrintJob:
    """The pack's PDF, printed a page at a time while the other notebooks still run, then put
    together (:meth:`finish`). Runs in a process of its own (started when the job is made, so
    that it loads WeasyPrint while the notebooks run); where no such process can be started, in
    this one."""

    def __init__(self, folder: Path) -> None:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self.folder = Path(folder)
        self.work = Path(tempfile.mkdtemp(prefix=".print-", dir=self.folder))
        self.pool = None
        self.pages: dict[str, Future] = {}
        if SEPARATE_PROCESS:
            try:
                self.pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"))
                self._ready: Future = self.pool.submit(_ready)
            except (OSError, RuntimeError, ValueError):  # no processes here: print in this one
                self.pool = None

    def problem(self) -> str | None:
        """Why no PDF can be made (None: it can), once WeasyPrint is loaded."""
        if self.pool is not None:
            try:
                return self._ready.result()
            except Exception:  # the process died: print in this one
                self.pool = None
        return _ready()

    def _submit(self, fn, *args) -> Future:
        if self.pool is not None:
            try:
                return self.pool.submit(fn, *args)
            except Exception:  # a broken pool: print here
                self.pool = None
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def add(self, page: PrintPage) -> None:
        """Print ``page`` (rendered in the pack's folder) as soon as the printer is free."""
        self.pages[page.file] = self._submit(print_page, self.folder, page, self.work)

    def finish(self, contents: PrintPage, pages: Sequence[PrintPage], document: Document, name: str = PDF_FILE) -> Path:
        """Wait for ``pages`` (the pack's pages in order, then the glossary) and put the PDF
        (``name`` in the folder) together with the contents page; raises what printing raised."""
        for page in pages:
            if page.file not in self.pages:
                self.add(page)
        printed = [self.pages[p.file].result() for p in pages if p.file != "glossary.html"]
        glossary = [self.pages[p.file].result().page for p in pages if p.file == "glossary.html"]
        parts = _pack_parts(printed, glossary[0] if glossary else None)
        return self._submit(join, self.folder, contents, parts, document, self.work, name).result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self) -> PrintJob:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


__all__ = ["PDF_FILE", "Document", "PrintJob", "PrintPage", "Printed", "PrintedPage", "join", "page_parts",
           "print_page", "renderer_problem", "write_pack_pdf"]
