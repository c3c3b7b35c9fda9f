"""The monthly board pack (``hwb-kpis report``), stage by stage from one checked
:class:`~hwb_kpis.report.options.ReportOptions`: **plan** the notebooks and their parameters
(:mod:`~hwb_kpis.report.notebooks`), make the **data** current (:mod:`~hwb_kpis.report.data`:
clean when the raw files changed), **run** every notebook with papermill (:mod:`~hwb_kpis.report.run`),
**render** each to HTML without code (:mod:`~hwb_kpis.report.render`), write the pack's **tables**
(``kpis.csv`` and ``pack.json`` for next month's comparison, the revisions since last month's pack
and ``kpis.xlsx``: :mod:`~hwb_kpis.report.kpi_tables`, :mod:`~hwb_kpis.report.revisions`,
:mod:`~hwb_kpis.report.workbook`), the glossary and ``index.html``, print the whole pack to one
A4 **PDF** (:mod:`~hwb_kpis.report.pdf`; skipped, saying why, when WeasyPrint cannot load), and
**publish** the pack to ``reports/YYYY-MM/`` — an internal copy (small numbers not suppressed) to
``reports/YYYY-MM-internal/``, and the terminal calls it an internal pack (:mod:`~hwb_kpis.report.publish`).

The pack is written atomically: everything is built in a hidden temporary folder beside it
(``reports/.YYYY-MM.tmp-<pid>-xxxx``) and renamed into place at the end, so a month's pack is either
complete or absent (an older pack is replaced only once the new one is complete; what a build killed
outright leaves behind is cleared by the next build). A notebook that fails does not stop the
others: it is listed in the index with its error, and ``ReportResult.failed`` is non-empty (the CLI
exits 1). Each stage's seconds are in ``ReportResult.timings``.

One build of a month runs at a time (a lock per month: a second one stops at once). With ``only``,
the named pages are built again into a copy of the published pack and the index (and whatever
else is assembled from every page) is rebuilt from the full set of pages (``pack.json``,
:mod:`~hwb_kpis.report.manifest`): a pack is never replaced by a part of itself.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hwb_kpis.config import (
    DEFAULT_IHA_LIMIT,
    DEFAULT_LINK_DAYS,
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_MATURING_SHARE,
    DEFAULT_SOURCE_FORMAT,
    DEFAULT_VIEW,
)
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.periods import month_name
from hwb_kpis.privacy import disclosure
from hwb_kpis.privacy.disclosure import Decisions
from hwb_kpis.report import (
    kpi_tables,
    manifest,
    notebooks,
    pdf,
    publish,
    published,
    render,
    revisions,
    run,
    workbook,
)
from hwb_kpis.report.data import PackData, pack_data
from hwb_kpis.report.notebooks import Page
from hwb_kpis.report.options import ReportOptions

__all__ = ["Page", "ReportOptions", "ReportResult", "build", "build_report"]

Echo = Callable[[str], Any]


@dataclass
class ReportResult:
    """What a build made: the index, the pages (failed ones named in ``failed``), whether the data
    are synthetic, the pack's size, what was done to the processed folder (``refresh``: kept,
    reused or cleaned), the seconds of each stage (``timings``: plan, data, notebooks — run
    and render —, tables, index, pdf, publish) and whether it is an internal pack. ``pdf_path`` is
    the pack's PDF, or None with ``pdf_problem`` saying why there is none; ``revised`` counts the
    figures of earlier months that moved since last month's pack (None: there was no pack to
    compare with)."""

    index_path: Path
    failed: list[str]  # names of the notebooks of this build that failed
    pages: list[Page]  # every page of the pack (with --only, those kept from the earlier pack too)
    synthetic: bool = False
    size_bytes: int = 0
    refresh: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    pdf_path: Path | None = None
    pdf_problem: str | None = None
    workbook_path: Path | None = None
    revised: int | None = None
    internal: bool = False

    @property
    def kind(self) -> str:
        """``"board pack"`` or ``"internal pack"``."""
        return "internal pack" if self.internal else "board pack"


class _Timings(dict):
    """Seconds per stage of a build."""

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + time.monotonic() - started


# --- the stages ---------------------------------------------------------------------------------


def plan(options: ReportOptions, echo: Echo = print) -> list[Page]:
    """Everything that can be checked before any work: the notebooks, their parameters and the
    pack's folder (an existing pack needs ``force``; checked again under the month's lock)."""
    pages = notebooks.plan_pages(options.notebooks_dir, options.notebook_values(), options.parameters,
                                 options.only)
    publish.check_target(options.pack_dir, options.force)
    echo(f"{options.kind} for {options.month}: {len(pages)} notebook(s) in {options.notebooks_dir}")
    return pages


def prepare(options: ReportOptions, echo: Echo = print) -> PackData:
    """The processed tables made current and checked to cover the month; says when the pack is
    synthetic or internal."""
    data = pack_data(options.raw_dir, options.processed_dir, options.month, mapping_path=options.mapping_path,
                     key_file=options.key_file, echo=echo, fmt=options.source_format, link_days=options.link_days)
    if data.synthetic:
        echo(f"note: SYNTHETIC data — every page carries the banner '{render.SYNTHETIC_BANNER}'")
    if options.internal:
        echo(f"note: INTERNAL pack — small numbers are not suppressed; every page says '{disclosure.INTERNAL_BANNER}'; "
             f"written to {options.pack_dir}, apart from the board's copy")
    return data


def run_and_render(options: ReportOptions, pages: list[Page], data: PackData, folder: Path, echo: Echo = print,
                   rendered: Callable[[Page], Any] | None = None) -> None:
    """Run the notebooks (executed copies in ``folder/notebooks``) and render each one that ran
    to ``folder/<name>.html`` as soon as it ends, with a progress line per page; ``rendered`` is
    called with each page rendered (the PDF prints it while the others run)."""
    executed_dir = folder / "notebooks"
    executed_dir.mkdir(exist_ok=True)  # present when --only copied the earlier pack
    banners = render.banners_for(data.synthetic, options.internal)
    done = 0
    for page in run.run_pages(pages, executed_dir, cwd=options.notebooks_dir, timeout=options.timeout,
                              jobs=options.jobs, echo=echo):
        done += 1
        if page.error is None:
            render.write_page(page, executed_dir / page.source.name, folder, month=options.month,
                              banners=banners, internal=options.internal)
            if page.ok and rendered is not None:
                rendered(page)
        if page.error is not None:
            status = f"FAILED — {page.error}"
        elif page.gaps:
            status = "INCOMPLETE — could not show " + "; ".join(page.gaps)
        else:
            status = "ok"
        echo(f"[{done}/{len(pages)}] {page.name}: {status} ({page.seconds:.1f} s)")
        for line in page.kernel_messages:
            echo(f"    kernel of {page.name}: {line}")
    if not options.keep_notebooks:
        shutil.rmtree(executed_dir)


@dataclass
class _Written:
    """What :func:`write_pack` made besides the pages."""

    size: int = 0
    pdf_problem: str | None = None
    pdf: bool = False
    workbook: bool = False
    revised: int | None = None


@dataclass
class _Prepared:
    """What the build prepares while the notebooks run: the published KPI table (already kept as
    ``kpis.csv``; None, with ``kpi_problem`` saying why, when the processed tables cannot give
    one) and the revisions since last month's pack."""

    published: Any
    revisions: revisions.Revisions
    kpi_problem: str | None = None


def pack_plan(options: ReportOptions, tables: Mapping[str, Any] | None = None) -> Decisions:
    """The pack's one disclosure plan (:func:`hwb_kpis.report.published.pack_plan`) for ``options``,
    kept in the processed folder for every page and file of the pack to read."""
    from hwb_kpis.kpis import extract_as_of, load_processed

    tables = tables if tables is not None else load_processed(options.processed_dir)
    as_of = options.as_of or extract_as_of(tables)
    return published.pack_plan(tables, options.month, view=options.view, as_of=as_of,
                               processed_dir=options.processed_dir, lookback_days=options.lookback_days,
                               iha_limit=options.iha_limit)


def unresolved_warning(n: int) -> str:
    """What the build says when the disclosure plan could not widen ``n`` withheld counts to the
    band (docs/privacy.md, "Counts the plan could not protect"): no count is named."""
    counts = "count" if n == 1 else "counts"
    return (f"warning: {n} withheld {counts} (shown as {disclosure.WITHHELD_COUNT}) could still be narrowed by a "
            f"reader to fewer values than the {disclosure.SUPPRESSED_COUNT} band allows, from the pack's totals and "
            "parts; no small count is shown. Check the pages before circulating the pack (docs/privacy.md, "
            "\"Counts the plan could not protect\").")


def prepare_tables(options: ReportOptions, data: PackData, folder: Path,
                   printer: pdf.PrintJob | None = None, tables: Mapping[str, Any] | None = None) -> _Prepared:
    """Work that needs no page, done while the notebooks run: the glossary page (handed to the
    ``printer``), the KPI table as published, kept in ``kpis.csv`` and ``pack.json`` (what next
    month's pack compares with), and the revisions since last month's pack. A KPI table that
    cannot be computed leaves the pack without ``kpis.csv`` (the pages say what they can).
    ``tables``: the processed tables, when the build has read them already."""
    from hwb_kpis.kpis import kpi_table, load_processed

    (folder / "glossary.html").write_text(
        render.render_glossary_page(month=options.month, synthetic=data.synthetic, internal=options.internal),
        encoding="utf-8")
    if printer is not None:
        printer.add(pdf.PrintPage("glossary.html", "Glossary"))
    render.index_plan(data.summary, options.internal, options.processed_dir)  # the index's, made now
    try:
        tables = tables if tables is not None else load_processed(options.processed_dir)
        kpi_df = kpi_table(tables, view=options.view, as_of=options.as_of, lookback_days=options.lookback_days,
                           iha_limit=options.iha_limit)
    except Exception as exc:  # the pages still stand on their own
        kpi_tables.write_pack_kpis(None, folder, month=options.month, summary=data.summary,
                                   internal=options.internal, synthetic=data.synthetic)
        return _Prepared(None, revisions.Revisions(revisions.shift_month(options.month, -1), False),
                         kpi_problem=notebooks.one_line(exc))
    decisions = None if options.internal else pack_plan(options, tables)
    published = kpi_tables.published_kpis(kpi_df, options.month, internal=options.internal, decisions=decisions,
                                          view=options.view, limit=options.iha_limit)
    kpi_tables.write_pack_kpis(published, folder, month=options.month, summary=data.summary,
                               internal=options.internal, synthetic=data.synthetic)
    return _Prepared(published, revisions.against_previous_pack(published, options.month, options.out_dir,
                                                                internal=options.internal))


def page_tables(folder: Path, page: Page) -> list:
    """The tables of a rendered page, for its sheet of ``kpis.xlsx`` (read while the others run)."""
    return workbook.page_tables((folder / page.html).read_text(encoding="utf-8"))


def write_tables(options: ReportOptions, pages: list[Page], data: PackData, folder: Path,
                 prepared: _Prepared, parsed: Mapping[str, Any] | None = None) -> None:
    """``kpis.xlsx``: README, every KPI (when there is a KPI table), one sheet per page (its tables
    as shown: ``parsed`` holds those already read, by page name), revisions."""
    found = prepared.revisions
    header, rows = revisions.readable(found)
    parsed = parsed or {}
    tables = [(p.name, p.title, parsed[p.name] if p.name in parsed else page_tables(folder, p)) for p in pages if p.ok]
    workbook.write_workbook(
        folder / workbook.WORKBOOK_FILE, prepared.published, summary=data.summary, month=options.month,
        internal=options.internal, synthetic=data.synthetic, pages=workbook.page_sheets(tables),
        revisions=workbook.revisions_sheet(header, rows, found.sentence()) if found.found else None)


def _print_pages(pages: list[Page]) -> list[pdf.PrintPage]:
    """The pages to print, each with its number among the pack's pages (its appendix tables are
    A<number>.1, A<number>.2 …)."""
    return [pdf.PrintPage(p.html or f"{p.name}.html", p.title, i) for i, p in enumerate(pages, start=1)]


def finish_print(options: ReportOptions, pages: list[Page], data: PackData, printer: pdf.PrintJob) -> None:
    """Put the PDF together: the contents page, the pages that were rendered, the glossary, the
    appendix."""
    printed = [p for p, page in zip(_print_pages(pages), pages, strict=True) if page.ok]
    document = pdf.Document.of(month_name(options.month), render.TITLE, render.ORGANISATION,
                               render.banners_for(data.synthetic, options.internal), render.footer(options.internal))
    printer.finish(pdf.PrintPage("index.html", render.TITLE), [*printed, pdf.PrintPage("glossary.html", "Glossary")],
                   document)


def write_index(options: ReportOptions, pages: list[Page], data: PackData, folder: Path, prepared: _Prepared,
                with_pdf: bool) -> None:
    """What is made from every page of the pack (not only those just run): ``index.html`` (the
    pages, the PDF when there is one and Excel copies, the revisions) and the list of pages in
    ``pack.json``."""
    downloads = [{"href": pdf.PDF_FILE, "text": "The whole pack as one PDF, to print (A4)"}] if with_pdf else []
    downloads.append({"href": workbook.WORKBOOK_FILE, "text": "The board's tables in Excel (kpis.xlsx)"})
    found = prepared.revisions
    index = render.render_index(pages, month=options.month, summary=data.summary, synthetic=data.synthetic,
                                internal=options.internal, downloads=downloads,
                                revisions=revisions.index_section(found) if found.found else None,
                                processed_dir=options.processed_dir)
    (folder / "index.html").write_text(index, encoding="utf-8")
    manifest.write_manifest(folder, options.month, pages)


def write_pack(
    options: ReportOptions, pages: list[Page], data: PackData, echo: Echo, timings: _Timings,
    tables: Mapping[str, Any] | None = None,
) -> tuple[_Written, list[Page]]:
    """Build the pack in a temporary folder and publish it; returns what was written and every
    page of the pack (with ``only``: the pages just built and those kept from the earlier pack;
    ``tables``: the processed tables when the build has read them already).
    While the notebooks run, the KPI table, the revisions and the glossary are prepared beside
    them, and the PDF's own process loads its renderer and prints each page as soon as it is
    rendered; at the end the Excel copy is written while the PDF is put together."""
    from concurrent.futures import ThreadPoolExecutor

    written = _Written()
    earlier = manifest.earlier_pages(options.pack_dir, options.notebooks_dir) if options.only else []
    everything = manifest.merged(earlier, pages)
    numbered = {page.name: printed for page, printed in zip(everything, _print_pages(everything), strict=True)}
    with (publish.staging(options.pack_dir, echo) as folder, ThreadPoolExecutor(1) as side,
          pdf.PrintJob(folder) as printer):
        if earlier:
            publish.copy_earlier(options.pack_dir, folder, leave_out=[p.name for p in pages])
            echo(f"--only: {len(pages)} page(s) built again; {len(everything) - len(pages)} kept from the earlier pack")
            rebuilt = {p.name for p in pages}
            for page in everything:
                if page.name not in rebuilt and page.ok:
                    printer.add(numbered[page.name])
        early = side.submit(prepare_tables, options, data, folder, printer, tables)
        parsing: dict[str, Any] = {}  # each page's tables for kpis.xlsx, read as soon as it is rendered

        def rendered(page: Page) -> None:
            printer.add(numbered[page.name])
            parsing[page.name] = side.submit(page_tables, folder, page)

        with timings.stage("notebooks"):
            run_and_render(options, pages, data, folder, echo, rendered=rendered)
        with timings.stage("index"):
            prepared = early.result()
            if prepared.kpi_problem:
                echo(f"warning: no kpis.csv and no KPI sheet in kpis.xlsx: {prepared.kpi_problem}")
            else:
                echo(f"revisions: {prepared.revisions.sentence()}")
            written.revised = prepared.revisions.count if prepared.revisions.found else None
            problem = printer.problem()
            write_index(options, everything, data, folder, prepared, with_pdf=problem is None)
        printing = side.submit(finish_print, options, everything, data, printer) if problem is None else None
        with timings.stage("tables"):
            write_tables(options, everything, data, folder, prepared,
                         parsed={name: future.result() for name, future in parsing.items()})
            written.workbook = True
        with timings.stage("pdf"):
            if printing is not None:
                try:
                    printing.result()
                except Exception as exc:  # the HTML pack is still worth publishing
                    problem = f"the PDF could not be made ({notebooks.one_line(exc)})"
                    write_index(options, everything, data, folder, prepared, with_pdf=False)
            written.pdf_problem, written.pdf = problem, problem is None
            if problem:
                echo(f"warning: no pack.pdf: {problem}; the HTML pack is written")
        printer.close()  # its working folder goes before the pack's size is taken
        written.size = size = publish.folder_size(folder)
        if size > publish.PACK_SIZE_LIMIT:
            echo(f"warning: the pack is {size / 1e6:.1f} MB, over the 10 MB an email attachment allows")
        agency_pages = options.pack_dir / "agencies"  # `hwb-kpis feedback`'s pages stay with the month
        if agency_pages.is_dir() and not (folder / "agencies").exists():
            shutil.copytree(agency_pages, folder / "agencies", symlinks=True)
        with timings.stage("publish"):
            publish.publish(folder, options.pack_dir, echo)
    return written, everything


# --- the command --------------------------------------------------------------------------------


def build(options: ReportOptions, echo: Echo = print) -> ReportResult:
    """Build the board pack described by ``options`` (see the module docstring)."""
    from hwb_kpis.report.startup import freeze_startup

    freeze_startup()  # the build's imports stay out of its collections (hwb_kpis.report.startup)
    timings = _Timings()
    with timings.stage("plan"):
        pages = plan(options, echo)
    with publish.month_lock(options.out_dir, options.month):
        with timings.stage("plan"):
            publish.check_target(options.pack_dir, options.force)  # another build may have ended meanwhile
        with timings.stage("data"):
            data = prepare(options, echo)
        tables = None  # read once here for the plan, and used again for the KPI files
        if not options.internal:
            with timings.stage("disclosure"):
                from hwb_kpis.kpis import load_processed

                try:
                    tables = load_processed(options.processed_dir)
                    decisions = pack_plan(options, tables)  # made once, before any page runs: every page reads it
                except HwbKpisError:  # tables no page can read either: each page says so in its own words
                    tables, decisions = None, None
                if decisions is not None and decisions.unresolved:
                    echo(unresolved_warning(len(decisions.unresolved)))
        written, everything = write_pack(options, pages, data, echo, timings, tables=tables)
    size = written.size
    failed = [p.name for p in pages if not p.ok]  # of the pages built now; earlier failures are in the index
    incomplete = [p.name for p in pages if p.ok and p.gaps]
    echo(
        f"{options.kind} written to {options.pack_dir} ({size / 1e6:.1f} MB): "
        f"{len(pages) - len(failed) - len(incomplete)} page(s) ok"
        + (f", {len(incomplete)} INCOMPLETE: {', '.join(incomplete)}" if incomplete else "")
        + (f", {len(failed)} FAILED: {', '.join(failed)}" if failed else "")
        + (f"; {len(everything) - len(pages)} page(s) kept from the earlier pack" if len(everything) > len(pages) else "")
    )
    return ReportResult(options.pack_dir / "index.html", failed, everything, synthetic=data.synthetic,
                        size_bytes=size, refresh=data.refresh, timings=dict(timings),
                        pdf_path=options.pack_dir / pdf.PDF_FILE if written.pdf else None,
                        pdf_problem=written.pdf_problem,
                        workbook_path=options.pack_dir / workbook.WORKBOOK_FILE if written.workbook else None,
                        revised=written.revised, internal=options.internal)


def build_report(
    month: str,
    raw_dir: str | Path,
    processed_dir: str | Path,
    out_dir: str | Path,
    only: Iterable[str] | None = None,
    internal: bool = False,
    force: bool = False,
    mapping_path: str | Path | None = None,
    jobs: int = 2,
    echo: Echo = print,
    notebooks_dir: str | Path | None = None,
    timeout: int = 600,
    *,
    view: str = DEFAULT_VIEW,
    as_of: str | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    iha_limit: str = DEFAULT_IHA_LIMIT,
    parameters: dict[str, Any] | None = None,
    key_file: str | Path | None = None,
    keep_notebooks: bool = True,
    link_days: int = DEFAULT_LINK_DAYS,
    source_format: str = DEFAULT_SOURCE_FORMAT,
    settings_dir: str | Path | None = None,
    maturing_share: float = DEFAULT_MATURING_SHARE,
) -> ReportResult:
    """Build the board pack for ``month`` into ``out_dir/month/`` (an internal one into
    ``out_dir/month-internal/``): :func:`build` with these
    arguments as a :class:`ReportOptions` (checked there; see it for each one)."""
    options = ReportOptions(
        month=month, raw_dir=raw_dir, processed_dir=processed_dir, out_dir=out_dir, notebooks_dir=notebooks_dir,
        only=only, internal=internal, force=force, mapping_path=mapping_path, key_file=key_file,
        jobs=jobs, timeout=timeout, view=view, as_of=as_of, lookback_days=lookback_days, iha_limit=iha_limit,
        parameters=parameters or {}, keep_notebooks=keep_notebooks, link_days=link_days, source_format=source_format,
        settings_dir=settings_dir, maturing_share=maturing_share,
    )
    return build(options, echo)
