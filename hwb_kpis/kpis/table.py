"""Every board KPI of the registry that the extract can answer in one tidy frame
(:func:`kpi_table`; an unavailable KPI, :mod:`.capabilities`, is never computed), and the date
the extract runs to (:func:`extract_as_of`). Which function computes each KPI id is said here
once (:data:`CONTACT_KPIS`, :data:`REFERRAL_KPIS`, :data:`LOOKED_AFTER_KPIS`); their order is the
registry's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from hwb_kpis import config
from hwb_kpis.coding.codes import view_columns
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.kpis.arrays import NAT, check_lookback, days, month_of_days, parse_day
from hwb_kpis.kpis.capabilities import of_tables
from hwb_kpis.kpis.contact_kpis import (
    contacts_rows,
    conversion_rows,
    health_share_rows,
    marf_rows,
    pending_rows,
    repeat_rows,
)
from hwb_kpis.kpis.iha import iha_within, latest_la_day
from hwb_kpis.kpis.prepare import Prepared, prepare
from hwb_kpis.kpis.referrals import (
    prepare_referrals,
    referral_health_share_rows,
    referral_nfa_rows,
    referrals_rows,
    rereferral_rows,
)
from hwb_kpis.kpis.registry import KPI_NAMES
from hwb_kpis.kpis.rows import COLUMNS, empty_rows
from hwb_kpis.periods import check_month

#: KPI id -> its rows from the prepared contacts and the look-back in days
CONTACT_KPIS: dict[str, Callable[[Prepared, int], pd.DataFrame]] = {
    "contacts": contacts_rows,
    "health_share": health_share_rows,
    "marf": marf_rows,
    "conversion": conversion_rows,
    "pending": pending_rows,
    "repeat_contacts": repeat_rows,
}

#: KPI id -> its rows from the prepared referrals (the list of referrals, or the contacts whose
#: outcome is a referral) and the look-back in days
REFERRAL_KPIS: dict[str, Callable[[Prepared, int], pd.DataFrame]] = {
    "rereferral_12m": rereferral_rows,
    "referrals": referrals_rows,
    "referral_health_share": referral_health_share_rows,
    "referral_nfa": referral_nfa_rows,
}


def _iha_rows(looked_after: pd.DataFrame, as_of, limit: str) -> pd.DataFrame:
    return iha_within(looked_after, as_of=as_of, limit=limit)[list(COLUMNS)]


#: KPI id -> its rows from the looked-after table, ``as_of`` and the IHA limit
LOOKED_AFTER_KPIS: dict[str, Callable[[pd.DataFrame, Any, str], pd.DataFrame]] = {
    "iha_within_28_days": _iha_rows,
}


def referrals_listed(tables: dict[str, Any]) -> bool:
    """True when the extract lists referrals (rather than the pipeline making them from the
    contacts whose outcome is a referral)."""
    summary = tables.get("summary") or {}
    made = summary.get("made_from", {}) if isinstance(summary, dict) else {}
    return isinstance(tables.get("referrals"), pd.DataFrame) and "referrals" not in made


def referral_source(tables: dict[str, Any], view: str) -> Prepared:
    """The prepared table the referral KPIs count on: the list of referrals when the extract has
    one, else the contacts (whose referrals are those with outcome ``referral``)."""
    if referrals_listed(tables):
        return prepare_referrals(tables["referrals"], view)
    return prepare(tables["contacts"], view)


def rereferrals(tables: dict[str, Any], lookback_days: int = config.DEFAULT_LOOKBACK_DAYS,
                view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """``rereferral_12m`` rows (monthly and per reporting year) of a processed folder as read,
    from the list of referrals or the contacts; no rows when the extract cannot give them."""
    view_columns(view)
    if not of_tables(tables).has("rereferral_12m"):
        return empty_rows()
    return rereferral_rows(referral_source(tables, view), check_lookback(lookback_days))


def extract_as_of(tables: dict[str, Any]) -> pd.Timestamp | None:
    """The latest date in the extract: max over ``contact_date``, ``referral_date`` and every
    looked-after date."""
    values = []
    for name, column in (("contacts", "contact_date"), ("referrals", "referral_date")):
        c = tables.get(name)
        if c is not None and len(c) and column in c.columns:
            d = days(c[column])
            values.append(d[d != NAT].max(initial=NAT))
    la = tables.get("looked_after")
    if la is not None and len(la):
        latest = latest_la_day(la)
        if latest is not None:
            values.append(latest)
    values = [v for v in values if v != NAT]
    return pd.Timestamp(np.datetime64(int(max(values)), "D")) if values else None


def kpi_table(
    tables: dict[str, Any],
    month: str | None = None,
    view: str = config.DEFAULT_VIEW,
    as_of=None,
    lookback_days: int = config.DEFAULT_LOOKBACK_DAYS,
    iha_limit: str = config.DEFAULT_IHA_LIMIT,
) -> pd.DataFrame:
    """Every board KPI the extract can answer (:func:`hwb_kpis.kpis.capabilities.of_tables`) in
    one tidy frame (columns :data:`COLUMNS`), in the order of :data:`KPI_NAMES` (the registry),
    then period, month and group. Unavailable KPIs have no rows at all.

    Repeats and re-referrals are always computed on the whole extract, then filtered. With
    ``month`` (``YYYY-MM``) only that month's rows are kept (for IHA the month of becoming looked
    after; reporting-year rows are dropped: call without ``month`` or :func:`rereferral_12m` for
    them). ``as_of`` (IHA due-ness) defaults to the latest date of the extract.
    """
    view_columns(view)
    if month is not None:
        month = check_month(month)
    lookback = check_lookback(lookback_days)
    if as_of is None:
        as_of = extract_as_of(tables)
    else:
        parse_day(as_of, "as_of")
    able = of_tables(tables)
    c, la = tables.get("contacts"), tables.get("looked_after")
    wanted = [k for k in KPI_NAMES if able.has(k)]
    # one cube of counts serves every contact KPI (and the referral KPIs of a contacts-only extract)
    prep = prepare(c, view) if c is not None and any(k in CONTACT_KPIS for k in wanted) else None
    referral_prep = None
    if any(k in REFERRAL_KPIS for k in wanted):
        listed = referrals_listed(tables)
        referral_prep = prep if prep is not None and not listed else referral_source(tables, view)
    parts = []
    for kpi_id in wanted:
        if kpi_id in CONTACT_KPIS and prep is not None:
            parts.append(CONTACT_KPIS[kpi_id](prep, lookback))
        elif kpi_id in REFERRAL_KPIS and referral_prep is not None:
            parts.append(REFERRAL_KPIS[kpi_id](referral_prep, lookback))
        elif kpi_id in LOOKED_AFTER_KPIS and la is not None:
            parts.append(LOOKED_AFTER_KPIS[kpi_id](la, as_of, iha_limit))
    parts = [p for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True) if parts else empty_rows()
    if month is not None:
        out = out[(out["period"] == "month") & (out["month"] == month)].reset_index(drop=True)
        if not len(out):
            raise HwbKpisError(f"no contacts, referrals or looked-after periods in month {month}{_data_span(tables)}")
    return out


def _data_span(tables: dict[str, Any]) -> str:
    """`` (the data cover 2013-04 to 2015-11)`` for an error message."""
    months = []
    for name, col in (("contacts", "contact_date"), ("referrals", "referral_date"), ("looked_after", "period_start")):
        t = tables.get(name)
        if t is not None and len(t) and col in t.columns:
            d = month_of_days(days(t[col]))
            months += [int(d.min()), int(d.max())]
    if not months:
        return " (the processed tables are empty)"
    lo, hi = (str(np.datetime64(m, "M")) for m in (min(months), max(months)))
    return f" (the data cover {lo} to {hi})"
