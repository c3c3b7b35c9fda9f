"""The board's tables in Excel (``kpis.xlsx`` in every pack, ``hwb-kpis kpis --format xlsx``): a
README sheet (what the workbook holds, the extract's date, the small-number rule, each measure's
definition), the KPI table with human labels (:func:`hwb_kpis.report.kpi_tables.labelled`), and in
a pack one sheet per page holding that page's tables exactly as the page shows them (read back
from the rendered page, so suppressed as published) and the revisions since last month's pack.
Written through :func:`hwb_kpis.report.tabular.write_xlsx`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from hwb_kpis.kpis import registry
from hwb_kpis.privacy import disclosure
from hwb_kpis.report import tabular
from hwb_kpis.report.kpi_tables import labelled
from hwb_kpis.report.tabular import Sheet
from hwb_kpis.report.words import fmt_date, month_name

WORKBOOK_FILE = "kpis.xlsx"
_DIRECTIONS = {"increase": "higher", "decrease": "lower", "neutral": "neither (context)"}


def readme_sheet(*, month: str | None, summary: Mapping[str, Any], internal: bool, synthetic: bool,
                 sheets: Sequence[str]) -> Sheet:
    """The README sheet: what the workbook is, the extract's date, the rule for small numbers, the
    other sheets, and each measure's definition."""
    notes = []
    if month:
        notes.append(f"Board pack for {month_name(month)}.")
    extract = summary.get("extract_date")
    notes.append(f"Data extracted on {fmt_date(extract)}." if extract else "Extract date not recorded.")
    if synthetic:
        notes.append("SYNTHETIC DATA: these figures come from made-up records, not real children.")
    notes.append(f"{disclosure.INTERNAL_BANNER}: small numbers are NOT suppressed." if internal
                 else disclosure.RULE_TEXT)
    notes.append("Rates are fractions formatted as percentages; a month is the calendar month of the contact "
                 "(initial health assessments: the month the child became looked after).")
    notes.append("Sheets: " + "; ".join(sheets) + ".")
    definitions = pd.DataFrame([
        {"Measure": k.label, "Definition": k.definition, "Better when": _DIRECTIONS.get(k.direction, k.direction),
         "Headline": "rate (count out of)" if k.is_rate else "count"}
        for k in registry.registry().values()
    ])
    return Sheet("README", definitions, title="Children's social care front door: the board's tables",
                 notes=notes, widths={"Definition": 90})


def kpi_sheet(published: pd.DataFrame) -> Sheet:
    """Every KPI, for every agency and month, with human labels, as published."""
    return Sheet("KPIs", labelled(published), title="Every measure by agency and month",
                 formats={"Rate": "0.0%", "Month": "mmm yyyy"})


# --- the tables of a rendered page -----------------------------------------------------------------


def page_tables(html: str) -> list[tuple[str, pd.DataFrame]]:
    """The tables of a rendered page as (caption, table of text), in page order: what the page shows,
    cell for cell (each cell's text; ``<5`` and ``*`` stay as they are)."""
    from bs4 import BeautifulSoup

    from hwb_kpis.report.markup import without_images

    soup = BeautifulSoup(without_images(html)[0], "html.parser")
    main = soup.find("main") or soup
    found = []
    for table in main.find_all("table"):
        caption = table.find("caption")
        title = " ".join(caption.get_text(" ").split()) if caption else ""
        rows = []
        for tr in table.find_all("tr"):
            rows.append([" ".join(cell.get_text(" ").split()) for cell in tr.find_all(["th", "td"])])
        if not rows:
            continue
        head = table.find("thead")
        n_head = len(head.find_all("tr")) if head else 1
        header = [" / ".join(dict.fromkeys(h for h in col if h)) for col in zip(*rows[:n_head], strict=False)] \
            if n_head > 1 else rows[0]
        width = max(len(r) for r in rows)
        header = (list(header) + [""] * width)[:width]
        header = [h or f"column {i + 1}" for i, h in enumerate(header)]
        header = _unique(header)
        body = [(r + [""] * width)[:width] for r in rows[n_head:]]
        found.append((title, pd.DataFrame(body, columns=header)))
    return found


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)
    name = " ".join(name.split())[:31].strip() or "Page"
    base, i = name, 2
    while name.lower() in used:
        name = f"{base[:27]} ({i})"
        i += 1
    used.add(name.lower())
    return name


def page_sheets(pages: Sequence[tuple[str, str, str | list[tuple[str, pd.DataFrame]]]]) -> list[Sheet]:
    """One sheet per rendered page (``(file stem, title, html)``, or its :func:`page_tables` in
    place of the html): its tables one under another, each under its caption."""
    used: set[str] = {"readme", "kpis", "revisions"}
    sheets = []
    for stem, title, html in pages:
        tables = page_tables(html) if isinstance(html, str) else html
        if not tables:
            continue
        number = stem[:2] if stem[:2].isdigit() else ""
        name = _sheet_name(f"{number} {title}".strip(), used)
        sheets.append(Sheet(name, title=title, notes=[f"The tables of page “{title}”, as the page shows them."],
                            blocks=tables, numbers_from_text=True))
    return sheets


def revisions_sheet(header: Sequence[str], rows: Sequence[Sequence[str]], sentence: str) -> Sheet:
    """The figures revised since last month's pack."""
    return Sheet("Revisions", pd.DataFrame(list(rows), columns=list(header)),
                 title="Figures for earlier months revised since last month's pack", notes=[sentence])


def write_workbook(path: Path, published: pd.DataFrame | None, *, summary: Mapping[str, Any],
                   month: str | None = None, internal: bool = False, synthetic: bool = False,
                   pages: Sequence[Sheet] = (), revisions: Sheet | None = None) -> Path:
    """Write the workbook: README, KPIs (unless ``published`` is None), then ``pages`` and
    ``revisions`` when given."""
    kpis = [kpi_sheet(published)] if published is not None else []
    rest = [*pages, *([revisions] if revisions is not None else [])]
    names = ["KPIs: every measure by agency and month"] * bool(kpis) + [s.name for s in rest]
    readme = readme_sheet(month=month, summary=summary, internal=internal, synthetic=synthetic, sheets=names)
    return tabular.write_xlsx([readme, *kpis, *rest], path)


def write_kpi_workbook(path: Path, kpi_df: pd.DataFrame, *, summary: Mapping[str, Any], internal: bool = False) -> Path:
    """The workbook of ``hwb-kpis kpis --format xlsx``: README and every monthly KPI row of
    ``kpi_df``, labelled, suppressed as published unless ``internal``."""
    from hwb_kpis.report.kpi_tables import published_kpis

    monthly = kpi_df[kpi_df["period"] == "month"] if "period" in kpi_df.columns else kpi_df
    last = str(monthly["month"].astype(str).max()) if len(monthly) else "9999-12"
    published = published_kpis(kpi_df, last, internal=internal)
    synthetic = bool(summary.get("synthetic"))
    return write_workbook(Path(path), published, summary=summary, internal=internal, synthetic=synthetic)
