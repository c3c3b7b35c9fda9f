"""Re-referrals within 12 months (DfE's definition), per month and per reporting year
(1 April - 31 March, labelled ``2014/15`` by :func:`hwb_kpis.periods.reporting_year_label`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis import config
from hwb_kpis.kpis.arrays import check_lookback
from hwb_kpis.kpis.prepare import (
    REFERRAL_BIT,
    REREFERRAL_BIT,
    Prepared,
    counts_by_group,
    has,
    incomplete_months,
    prepare,
)
from hwb_kpis.kpis.rows import rows_from_counts
from hwb_kpis.periods import reporting_year_label


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
