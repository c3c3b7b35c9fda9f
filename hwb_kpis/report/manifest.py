"""The pack's list of pages (``pack.json`` in the pack): what each page is called and what became
of it, so that ``hwb-kpis report --only`` can re-render some pages and rebuild the index (and
anything else assembled from every page) from the full set, never a part of it."""

from __future__ import annotations

import json
from pathlib import Path

from hwb_kpis.report.notebooks import NOTEBOOK_PATTERN, Page, describe_notebook

MANIFEST = "pack.json"
_FIELDS = ("name", "title", "description", "html", "error")


def write_manifest(folder: Path, month: str, pages: list[Page]) -> Path:
    """Write the month and, per page, its name, title, description, HTML file and error into
    ``pack.json`` (keeping what else it holds: :mod:`hwb_kpis.report.kpi_tables` records there
    what the pack was built from)."""
    path = folder / MANIFEST
    try:
        info = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        info = {}
    entries = [{f: getattr(p, f) for f in _FIELDS} for p in pages]
    info.update({"month": month, "pages": entries})
    path.write_text(json.dumps(info if isinstance(info, dict) else {"month": month, "pages": entries}, indent=2),
                    encoding="utf-8")
    return path


def earlier_pages(pack: Path, notebooks_dir: Path) -> list[Page]:
    """The pages of the pack already published in ``pack``: from its ``pack.json``, else (a pack
    made before there was one) every ``NN_name.html`` of a notebook of ``notebooks_dir``. A page
    whose HTML file has gone is left out."""
    if not pack.is_dir():
        return []
    try:
        entries = json.loads((pack / MANIFEST).read_text(encoding="utf-8"))["pages"]
    except (OSError, ValueError, KeyError, TypeError):
        entries = None
    pages = []
    if entries is not None:
        for e in entries:
            page = Page(str(e["name"]), str(e.get("title") or e["name"]), str(e.get("description") or ""),
                        notebooks_dir / f"{e['name']}.ipynb", html=e.get("html"), error=e.get("error"))
            if page.html is None or (pack / page.html).is_file():
                pages.append(page)
        return pages
    import nbformat

    for source in sorted(notebooks_dir.glob("*.ipynb")) if notebooks_dir.is_dir() else []:
        if NOTEBOOK_PATTERN.match(source.name) and (pack / f"{source.stem}.html").is_file():
            title, description = describe_notebook(nbformat.read(source, as_version=4), source.stem)
            pages.append(Page(source.stem, title, description, source, html=f"{source.stem}.html"))
    return pages


def merged(earlier: list[Page], rebuilt: list[Page]) -> list[Page]:
    """Every page of the pack in name order: the rebuilt ones, and the earlier ones not rebuilt."""
    by_name = {p.name: p for p in earlier}
    by_name.update({p.name: p for p in rebuilt})
    return [by_name[name] for name in sorted(by_name)]
