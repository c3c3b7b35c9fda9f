"""The monthly board pack: clean (when the raw files changed), run every notebook with papermill,
render each to HTML without code, and write ``reports/YYYY-MM/index.html``.

The pack is written atomically: everything is built in a hidden temporary folder beside it
(``reports/.YYYY-MM.tmp-<pid>-xxxx``) and renamed into place at the end, so a month's pack is either
complete or absent (an older pack is replaced only once the new one is complete; what a build killed
outright leaves behind is cleared by the next build). A notebook that
fails does not stop the others: it is listed in the index with its error, and
``ReportResult.failed`` is non-empty (the CLI exits 1).
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.metadata
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from hwb_kpis.config import (
    DEFAULT_IHA_LIMIT,
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_VIEW,
    IHA_LIMITS,
    SYNTHETIC_MARKER,
    VIEWS,
    project_root,
)
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.periods import check_month, month_name
from hwb_kpis.privacy import disclosure

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SYNTHETIC_BANNER = "Synthetic data — not real children"
KERNEL_NAME = "python3"
PACK_SIZE_LIMIT = 10 * 1024 * 1024
NOTEBOOK_PATTERN = re.compile(r"^\d\d_[A-Za-z0-9_\-]+\.ipynb$")
#: parameters every notebook must declare (the pack is for one month of one processed folder)
REQUIRED_PARAMETERS = ("month", "processed_dir")
TITLE = "Children's social care front door board pack"
ORGANISATION = "Health & Wellbeing Board"

#: the house palette: (foreground, background) pairs used by templates/house.css; each must have
#: a WCAG contrast ratio of at least 4.5:1
PALETTE = {
    "body text": ("#1b1b1b", "#ffffff"),
    "header": ("#ffffff", "#0b3c5d"),
    "link": ("#1d5c96", "#ffffff"),
    "muted": ("#505a5f", "#ffffff"),
    "synthetic banner": ("#ffffff", "#7a3e00"),
    "internal banner": ("#ffffff", "#9e0000"),
    "failure": ("#a4000f", "#ffffff"),
    "table stripe": ("#1b1b1b", "#f3f2f1"),
}


@dataclass
class Page:
    """One notebook of the pack and what became of it."""

    name: str  # notebook stem, e.g. "00_board_summary"
    title: str
    description: str
    source: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    html: str | None = None  # file name inside the pack when rendered
    error: str | None = None
    seconds: float = 0.0
    #: what the notebook's kernel printed outside the notebook (routine chatter removed)
    kernel_messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.html is not None


@dataclass
class ReportResult:
    index_path: Path
    failed: list[str]  # names of the notebooks that failed
    pages: list[Page]
    synthetic: bool = False
    size_bytes: int = 0


# --- small helpers -----------------------------------------------------------------------------


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""

    def luminance(colour: str) -> float:
        rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _markdown_text(line: str) -> str:
    """Plain text of one markdown line (links, emphasis and code marks removed)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]+", "", text)
    return text.strip()


def describe_notebook(nb: nbformat.NotebookNode, fallback: str) -> tuple[str, str]:
    """(title, one-line description) from the first markdown cell: its first heading and the
    first sentence of the paragraph after it."""
    title, description = "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        paragraph: list[str] = []
        for ln in [ln.strip() for ln in cell.source.splitlines()] + [""]:
            if not title:
                if ln.startswith("#"):
                    title = re.sub(r"^\d\d\s+", "", _markdown_text(ln.lstrip("#")))
                continue
            if ln and not ln.startswith(("#", "|", ">", "- ", "* ", "```", "<")):
                paragraph.append(_markdown_text(ln))
            elif paragraph or ln.startswith("#"):
                break
        description = " ".join(paragraph)
        if title:
            break
    if description:
        first = re.split(r"(?<=[.!?])\s", description, maxsplit=1)[0]
        description = first if len(first) <= 200 else first[:197].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return title or fallback.replace("_", " "), description


def discover_notebooks(notebooks_dir: Path, only: Iterable[str] | None = None) -> list[Path]:
    """``NN_name.ipynb`` files of ``notebooks_dir`` in name order, filtered by ``only`` (names with
    or without ``.ipynb``; an unknown name is an error)."""
    if not notebooks_dir.is_dir():
        raise HwbKpisError(f"{notebooks_dir}: notebooks folder not found")
    found = sorted(p for p in notebooks_dir.iterdir() if NOTEBOOK_PATTERN.match(p.name))
    if only:
        wanted = [Path(str(n)).name.removesuffix(".ipynb") for n in only]
        by_name = {p.stem: p for p in found}
        unknown = [n for n in wanted if n not in by_name]
        if unknown:
            raise HwbKpisError(
                f"{notebooks_dir}: no notebook named {', '.join(unknown)} "
                f"(available: {', '.join(by_name) or 'none'})"
            )
        found = [by_name[n] for n in dict.fromkeys(wanted)]
    if not found:
        raise HwbKpisError(f"{notebooks_dir}: no notebooks named NN_name.ipynb")
    return found


def inspect_parameters(path: Path) -> dict[str, Any]:
    """The parameters a notebook declares (papermill.inspect_notebook); a notebook without a
    cell tagged ``parameters`` is an error."""
    import papermill

    try:
        declared = papermill.inspect_notebook(str(path))
    except Exception as exc:  # unreadable JSON, bad notebook format
        raise HwbKpisError(f"{path}: cannot read the notebook's parameters ({_last_line(exc)})") from None
    if not declared:
        raise HwbKpisError(f"{path}: no cell tagged 'parameters' (papermill needs one)")
    return declared


def plan_parameters(
    notebooks: list[Path], base: dict[str, Any], extra: dict[str, Any] | None
) -> dict[Path, dict[str, Any]]:
    """Check every notebook's declared parameters before anything runs and return the values to
    pass to each: the standard ones it declares (``month`` and ``processed_dir`` are required)
    plus any ``extra`` ones it declares. An ``extra`` name no selected notebook declares is an
    error (papermill would only warn and the value would be silently ignored)."""
    plans: dict[Path, dict[str, Any]] = {}
    declared_anywhere: set[str] = set()
    for path in notebooks:
        declared = inspect_parameters(path)
        declared_anywhere |= set(declared)
        missing = [p for p in REQUIRED_PARAMETERS if p not in declared]
        if missing:
            raise HwbKpisError(
                f"{path}: the parameters cell does not declare {', '.join(missing)} "
                f"(declared: {', '.join(declared) or 'nothing'})"
            )
        values = {k: v for k, v in base.items() if k in declared}
        values.update({k: v for k, v in (extra or {}).items() if k in declared})
        plans[path] = values
    unknown = sorted(set(extra or {}) - declared_anywhere)
    if unknown:
        raise HwbKpisError(
            f"unknown notebook parameter(s) {', '.join(unknown)}: no notebook in "
            f"{notebooks[0].parent} declares them in its parameters cell"
        )
    return plans


def _last_line(exc: BaseException, limit: int = 300) -> str:
    """A one-line, short description of an exception (never a traceback)."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        lines = [ln for ln in str(evalue or "").splitlines() if ln.strip()]
        text = f"{ename}: {lines[-1].strip()}" if lines else str(ename)
    else:
        lines = [ln for ln in str(exc).splitlines() if ln.strip()]
        text = f"{type(exc).__name__}: {lines[-1].strip()}" if lines else type(exc).__name__
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # ANSI colours from IPython
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- data: synthetic extract and cleaning -------------------------------------------------------


def _read_summary(processed_dir: Path) -> dict[str, Any]:
    path = processed_dir / "ingest_summary.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def prepare_data(
    raw_dir: Path,
    processed_dir: Path,
    *,
    mapping_path: Path | None = None,
    key_file: Path | None = None,
    echo: Callable[[str], Any] = print,
) -> dict[str, Any]:
    """:func:`hwb_kpis.pipeline.refresh_processed` (write the synthetic extract when there is no
    data at all, saying so loudly; clean unless the processed folder was made from exactly these
    raw files), then the ingest summary."""
    from hwb_kpis import pipeline
    from hwb_kpis.report.data import demo_writer

    pipeline.refresh_processed(processed_dir, raw_dir, mapping_path=mapping_path, key_file=key_file, echo=echo,
                               write_demo=demo_writer(echo, loud=True))
    summary = _read_summary(processed_dir)
    if pipeline.is_synthetic(raw_dir):
        summary.setdefault("synthetic", True)
    return summary


def check_month_covered(summary: dict[str, Any], month: str) -> None:
    """Raise ``HwbKpisError`` unless the cleaned extract (its ingest summary) has contacts dated in
    ``month`` (``YYYY-MM``): a pack for a month without data is not built at all. A summary from
    before the first/last contact dates were recorded is not checked."""
    if "first_contact_date" not in summary:
        return
    first = (summary.get("first_contact_date") or "")[:7]
    last = (summary.get("last_contact_date") or summary.get("extract_date") or "")[:7]
    if not first or month < first or month > last or month in summary.get("months_without_contacts", []):
        raise HwbKpisError(
            f"no contacts dated {month} in the extract, which covers {first or '?'} to {last or '?'}:"
            " is this month's extract in the raw folder?"
        )


# --- running and rendering ----------------------------------------------------------------------


#: lines a healthy kernel writes to its own stdout/stderr (not the notebook's): ipykernel's notice
#: that the loopback connection is not encrypted, and the interrupt jupyter_client sends before it
#: shuts a kernel down. Anything else a kernel prints there is shown with the notebook's name.
_KERNEL_CHATTER = re.compile(
    r"Kernel is running over TCP without encryption|KeyboardInterrupt caught in kernel|^\s*$"
)


def _kernel_manager_class(cwd: Path, log):
    """A kernel manager that starts the kernel in ``cwd`` with its stdout and stderr going to
    ``log`` (an open file) instead of the terminal. Setting the folder here rather than through
    papermill's ``cwd`` matters: papermill changes the *process's* working directory, which is
    not safe with notebooks running in parallel threads."""
    from jupyter_client.manager import AsyncKernelManager

    class PackKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw.setdefault("cwd", str(cwd))
            kw["stdout"] = kw["stderr"] = log
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return PackKernelManager


def _run_notebook(page: Page, output: Path, cwd: Path, timeout: int) -> list[str]:
    """Execute one notebook with papermill; returns what its kernel printed outside the notebook
    (ipykernel's routine chatter removed), for the terminal."""
    import papermill

    with tempfile.TemporaryFile() as log:
        try:
            papermill.execute_notebook(
                str(page.source),
                str(output),
                parameters=page.parameters,
                kernel_name=KERNEL_NAME,
                execution_timeout=timeout,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                kernel_manager_class=_kernel_manager_class(cwd, log),
            )
        finally:
            log.seek(0)
            text = log.read().decode("utf-8", "replace")
            page.kernel_messages = [ln for ln in text.splitlines() if not _KERNEL_CHATTER.search(ln)]
    return page.kernel_messages


_NOISE = re.compile(r"Traceback \(most recent call last\)|^\s*File \".*\", line \d+", re.M)
#: a bare object repr such as ``<Figure size 800x450 with 1 Axes>`` or ``<... at 0x7f...>``
_REPR = re.compile(r"^\s*<[^<>]*(?: at 0x[0-9a-f]+|Figure size [^<>]*)>\s*$")


def board_notebook(nb: nbformat.NotebookNode, title: str) -> nbformat.NotebookNode:
    """A copy of an executed notebook fit for the board: no error outputs, no stderr (warnings
    name files and lines), nothing that looks like a traceback, no JavaScript, cells tagged
    ``remove``/``remove_cell`` dropped, and alt text on every PNG (from the cell's ``alt``
    metadata or the nearest heading above it)."""
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    heading = title
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"remove", "remove_cell", "injected-parameters"} and cell.cell_type == "code":
            cell.outputs = []
        if tags & {"remove", "remove_cell"}:
            continue
        if cell.cell_type == "markdown":
            if "papermill-error-cell-tag" in tags:
                continue
            for ln in cell.source.splitlines():
                if ln.lstrip().startswith("#"):
                    heading = _markdown_text(ln.lstrip().lstrip("#"))
        if cell.cell_type == "code":
            kept = []
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    continue
                if out.output_type == "stream":
                    if out.get("name") == "stderr" or _NOISE.search(out.get("text", "")):
                        continue
                if out.output_type in ("display_data", "execute_result"):
                    data = out.get("data", {})
                    for mime in list(data):
                        if "javascript" in mime or "widget" in mime or "plotly" in mime:
                            del data[mime]
                    if any(_NOISE.search(str(v)) for v in data.values()):
                        continue
                    if set(data) == {"text/plain"} and _REPR.match(str(data["text/plain"])):
                        continue
                    if not data:
                        continue
                    if "image/png" in data:
                        meta = out.setdefault("metadata", {})
                        png_meta = meta.get("image/png", {}) if isinstance(meta.get("image/png"), dict) else {}
                        meta["alt"] = (
                            png_meta.get("alt")
                            or cell.get("metadata", {}).get("alt")
                            or f"Chart: {heading}"
                        )
                kept.append(out)
            cell.outputs = kept
            if not kept:
                continue  # nothing to show (the code itself is never shown)
        cells.append(cell)
    nb.cells = cells
    return nb


def _css() -> str:
    return (TEMPLATES_DIR / "house.css").read_text(encoding="utf-8")


def _banners(synthetic: bool, internal: bool) -> list[dict[str, str]]:
    banners = []
    if internal:
        banners.append({"kind": "internal", "text": disclosure.INTERNAL_BANNER})
    if synthetic:
        banners.append({"kind": "synthetic", "text": SYNTHETIC_BANNER})
    return banners


def _footer(internal: bool) -> str:
    if internal:
        return "INTERNAL: small numbers are NOT suppressed in this pack. Do not circulate."
    return disclosure.RULE_TEXT


_EXPORTERS = threading.local()


def _page_exporter():
    """The page exporter (nbconvert ``HTMLExporter`` on the board template), made once per thread:
    its templates are compiled on first use, which costs more than rendering a page."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(
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
    """HTML of one page (no code, no prompts, banners at the top, images embedded)."""
    exporter = _page_exporter()
    resources = {
        "metadata": {"name": page.title},
        "hwb": {
            "css": _css(),
            "banners": banners,
            "month_label": month_name(month),
            "footer": _footer(internal),
        },
    }
    body, _ = exporter.from_notebook_node(board_notebook(nb, page.title), resources=resources)
    return align_tables(body)


_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_ROW = re.compile(r"<tr\b.*?</tr>", re.S | re.I)
_CELL = re.compile(r"<(t[dh])\b([^>]*)>(.*?)</\1>", re.S | re.I)
#: what a figure looks like in a published table: 1,380 / 34% / -2.5 / <5 / * / – / £1,200
_NUMBER = re.compile(r"^(?:[<>≤≥~≈]\s?)?[-+−–]?[£$]?\d[\d,]*(?:\.\d+)?\s?%?$|^[*–—-]$|^nan$|^"
                     + re.escape(disclosure.SUPPRESSED_COUNT) + "$", re.I)


def align_tables(html: str) -> str:
    """Right-align the columns of figures in every table (class ``hwb-num`` on their cells) and
    leave words left-aligned: a column is numeric when every non-empty body cell is a figure.
    Tables with merged cells (colspan) are left as they are."""

    def one_table(match: re.Match) -> str:
        table = match.group(0)
        if "colspan" in table.lower():
            return table
        rows = [(m.start(), m.end(), list(_CELL.finditer(m.group(0)))) for m in _ROW.finditer(table)]
        body_start = table.lower().find("<tbody")
        numeric: dict[int, bool] = {}
        for start, _end, cells in rows:
            if body_start != -1 and start < body_start:
                continue  # the header row says nothing about the column's content
            for i, cell in enumerate(cells):
                text = re.sub(r"<[^>]+>", "", cell.group(3)).replace("&lt;", "<").replace("&nbsp;", " ").strip()
                if cell.group(1).lower() == "th":
                    numeric[i] = False  # a row label
                elif text:
                    numeric[i] = numeric.get(i, True) and bool(_NUMBER.match(text))
        columns = {i for i, is_number in numeric.items() if is_number}
        if not columns:
            return table
        out, last = [], 0
        for start, end, cells in rows:
            row = table[start:end]
            pieces, pos = [], 0
            for i, cell in enumerate(cells):
                if i not in columns:
                    continue
                tag, attrs = cell.group(1), cell.group(2)
                if re.search(r'\bclass="', attrs):
                    attrs = re.sub(r'\bclass="', 'class="hwb-num ', attrs, count=1)
                else:
                    attrs = f'{attrs} class="hwb-num"'
                pieces.append(row[pos:cell.start()] + f"<{tag}{attrs}>{cell.group(3)}</{tag}>")
                pos = cell.end()
            out.append(table[last:start] + "".join(pieces) + row[pos:])
            last = end
        out.append(table[last:])
        return "".join(out)

    return _TABLE.sub(one_table, html)


def render_index(
    pages: list[Page], *, month: str, summary: dict[str, Any], synthetic: bool, internal: bool
) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, keep_trailing_newline=True
    )
    labels = {"contacts": "Contacts", "looked_after": "Children becoming looked after"}
    counts = []
    for name, table in (summary.get("tables") or {}).items():
        if not isinstance(table, dict):
            continue
        row = {"label": labels.get(name, name.replace("_", " ").capitalize())}
        for key in ("raw_rows", "clean_rows", "quarantined", "duplicates_dropped"):
            value = table.get(key)
            if isinstance(value, int):  # the small-number rule holds on the index too
                row[key] = disclosure.count_cell(value, internal)
            else:
                row[key] = "" if value is None else str(value)
        counts.append(row)
    return env.get_template("index.html.j2").render(
        title=TITLE,
        organisation=ORGANISATION,
        month=month,
        month_label=month_name(month),
        extract_date=summary.get("extract_date"),
        synthetic=synthetic,
        banners=_banners(synthetic, internal),
        counts=counts,
        pages=[p for p in pages if p.ok],
        failed=[p for p in pages if not p.ok],
        footer=_footer(internal),
        generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=_version(),
        css=_css(),
    )


def _version() -> str:
    try:
        return importlib.metadata.version("hwb-kpis")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "dev"


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _owner_alive(name: str) -> bool:
    """Whether the process that made a ``.YYYY-MM.tmp-<pid>-xxxx`` / ``.old-<pid>-xxxx`` folder
    still runs (a name without a process id counts as alive: it is left alone)."""
    match = re.search(r"\.(?:tmp|old)-(\d+)-", name)
    if not match:
        return True
    try:
        os.kill(int(match.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_abandoned_builds(out_dir: Path, echo: Callable[[str], Any] = print) -> list[Path]:
    """Clear what a build killed outright (``kill -9``, power cut) left in ``out_dir``: temporary
    folders of dead processes are removed; a previous pack set aside by a dead process just
    before its replacement was moved in is put back when no pack of that month exists, else
    removed. Returns the folders dealt with."""
    found = []
    if not out_dir.is_dir():
        return found
    for folder in sorted(out_dir.glob(".*-*")):
        match = re.fullmatch(r"\.(\d{4}-\d{2})\.(tmp|old)-.+", folder.name)
        if not match or not folder.is_dir() or _owner_alive(folder.name):
            continue
        month, kind = match.groups()
        final = out_dir / month
        if kind == "old" and not final.exists():
            folder.rename(final)
            echo(f"restored the pack for {month}, set aside by a build that was interrupted")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            echo(f"removed {folder.name}, left by a build that was interrupted")
        found.append(folder)
    return found


def _publish(tmp: Path, final: Path, echo) -> None:
    """Move the finished pack into place; an older pack is removed only after the new one is in."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{tmp.name.split('.tmp-', 1)[-1]}")
        final.rename(old)
    try:
        tmp.rename(final)
    except OSError:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        echo(f"replaced the earlier pack in {final}")


# --- the command --------------------------------------------------------------------------------


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
    echo: Callable[[str], Any] = print,
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
) -> ReportResult:
    """Build the board pack for ``month`` into ``out_dir/month/`` (see the module docstring).

    ``parameters`` adds notebook parameters beyond the standard ones (for example ``dfe_dir``);
    each is passed to the notebooks that declare it and must be declared by at least one.
    Executed notebooks are kept under ``notebooks/`` in the pack for analysts unless
    ``keep_notebooks`` is false.
    """
    month = check_month(month)
    if view not in VIEWS:
        raise HwbKpisError(f"view {view!r} must be one of {', '.join(VIEWS)}")
    if iha_limit not in IHA_LIMITS:
        raise HwbKpisError(f"iha_limit {iha_limit!r} must be one of {', '.join(IHA_LIMITS)}")
    root = project_root()

    def absolute(p: str | Path) -> Path:
        p = Path(p).expanduser()
        return (p if p.is_absolute() else Path.cwd() / p).resolve()

    raw_dir, processed_dir, out_dir = absolute(raw_dir), absolute(processed_dir), absolute(out_dir)
    nb_dir = absolute(notebooks_dir) if notebooks_dir else root / "notebooks"
    mapping = absolute(mapping_path) if mapping_path else None
    key = absolute(key_file) if key_file else None
    jobs = max(1, int(jobs))

    # 1. everything that can be checked before any work: notebooks, parameters, the target folder
    sources = discover_notebooks(nb_dir, only)
    base = {
        "month": month,
        "processed_dir": str(processed_dir),
        "raw_dir": str(raw_dir),
        "view": view,
        "as_of": as_of or "",
        "lookback_days": int(lookback_days),
        "iha_limit": iha_limit,
        "internal": bool(internal),
    }
    plans = plan_parameters(sources, base, parameters)
    final = out_dir / month
    if final.exists() and not force:
        raise HwbKpisError(f"{final} already exists: use --force to replace it")
    echo(f"board pack for {month}: {len(sources)} notebook(s) in {nb_dir}")

    # 2. data
    summary = prepare_data(raw_dir, processed_dir, mapping_path=mapping, key_file=key, echo=echo)
    check_month_covered(summary, month)
    synthetic = bool(summary.get("synthetic")) or (raw_dir / SYNTHETIC_MARKER).exists()
    if synthetic:
        echo("note: SYNTHETIC data — every page carries the banner 'Synthetic data — not real children'")
    if internal:
        echo(f"note: internal pack — small numbers are not suppressed; every page says '{disclosure.INTERNAL_BANNER}'")

    pages = []
    for src in sources:
        title, description = describe_notebook(nbformat.read(src, as_version=4), src.stem)
        pages.append(Page(src.stem, title, description, src, plans[src]))

    # 3. build in a temporary folder beside the pack, then move it into place
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_abandoned_builds(out_dir, echo)
    tmp = Path(tempfile.mkdtemp(prefix=f".{month}.tmp-{os.getpid()}-", dir=out_dir))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; the pack is an ordinary folder
        executed_dir = tmp / "notebooks"
        executed_dir.mkdir()
        banners = _banners(synthetic, internal)

        def run(page: Page) -> Page:
            echo(f"  running {page.name} …")
            started = time.monotonic()
            try:
                _run_notebook(page, executed_dir / page.source.name, nb_dir, timeout)
            except Exception as exc:  # a failing notebook must not stop the others
                page.error = _last_line(exc)
            page.seconds = time.monotonic() - started
            return page

        total = len(pages)
        done = 0
        with ThreadPoolExecutor(max_workers=min(jobs, total)) as pool:
            futures = {}
            for page in pages:
                futures[pool.submit(run, page)] = page
            for future in as_completed(futures):
                page = future.result()
                done += 1
                if page.error is None:
                    try:
                        executed = nbformat.read(executed_dir / page.source.name, as_version=4)
                        html = render_page(executed, page, month=month, banners=banners, internal=internal)
                        page.html = f"{page.name}.html"
                        (tmp / page.html).write_text(html, encoding="utf-8")
                    except Exception as exc:
                        page.error = f"rendering failed: {_last_line(exc)}"
                status = "ok" if page.error is None else f"FAILED — {page.error}"
                echo(f"[{done}/{total}] {page.name}: {status} ({page.seconds:.1f} s)")
                for line in page.kernel_messages:
                    echo(f"    kernel of {page.name}: {line}")

        if not keep_notebooks:
            shutil.rmtree(executed_dir)
        (tmp / "index.html").write_text(
            render_index(pages, month=month, summary=summary, synthetic=synthetic, internal=internal),
            encoding="utf-8",
        )
        size = _folder_size(tmp)
        if size > PACK_SIZE_LIMIT:
            echo(f"warning: the pack is {size / 1e6:.1f} MB, over the 10 MB an email attachment allows")
        _publish(tmp, final, echo)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    failed = [p.name for p in pages if not p.ok]
    echo(
        f"pack written to {final} ({size / 1e6:.1f} MB): {total - len(failed)} page(s) ok"
        + (f", {len(failed)} FAILED: {', '.join(failed)}" if failed else "")
    )
    return ReportResult(final / "index.html", failed, pages, synthetic=synthetic, size_bytes=size)
