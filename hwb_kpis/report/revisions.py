"""What changed since last month's pack: late recording changes past months, and the board should
see it. Every pack keeps its published KPI table (``kpis.csv``, :mod:`hwb_kpis.report.kpi_tables`);
the next month's pack compares its own published figures for the earlier months with that table
(:func:`compare`). A figure is *revised* when its published count or denominator differs (as
published: a count that moved from 3 to 4 is ``<5`` both times and is not a revision).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from hwb_kpis.periods import shift_month
from hwb_kpis.report.kpi_tables import cell_text, measure_name, read_pack_kpis, registry_is_rate
from hwb_kpis.report.words import fmt_date, month_name

#: the words beside a revised figure
REVISED = "revised since last month's pack"
#: what a page's table writes after a revised figure (its note says what it means)
REVISED_MARK = "(revised)"


@dataclass
class Revisions:
    """The figures of earlier months that moved since the previous pack (``table``: kpi, group,
    month, then the previous and the current published count and denominator), the previous
    pack's month and extract date, and whether there was a previous pack at all."""

    previous_month: str
    found: bool
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    previous_extract: str | None = None

    @property
    def count(self) -> int:
        """How many figures (a KPI for one agency in one month) moved."""
        return len(self.table)

    def moved(self, kpi: str, group: str, month: str) -> bool:
        """Whether that figure was revised."""
        t = self.table
        return bool(len(t)) and bool(((t["kpi"] == kpi) & (t["group"] == group) & (t["month"] == month)).any())

    def sentence(self, items: Sequence[tuple[str, str]] | None = None) -> str:
        """How many figures moved since last month's pack (and how many of ``items``' own), in words."""
        if not self.found:
            return (f"There is no pack for {month_name(self.previous_month)} to compare with, so revisions to "
                    "earlier months cannot be shown this month.")
        since = f"last month's pack ({month_name(self.previous_month)}"
        since += f", data extracted on {fmt_date(self.previous_extract)})" if self.previous_extract else ")"
        if not self.count:
            return f"No figure for an earlier month has changed since {since}."
        n = self.count
        text = (f"{n} figure{'s' if n != 1 else ''} for earlier months {'have' if n != 1 else 'has'} been "
                f"revised since {since}, because records were added or corrected after it was built")
        if items is not None:
            own = int(self.table.set_index(["kpi", "group"]).index.isin(list(items)).sum())
            text += (f"; {own} of them {'are' if own != 1 else 'is'} among the measures on this page, marked "
                     f"“{REVISED_MARK}”" if own else "; none of them is among the measures on this page")
        return text + "."


def _key_frame(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({c: table[c].map(cell_text).astype(str).to_numpy()
                        for c in ("kpi", "group", "month", "numerator", "denominator")})
    return out


def compare(current: pd.DataFrame, previous: pd.DataFrame | None, month: str, *, previous_month: str,
            previous_extract: str | None = None) -> Revisions:
    """The figures of months before ``previous_month``'s end that differ between the current
    published KPI table and the previous pack's (both as
    :func:`hwb_kpis.report.kpi_tables.published_kpis` makes them; ``previous`` None: no previous
    pack). A figure only one of them has counts as revised when the other would have shown it
    (its month is in both packs' range)."""
    if previous is None:
        return Revisions(previous_month, False)
    now, before = _key_frame(current), _key_frame(previous)
    now = now[now["month"] <= previous_month]
    before = before[before["month"] <= previous_month]
    merged = before.merge(now, on=["kpi", "group", "month"], how="outer", suffixes=(" before", " now"),
                          indicator=True)
    merged = merged.fillna("")
    changed = (merged["numerator before"] != merged["numerator now"]) | (
        merged["denominator before"] != merged["denominator now"])
    # a row only one table has: a revision when it holds a figure other than nothing (a group that
    # had no contacts that month is absent in one table and 0 in the other)
    only = merged["_merge"] != "both"
    empty = merged[["numerator before", "numerator now"]].isin(["", "0"]).all(axis=1)
    changed &= ~(only & empty)
    table = merged[changed].drop(columns="_merge").sort_values(["kpi", "group", "month"]).reset_index(drop=True)
    return Revisions(previous_month, True, table, previous_extract)


def against_previous_pack(current: pd.DataFrame, month: str, reports_dir: Path | str | None, *,
                          internal: bool = False) -> Revisions:
    """:func:`compare` with the pack of the month before ``month`` in ``reports_dir`` (its
    ``kpis.csv`` and ``pack.json``). A board pack is compared only with a board pack, an internal
    copy only with an internal copy (their small numbers differ)."""
    previous_month = shift_month(month, -1)
    found = read_pack_kpis(Path(reports_dir) / previous_month) if reports_dir else None
    if found is None or bool(found[1].get("internal", False)) != bool(internal):
        return Revisions(previous_month, False)
    table, info = found
    return compare(current, table, month, previous_month=previous_month, previous_extract=info.get("extract_date"))


def readable(revisions: Revisions, limit: int | None = None) -> tuple[list[str], list[list[str]]]:
    """The revised figures for people: header and rows (measure, agency, month, last month's pack,
    this pack), board measures for all agencies first; at most ``limit`` rows."""
    header = ["Measure", "Agency", "Month", "In last month's pack", "In this pack"]

    def figure(num: str, den: str, rate: bool) -> str:
        if not num and not den:
            return "none"
        return f"{num} of {den}" if rate and den else num

    rows = []
    for r in revisions.table.itertuples(index=False):
        measure, agency = measure_name(r.kpi, r.group)
        rate = registry_is_rate(r.kpi)
        rows.append([measure, agency, month_name(r.month), figure(r[3], r[4], rate), figure(r[5], r[6], rate),
                     0 if r.group == "all" else 1])
    rows.sort(key=lambda row: row[-1])
    rows = [row[:-1] for row in rows]
    return header, rows[:limit] if limit else rows


def index_section(revisions: Revisions, limit: int = 20) -> dict[str, Any] | None:
    """What the contents page shows about revisions: the sentence, and up to ``limit`` revised
    figures (all agencies first); the Excel copy lists them all."""
    header, rows = readable(revisions, limit)
    sentence = revisions.sentence()
    if revisions.count > len(rows):
        sentence += f" The first {len(rows)} are listed here; the Excel copy of the pack lists all of them."
    return {"sentence": sentence, "header": header, "rows": rows}


def mark(table: pd.DataFrame, revisions: Revisions, cells: Mapping[tuple[int, str], tuple[str, str, str]]) -> pd.DataFrame:
    """``table`` with :data:`REVISED_MARK` after each figure that was revised: ``cells`` maps
    (row position, column) to the (kpi, group, month) the cell shows."""
    out = table.copy()
    for (i, column), (kpi, group, month) in cells.items():
        if column in out.columns and i < len(out) and revisions.moved(kpi, group, month):
            out.iloc[i, out.columns.get_loc(column)] = f"{out.iloc[i][column]} {REVISED_MARK}"
    return out
