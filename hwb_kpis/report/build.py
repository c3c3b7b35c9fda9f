"""The monthly board pack (``hwb-kpis report``), stage by stage from one checked
:class:`~hwb_kpis.report.options.ReportOptions`: **plan** the notebooks and their parameters
(:mod:`~hwb_kpis.report.notebooks`), make the **data** current (:mod:`~hwb_kpis.report.data`:
clean when the raw files changed), **run** every notebook with papermill (:mod:`~hwb_kpis.report.run`),
**render** each to HTML without code and write ``index.html`` (:mod:`~hwb_kpis.report.render`), and
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
from collections.abc import Callable, Iterable, Iterator
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
from hwb_kpis.privacy import disclosure
from hwb_kpis.report import manifest, notebooks, publish, render, run
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
    and render —, index, publish) and whether it is an internal pack."""

    index_path: Path
    failed: list[str]  # names of the notebooks of this build that failed
    pages: list[Page]  # every page of the pack (with --only, those kept from the earlier pack too)
    synthetic: bool = False
    size_bytes: int = 0
    refresh: str = ""
    timings: dict[str, float] = field(default_factory=dict)
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


def run_and_render(options: ReportOptions, pages: list[Page], data: PackData, folder: Path, echo: Echo = print) -> None:
    """Run the notebooks (executed copies in ``folder/notebooks``) and render each one that ran
    to ``folder/<name>.html`` as soon as it ends, with a progress line per page."""
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
        status = "ok" if page.error is None else f"FAILED — {page.error}"
        echo(f"[{done}/{len(pages)}] {page.name}: {status} ({page.seconds:.1f} s)")
        for line in page.kernel_messages:
            echo(f"    kernel of {page.name}: {line}")
    if not options.keep_notebooks:
        shutil.rmtree(executed_dir)


def assemble(options: ReportOptions, pages: list[Page], data: PackData, folder: Path) -> None:
    """What is made from every page of the pack (not only those just run): the index and
    ``pack.json``."""
    index = render.render_index(pages, month=options.month, summary=data.summary,
                                synthetic=data.synthetic, internal=options.internal,
                                processed_dir=options.processed_dir)
    (folder / "index.html").write_text(index, encoding="utf-8")
    manifest.write_manifest(folder, options.month, pages)


def write_pack(
    options: ReportOptions, pages: list[Page], data: PackData, echo: Echo, timings: _Timings
) -> tuple[int, list[Page]]:
    """Build the pack in a temporary folder and publish it; returns its size in bytes and every
    page of the pack (with ``only``: the pages just built and those kept from the earlier pack)."""
    earlier = manifest.earlier_pages(options.pack_dir, options.notebooks_dir) if options.only else []
    with publish.staging(options.pack_dir, echo) as folder:
        if earlier:
            publish.copy_earlier(options.pack_dir, folder, leave_out=[p.name for p in pages])
            echo(f"--only: {len(pages)} page(s) built again; {len(manifest.merged(earlier, pages)) - len(pages)} "
                 "kept from the earlier pack")
        with timings.stage("notebooks"):
            run_and_render(options, pages, data, folder, echo)
        everything = manifest.merged(earlier, pages)
        with timings.stage("index"):
            assemble(options, everything, data, folder)
        agency_pages = options.pack_dir / "agencies"  # `hwb-kpis feedback`'s pages stay with the month
        if agency_pages.is_dir() and not (folder / "agencies").exists():
            shutil.copytree(agency_pages, folder / "agencies", symlinks=True)
        size = publish.folder_size(folder)
        if size > publish.PACK_SIZE_LIMIT:
            echo(f"warning: the pack is {size / 1e6:.1f} MB, over the 10 MB an email attachment allows")
        with timings.stage("publish"):
            publish.publish(folder, options.pack_dir, echo)
    return size, everything


# --- the command --------------------------------------------------------------------------------


def build(options: ReportOptions, echo: Echo = print) -> ReportResult:
    """Build the board pack described by ``options`` (see the module docstring)."""
    timings = _Timings()
    with timings.stage("plan"):
        pages = plan(options, echo)
    with publish.month_lock(options.out_dir, options.month):
        with timings.stage("plan"):
            publish.check_target(options.pack_dir, options.force)  # another build may have ended meanwhile
        with timings.stage("data"):
            data = prepare(options, echo)
        size, everything = write_pack(options, pages, data, echo, timings)
    failed = [p.name for p in pages if not p.ok]  # of the pages built now; earlier failures are in the index
    echo(
        f"{options.kind} written to {options.pack_dir} ({size / 1e6:.1f} MB): {len(pages) - len(failed)} page(s) ok"
        + (f", {len(failed)} FAILED: {', '.join(failed)}" if failed else "")
        + (f"; {len(everything) - len(pages)} page(s) kept from the earlier pack" if len(everything) > len(pages) else "")
    )
    return ReportResult(options.pack_dir / "index.html", failed, everything, synthetic=data.synthetic,
                        size_bytes=size, refresh=data.refresh, timings=dict(timings), internal=options.internal)


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
