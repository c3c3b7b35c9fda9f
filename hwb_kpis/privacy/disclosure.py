"""Disclosure control: the one home of the small-number rule for everything that leaves the
machine (tables, sentences, medians, charts, the pack's files).

The rule (``docs/privacy.md``, "Small numbers"): a count from 1 to 4 is shown as ``<5``; a rate,
median or chart point resting on such a count as ``*`` (or not drawn); 0 is shown as 0. A count
withheld so that a ``<5`` cannot be worked out from totals or differences (complementary, or
secondary, suppression: :mod:`hwb_kpis.privacy.secondary` decides which) is shown as ``c``, and
a rate resting on it as ``*``. An internal run (analysts only) shows every figure and says
INTERNAL on every page. No other module writes the thresholds or the markers: they ask this one.

Every published figure has a **status**: :data:`SHOWN`, :data:`SMALL` (a count from 1 to 4) or
:data:`WITHHELD` (``c``). A :class:`Decisions` holds the statuses a plan gave (the pack's plan is
made by :func:`hwb_kpis.report.published.pack_plan`); a figure it does not know gets the rule
alone. From a status come the three ways a figure is published: in a table (:meth:`Decisions.cell`,
:func:`suppress` for a whole table, also for CSV and Excel files), in a sentence
(:meth:`Decisions.words`, :func:`say_count`, :func:`say_rate`, :func:`say_statistic`) and in a
chart (:meth:`Decisions.number`, :func:`chart_values`: missing, so not drawn).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from hwb_kpis.nulls import missing as _missing

#: the smallest and largest count that may not be published
SMALL_MIN, SMALL_MAX = 1, 4
#: a published count of 1 to 4
SUPPRESSED_COUNT = "<5"
#: a published rate, median or other statistic resting on a count of 1 to 4 (or on a withheld one)
SUPPRESSED_RATE = "*"
#: a published count withheld so that a count shown as <5 cannot be worked out from the others
WITHHELD_COUNT = "c"
#: the same in a sentence
SUPPRESSED_WORDS = "fewer than 5"
WITHHELD_WORDS = "not shown"
#: a rate, median or other statistic in a sentence that rests on a small or withheld count
STATISTIC_WORDS = "not shown"
INTERNAL_BANNER = "INTERNAL – not for circulation"
#: the rule as the pack states it to readers
RULE_TEXT = (f"Counts from {SMALL_MIN} to {SMALL_MAX} are shown as {SUPPRESSED_COUNT}, and rates based on "
             f"them as {SUPPRESSED_RATE}, to protect children's privacy; {WITHHELD_COUNT} marks a count "
             "withheld so that a hidden count cannot be worked out from totals or differences.")

#: the status of a published figure
SHOWN, SMALL, WITHHELD = "shown", "small", "withheld"

Key = Hashable


# --- the rule -------------------------------------------------------------------------------------


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


def _whole(n) -> str:
    return f"{round(float(n)):,}"


# --- one figure at a time, without a plan ---------------------------------------------------------


def safe_count(n, internal: bool = False) -> str:
    """A count for a published sentence: ``"fewer than 5"`` for 1–4 unless ``internal``;
    ``1,380`` style otherwise (``"n/a"`` when missing)."""
    if not internal and is_small(n):
        return SUPPRESSED_WORDS
    if isinstance(n, str):
        return n
    if _missing(n):
        return "n/a"
    return _whole(n)


#: the name sentences use for :func:`safe_count`
say_count = safe_count


def count_cell(n, internal: bool = False) -> str:
    """A count for a published table cell: ``"<5"`` for 1–4 unless ``internal``; ``1,380``
    style otherwise (``""`` when missing)."""
    if not internal and is_small(n):
        return SUPPRESSED_COUNT
    if isinstance(n, str):
        return n
    return "" if _missing(n) else _whole(n)


def rests_on_small(*counts, internal: bool = False) -> bool:
    """Whether a rate, median or other statistic computed from ``counts`` (its numerator and
    denominator, or the number of children it is computed on) may not be published."""
    return not internal and is_small(*counts)


def say_rate(rate, *counts, internal: bool = False, digits: int = 0) -> str:
    """A rate (0–1) for a sentence: ``"34%"``, or ``"not shown"`` when it rests on a count of 1 to 4
    (``counts``: its numerator and denominator) unless ``internal``; ``"n/a"`` when missing."""
    if isinstance(rate, str):
        return STATISTIC_WORDS if rate == SUPPRESSED_RATE else rate
    if rests_on_small(*counts, internal=internal):
        return STATISTIC_WORDS
    if _missing(rate):
        return "n/a"
    return f"{float(rate) * 100:.{digits}f}%"


def say_statistic(text: str, n, *, internal: bool = False) -> str:
    """A median, mean or other statistic computed on ``n`` children or contacts, already written as
    ``text`` (``"7 days"``): ``text``, or ``"not shown"`` when ``n`` is from 1 to 4."""
    return STATISTIC_WORDS if rests_on_small(n, internal=internal) else text


def chart_values(values: Sequence | pd.Series, *bases: Sequence | pd.Series, internal: bool = False) -> np.ndarray:
    """Values of a chart's points as floats, missing (so not drawn) where the point is a count of
    1 to 4, or rests on one (``bases``: the counts each point rests on, aligned with ``values``;
    without bases the values are themselves counts)."""
    out = np.array(pd.to_numeric(pd.Series(list(values)), errors="coerce").to_numpy(dtype=float, na_value=np.nan))
    if internal:
        return out
    counts = [out] if not bases else [pd.to_numeric(pd.Series(list(b)), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                                      for b in bases]
    hide = np.zeros(len(out), dtype=bool)
    for c in counts:
        hide |= (c >= SMALL_MIN) & (c <= SMALL_MAX)
    out[hide] = np.nan
    return out


def hidden_points_note(n_hidden: int) -> str:
    """The note under a chart that leaves points out (empty when none is left out)."""
    if not n_hidden:
        return ""
    what = "1 point is" if n_hidden == 1 else f"{n_hidden} points are"
    return (f"{what} not drawn: a count from {SMALL_MIN} to {SMALL_MAX}, or a figure resting on one, "
            "is not published.")


# --- a plan's decisions ---------------------------------------------------------------------------


class Decisions:
    """The statuses a disclosure plan gave to published counts (:data:`SHOWN`, :data:`SMALL`,
    :data:`WITHHELD`), keyed by what each count is; with ``internal=True`` every figure is shown.
    A key the plan does not hold gets the small-number rule alone. Asking for a key with a value
    other than the one the plan was made with is an error (the page would show one figure and
    protect another)."""

    def __init__(self, status: Mapping[Key, str] | None = None, values: Mapping[Key, float] | None = None,
                 *, internal: bool = False, unresolved: Sequence[Key] = ()) -> None:
        self._status = dict(status or {})
        self._values = dict(values or {})
        self.internal = bool(internal)
        #: counts the plan could not protect by withholding others (a build says so)
        self.unresolved = tuple(unresolved)

    def __contains__(self, key: Key) -> bool:
        return key in self._status

    def __or__(self, other: Decisions) -> Decisions:
        return Decisions({**self._status, **other._status}, {**self._values, **other._values},
                         internal=self.internal or other.internal, unresolved=(*self.unresolved, *other.unresolved))

    def keys(self) -> list[Key]:
        """The counts the plan holds."""
        return list(self._status)

    def planned(self, key: Key) -> float:
        """The value the plan was made with."""
        return self._values[key]

    def _value(self, key: Key | None, value):
        """``value``, or the planned value when the caller gives none."""
        if value is None and key is not None and key in self._values:
            return self._values[key]
        return value

    def status(self, key: Key | None, value=None) -> str:
        """The status of the count ``key`` (``value``: what the page is about to show)."""
        if self.internal:
            return SHOWN
        if key is not None and key in self._status:
            planned = self._values.get(key)
            if value is not None and not isinstance(value, str) and not _missing(value) and planned is not None \
                    and abs(float(value) - planned) > 1e-9:
                raise ValueError(f"{key!r} is shown as {value} but the disclosure plan was made with {planned}")
            return self._status[key]
        if isinstance(value, str) or _missing(value):
            return SHOWN
        return SMALL if is_small(value) else SHOWN

    def shown(self, *cells: tuple[Key | None, object]) -> bool:
        """Whether every ``(key, value)`` is shown: a rate, median or point resting on them may be
        published."""
        return all(self.status(k, v) == SHOWN for k, v in cells)

    def cell(self, key: Key | None, value=None) -> str:
        """The count as a table prints it: ``1,380``, ``<5`` or ``c`` (``""`` when missing)."""
        value = self._value(key, value)
        s = self.status(key, value)
        if s == SMALL:
            return SUPPRESSED_COUNT
        if s == WITHHELD:
            return WITHHELD_COUNT
        if isinstance(value, str):
            return value
        return "" if _missing(value) else _whole(value)

    def words(self, key: Key | None, value=None) -> str:
        """The count as a sentence says it: ``1,380``, ``fewer than 5`` or ``not shown``."""
        value = self._value(key, value)
        s = self.status(key, value)
        if s == SMALL:
            return SUPPRESSED_WORDS
        if s == WITHHELD:
            return WITHHELD_WORDS
        if isinstance(value, str):
            return value
        return "n/a" if _missing(value) else _whole(value)

    def number(self, key: Key | None, value=None) -> float:
        """The count for a chart: the value, or missing (not drawn) unless shown."""
        value = self._value(key, value)
        if self.status(key, value) != SHOWN or isinstance(value, str) or _missing(value):
            return float("nan")
        return float(value)

    def rate(self, rate, *cells: tuple[Key | None, object]):
        """``rate`` (left as it is), or ``"*"`` when any count it rests on is not shown."""
        return rate if self.shown(*cells) else SUPPRESSED_RATE

    def rate_words(self, rate, *cells: tuple[Key | None, object], digits: int = 0) -> str:
        """A rate for a sentence (``"34%"``), or ``"not shown"`` when it rests on a count not shown."""
        if not self.shown(*cells):
            return STATISTIC_WORDS
        return say_rate(rate, internal=True, digits=digits)

    def withheld(self) -> list[Key]:
        """Every key the plan does not show (small or withheld), in a stable order."""
        return sorted((k for k, s in self._status.items() if s != SHOWN), key=repr)


#: the rule alone (no plan): counts from 1 to 4 suppressed, nothing withheld
RULE_ONLY = Decisions()


def decisions_for(internal: bool) -> Decisions:
    """The rule alone for a published copy; everything shown for an internal one."""
    return Decisions(internal=True) if internal else RULE_ONLY


# --- whole tables (pages, CSV and Excel files) ----------------------------------------------------


def suppress(
    table: pd.DataFrame,
    *,
    count_columns: Sequence[str] = ("numerator", "denominator"),
    rate_columns: Sequence[str] = ("rate",),
    rate_basis: Mapping[str, Sequence[str]] | None = None,
    internal: bool = False,
    decisions: Decisions | None = None,
    keys: Callable[[int, str], Key | None] | None = None,
) -> pd.DataFrame:
    """A table in its published form (a new, display-ready table): the one function through which
    every published table passes, on a page or in a file the pack carries (CSV, Excel).

    A count becomes ``"<5"`` when from 1 to 4, ``"c"`` when ``decisions`` withheld it (``keys``
    gives the plan's key of the count in row position ``i`` and column ``c``, or None), and
    otherwise a whole number with thousands separators; 0 stays 0. A rate becomes ``"*"`` when any
    count it is based on is not shown (by default every count column of the row; ``rate_basis``
    maps a rate column to its own count columns); rates are left as numbers for the caller to
    format. ``internal=True`` returns the table unchanged (analysts only; the pack then carries
    the INTERNAL banner).
    """
    if internal or (decisions is not None and decisions.internal):
        return table.copy()
    plan = decisions or RULE_ONLY
    out = table.copy()
    count_columns = [c for c in count_columns if c in out.columns]
    status = pd.DataFrame(index=out.index, columns=count_columns, dtype=object)
    for c in count_columns:
        column = list(out[c])
        status[c] = [plan.status(keys(i, c) if keys else None, v) for i, v in enumerate(column)]
        out[c] = pd.Series([plan.cell(keys(i, c) if keys else None, v) for i, v in enumerate(column)],
                           index=out.index, dtype=object)
    for r in [c for c in rate_columns if c in out.columns]:
        basis = [c for c in (rate_basis or {}).get(r, count_columns) if c in status.columns]
        hit = (status[basis] != SHOWN).any(axis=1) if basis else pd.Series(False, index=out.index)
        out[r] = out[r].astype("object").where(~hit, SUPPRESSED_RATE)
    return out


def suppress_kpi_rows(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """For a tidy KPI frame (``numerator``, ``denominator``, ``rate``): which numerators, which
    denominators and which rates may not be published under the rule alone."""
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


# --- banners and the rule in words ----------------------------------------------------------------


def banner_markdown(internal: bool) -> str:
    """The INTERNAL warning a page shows at its top (empty for a board pack)."""
    return f"**{INTERNAL_BANNER}** — small numbers are not suppressed in this copy." if internal else ""


def footer_text(internal: bool) -> str:
    """What every page's footer says about small numbers."""
    return "Internal copy: small numbers are not suppressed." if internal else RULE_TEXT


def rule_clause() -> str:
    """The rule as a clause of a page's own note, in markdown: ``"a count from 1 to 4 is shown as
    `<5` and a rate resting on it as `*`; `c` marks …"``."""
    return (f"a count from {SMALL_MIN} to {SMALL_MAX} is shown as `{SUPPRESSED_COUNT}` and a rate resting on it "
            f"as `{SUPPRESSED_RATE}`; `{WITHHELD_COUNT}` marks a count withheld so that a hidden one cannot be "
            "worked out from the others")

