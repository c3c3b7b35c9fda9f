"""The prepared contacts shared by every contact KPI: per-contact arrays (month, source group and
code of the view, outcome and MARF flags, the history of :mod:`.history`) and the count cube
per (month, group, flag pattern) from which each contact KPI sums its numerator and denominator.

:func:`kpi_table <hwb_kpis.kpis.table.kpi_table>` prepares the contacts once: one cube of counts
(one ``bincount`` over all contacts) serves every contact KPI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hwb_kpis import config
from hwb_kpis.coding.codes import view_columns
from hwb_kpis.kpis.arrays import (
    contact_days,
    labels_with_fill,
    month_labels,
    month_of_days,
    month_start_days,
    outcome_flags,
    require,
)
from hwb_kpis.kpis.history import History, source_row_tiebreak
from hwb_kpis.kpis.rows import ALL, HEALTH

#: bit flags of a contact, combined into one count cube per (month, group)
MARF_BIT, REFERRAL_BIT, PENDING_BIT, REPEAT_BIT, REREFERRAL_BIT = 1, 2, 4, 8, 16
PATTERNS = np.arange(32)

#: picks flag patterns of the cube: a function of the pattern array, or None for every contact
Selector = Callable[[np.ndarray], np.ndarray] | None


@dataclass
class Prepared:
    """The arrays of a contacts table; ``group_*``/``code_*`` only when prepared for a view."""

    n: int
    day: np.ndarray
    month_idx: np.ndarray
    first_month: int
    n_months: int
    first_day: int
    referral: np.ndarray
    pending: np.ndarray
    tnm: np.ndarray
    marf: np.ndarray
    frame: pd.DataFrame
    group_idx: np.ndarray | None = None
    group_names: list[str] = field(default_factory=list)
    code_idx: np.ndarray | None = None
    code_names: list[str] = field(default_factory=list)
    _history: History | None = None
    _cubes: dict = field(default_factory=dict)

    @property
    def months(self) -> np.ndarray:
        """``YYYY-MM`` of every month from the first to the last of the data."""
        return month_labels(self.first_month, self.n_months)

    def history(self) -> History:
        """The children's histories (sorted once, on first use)."""
        if self._history is None:
            self._history = History(self.frame, self.day, self.tnm, self.referral, source_row_tiebreak(self.frame))
        return self._history

    def bits(self, lookback: int | None) -> np.ndarray:
        """Each contact's flags as a bit pattern; repeat and re-referral bits only with ``lookback``."""
        b = self.marf.astype(np.uint8) * np.uint8(MARF_BIT)
        b |= self.referral.astype(np.uint8) * np.uint8(REFERRAL_BIT)
        b |= self.pending.astype(np.uint8) * np.uint8(PENDING_BIT)
        if lookback is not None:
            h = self.history()
            b |= h.per_contact(h.within(h.gap_tnm, lookback)).astype(np.uint8) * np.uint8(REPEAT_BIT)
            b |= (h.per_contact(h.within(h.gap_ref, lookback)) & self.referral).astype(np.uint8) * np.uint8(REREFERRAL_BIT)
        return b

    def cube(self, codes: bool, lookback: int | None) -> np.ndarray:
        """Counts per (month, group or code, bit pattern): one bincount over all contacts."""
        key = (codes, lookback)
        if key not in self._cubes:
            gidx = self.code_idx if codes else self.group_idx
            n_g = len(self.code_names if codes else self.group_names)
            cells = (self.month_idx * n_g + gidx) * 32 + self.bits(lookback)
            self._cubes[key] = np.bincount(cells, minlength=self.n_months * n_g * 32).reshape(self.n_months, n_g, 32)
        return self._cubes[key]


def _month_span(day: np.ndarray) -> tuple[np.ndarray, int, int, int]:
    """(month index of each contact, first month, number of months, first day)."""
    if not len(day):
        return np.zeros(0, np.int64), 0, 0, 0
    months = month_of_days(day)
    first_month = int(months.min())
    month_idx = months - first_month
    return month_idx, first_month, int(month_idx.max()) + 1, int(day.min())


def _add_view(prep: Prepared, contacts: pd.DataFrame, view: str) -> None:
    """The source groups and codes of ``view`` (``health`` and codes 3A-3F always present)."""
    code_col, group_col = view_columns(view)
    require(contacts, (code_col, group_col), "contacts")
    gi, gn = labels_with_fill(contacts[group_col], "unknown")
    if HEALTH not in gn:
        gn.append(HEALTH)
    prep.group_idx, prep.group_names = gi, gn
    ci, cn = labels_with_fill(contacts[code_col], "missing")
    for code in config.HEALTH_CODES:
        if code not in cn:
            cn.append(code)
    prep.code_idx, prep.code_names = ci, cn


def prepare(contacts: pd.DataFrame, view: str | None) -> Prepared:
    """The prepared arrays of a processed contacts table (groups of ``view`` unless None)."""
    day = contact_days(contacts)
    n = len(day)
    month_idx, first_month, n_months, first_day = _month_span(day)
    referral, pending, tnm = outcome_flags(contacts)
    if "marf" in contacts.columns:
        marf = contacts["marf"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    else:
        marf = np.zeros(n, dtype=bool)
    prep = Prepared(
        n=n, day=day, month_idx=month_idx, first_month=first_month, n_months=n_months,
        first_day=first_day, referral=referral, pending=pending, tnm=tnm, marf=marf, frame=contacts,
    )
    if view is not None:
        _add_view(prep, contacts, view)
    return prep


# --- counting ------------------------------------------------------------------------------------


def has(bit: int) -> Selector:
    """Selects the flag patterns with ``bit`` set."""
    return lambda patterns: (patterns & bit) > 0


def lacks(bit: int) -> Selector:
    """Selects the flag patterns without ``bit``."""
    return lambda patterns: (patterns & bit) == 0


def _code_sort_key(code: str) -> tuple:
    m = re.fullmatch(r"(\d+)([A-Z]*)", code)
    return (0, int(m.group(1)), m.group(2)) if m else (1, 0, code)


def group_order(names) -> list[str]:
    """``all`` first, then ``health``, then the other groups alphabetically, ``unknown`` last."""
    names = [n for n in dict.fromkeys(names) if n != ALL]
    head = [HEALTH] if HEALTH in names else []
    tail = ["unknown"] if "unknown" in names else []
    middle = sorted(n for n in names if n not in (HEALTH, "unknown"))
    return [ALL] + head + middle + tail


def counts_by_group(prep: Prepared, num_sel: Selector, den_sel: Selector, *, codes: bool = False,
                    lookback: int | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(group labels, numerators, denominators): counts per (month, group) with an ``all`` column
    first, groups in display order (or source codes as ``code:3E`` when ``codes``)."""
    cube = prep.cube(codes, lookback)
    names = prep.code_names if codes else prep.group_names

    def count(sel):
        return cube.sum(axis=2) if sel is None else cube[:, :, sel(PATTERNS)].sum(axis=2)

    num, den = count(num_sel), count(den_sel)
    if codes:
        order_names = sorted(names, key=lambda c: (c == "missing", _code_sort_key(c)))
        cols = [names.index(c) for c in order_names]
        labels = [ALL] + [f"code:{c}" for c in order_names]
    else:
        order_names = group_order(names)[1:]
        cols = [names.index(g) for g in order_names]
        labels = [ALL] + order_names
    num = np.column_stack([num.sum(axis=1), num[:, cols]])
    den = np.column_stack([den.sum(axis=1), den[:, cols]])
    return labels, num, den


def incomplete_months(prep: Prepared, lookback: int) -> np.ndarray:
    """Months starting less than ``lookback`` days after the first contact date of the data."""
    return (month_start_days(prep.first_month, prep.n_months) - prep.first_day) < lookback
