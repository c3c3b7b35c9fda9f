"""The agency feedback pages (``hwb-kpis feedback``): the feedback notebook
(``notebooks/agency/feedback.ipynb``) run once per partner agency with papermill, each rendered
like a board pack page into ``reports/YYYY-MM/agencies/<agency>.html``, with their own index.

Stages as the board pack's (:mod:`hwb_kpis.report.build`): the options are checked, the data made
current, what every page shares computed once (:mod:`hwb_kpis.report.feedback_shared`: the agency
KPI table, page 04's repeat flows and their plan, the training models), the notebooks run ``jobs``
at a time (one fresh kernel each), each rendered without code and printed while the others run,
the pages put together into one A4 PDF (``agencies.pdf``, the index as its contents page; skipped,
saying why, where WeasyPrint cannot load), and the ``agencies/`` folder published atomically beside
the month's board pack (a build killed half-way leaves the earlier ``agencies/`` as it was). A page
that fails is listed in the index with its error and does not stop the others."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hwb_kpis.config import project_root
from hwb_kpis.periods import month_name
from hwb_kpis.report import feedback_shared, pdf, publish, render, run
from hwb_kpis.report.build import prepare
from hwb_kpis.report.feedback_agencies import Agency, feedback_agencies
from hwb_kpis.report.notebooks import Page, describe_notebook, inspect_parameters, one_line
from hwb_kpis.report.options import ReportOptions

Echo = Callable[[str], Any]
#: the folder of the feedback pages inside a month's pack
FOLDER = "agencies"
NOTEBOOK = "feedback.ipynb"
#: every agency page in one A4 PDF, beside them (when the pack makes PDFs: WeasyPrint loads)
PDF_FILE = "agencies.pdf"
INDEX_TITLE = "Feedback to partner agencies"


def feedback_notebook(notebooks_dir: Path | None = None) -> Path:
    """The feedback notebook (``notebooks/agency/feedback.ipynb``)."""
    return (notebooks_dir or project_root() / "notebooks") / "agency" / NOTEBOOK


@dataclass
class FeedbackResult:
    """What a build made: the index, the pages, and which failed."""

    index_path: Path
    pages: list[Page]
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: ``agencies.pdf``, or None with ``pdf_problem`` saying why there is none
    pdf_path: Path | None = None
    pdf_problem: str | None = None


def agency_pages(options: ReportOptions, agencies: list[Agency], notebook: Path) -> list[Page]:
    """One :class:`Page` per agency: the notebook with the build's parameters and the agency."""
    import nbformat

    _, description = describe_notebook(nbformat.read(notebook, as_version=4), notebook.stem)
    declared = inspect_parameters(notebook)
    values = {k: v for k, v in options.notebook_values().items() if k in declared}
    return [Page(name=a.slug, title=f"Feedback to {a.label}", description=description, source=notebook,
                 parameters={**values, "agency": a.id}) for a in agencies]


def _run(pages: list[Page], executed_dir: Path, cwd: Path, timeout: int, jobs: int):
    """Run every page's notebook into ``executed_dir/<name>.ipynb``, ``jobs`` at a time."""

    def one(page: Page) -> Page:
        started = time.monotonic()
        try:
            run.run_notebook(page, executed_dir / f"{page.name}.ipynb", cwd, timeout)
        except Exception as exc:  # a failing page must not stop the others
            page.error = one_line(exc)
        page.seconds = time.monotonic() - started
        return page

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(pages)))) as pool:
        for future in as_completed([pool.submit(one, p) for p in pages]):
            yield future.result()


def share(options: ReportOptions, path: Path, pages: list[Page], echo: Echo, side: ThreadPoolExecutor) -> Path | None:
    """Hand each page that declares ``shared_file`` the path of what every agency page shares
    (:mod:`hwb_kpis.report.feedback_shared`), and compute it once on the ``side`` thread while the
    pages' kernels start: a page waits for the file (:func:`feedback_shared.read`). When it cannot
    be computed here, the file says so and each page computes it itself (and says what went
    wrong). None when the notebook takes no such file."""
    if not pages or "shared_file" not in inspect_parameters(pages[0].source):  # one notebook for every agency
        return None
    for page in pages:
        page.parameters["shared_file"] = str(path)

    def compute() -> None:
        try:
            feedback_shared.write(feedback_shared.for_build(options), path)
        except Exception as exc:  # the pages still build on their own
            feedback_shared.write(None, path)
            echo(f"warning: what the agency pages share could not be computed once ({one_line(exc)}); "
                 "each page computes it")

    side.submit(compute)
    return path


def render_index(pages: list[Page], *, month: str, banners, internal: bool, with_pdf: bool = False) -> str:
    """The agencies' index: the PDF of every page (when there is one), every page that worked
    (linked), every page that failed (its error)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(render.TEMPLATES_DIR)), autoescape=True)
    downloads = [{"href": PDF_FILE, "text": "Every agency's page as one PDF, to print (A4)"}] if with_pdf else []
    return env.get_template("agencies_index.html.j2").render(
        month_label=month_name(month), banners=banners, pages=[p for p in pages if p.ok],
        failed=[p for p in pages if not p.ok], footer=render.footer(internal), css=render.house_css(),
        downloads=downloads)


def print_pages(printer: pdf.PrintJob, everything: list[Page], numbers: dict[str, int], *, month: str, banners,
                internal: bool) -> Path:
    """Put ``agencies.pdf`` together: the index as its contents page, then every agency's page that
    was built (in the agencies' order; ``numbers``: each page's number, which names its appendix
    tables), then the figures behind their charts (the board pack's A4 layout,
    :mod:`hwb_kpis.report.pdf`). Pages printed while the others ran are not printed again."""
    printed = [pdf.PrintPage(p.html or f"{p.name}.html", p.title, numbers[p.name]) for p in everything if p.ok]
    document = pdf.Document.of(month_name(month), INDEX_TITLE, render.ORGANISATION, banners, render.footer(internal))
    return printer.finish(pdf.PrintPage("index.html", INDEX_TITLE), printed, document, name=PDF_FILE)


def build_feedback(options: ReportOptions, agencies: Iterable[str] | None = None, echo: Echo = print, *,
                   keep_notebooks: bool = False, with_pdf: bool = True) -> FeedbackResult:
    """Build the feedback pages of ``agencies`` (default: every agency of ``reference/feedback.yml``)
    for ``options.month`` into ``options.out_dir/YYYY-MM/agencies/`` (see the module docstring);
    ``keep_notebooks`` keeps the executed notebooks in ``agencies/notebooks/`` for analysts;
    ``with_pdf=False`` leaves out ``agencies.pdf`` (tests that check it on a smaller build)."""
    from contextlib import nullcontext

    from hwb_kpis.report.startup import freeze_startup

    freeze_startup()  # the build's imports stay out of its collections (hwb_kpis.report.startup)
    started = time.monotonic()
    chosen = feedback_agencies(list(agencies or []))
    notebook = feedback_notebook(options.notebooks_dir)
    pages = agency_pages(options, chosen, notebook)
    target = options.pack_dir / FOLDER
    echo(f"feedback pages for {options.month}: {len(pages)} agenc{'y' if len(pages) == 1 else 'ies'}")
    with publish.month_lock(options.out_dir, options.month):
        data = prepare(options, echo)
        banners = render.banners_for(data.synthetic, options.internal)
        options.pack_dir.mkdir(parents=True, exist_ok=True)
        problem: str | None = None if with_pdf else "not asked for"
        with publish.staging(target, echo) as folder, (pdf.PrintJob(folder) if with_pdf else nullcontext()) as printer:
            executed_dir = folder / "notebooks"
            executed_dir.mkdir(exist_ok=True)
            if agencies and target.is_dir():  # some agencies again: keep the others' pages
                _keep_others(target, folder, [p.name for p in pages])
            side = ThreadPoolExecutor(1)  # what the pages share, computed while their kernels start
            shared = share(options, folder / feedback_shared.FILE, pages, echo, side)
            numbers = {p.name: i for i, p in enumerate(_listed(folder, pages), start=1)}  # A<number>.1 … in the PDF
            for done, page in enumerate(_run(pages, executed_dir, notebook.parent, options.timeout, options.jobs), 1):
                if page.error is None:
                    render.write_page(page, executed_dir / f"{page.name}.ipynb", folder, month=options.month,
                                      banners=banners, internal=options.internal)
                    if printer is not None:  # printed while the others run
                        printer.add(pdf.PrintPage(page.html or f"{page.name}.html", page.title, numbers[page.name]))
                status = "ok" if page.error is None else f"FAILED — {page.error}"
                echo(f"[{done}/{len(pages)}] {page.name}: {status} ({page.seconds:.1f} s)")
            if not keep_notebooks:  # each page is sent on its own: no executed notebooks beside it
                shutil.rmtree(executed_dir)
            side.shutdown(wait=True)
            if shared is not None:
                shared.unlink(missing_ok=True)
            everything = _listed(folder, pages)
            problem = printer.problem() if printer is not None else problem
            index = folder / "index.html"
            index.write_text(render_index(everything, month=options.month, banners=banners, internal=options.internal,
                                          with_pdf=problem is None), encoding="utf-8")
            if problem is None:
                try:
                    print_pages(printer, everything, numbers, month=options.month, banners=banners,
                                internal=options.internal)
                except Exception as exc:  # the HTML pages are still worth publishing
                    problem = f"the PDF could not be made ({one_line(exc)})"
                    index.write_text(render_index(everything, month=options.month, banners=banners,
                                                  internal=options.internal), encoding="utf-8")
            if problem and with_pdf:
                echo(f"warning: no {PDF_FILE}: {problem}; the HTML pages are written")
            if printer is not None:
                printer.close()  # its working folder goes before publishing
            publish.publish(folder, target, echo)
    failed = [p.name for p in pages if not p.ok]
    echo(f"feedback pages written to {target}: {len(pages) - len(failed)} ok"
         + (f", {len(failed)} FAILED: {', '.join(failed)}" if failed else ""))
    return FeedbackResult(target / "index.html", everything, failed, time.monotonic() - started,
                          pdf_path=target / PDF_FILE if problem is None else None, pdf_problem=problem)


def _keep_others(target: Path, folder: Path, names: list[str]) -> None:
    """Copy the earlier pages of agencies not built again."""
    for path in target.glob("*.html"):
        if path.stem not in names and path.name != "index.html":
            shutil.copy2(path, folder / path.name)


def _listed(folder: Path, pages: list[Page]) -> list[Page]:
    """The pages just built, and those kept from an earlier build (in the agencies' order)."""
    built = {p.name for p in pages}
    order = [a.slug for a in feedback_agencies()]
    kept = [Page(name=p.stem, title=f"Feedback to {_label(p.stem)}", description="", source=p, html=p.name)
            for p in folder.glob("*.html") if p.stem not in built and p.name != "index.html"]
    every = pages + kept
    return sorted(every, key=lambda p: order.index(p.name) if p.name in order else len(order))


def _label(slug: str) -> str:
    return next((a.label for a in feedback_agencies() if a.slug == slug), slug)
