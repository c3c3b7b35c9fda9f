"""The pack's disclosure plan: every count the board pack publishes, the unpublished counts that
link them, and the relations a reader can form between them from one pack — so that
complementary suppression (:mod:`hwb_kpis.privacy.secondary`) leaves no hidden count that can
be worked out from totals, differences, shares or means.

Pages run as separate notebooks in separate processes. The build makes the plan once, before
any page runs, and keeps it in the processed folder (:func:`pack_plan`, :func:`save_plan`); every
page reads it (:func:`load_plan`), and the pack's KPI files are published through it, so a count
shown on two pages (the month's health contacts on pages 00, 01 and 02, and in ``kpis.csv``)
gets the same status everywhere. A page run on its own makes the same plan (it is
deterministic). Both views and both IHA limits are in it; it depends on the pack's view, date,
look-back and IHA limit, which every page of a pack is given.

Four families of counts (rows stands apart; the other three share counts and are planned
together):

* **rows** — raw rows received, used, quarantined and dropped per table (index and page 01), and
  quarantined rows by reason: ``raw = used + quarantined + duplicates``, ``quarantined = Σ reasons``.
* **contacts** — the month's contacts, health contacts and six health codes (both views; a code
  is published in the pack's view, and the school nurse in both), the KPI counts of pages 00, 03
  and 04 (this month's; other months give rates only), each month's contacts since the year
  before the reporting year (page 01's table, page 02's average, lowest and highest, page 00's
  last month and last year), the 12-month counts per health code in both views, the recoding
  table (rule by month, totals) with the changes ``from → to`` behind it, contacts with no code
  recorded and still unknown each month. Relations: ``health = Σ codes``, ``contacts = decided +
  pending``, the 12-month sums, the recoding table's totals, ``recoded − recorded = moved in −
  moved out`` for each health code this month and over the year, every contact with no recorded
  code is recoded (each month), still unknown = recorded unknown + in − out (each month), the
  school nurse's moved in / out, the rounded shares of the month recoded, with no code and still
  unknown, and page 02's rounded average a month.
* **iha** — children due, done and not yet due per cohort month and limit (pages 00 and 05), and
  the children starting to be looked after in each of the last 12 months (page 05):
  ``children = due + not yet due`` for both limits, ``done <= due``, and the rounded before /
  after shares of the chart.
* **kpis** — every monthly numerator and denominator of the pack's KPI table up to the month
  (``kpis.csv``, the KPI sheet of ``kpis.xlsx``, and the points of the pages' charts), under the
  same keys as the counts above (:func:`kpi_keys`): groups add up to all agencies, codes to all
  and to their group, ``decided = contacts − pending``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from hwb_kpis import config, kpis, periods
from hwb_kpis.kpis.output import count_names, table_relations
from hwb_kpis.privacy.disclosure import Decisions, Key, is_small
from hwb_kpis.privacy.secondary import Ledger

#: the six health codes (3A–3F) and the unknown code, whose counts pages 01 and 02 show
HEALTH_CODES = ("3A", "3B", "3C", "3D", "3E", "3F")
VIEWS = config.VIEWS
#: the IHA limits, both in every plan
IHA_LIMITS = config.IHA_LIMITS
IHA_KPI = "iha_within_28_days"
#: the school nurse's code (page 01's moved in / moved out)
SCHOOL_NURSE = "3C"
#: what a contact with no recorded code is called in a recoding flow and in the recorded view
BLANK = "missing"


# --- keys -----------------------------------------------------------------------------------------


def count_key(what: str, view: str, group: str, month: str) -> Key:
    """The key of a contacts count: ``what`` (contacts, marf, referrals, pending, decided, repeats)
    for ``group`` in ``month``; the ``all`` group is the same in both views."""
    return (what, "any" if group == "all" else view, str(group), str(month))


def kpi_keys(kpi: str, group: str, month: str, view: str = config.DEFAULT_VIEW,
             limit: str = config.DEFAULT_IHA_LIMIT) -> tuple[Key | None, Key | None]:
    """The keys of a KPI's numerator and denominator in ``month`` (which counts they are:
    :func:`hwb_kpis.kpis.output.count_names`); (None, None) for no KPI."""
    if not kpi:
        return None, None
    if kpi == IHA_KPI:
        return iha_key(limit, month, "done"), iha_key(limit, month, "due")
    (num, num_group), (den, den_group) = count_names(kpi, group)
    return count_key(num, view, num_group, month), count_key(den, view, den_group, month)


def iha_key(limit: str, month: str, what: str) -> Key:
    """``what``: due, done or not_yet_due."""
    return ("iha", limit, str(month), what)


def starts_key(month: str) -> Key:
    """Children starting to be looked after in ``month`` (= due + not yet due, for either limit)."""
    return ("iha_children", str(month))


def code_key(view: str, code: str, month: str) -> Key:
    return count_key("contacts", view, f"code:{code}", month)


def code12_key(view: str, code: str, end: str) -> Key:
    """Contacts of a code over the 12 months to ``end``."""
    return ("contacts_12m", view, f"code:{code}", str(end))


def rows_key(table: str, what: str) -> Key:
    """``what``: raw_rows, clean_rows, quarantined, duplicates_dropped, filtered_out or folded."""
    return ("rows", table, what)


def reason_key(table: str, column: str, reason: str) -> Key:
    return ("quarantine", table, str(column), str(reason))


def recode_key(rule: str, month: str | None = None) -> Key:
    """Contacts a recoding rule changed in ``month`` (None: over the table's year)."""
    return ("recoded_by_rule", str(rule), "total" if month is None else str(month))


def no_code_key(month: str) -> Key:
    return ("no_code_recorded", str(month))


def moved_key(direction: str, code: str, end: str) -> Key:
    """``direction``: in or out (of ``code`` by recoding, over the 12 months to ``end``)."""
    return ("moved", direction, code, str(end))


# --- the months each family covers ----------------------------------------------------------------


def window(month: str, months: int = 12) -> list[str]:
    """The ``months`` months to ``month``, oldest first."""
    return [periods.shift_month(month, -k) for k in range(months - 1, -1, -1)]


def average_start(month: str) -> str:
    """The first month of page 02's average: April a year before the reporting year's."""
    return periods.shift_month(f"{periods.reporting_year_start(month)}-{periods.APRIL:02d}", -12)


# --- rows -----------------------------------------------------------------------------------------

ROW_KEYS = ("raw_rows", "clean_rows", "quarantined", "duplicates_dropped")
#: the one line of :func:`listed_reasons` for a table with few quarantined rows
ANY_COLUMN = "(any)"
SEVERAL_REASONS = "reasons not listed: too few rows"


def reasons(quarantine: pd.DataFrame | None) -> pd.DataFrame:
    """Quarantined rows by ``table, column, reason`` (``rows``), most first."""
    if quarantine is None or quarantine.empty:
        return pd.DataFrame({"table": [], "column": [], "reason": [], "rows": []})
    out = quarantine.groupby(["table", "column", "reason"]).size().rename("rows").reset_index()
    return out.sort_values(["rows", "table", "column", "reason"], ascending=[False, True, True, True]).reset_index(drop=True)


def listed_reasons(table_reasons: pd.DataFrame) -> pd.DataFrame:
    """One table's reasons as page 01 lists them: when they add up to a count from 1 to 4 they are
    given as one line (listing several reasons would tell a reader the total is at least their
    number), else one line each."""
    if len(table_reasons) > 1 and is_small(int(table_reasons["rows"].sum())):
        first = table_reasons.iloc[0]
        return pd.DataFrame({"table": [first["table"]], "column": [ANY_COLUMN], "reason": [SEVERAL_REASONS],
                             "rows": [int(table_reasons["rows"].sum())]})
    return table_reasons.reset_index(drop=True)


def rows_ledger(summary: Mapping[str, Any], quarantine: pd.DataFrame | None, ledger: Ledger | None = None) -> Ledger:
    """The rows family (see the module docstring)."""
    ledger = ledger or Ledger()
    by_table = reasons(quarantine)
    for name, t in (summary.get("tables") or {}).items():
        if not isinstance(t, Mapping) or not all(isinstance(t.get(k), int) for k in ROW_KEYS):
            continue
        for k in ROW_KEYS:
            ledger.count(rows_key(name, k), t[k], margin=k == "raw_rows")
        parts = [rows_key(name, k) for k in ROW_KEYS[1:]]
        if t.get("filtered_out"):  # rows a mapping's filter left out: the fourth part of the total
            parts.append(ledger.count(rows_key(name, "filtered_out"), int(t["filtered_out"])))
        if t.get("folded"):  # episodes continuing a period of care (SSDA903, SSD): one more part
            parts.append(ledger.count(rows_key(name, "folded"), int(t["folded"])))
        ledger.total(rows_key(name, "raw_rows"), parts, what=f"{name}: raw rows = used + quarantined + duplicates"
                     " (+ filtered out) (+ folded)")
        mine = listed_reasons(by_table[by_table["table"] == name])
        if len(mine) > 1 and int(mine["rows"].sum()) == t["quarantined"]:
            keys = [ledger.count(reason_key(name, r["column"], r["reason"]), r["rows"]) for _, r in mine.iterrows()]
            ledger.total(rows_key(name, "quarantined"), keys, what=f"{name}: quarantined = Σ reasons")
    return ledger


# --- contacts -------------------------------------------------------------------------------------

#: the KPI counts pages 00, 03 and 04 show for a group (this month, last month, a year before)
KPI_COUNTS = {"marf": "marf", "conversion": "referrals", "pending": "pending"}


def _cells(kpi_df: pd.DataFrame, kpi: str) -> pd.DataFrame:
    rows = kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["period"] == "month")]
    return rows.set_index(["group", "month"])


def _value(cells: pd.DataFrame, group: str, month: str, column: str = "numerator") -> float:
    try:
        v = cells.at[(group, month), column]
    except KeyError:
        return 0.0
    return 0.0 if pd.isna(v) else float(v)


def kpi_frames(tables: Mapping[str, Any], *, as_of=None, lookback_days: int = config.DEFAULT_LOOKBACK_DAYS,
               iha_limit: str = config.DEFAULT_IHA_LIMIT) -> dict[str, pd.DataFrame]:
    """:func:`hwb_kpis.kpis.kpi_table` in each view, as the pack computes it."""
    return {v: kpis.kpi_table(dict(tables), view=v, as_of=as_of, lookback_days=lookback_days, iha_limit=iha_limit)
            for v in VIEWS}


def contacts_ledger(tables: Mapping[str, Any], month: str, recoding: pd.DataFrame | None, *,
                    view: str = config.DEFAULT_VIEW, frames: Mapping[str, pd.DataFrame] | None = None,
                    ledger: Ledger | None = None) -> Ledger:
    """The contacts family (see the module docstring) for a pack in ``view``. ``recoding``: the
    recoding summary (:func:`hwb_kpis.coding.recoding_summary`; None when there is no audit);
    ``frames``: :func:`kpi_frames` (made here when None)."""
    ledger = ledger or Ledger()
    contacts = tables.get("contacts")
    if contacts is None or not len(contacts):
        return ledger
    frames = frames if frames is not None else kpi_frames(tables)
    cells = {v: {kpi: _cells(frame, kpi) for kpi in ("contacts", *KPI_COUNTS)} for v, frame in frames.items()}
    year = window(month)
    first = min(average_start(month), periods.shift_month(month, -12))
    all_months = [m for m in window(month, 240) if m >= first]
    base = cells[view]["contacts"]
    # each month's contacts (page 01's table, page 02's average, lowest and highest, page 00)
    for m in all_months:
        ledger.count(count_key("contacts", view, "all", m), _value(base, "all", m), margin=True)
    for v in VIEWS:
        counts = cells[v]["contacts"]
        # this month's health codes: page 02 in the pack's view; page 01 the school nurse in both
        for c in HEALTH_CODES:
            ledger.count(code_key(v, c, month), _value(counts, f"code:{c}", month),
                         published=v == view or c == SCHOOL_NURSE)
        health = ledger.count(count_key("contacts", v, "health", month), _value(counts, "health", month), margin=True)
        ledger.total(health, [code_key(v, c, month) for c in HEALTH_CODES],
                     what=f"health contacts = Σ health codes ({v}, {month})")
        # the 12-month sums of page 02 and page 01 (both views) and the months they add up (each
        # month's codes are in the KPI files in the pack's view; in the other view they link only)
        for c in HEALTH_CODES:
            total = ledger.count(code12_key(v, c, month), sum(_value(counts, f"code:{c}", m) for m in year), margin=True)
            for m in year[:-1]:
                ledger.count(code_key(v, c, m), _value(counts, f"code:{c}", m), published=v == view, guard=v == view)
            ledger.total(total, [code_key(v, c, m) for m in year], what=f"12-month contacts of {c} ({v})")
    for group in ("all", "health"):  # pages 00, 03, 04: this month's counts (other months: rates only)
        for kpi, what in KPI_COUNTS.items():
            ledger.count(count_key(what, view, group, month), _value(cells[view][kpi], group, month))
        ledger.count(count_key("decided", view, group, month), _value(cells[view]["conversion"], group, month, "denominator"))
        ledger.total(count_key("contacts", view, group, month),
                     [count_key("decided", view, group, month), count_key("pending", view, group, month)],
                     what=f"contacts = decided + pending ({group}, {month})")
    # contacts still unknown after coding (page 01, recoded view)
    for m in year:
        ledger.count(code_key("recoded", config.UNKNOWN_CODE, m),
                     _value(cells["recoded"]["contacts"], f"code:{config.UNKNOWN_CODE}", m))
    _average(ledger, base, all_months, month, view)
    _recoding(ledger, recoding, cells["recoded"]["contacts"], cells["recorded"]["contacts"], year, month)
    return ledger


def _average(ledger: Ledger, base: pd.DataFrame, all_months: list[str], month: str, view: str) -> None:
    """Page 02's rounded average a month since :func:`average_start`."""
    months = [m for m in all_months if m >= average_start(month) and (("all", m) in base.index)]
    if months:
        mean = sum(_value(base, "all", m) for m in months) / len(months)
        ledger.mean([count_key("contacts", view, "all", m) for m in months], round(mean),
                    what="page 02's average contacts a month")


class _Flows:
    """Contacts a recoding rule moved ``from → to`` (the recoding table's cells split by change):
    per month where a relation needs the split, and over the year."""

    def __init__(self, ledger: Ledger, flows: pd.Series, changes: Mapping[str, list[tuple[str, str]]],
                 year: list[str]) -> None:
        self.ledger, self.flows, self.changes, self.year = ledger, flows, changes, year
        self._split: set[tuple[str, str]] = set()

    def _flow_key(self, rule: str, month: str | None, f: str, t: str) -> Key:
        key = ("flow", rule, month or "year", f, t)
        if key not in self.ledger:
            value = (sum(self.flows.get((rule, m, f, t), 0) for m in self.year) if month is None
                     else self.flows.get((rule, month, f, t), 0))
            self.ledger.count(key, value, published=False, guard=False)
        return key

    def part(self, rule: str, month: str | None, which) -> dict[Key, float]:
        """The terms of the contacts ``rule`` moved in ``month`` (None: the year) whose change
        ``(from, to)`` satisfies ``which``: its table cell when every change does, none when no
        change does, else the split (made once, with its sum)."""
        pairs = self.changes[rule]
        chosen = [(f, t) for f, t in pairs if which(f, t)]
        if not chosen:
            return {}
        cell = recode_key(rule, month)
        if len(chosen) == len(pairs):
            return {cell: 1.0}
        keys = [self._flow_key(rule, month, f, t) for f, t in pairs]
        if (rule, month or "year") not in self._split:
            self._split.add((rule, month or "year"))
            self.ledger.total(cell, keys, what=f"{rule} split by change ({month or 'year'})")
            if month is not None:  # a month's split is part of the year's
                for f, t in pairs:
                    self.ledger.relation({self._flow_key(rule, None, f, t): 1.0, self._flow_key(rule, month, f, t): -1.0},
                                         0.0, float("inf"), what=f"{rule} {f} → {t}: the year holds the month")
        return {self._flow_key(rule, month, f, t): 1.0 for f, t in chosen}

    def net(self, code: str, month: str | None) -> dict[Key, float]:
        """Contacts moved into ``code`` less those moved out of it, in ``month`` (None: the year)."""
        terms: dict[Key, float] = {}
        for rule in self.changes:
            for k, c in self.part(rule, month, lambda f, t: t == code and f != code).items():
                terms[k] = terms.get(k, 0.0) + c
            for k, c in self.part(rule, month, lambda f, t: f == code and t != code).items():
                terms[k] = terms.get(k, 0.0) - c
        return terms


def _recoding(ledger: Ledger, recoding: pd.DataFrame | None, recoded: pd.DataFrame, recorded: pd.DataFrame,
              year: list[str], month: str) -> None:
    """The recoding table (rule by month, totals) and what a reader can tie it to: contacts with
    no recorded code each month (every one is recoded), contacts still unknown (code 10) each
    month, each health code this month and over the year in both views, the school nurse's moved
    in / out, and the rounded share recoded this month."""
    if recoding is None or recoding.empty:
        return
    r = recoding[recoding["month"].astype(str).isin(year)].copy()
    if r.empty:
        return
    r["from"] = r["source_code_recorded"].astype("string").fillna(BLANK).astype(str)
    r["to"] = r["source_code"].astype(str)
    r["month"] = r["month"].astype(str)
    r["rule"] = r["rule"].astype(str)
    changes = {rule: sorted(set(zip(g["from"], g["to"], strict=True))) for rule, g in r.groupby("rule")}
    by_cell = r.groupby(["rule", "month", "from", "to"])["contacts"].sum()
    for rule, pairs in changes.items():
        per_month = [ledger.count(recode_key(rule, m), sum(by_cell.get((rule, m, f, t), 0) for f, t in pairs))
                     for m in year]
        total = ledger.count(recode_key(rule), sum(ledger.values[k] for k in per_month), margin=True)
        ledger.total(total, per_month, what=f"recoding rule {rule} over the year")
    flows = _Flows(ledger, by_cell, changes, year)
    unknown = config.UNKNOWN_CODE
    for m in year:
        # every contact with no recorded code is recoded (to 10 at worst)
        terms = {ledger.count(no_code_key(m), _value(recorded, f"code:{BLANK}", m)): -1.0}
        for rule in changes:
            terms.update(flows.part(rule, m, lambda f, t: f == BLANK))
        ledger.relation(terms, 0.0, what=f"no code recorded = recoded from blank ({m})")
        # still unknown after coding = recorded unknown (not shown) + moved in − moved out
        terms = {code_key("recoded", unknown, m): 1.0,
                 ledger.count(code_key("recorded", unknown, m), _value(recorded, f"code:{unknown}", m), published=False,
                              guard=False): -1.0}
        for k, c in flows.net(unknown, m).items():
            terms[k] = terms.get(k, 0.0) - c
        ledger.relation(terms, 0.0, what=f"unknown after coding ({m})")
    for c in HEALTH_CODES:  # each health code this month, and over the year
        for when, new, old in ((month, code_key("recoded", c, month), code_key("recorded", c, month)),
                               (None, code12_key("recoded", c, month), code12_key("recorded", c, month))):
            terms = {new: 1.0, old: -1.0}
            for k, v in flows.net(c, when).items():
                terms[k] = terms.get(k, 0.0) - v
            ledger.relation(terms, 0.0, what=f"recoded − recorded = in − out ({c}, {when or 'year'})")
    sn = SCHOOL_NURSE
    for direction, which in (("in", lambda f, t: t == sn and f != sn), ("out", lambda f, t: f == sn and t != sn)):
        terms: dict[Key, float] = {}
        for rule in changes:
            terms.update(flows.part(rule, None, which))
        key = ledger.count(moved_key(direction, sn, month), sum(ledger.values[k] for k in terms))
        ledger.total(key, list(terms), what=f"moved {direction} of {sn}")
    # pages 00 and 01 quote this month's shares of contacts recoded, with no recorded code and still
    # unknown, rounded to whole percent (hwb_kpis.report.completeness): each one a relation
    total = count_key("contacts", "any", "all", month)
    n_all = ledger.values.get(total, 0.0)
    if n_all:
        for parts, what in (([recode_key(rule, month) for rule in changes], "recoded"),
                            ([no_code_key(month)], "no code recorded"),
                            ([code_key("recoded", unknown, month)], "unknown after coding")):
            share = sum(ledger.values[k] for k in parts) / n_all
            ledger.share(parts, total, round(share, 2), what=f"the share of contacts {what}")


# --- initial health assessments -------------------------------------------------------------------


def iha_frames(looked_after: pd.DataFrame | None, as_of) -> dict[str, pd.DataFrame]:
    """:func:`hwb_kpis.kpis.iha_within` for each limit."""
    if looked_after is None or not len(looked_after):
        return {}
    return {limit: kpis.iha_within(looked_after, as_of=as_of, limit=limit) for limit in IHA_LIMITS}


def iha_ledger(frames: Mapping[str, pd.DataFrame], month: str, ledger: Ledger | None = None) -> Ledger:
    """The iha family (see the module docstring)."""
    from hwb_kpis.report import iha_cohort

    ledger = ledger or Ledger()
    if not frames:
        return ledger
    shown_from = {}
    for limit, frame in frames.items():
        reporting = iha_cohort.reporting_month(frame, month)
        shown_from[limit] = (periods.shift_month(reporting, -12), reporting)
    start = min(s for s, _ in shown_from.values())
    starts_from = periods.shift_month(month, -11)  # page 05's children starting to be looked after
    for limit, frame in frames.items():
        f = frame[frame["month"].astype(str) <= month].copy()
        f.index = f["month"].astype(str)
        for m, row in f.iterrows():
            published = m >= start
            due = ledger.count(iha_key(limit, m, "due"), row["denominator"], published=published)
            done = ledger.count(iha_key(limit, m, "done"), row["numerator"], published=published)
            nyd = ledger.count(iha_key(limit, m, "not_yet_due"), row["not_yet_due"], published=published)
            children = ledger.count(starts_key(m), float(row["denominator"]) + float(row["not_yet_due"]),
                                    published=starts_from <= m <= month)
            ledger.total(children, [due, nyd], what=f"children = due + not yet due ({limit}, {m})")
            ledger.relation({done: 1.0, due: -1.0}, float("-inf"), 0.0, what=f"done <= due ({limit}, {m})")
        # the before / after bars of page 05, for whichever limit the pack chose
        for chosen in frames:
            at = iha_cohort.its_break_month(shown_from[chosen][1])
            end = shown_from[chosen][1]
            for part in (f[f.index < at], f[(f.index >= at) & (f.index <= end)]):
                den = float(part["denominator"].sum())
                if den:
                    ledger.share([iha_key(limit, m, "done") for m in part.index],
                                 [iha_key(limit, m, "due") for m in part.index],
                                 round(float(part["numerator"].sum()) / den, 2), what="pooled IHA share")
    return ledger


# --- the KPI files --------------------------------------------------------------------------------


def monthly_rows(kpi_df: pd.DataFrame, month: str) -> pd.DataFrame:
    """The monthly rows of a KPI table up to ``month`` (what the pack's KPI files and pages show)."""
    rows = kpi_df[kpi_df["period"] == "month"] if "period" in kpi_df.columns else kpi_df
    return rows[rows["month"].astype(str) <= str(month)]


def kpis_ledger(kpi_df: pd.DataFrame, month: str, *, view: str = config.DEFAULT_VIEW,
                limit: str = config.DEFAULT_IHA_LIMIT, ledger: Ledger | None = None) -> Ledger:
    """The kpis family: every count of the pack's KPI files (``kpis.csv`` and the KPI sheet of
    ``kpis.xlsx``: each KPI's monthly numerator and denominator for every group, up to ``month``)
    under the keys the pages give the same counts (:func:`kpi_keys`), with the relations the
    table holds (:func:`hwb_kpis.kpis.output.table_relations`: groups add up to ``all``, codes to
    their group, ``decided = contacts − pending``). Its counts are the pages' counts too, so one
    plan decides both, and a count a page withholds is withheld in the files."""
    ledger = ledger or Ledger()
    rows = monthly_rows(kpi_df, month)
    cells: dict[Key, tuple[str, str, str]] = {}
    for kpi, group, m, numerator, denominator in zip(rows["kpi"].astype(str), rows["group"].astype(str),
                                                      rows["month"].astype(str), rows["numerator"],
                                                      rows["denominator"], strict=True):
        names = count_names(kpi, group)
        for key, (what, of), value in zip(kpi_keys(kpi, group, m, view, limit), names, (numerator, denominator),
                                          strict=True):
            if key is None or pd.isna(value):
                continue
            ledger.count(key, value, margin=of == "all")
            cells[key] = (what, of, m)
    table_relations(ledger, cells)
    return ledger


# --- the plan -------------------------------------------------------------------------------------


def _read(processed_dir: Path | None, name: str) -> pd.DataFrame | None:
    """A CSV of the processed folder (None when absent or empty)."""
    path = None if processed_dir is None else Path(processed_dir) / name
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    try:
        return pd.read_csv(path, dtype="string")
    except pd.errors.EmptyDataError:
        return None


def read_quarantine(processed_dir: Path | None) -> pd.DataFrame | None:
    """The cleaning's quarantine (rows set aside, with their reasons)."""
    return _read(processed_dir, "quarantine.csv")


def read_recoding(processed_dir: Path | None) -> pd.DataFrame | None:
    """:func:`hwb_kpis.coding.recoding_summary` of the cleaning's recoding audit."""
    from hwb_kpis import coding

    audit = _read(processed_dir, "recoding_audit.csv")
    return None if audit is None else coding.recoding_summary(audit)


#: the families of counts (see the module docstring): rows stands apart; the others share counts
FAMILIES = ("rows", "contacts", "iha", "kpis")
#: where a build keeps the pack's plan, in the processed folder, for every page to read
PLAN_FILE = "disclosure_plan.json"


@dataclass(frozen=True)
class PlanInputs:
    """What a pack's plan is made from besides the processed tables: the month, the view, the
    date IHA due-ness is judged at, the look-back of repeats and the IHA limit of its KPI files."""

    month: str
    view: str = config.DEFAULT_VIEW
    as_of: str = ""
    lookback_days: int = config.DEFAULT_LOOKBACK_DAYS
    iha_limit: str = config.DEFAULT_IHA_LIMIT


def plan_ledger(tables: Mapping[str, Any], inputs: PlanInputs, *, processed_dir: Path | None = None,
                families: tuple[str, ...] = FAMILIES) -> Ledger:
    """The counts of the pack in ``families`` and the relations between them."""
    ledger = Ledger()
    as_of = inputs.as_of or None
    if "rows" in families:
        rows_ledger(tables.get("summary") or {}, read_quarantine(processed_dir), ledger)
    frames = None
    if {"contacts", "kpis"} & set(families) and tables.get("contacts") is not None:
        frames = kpi_frames(tables, as_of=as_of, lookback_days=inputs.lookback_days, iha_limit=inputs.iha_limit)
    if "contacts" in families:
        contacts_ledger(tables, inputs.month, read_recoding(processed_dir), view=inputs.view, frames=frames,
                        ledger=ledger)
    if "iha" in families:
        iha_ledger(iha_frames(tables.get("looked_after"), as_of), inputs.month, ledger)
    if "kpis" in families:
        kpi_df = frames[inputs.view] if frames is not None else _kpi_table(tables, inputs)
        if kpi_df is not None:
            kpis_ledger(kpi_df, inputs.month, view=inputs.view, limit=inputs.iha_limit, ledger=ledger)
    return ledger


def _kpi_table(tables: Mapping[str, Any], inputs: PlanInputs) -> pd.DataFrame | None:
    """The pack's KPI table when there are no contacts (referrals or looked-after children only)."""
    try:
        return kpis.kpi_table(dict(tables), view=inputs.view, as_of=inputs.as_of or None,
                              lookback_days=inputs.lookback_days, iha_limit=inputs.iha_limit)
    except Exception:  # no KPI the extract can give: the pack has no KPI files either
        return None


def _fingerprint(processed_dir: Path, inputs: PlanInputs) -> dict[str, Any]:
    """What a kept plan must match: its inputs, the processed files (names, sizes, times) and
    the code that planned it (the package's version and the planning modules' times)."""
    from hwb_kpis import __version__
    from hwb_kpis.kpis import output
    from hwb_kpis.privacy import secondary

    files = {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in sorted(Path(processed_dir).iterdir())
             if p.is_file() and not p.name.startswith(".") and p.name != PLAN_FILE}
    code = {m.__name__: Path(m.__file__).stat().st_mtime_ns for m in (output, secondary) if m.__file__}
    code[__name__] = Path(__file__).stat().st_mtime_ns
    return {"inputs": asdict(inputs), "files": files, "version": __version__, "code": code}


def _keyed(value):
    """A key read back from JSON (lists are tuples again)."""
    return tuple(_keyed(v) for v in value) if isinstance(value, list) else value


def save_plan(decisions: Decisions, processed_dir: Path, inputs: PlanInputs) -> Path:
    """Keep ``decisions`` in the processed folder (:data:`PLAN_FILE`, written whole or not at
    all), with the fingerprint of what they were made from."""
    path = Path(processed_dir) / PLAN_FILE
    doc = {"fingerprint": _fingerprint(processed_dir, inputs),
           "decisions": [[list(k) if isinstance(k, tuple) else k, decisions.status(k), decisions.planned(k)]
                         for k in decisions.keys()],
           "unresolved": [list(k) if isinstance(k, tuple) else k for k in decisions.unresolved]}
    tmp = path.with_name(f".{PLAN_FILE}.{os.getpid()}")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_plan(processed_dir: Path, inputs: PlanInputs, *, any_lookback: bool = False,
              any_limit: bool = False) -> Decisions | None:
    """The plan a build kept for ``inputs`` (None when there is none, or it was made from other
    tables, inputs or code). ``any_lookback`` / ``any_limit``: a page that shows no repeat or IHA
    count takes the pack's, whatever its look-back or limit."""
    path = Path(processed_dir) / PLAN_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kept = doc.get("fingerprint", {})
    wanted = _fingerprint(processed_dir, inputs)
    if any_lookback:
        wanted["inputs"]["lookback_days"] = kept.get("inputs", {}).get("lookback_days")
    if any_limit:
        wanted["inputs"]["iha_limit"] = kept.get("inputs", {}).get("iha_limit")
    if kept != wanted:
        return None
    rows = doc.get("decisions", [])
    return Decisions({_keyed(k): s for k, s, _ in rows}, {_keyed(k): v for k, _, v in rows},
                     unresolved=[_keyed(k) for k in doc.get("unresolved", [])])


_PLANS: dict[tuple, Decisions] = {}


def pack_plan(tables: Mapping[str, Any], month: str, *, view: str = config.DEFAULT_VIEW, as_of=None,
              processed_dir: Path | None = None, lookback_days: int | None = None, iha_limit: str | None = None,
              internal: bool = False) -> Decisions:
    """The disclosure decisions of the pack for ``month``: one plan over every count the pages
    and the KPI files publish (see the module docstring). A build makes it once, before any page
    runs, and keeps it in the processed folder (:func:`save_plan`); each page reads it from there
    (or, run on its own, makes and keeps it), so every page and file gets the same decisions.
    ``lookback_days`` / ``iha_limit`` None: the page shows no repeat / IHA count and takes the
    kept plan's (the defaults when none is kept)."""
    if internal:
        return Decisions(internal=True)
    inputs = PlanInputs(str(month), view, "" if as_of is None else str(pd.Timestamp(as_of).date()),
                        config.DEFAULT_LOOKBACK_DAYS if lookback_days is None else int(lookback_days),
                        config.DEFAULT_IHA_LIMIT if iha_limit is None else str(iha_limit))
    memo = (id(tables), inputs, str(processed_dir), lookback_days is None, iha_limit is None)
    if memo in _PLANS:
        return _PLANS[memo]
    folder = Path(processed_dir) if processed_dir is not None and Path(processed_dir).is_dir() else None
    decisions = None
    if folder is not None:
        decisions = load_plan(folder, inputs, any_lookback=lookback_days is None, any_limit=iha_limit is None)
    if decisions is None:
        decisions = plan_ledger(tables, inputs, processed_dir=folder).protect()
        if folder is not None:
            try:
                save_plan(decisions, folder, inputs)
            except OSError:  # a read-only processed folder: the page still has its plan
                pass
    _PLANS[memo] = decisions
    return decisions


@cache
def rows_plan(summary_json: str, processed_dir: str | None) -> Decisions:
    """The rows family alone, for the index (which the build writes without loading the tables):
    the same decisions page 01 gets from :func:`pack_plan`."""
    import json

    folder = Path(processed_dir) if processed_dir else None
    return rows_ledger(json.loads(summary_json), read_quarantine(folder)).protect()
