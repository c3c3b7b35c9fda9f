"""Disclosure control: the one home of the small-number rule for everything that leaves the
machine (tables, sentences, medians, charts, the pack's files).

The rule (``docs/kpi-definitions.md``, "Disclosure control"): a count from 1 to 4 is shown as
``<5``; a rate, median or chart point resting on such a count as ``*`` (or not drawn); 0 is
shown as 0. An internal run (analysts only) shows every figure and says INTERNAL on every page.
No other module writes the thresholds or the markers: they ask this one.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from hwb_kpis.nulls import missing as _missing

#: the smallest and largest count that may not be published
SMALL_MIN, SMALL_MAX = 1, 4
#: a published count of 1 to 4
SUPPRESSED_COUNT = "<5"
#: a published rate, median or other statistic resting on a count of 1 to 4
SUPPRESSED_RATE = "*"
#: the same in a sentence
SUPPRESSED_WORDS = "fewer than 5"
INTERNAL_BANNER = "INTERNAL – not for circulation"
#: the rule as the pack states it to readers
RULE_TEXT = (f"Counts from {SMALL_MIN} to {SMALL_MAX} are shown as {SUPPRESSED_COUNT}, and rates based on "
             f"them as {SUPPRESSED_RATE}, to protect children's privacy.")


def is_small(*counts) -> bool:
    """True when any count is from 1 to 4 (a count a published figure may not show or rest on).
    Text (an already suppressed value) and missing values are ignored."""
    for c in counts:
        if isinstance(c, str) or _missing(c):
            continue
        if SMALL_MIN <= float(c) <= SMALL_MAX:
            return True
    return False


def small_mask(values: pd.Series) -> pd.Series:
    """Boolean per value: a count from 1 to 4 (text and missing values are False)."""
    return pd.to_numeric(values, errors="coerce").between(SMALL_MIN, SMALL_MAX).fillna(False).astype(bool)


def safe_count(n, internal: bool = False) -> str:
    """A count for a published sentence: ``"fewer than 5"`` for 1–4 unless ``internal``;
    ``1,380`` style otherwise (``"n/a"`` when missing)."""
    if not internal and is_small(n):
        return SUPPRESSED_WORDS
    if isinstance(n, str):
        return n
    if _missing(n):
        return "n/a"
    return f"{round(float(n)):,}"


def count_cell(n, internal: bool = False) -> str:
    """A count for a published table cell: ``"<5"`` for 1–4 unless ``internal``; ``1,380``
    style otherwise (``""`` when missing)."""
    if not internal and is_small(n):
        return SUPPRESSED_COUNT
    if isinstance(n, str):
        return n
    return "" if _missing(n) else f"{round(float(n)):,}"


def suppress(
    table: pd.DataFrame,
    *,
    count_columns: Sequence[str] = ("numerator", "denominator"),
    rate_columns: Sequence[str] = ("rate",),
    rate_basis: Mapping[str, Sequence[str]] | None = None,
    internal: bool = False,
) -> pd.DataFrame:
    """Small-number suppression for a published table (returns a new, display-ready table).

    A count from 1 to 4 becomes ``"<5"``; 0 stays 0. A rate becomes ``"*"`` when any count it is
    based on was suppressed (by default every count column of the row; ``rate_basis`` maps a rate
    column to its own count columns). Counts are printed with thousands separators, rates are
    left as numbers for the caller to format. ``internal=True`` returns the table unchanged (for
    analysts' own use; the pack then carries the INTERNAL banner).
    """
    if internal:
        return table.copy()
    out = table.copy()
    count_columns = [c for c in count_columns if c in out.columns]
    small = pd.DataFrame({c: small_mask(out[c]) for c in count_columns}, index=out.index)
    for c in count_columns:
        values = pd.to_numeric(out[c], errors="coerce")
        shown = values.map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
        out[c] = shown.where(~small[c], SUPPRESSED_COUNT).astype("object")
    for r in [c for c in rate_columns if c in out.columns]:
        basis = (rate_basis or {}).get(r, count_columns)
        basis = [c for c in basis if c in small.columns]
        hit = small[basis].any(axis=1) if basis else pd.Series(False, index=out.index)
        out[r] = out[r].astype("object").where(~hit, SUPPRESSED_RATE)
    return out


def suppress_kpi_rows(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """For a tidy KPI frame (``numerator``, ``denominator``, ``rate``): which numerators, which
    denominators and which rates may not be published."""
    small_n = small_mask(df["numerator"])
    small_d = small_mask(df["denominator"])
    return small_n, small_d, small_n | small_d


def published_html(table: pd.DataFrame, *, count_columns: Sequence[str] | None = None) -> str:
    """HTML of a display-ready (already suppressed) table, declaring which of its columns hold
    counts of children or contacts in a ``data-hwb-counts`` attribute, so that the disclosure
    test can check every published count. ``None`` declares every column but the first (row
    labels): a table must opt *out* of the check, column by column, never in."""
    if count_columns is None:
        count_columns = list(table.columns[1:])
    declared = [str(c) for c in count_columns if c in table.columns]
    markup = table.to_html(index=False, na_rep="", escape=True, border=0)
    return markup.replace("<table", f'<table data-hwb-counts="{html.escape(json.dumps(declared))}"', 1)


def is_suppressed_ok(values: pd.Series) -> bool:
    """True when no value in ``values`` is a bare count from 1 to 4 (used by disclosure tests)."""
    numeric = pd.to_numeric(values.astype("string").str.replace(",", ""), errors="coerce")
    return not bool(np.any(numeric.between(SMALL_MIN, SMALL_MAX) & (numeric == numeric.round())))


def banner_markdown(internal: bool) -> str:
    """The INTERNAL warning a page shows at its top (empty for a board pack)."""
    return f"**{INTERNAL_BANNER}** — small numbers are not suppressed in this copy." if internal else ""


def footer_text(internal: bool) -> str:
    """What every page's footer says about small numbers."""
    return "Internal copy: small numbers are not suppressed." if internal else RULE_TEXT


def rule_clause() -> str:
    """The rule as a clause of a page's own note, in markdown: ``"a count from 1 to 4 is shown as
    `<5` and a rate resting on it as `*`"``."""
    return (f"a count from {SMALL_MIN} to {SMALL_MAX} is shown as `{SUPPRESSED_COUNT}` and a rate resting on it "
            f"as `{SUPPRESSED_RATE}`")
