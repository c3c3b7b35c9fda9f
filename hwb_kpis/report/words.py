"""How the pack writes numbers, dates and lists: whole percent, thousands separators, month
names (one formatter for each, used by every page)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from hwb_kpis.nulls import missing  # noqa: F401  (re-exported for pages)
from hwb_kpis.periods import month_name, shift_month  # noqa: F401  (re-exported for pages)


def percent(x, digits: int = 0) -> str:
    """A proportion (0–1) as the pack prints it: ``0.514`` → ``"51%"``; missing → ``"n/a"``.
    Suppressed rates (the string ``"*"``) are returned unchanged."""
    if isinstance(x, str):
        return x
    if missing(x):
        return "n/a"
    return f"{float(x) * 100:.{digits}f}%"


def count(n) -> str:
    """A count with thousands separators: ``1400`` → ``"1,400"``; missing → ``"n/a"``."""
    if isinstance(n, str):
        return n
    if missing(n):
        return "n/a"
    return f"{round(float(n)):,}"


def points(diff: float) -> str:
    """A difference between two proportions in percentage points: ``0.031`` → ``"3 points"``."""
    if missing(diff):
        return "n/a"
    p = abs(round(float(diff) * 100))
    return f"{p} point" if p == 1 else f"{p} points"


def value_text(value, *, is_rate: bool) -> str:
    return percent(value) if is_rate else count(value)


def join_words(words: Iterable[str]) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``."""
    words = [str(w) for w in words]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def fmt_date(value) -> str:
    """``"2015-11-30"`` → ``"30 November 2015"``."""
    if missing(value) or value == "":
        return "n/a"
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts.strftime('%B %Y')}"


def bullets(sentences: Iterable[str]) -> str:
    """Markdown bullet list."""
    return "\n".join(f"- {s}" for s in sentences)


def decimal(value, digits: int = 1) -> str:
    """A published rate or percentage as a plain number: ``12.345`` → ``"12.3"``; missing (a cell
    the publisher suppressed) → ``""``; text (an already suppressed value) unchanged."""
    if isinstance(value, str):
        return value
    if missing(value):
        return ""
    return f"{float(value):.{digits}f}"


# --- how a page says its findings were controlled (issue 18; docs/statistics.md) --------------------
def family_note(tests: int, what: str, *, named: bool = True) -> str:
    """How a family of tests was controlled: ``"The 11 agencies were tested together, so that ..."``
    (``named``: whether the sentence before names any; without, only that they were tested
    together)."""
    if tests <= 1:
        return ""
    if not named:
        return f"The {tests} {what} were tested together (Benjamini–Hochberg false discovery rate of 5%)."
    return (f"The {tests} {what} were tested together, so that, on average, no more than 1 in 20 of those named "
            "would be a false alarm (Benjamini–Hochberg false discovery rate of 5%).")


#: what a funnel's limits allow for, by :func:`hwb_kpis.stats.funnel_limits` ``attrs["method"]``
FUNNEL_ALLOWANCE = {
    "additive": ("The agencies differ among themselves by more than chance alone, so the limits allow for that "
                 "spread (Spiegelhalter's random-effects funnel): an agency outside them differs by more than "
                 "agencies usually do."),
    "multiplicative": ("The agencies differ among themselves by more than chance alone, so the limits are widened "
                       "by that over-dispersion (Spiegelhalter's multiplicative funnel)."),
    "none": "",
}


def funnel_allowance(method: str, overdispersed: bool = False) -> str:
    """The sentence saying whether a funnel's limits allow for over-dispersion."""
    if method == "none" and overdispersed:
        return ("The agencies differ among themselves by more than chance alone, and these limits do not allow for "
                "it: read agencies outside them with care.")
    return FUNNEL_ALLOWANCE.get(method, "")
