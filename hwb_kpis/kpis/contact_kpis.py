"""The contact KPIs, month by month, all and per source group of the view: ``contacts``,
``health_share``, ``marf``, ``conversion`` with ``pending``, and ``repeat_contacts``.

Each KPI has a ``*_rows(prep, lookback)`` function on the prepared contacts (what
:func:`~hwb_kpis.kpis.table.kpi_table` calls, sharing one count cube) and a public function on
the processed contacts table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis import config
from hwb_kpis.kpis.arrays import check_lookback
from hwb_kpis.kpis.prepare import (
    MARF_BIT,
    PENDING_BIT,
    REFERRAL_BIT,
    REPEAT_BIT,
    Prepared,
    counts_by_group,
    has,
    incomplete_months,
    lacks,
    prepare,
)
from hwb_kpis.kpis.rows import ALL, HEALTH, rows_from_counts


def contacts_rows(prep: Prepared, lookback: int | None = None) -> pd.DataFrame:
    """``contacts``: per group and per source code, the group's contacts / all contacts."""
    groups, num, _ = counts_by_group(prep, None, None, lookback=lookback)
    codes, cnum, _ = counts_by_group(prep, None, None, codes=True)
    total = num[:, :1]
    both = np.column_stack([num, cnum[:, 1:]])
    return rows_from_counts("contacts", groups + codes[1:], prep.months, both,
                            np.repeat(total, both.shape[1], axis=1))


def contacts(contacts: pd.DataFrame, view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Contacts per month: ``all``, per source group and per source code (``code:3E``).
    numerator = contacts of the group, denominator = all contacts of the month, rate = share."""
    return contacts_rows(prepare(contacts, view))


def health_share_rows(prep: Prepared, lookback: int | None = None) -> pd.DataFrame:
    """``health_share``: health contacts / all contacts, group ``all`` only."""
    groups, num, den = counts_by_group(prep, None, None, lookback=lookback)
    health = num[:, groups.index(HEALTH)]
    return rows_from_counts("health_share", [ALL], prep.months, health[:, None], den[:, :1])


def health_share(contacts: pd.DataFrame, view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Health contacts (codes 3A–3F, i.e. group ``health`` of the view) / all contacts, per month;
    one row per month with group ``all``."""
    return health_share_rows(prepare(contacts, view))


def marf_rows(prep: Prepared, lookback: int | None = None) -> pd.DataFrame:
    """``marf``: contacts on a MARF / contacts."""
    groups, num, den = counts_by_group(prep, has(MARF_BIT), None, lookback=lookback)
    return rows_from_counts("marf", groups, prep.months, num, den)


def marf(contacts: pd.DataFrame, view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Contacts submitted on a MARF / contacts, per month, all and per source group
    (unknown ``marf`` counts as not submitted on a MARF)."""
    return marf_rows(prepare(contacts, view))


def conversion_rows(prep: Prepared, lookback: int | None = None) -> pd.DataFrame:
    """``conversion``: referrals / contacts with a decided outcome (not ``pending``)."""
    groups, num, den = counts_by_group(prep, has(REFERRAL_BIT), lacks(PENDING_BIT), lookback=lookback)
    return rows_from_counts("conversion", groups, prep.months, num, den)


def pending_rows(prep: Prepared, lookback: int | None = None) -> pd.DataFrame:
    """``pending``: contacts awaiting a decision / contacts (those left out of conversion)."""
    groups, num, den = counts_by_group(prep, has(PENDING_BIT), None, lookback=lookback)
    return rows_from_counts("pending", groups, prep.months, num, den)


def conversion(contacts: pd.DataFrame, view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """``conversion`` rows: referrals / contacts with a decided outcome (not ``pending``), and
    ``pending`` rows: pending contacts / all contacts; per month, all and per source group."""
    prep = prepare(contacts, view)
    return pd.concat([conversion_rows(prep), pending_rows(prep)], ignore_index=True)


def repeat_rows(prep: Prepared, lookback: int) -> pd.DataFrame:
    """``repeat_contacts``: repeat contacts (:func:`~hwb_kpis.kpis.history.flag_repeats`) /
    contacts, by the group of the repeat (later) contact."""
    groups, num, den = counts_by_group(prep, has(REPEAT_BIT), None, lookback=lookback)
    return rows_from_counts("repeat_contacts", groups, prep.months, num, den,
                            incomplete=incomplete_months(prep, lookback))


def repeat_contacts(contacts: pd.DataFrame, lookback_days: int = config.DEFAULT_LOOKBACK_DAYS,
                    view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Repeat contacts / contacts per month, all and per source group of the repeat contact.
    ``incomplete_history`` marks months starting less than ``lookback_days`` after the first
    contact date of the data."""
    return repeat_rows(prepare(contacts, view), check_lookback(lookback_days))
