"""The contact KPIs per source code (``code:3E``), month by month: what a feedback page of a
health service (a code inside the ``health`` group) shows. Same definitions and counts as
:mod:`hwb_kpis.kpis.contact_kpis` (whose group rows :func:`hwb_kpis.kpis.kpi_table` gives),
from the same prepared count cube: ``marf``, ``conversion``, ``pending`` and ``repeat_contacts``
by the code of the contact (the ``contacts`` KPI already has its code rows)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis import config
from hwb_kpis.kpis.arrays import check_lookback
from hwb_kpis.kpis.prepare import (
    MARF_BIT,
    PENDING_BIT,
    REFERRAL_BIT,
    REPEAT_BIT,
    counts_by_group,
    has,
    incomplete_months,
    lacks,
    prepare,
)
from hwb_kpis.kpis.rows import empty_rows, rows_from_counts

#: KPI -> (numerator selector, denominator selector) over the count cube
_SELECTORS = {
    "marf": (has(MARF_BIT), None),
    "conversion": (has(REFERRAL_BIT), lacks(PENDING_BIT)),
    "pending": (has(PENDING_BIT), None),
    "repeat_contacts": (has(REPEAT_BIT), None),
}


def code_kpi_rows(contacts: pd.DataFrame, view: str = config.DEFAULT_VIEW,
                  lookback_days: int = config.DEFAULT_LOOKBACK_DAYS, kpis: tuple[str, ...] = tuple(_SELECTORS),
                  ) -> pd.DataFrame:
    """Monthly rows (columns of :data:`hwb_kpis.kpis.rows.COLUMNS`) of ``kpis`` for every source
    code of the view, as groups ``code:<code>``; no ``all`` rows (those are the group table's)."""
    if contacts is None or contacts.empty:
        return empty_rows()
    lookback = check_lookback(lookback_days)
    prep = prepare(contacts, view)
    parts = []
    for kpi in kpis:
        num_sel, den_sel = _SELECTORS[kpi]
        uses_history = kpi == "repeat_contacts"
        labels, num, den = counts_by_group(prep, num_sel, den_sel, codes=True,
                                           lookback=lookback if uses_history else None)
        rows = rows_from_counts(kpi, labels[1:], prep.months, num[:, 1:], den[:, 1:],
                                incomplete=incomplete_months(prep, lookback) if uses_history else None)
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)
