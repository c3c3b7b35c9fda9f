"""A KPI table as text for the ``hwb-kpis kpis`` command: JSON records, CSV or an aligned table,
with small numbers suppressed by :mod:`hwb_kpis.privacy.disclosure` unless internal."""

from __future__ import annotations

import json

import pandas as pd

from hwb_kpis.privacy.disclosure import SUPPRESSED_COUNT, SUPPRESSED_RATE, suppress_kpi_rows
from hwb_kpis.safe_files import csv_text

RECORD_KEYS = ("kpi", "group", "month", "numerator", "denominator", "rate")
FORMATS = ("json", "csv", "table")
_TABLE_HEADER = ["kpi", "group", "month", "numerator", "denominator", "rate", "note"]
_RIGHT_ALIGNED = {3, 4, 5}
Hidden = tuple | None  #: (numerators, denominators, rates) not to publish, or None when internal


def format_kpis(df: pd.DataFrame, fmt: str, *, internal: bool = True) -> str:
    """Render a KPI table as ``json``, ``csv`` or ``table`` text.

    * ``json``: a list of records ``{"kpi", "group", "month", "numerator", "denominator", "rate"}``
      (counts as integers, ``rate`` a fraction or ``null``);
    * ``csv``: every column of ``df``;
    * ``table``: aligned text, rate as a percentage, flags in a ``note`` column.

    ``internal=False`` applies the small-number rule of :mod:`hwb_kpis.privacy.disclosure`:
    suppressed counts and the rates based on them are shown by its markers (in JSON too, as
    strings).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be json, csv or table, not {fmt!r}")
    if internal:
        hidden = None
    else:
        hidden = tuple(mask.to_numpy(dtype=bool) for mask in suppress_kpi_rows(df))
    return {"json": _json, "csv": _csv, "table": _table}[fmt](df, hidden)



def _json(df: pd.DataFrame, hidden: Hidden) -> str:
    records = []
    for i, row in enumerate(df[list(RECORD_KEYS)].itertuples(index=False)):
        rate = None if pd.isna(row.rate) else float(row.rate)
        records.append({
            "kpi": str(row.kpi), "group": str(row.group), "month": str(row.month),
            "numerator": SUPPRESSED_COUNT if hidden and hidden[0][i] else int(row.numerator),
            "denominator": SUPPRESSED_COUNT if hidden and hidden[1][i] else int(row.denominator),
            "rate": SUPPRESSED_RATE if hidden and hidden[2][i] else rate,
        })
    return json.dumps(records, indent=2)


def _csv(df: pd.DataFrame, hidden: Hidden) -> str:
    out = df.copy()
    if hidden:
        out["numerator"] = out["numerator"].astype("object").where(~hidden[0], SUPPRESSED_COUNT)
        out["denominator"] = out["denominator"].astype("object").where(~hidden[1], SUPPRESSED_COUNT)
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
        num = SUPPRESSED_COUNT if hidden and hidden[0][i] else f"{int(r.numerator):,}"
        den = SUPPRESSED_COUNT if hidden and hidden[1][i] else f"{int(r.denominator):,}"
        rows.append([str(r.kpi), str(r.group), str(r.month), num, den, rate, _notes(df, r)])
    widths = [max([len(h)] + [len(row[j]) for row in rows]) for j, h in enumerate(_TABLE_HEADER)]

    def line(cells):
        return "  ".join(c.rjust(w) if j in _RIGHT_ALIGNED else c.ljust(w)
                         for j, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    lines = [line(_TABLE_HEADER), line(["-" * w for w in widths])] + [line(row) for row in rows]
    if not rows:
        lines.append("(no rows)")
    return "\n".join(lines)
