"""The pack's plan: which notebooks make the pack (``NN_name.ipynb``, in name order), what each is
called and says (from its first markdown cell), and the parameters each is given (checked against
its ``parameters`` cell before anything runs). One :class:`Page` per notebook carries the plan
and, later, what became of it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.report import parameters as notebook_parameters

NOTEBOOK_PATTERN = re.compile(r"^\d\d_[A-Za-z0-9_\-]+\.ipynb$")
#: parameters every notebook must declare (the pack is for one month of one processed folder)
REQUIRED_PARAMETERS = notebook_parameters.REQUIRED


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
    seconds: float = 0.0  # running the notebook (rendering not included)
    #: what the notebook's kernel printed outside the notebook (routine chatter removed)
    kernel_messages: list[str] = field(default_factory=list)
    #: what the page told the build it could not show, with why (hwb_kpis.report.display.report_gap)
    gaps: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.html is not None


def one_line(exc: BaseException, limit: int = 300) -> str:
    """A one-line, short description of an exception (never a traceback): the last line of its
    message, prefixed by its type (a notebook's own exception name for papermill's errors)."""
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


def markdown_text(line: str) -> str:
    """Plain text of one markdown line (links, emphasis and code marks removed)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]+", "", text)
    return text.strip()


def _title_and_paragraph(source: str) -> tuple[str, list[str]]:
    """The first heading of a markdown cell and the lines of the paragraph after it."""
    title, paragraph = "", []
    for ln in [ln.strip() for ln in source.splitlines()] + [""]:
        if not title:
            if ln.startswith("#"):
                title = re.sub(r"^\d\d\s+", "", markdown_text(ln.lstrip("#")))
            continue
        if ln and not ln.startswith(("#", "|", ">", "- ", "* ", "```", "<")):
            paragraph.append(markdown_text(ln))
        elif paragraph or ln.startswith("#"):
            break
    return title, paragraph


def _first_sentence(text: str, limit: int = 200) -> str:
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 3].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def describe_notebook(nb: nbformat.NotebookNode, fallback: str) -> tuple[str, str]:
    """(title, one-line description) from the first markdown cell: its first heading and the
    first sentence of the paragraph after it."""
    title, description = "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        title, paragraph = _title_and_paragraph(cell.source)
        description = " ".join(paragraph)
        if title:
            break
    if description:
        description = _first_sentence(description)
    return title or fallback.replace("_", " "), description


def discover_notebooks(notebooks_dir: Path, only: Iterable[str] | None = None) -> list[Path]:
    """``NN_name.ipynb`` files of ``notebooks_dir`` in name order, filtered by ``only`` (names with
    or without ``.ipynb``; an unknown name is an error)."""
    if not notebooks_dir.is_dir():
        raise HwbKpisError(f"{notebooks_dir}: notebooks folder not found (give the folder with --notebooks DIR)")
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
        raise HwbKpisError(f"{path}: cannot read the notebook's parameters ({one_line(exc)})") from None
    if not declared:
        raise HwbKpisError(f"{path}: no cell tagged 'parameters' (papermill needs one)")
    return declared


def plan_parameters(
    notebooks: list[Path], base: Mapping[str, Any], extra: Mapping[str, Any] | None
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


def plan_pages(
    notebooks_dir: Path,
    base: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
    only: Iterable[str] | None = None,
) -> list[Page]:
    """One :class:`Page` per notebook to run (:func:`discover_notebooks`), titled and described,
    with its parameters checked and planned (:func:`plan_parameters`)."""
    sources = discover_notebooks(notebooks_dir, only)
    plans = plan_parameters(sources, base, extra)
    pages = []
    for src in sources:
        title, description = describe_notebook(nbformat.read(src, as_version=4), src.stem)
        pages.append(Page(src.stem, title, description, src, plans[src]))
    return pages
