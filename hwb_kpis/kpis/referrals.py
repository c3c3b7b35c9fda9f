"""The referral KPIs: referrals, the share from health, the share closed with no further action,
and re-referrals within 12 months (DfE's definition), per month and, for re-referrals, per
reporting year (1 April - 31 March, labelled ``2014/15`` by
:func:`hwb_kpis.periods.reporting_year_label`).

They are counted on a prepared table (:mod:`.prepare`) whose referral bit marks the referrals:
the list of referrals when the extract has one (:func:`prepare_referrals`: every row a referral,
dated by ``referral_date``; the "no further action" flag takes the MARF bit of the count cube),
else the contacts, whose referrals are those with outcome ``referral`` (so, on an extract of
contacts only, they are exactly the referrals of ``referrals.parquet``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis import config
from hwb_kpis.kpis.arrays import check_lookback
from hwb_kpis.kpis.prepare import (
    MARF_BIT,
    REFERRAL_BIT,
    REREFERRAL_BIT,
    Prepared,
    counts_by_group,
    has,
    incomplete_months,
    prepare,
)
from hwb_kpis.kpis.rows import ALL, HEALTH, rows_from_counts
from hwb_kpis.periods import reporting_year_label

#: the columns of a list of referrals a prepared table reads, and the contact column each plays
AS_CONTACT = {"referral_id": "contact_id", "referral_date": "contact_date", "nfa": "marf"}


def prepare_referrals(referrals: pd.DataFrame, view: str | None) -> Prepared:
    """A processed list of referrals prepared as contacts whose outcome is ``referral`` (dated by
    ``referral_date``; ``nfa`` in the place of ``marf``)."""
    frame = referrals.rename(columns=AS_CONTACT)
    frame["outcome"] = pd.array(["referral"] * len(frame), dtype="string")
    return prepare(frame, view)


def _both(a: int, b: int):
    return lambda patterns: ((patterns & a) > 0) & ((patterns & b) > 0)


def referrals_rows(prep: Prepared, lookback: int | None = None) -> pd.DataFrame:
    """``referrals``: per source group, the group's referrals / all referrals of the month."""
    groups, num, _ = counts_by_group(prep, has(REFERRAL_BIT), None)
    return rows_from_counts("referrals", groups, prep.months, num, np.repeat(num[:, :1], num.shape[1], axis=1))


def referral_health_share_rows(prep: Prepared, lookback: int | None = None) -> pd.DataFrame:
    """``referral_health_share``: referrals from health / referrals, group ``all``."""
    groups, num, _ = counts_by_group(prep, has(REFERRAL_BIT), None)
    return rows_from_counts("referral_health_share", [ALL], prep.months, num[:, [groups.index(HEALTH)]], num[:, :1])


def referral_nfa_rows(prep: Prepared, lookback: int | None = None) -> pd.DataFrame:
    """``referral_nfa``: referrals closed with no further action / referrals, per source group
    (only on a list of referrals: its ``nfa`` flag is the cube's MARF bit)."""
    groups, num, den = counts_by_group(prep, _both(REFERRAL_BIT, MARF_BIT), has(REFERRAL_BIT))
    return rows_from_counts("referral_nfa", groups, prep.months, num, den)


def _reporting_year_rows(prep: Prepared, groups: list[str], num: np.ndarray, den: np.ndarray,
                         lookback: int) -> pd.DataFrame:
    """The monthly counts summed per reporting year: year y runs from April y to March y+1.
    ``partial_period`` when the data do not cover its twelve months, ``incomplete_history`` when
    its April starts less than ``lookback`` days after the first contact date."""
    year_of_month = (np.arange(prep.first_month, prep.first_month + prep.n_months) - 3) // 12
    first_year = int(year_of_month[0])
    year_idx = year_of_month - first_year
    n_years = int(year_idx[-1]) + 1
    ynum = np.zeros((n_years, num.shape[1]), dtype=np.int64)
    yden = np.zeros_like(ynum)
    np.add.at(ynum, year_idx, num)
    np.add.at(yden, year_idx, den)
    years = np.arange(first_year, first_year + n_years) + 1970
    labels = np.array([reporting_year_label(int(y)) for y in years])
    april = np.array([np.datetime64(f"{y}-04-01", "D").astype(np.int64) for y in years])
    last_month = prep.first_month + prep.n_months - 1
    april_m = (years - 1970) * 12 + 3
    partial = (april_m < prep.first_month) | (april_m + 11 > last_month)
    return rows_from_counts("rereferral_12m", groups, labels, ynum, yden, period="year",
                            incomplete=(april - prep.first_day) < lookback, partial=partial)


def rereferral_rows(prep: Prepared, lookback: int) -> pd.DataFrame:
    """``rereferral_12m``: referrals whose child had a referral on a strictly earlier date at
    most ``lookback`` days earlier / referrals; monthly rows, then reporting-year rows."""
    groups, num, den = counts_by_group(prep, has(REREFERRAL_BIT), has(REFERRAL_BIT), lookback=lookback)
    monthly = rows_from_counts("rereferral_12m", groups, prep.months, num, den,
                               incomplete=incomplete_months(prep, lookback))
    if prep.n == 0:
        return monthly
    yearly = _reporting_year_rows(prep, groups, num, den, lookback)
    return pd.concat([monthly, yearly], ignore_index=True)


def rereferral_12m(contacts: pd.DataFrame, lookback_days: int = config.DEFAULT_LOOKBACK_DAYS,
                   view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Re-referrals / referrals (DfE definition): per month (``period == "month"``) and per
    reporting year April–March (``period == "year"``, ``month`` like ``2014/15``), all and per
    source group of the referral."""
    return rereferral_rows(prepare(contacts, view), check_lookback(lookback_days))
