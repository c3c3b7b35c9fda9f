"""A KPI table as text for the ``hwb-kpis kpis`` command: JSON records, CSV or an aligned table,
published through disclosure control unless internal: the small-number rule of
:mod:`hwb_kpis.privacy.disclosure`, and complementary suppression (:mod:`hwb_kpis.privacy.secondary`)
over the relations the table itself holds — every group adds up to ``all``, every code to its
group and to ``all``, the six health codes to ``health``, ``decided = contacts − pending``, and
each rate's denominator is a count of another row."""

from __future__ import annotations

import json
from collections.abc import Hashable

import numpy as np
import pandas as pd

from hwb_kpis.privacy.disclosure import (
    SHOWN,
    SUPPRESSED_COUNT,
    SUPPRESSED_RATE,
    WITHHELD_COUNT,
    Decisions,
)
from hwb_kpis.privacy.secondary import Ledger
from hwb_kpis.safe_files import csv_text

RECORD_KEYS = ("kpi", "group", "month", "numerator", "denominator", "rate")
FORMATS = ("json", "csv", "table")
_TABLE_HEADER = ["kpi", "group", "month", "numerator", "denominator", "rate", "note"]
_RIGHT_ALIGNED = {3, 4, 5}
Hidden = tuple | None  #: (numerator markers, denominator markers, rates hidden), or None when internal


#: each KPI's numerator and denominator, as the counts they are (a group's contacts are out of all contacts)
COUNTS = {
    "contacts": ("contacts", "contacts"), "marf": ("marf", "contacts"), "conversion": ("referrals", "decided"),
    "pending": ("pending", "contacts"), "repeat_contacts": ("repeats", "contacts"),
    "rereferral_12m": ("rereferrals", "listed referrals"), "referral_nfa": ("referrals closed nfa", "listed referrals"),
    "iha_within_28_days": ("iha done", "iha due"),
}
#: the counts whose groups add up to ``all``, and codes to their group ("referrals" are contacts
#: progressed to referral; "listed referrals" the referrals of the extract's list)
ADDITIVE = ("contacts", "marf", "referrals", "decided", "pending", "repeats", "rereferrals", "listed referrals",
            "referrals closed nfa")
#: KPIs whose numerator is one group's count and whose denominator is the same count for ``all``
SHARES = {"contacts": ("contacts", None), "health_share": ("contacts", "health"),
          "referrals": ("listed referrals", None), "referral_health_share": ("listed referrals", "health")}

Count = tuple[str, str]  #: (what is counted, group): ("repeats", "police")


def count_names(kpi: str, group: str) -> tuple[Count, Count]:
    """What a KPI row's numerator and denominator count, as ``(count, group)``: the one home of
    which counts a KPI rests on (the ``hwb-kpis kpis`` plan and the pack's plan both key by it).
    ``("health_share", "all")`` → ``(("contacts", "health"), ("contacts", "all"))``."""
    if kpi in SHARES:
        what, fixed = SHARES[kpi]
        return (what, fixed or group), (what, "all")
    num, den = COUNTS.get(kpi, (f"{kpi} numerator", f"{kpi} denominator"))
    return (num, group), (den, group)


def table_relations(ledger: Ledger, cells: dict[Hashable, tuple[str, str, Hashable]]) -> None:
    """Add to ``ledger`` the relations a KPI table holds between its counts ``cells`` (key →
    ``(count, group, when)``, each already in the ledger): ``decided = contacts − pending``, every
    group adds up to ``all``, every code to ``all`` and to its group (the six health codes to
    ``health``) — each only where the counts bear it out (an extract whose groups overlap has no
    such relation)."""
    from hwb_kpis.coding import load_reference

    at = {(what, group, when): key for key, (what, group, when) in cells.items()}
    values = ledger.values
    for (what, group, when), key in at.items():
        if what != "decided":
            continue
        parts = [at.get(("contacts", group, when)), at.get(("pending", group, when))]
        if None not in parts and values[parts[0]] - values[parts[1]] == values[key]:
            ledger.relation({parts[0]: 1.0, parts[1]: -1.0, key: -1.0}, 0.0, what=f"decided = contacts − pending {key}")
    ref = load_reference()
    of_group = {str(g): [f"code:{c}" for c in ref.loc[ref["group"] == g, "code"]] for g in ref["group"].unique()}
    of_group.setdefault("unknown", []).append("code:missing")
    groups: dict[tuple, list[str]] = {}
    for what, group, when in at:
        groups.setdefault((what, when), []).append(group)
    for (what, when), members in groups.items():
        if what not in ADDITIVE or "all" not in members:
            continue
        lines = [[g for g in members if g != "all" and not g.startswith("code:")],
                 [g for g in members if g.startswith("code:")]]
        lines += [[c for c in codes if c in members] for g, codes in of_group.items() if g in members]
        wholes = ["all", "all"] + [g for g in of_group if g in members]
        for whole, parts in zip(wholes, lines, strict=True):
            keys = [at[(what, g, when)] for g in parts]
            total = at[(what, whole, when)]
            if parts and sum(values[k] for k in keys) == values[total]:
                ledger.total(total, keys, what=f"{what} ({whole}, {when}) = Σ parts")


def _keys(row) -> tuple[Hashable, Hashable | None]:
    """The keys of a row's numerator and denominator in :func:`kpi_plan`: its counts
    (:func:`count_names`) in its month and period (and an IHA row's limit)."""
    when = (str(row.month), str(getattr(row, "period", "month")))
    if str(row.kpi) == "iha_within_28_days":
        when = (*when, str(getattr(row, "limit", "")))
    num, den = count_names(str(row.kpi), str(row.group))
    return (*num, *when), (*den, *when)


def kpi_plan(df: pd.DataFrame) -> Decisions:
    """The disclosure decisions for a whole KPI table as published (see the module docstring)."""
    ledger = Ledger()
    cells: dict[Hashable, tuple[str, str, Hashable]] = {}
    for row in df.itertuples(index=False):
        for key, value in zip(_keys(row), (row.numerator, row.denominator), strict=True):
            if pd.isna(value):
                continue
            ledger.count(key, value, margin=key[1] == "all")
            cells[key] = (key[0], key[1], key[2:])
    table_relations(ledger, cells)
    return ledger.protect()


def format_kpis(df: pd.DataFrame, fmt: str, *, internal: bool = True, decisions: Decisions | None = None) -> str:
    """Render a KPI table as ``json``, ``csv`` or ``table`` text.

    * ``json``: a list of records ``{"kpi", "group", "month", "numerator", "denominator", "rate"}``
      (counts as integers, ``rate`` a fraction or ``null``);
    * ``csv``: every column of ``df``;
    * ``table``: aligned text, rate as a percentage, flags in a ``note`` column.

    ``internal=False`` publishes it (``decisions``, by default :func:`kpi_plan`): a count from 1
    to 4 shows as ``<5``, a count withheld so that none of those can be worked out as ``c``, and
    a rate resting on either as ``*`` (in JSON too, as strings).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be json, csv or table, not {fmt!r}")
    hidden = None if internal else hidden_cells(df, decisions or kpi_plan(df))
    return {"json": _json, "csv": _csv, "table": _table}[fmt](df, hidden)


def hidden_cells(df: pd.DataFrame, decisions: Decisions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the numerator's and the denominator's marker (empty when shown) and whether the
    rate is hidden."""
    marks = {"small": SUPPRESSED_COUNT, "withheld": WITHHELD_COUNT, SHOWN: ""}
    nums, dens, rates = [], [], []
    for row in df.itertuples(index=False):
        num, den = _keys(row)
        n = decisions.status(num, row.numerator)
        d = decisions.status(den, row.denominator) if den is not None else SHOWN
        nums.append(marks[n])
        dens.append(marks[d])
        rates.append(n != SHOWN or d != SHOWN)
    return np.array(nums, dtype=object), np.array(dens, dtype=object), np.array(rates, dtype=bool)


def suppressed_note(df: pd.DataFrame, decisions: Decisions | None = None) -> str:
    """A line for the terminal: how many figures a published KPI table hides, and which
    (``kpi/group/month field``); empty when none."""
    nums, dens, rates = hidden_cells(df, decisions or kpi_plan(df))
    which = []
    for row, n, d in zip(df.itertuples(index=False), nums, dens, strict=True):
        for field, mark in (("numerator", n), ("denominator", d)):
            if mark:
                which.append(f"{row.kpi}/{row.group}/{row.month} {field} ({mark})")
    if not which:
        return ""
    return (f"note: {len(which)} count(s) and {int(rates.sum())} rate(s) are not shown ({SUPPRESSED_COUNT}: a count "
            f"from 1 to 4; {WITHHELD_COUNT}: withheld so that none of those can be worked out; {SUPPRESSED_RATE}: a "
            f"rate resting on either); --internal shows them: " + "; ".join(which))



def _json(df: pd.DataFrame, hidden: Hidden) -> str:
    records = []
    for i, row in enumerate(df[list(RECORD_KEYS)].itertuples(index=False)):
        rate = None if pd.isna(row.rate) else float(row.rate)
        records.append({
            "kpi": str(row.kpi), "group": str(row.group), "month": str(row.month),
            "numerator": hidden[0][i] if hidden and hidden[0][i] else int(row.numerator),
            "denominator": hidden[1][i] if hidden and hidden[1][i] else int(row.denominator),
            "rate": SUPPRESSED_RATE if hidden and hidden[2][i] else rate,
        })
    return json.dumps(records, indent=2)


def _csv(df: pd.DataFrame, hidden: Hidden) -> str:
    out = df.copy()
    if hidden:
        out["numerator"] = out["numerator"].astype("object").where(hidden[0] == "", hidden[0])
        out["denominator"] = out["denominator"].astype("object").where(hidden[1] == "", hidden[1])
        out["rate"] = out["rate"].astype("object").where(~hidden[2], SUPPRESSED_RATE)
    return csv_text(out).rstrip("\n")  # formulas neutralised (hwb_kpis.safe_files)


def _notes(df: pd.DataFrame, r) -> str:
    """The ``note`` cell of a table row: the IHA limit and the history and part-year flags."""
    notes = []
    if "limit" in df.columns and isinstance(r.limit, str):
        notes.append(f"limit {r.limit}")
    if "incomplete_history" in df.columns and bool(r.incomplete_history):
        notes.append("incomplete history")
    if "partial_period" in df.columns and bool(r.partial_period):
        notes.append("partial year")
    return ", ".join(notes)


def _table(df: pd.DataFrame, hidden: Hidden) -> str:
    rows = []
    for i, r in enumerate(df.itertuples(index=False)):
        if hidden and hidden[2][i]:
            rate = SUPPRESSED_RATE
        else:
            rate = "-" if pd.isna(r.rate) else f"{100 * r.rate:.1f}%"
        num = hidden[0][i] if hidden and hidden[0][i] else f"{int(r.numerator):,}"
        den = hidden[1][i] if hidden and hidden[1][i] else f"{int(r.denominator):,}"
        rows.append([str(r.kpi), str(r.group), str(r.month), num, den, rate, _notes(df, r)])
    widths = [max([len(h)] + [len(row[j]) for row in rows]) for j, h in enumerate(_TABLE_HEADER)]

    def line(cells):
        return "  ".join(c.rjust(w) if j in _RIGHT_ALIGNED else c.ljust(w)
                         for j, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    lines = [line(_TABLE_HEADER), line(["-" * w for w in widths])] + [line(row) for row in rows]
    if not rows:
        lines.append("(no rows)")
    return "\n".join(lines)
