"""Working-day arithmetic for England (Monday to Friday, excluding England & Wales bank holidays).

The bank holidays ship as reference data, ``hwb_kpis/reference/bank_holidays_england.csv``
(columns ``date``, ``name``; 2010–2030). It follows the gov.uk list, including the special days
(2011-04-29 royal wedding; 2012-06-04/05 Diamond Jubilee, spring holiday moved; 2020-05-08 VE day,
early May holiday moved; 2022-06-02/03 Platinum Jubilee; 2022-09-19 state funeral; 2023-05-08
coronation) and the substitute weekdays when a holiday falls at a weekend. Years not yet published
by gov.uk when the file was written (2028 onwards) follow the standard rules: check them when
gov.uk announces them, and add any special day by editing the file (an analyst may also pass
their own list).

Convention for "the N-th working day after a date" (used for the 20-working-day IHA limit): the
date itself is day 0 and is never counted, whatever day of the week it is; day 1 is the first
working day strictly after it. So a child who became looked after on a Friday has Monday as
working day 1; one who became looked after on a Saturday also has Monday as working day 1.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from hwb_kpis.config import REFERENCE_DIR
from hwb_kpis.errors import HwbKpisError

BANK_HOLIDAYS_FILE = REFERENCE_DIR / "bank_holidays_england.csv"


@functools.lru_cache(maxsize=8)
def _read_holidays(path: str) -> np.ndarray:
    p = Path(path)
    if not p.is_file():
        raise HwbKpisError(f"{p}: bank holiday list not found")
    table = pd.read_csv(p, dtype=str)
    if "date" not in table.columns:
        raise HwbKpisError(f"{p}: bank holiday list needs a `date` column (YYYY-MM-DD)")
    dates = pd.to_datetime(table["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0]) + 2
        raise HwbKpisError(f"{p}: row {row}, column date: not a YYYY-MM-DD date")
    out = np.unique(dates.to_numpy().astype("datetime64[D]"))
    out.setflags(write=False)
    return out


def bank_holidays(path: Path | str | None = None) -> np.ndarray:
    """England & Wales bank holidays as a sorted ``datetime64[D]`` array (read once, cached)."""
    return _read_holidays(str(Path(path) if path is not None else BANK_HOLIDAYS_FILE))


def _calendar(holidays: np.ndarray | None) -> np.busdaycalendar:
    hol = bank_holidays() if holidays is None else np.asarray(holidays, dtype="datetime64[D]")
    return np.busdaycalendar(weekmask="1111100", holidays=hol)


def _as_days(dates) -> tuple[np.ndarray, np.ndarray]:
    """``dates`` (Series, array, scalar) as ``datetime64[D]`` plus a missing mask."""
    values = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(dates)) if np.ndim(dates) == 0 else dates))
    arr = values.to_numpy().astype("datetime64[D]")
    missing = np.isnat(arr)
    return arr, missing


def _check_coverage(days: np.ndarray, holidays: np.ndarray | None) -> None:
    if holidays is not None or not len(days):
        return
    hol = bank_holidays()
    lo, hi = hol.min().astype("datetime64[Y]"), hol.max().astype("datetime64[Y]")
    years = days.astype("datetime64[Y]")
    if years.min() < lo or years.max() > hi:
        warnings.warn(
            f"{BANK_HOLIDAYS_FILE}: bank holidays cover {lo}–{hi} only; working days outside those "
            "years ignore bank holidays (add the years to the file)",
            stacklevel=3,
        )


def add_working_days(dates, n: int, holidays: np.ndarray | None = None) -> np.ndarray:
    """The ``n``-th working day after each date (the date itself is day 0, never counted).

    Returns ``datetime64[D]``; missing dates give ``NaT``. ``holidays`` defaults to the shipped
    England & Wales list.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    arr, missing = _as_days(dates)
    out = np.full(arr.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = arr[~missing]
    _check_coverage(ok, holidays)
    # roll backward first: from a weekend or holiday the next working day is working day 1
    out[~missing] = np.busday_offset(ok, n, roll="backward", busdaycal=_calendar(holidays))
    return out


def working_days_between(start, end, holidays: np.ndarray | None = None) -> np.ndarray:
    """Number of working days in the interval (``start``, ``end``]: ``start`` itself is never
    counted, ``end`` is (when it is a working day); negative when ``end`` is before ``start``.
    Float array, NaN where either date is missing. (Not the same test as "on or before the
    N-th working day": a Saturday after that day also counts N; compare with
    :func:`add_working_days` for deadlines.)"""
    s, ms = _as_days(start)
    e, me = _as_days(end)
    missing = ms | me
    out = np.full(s.shape, np.nan)
    ok = ~missing
    _check_coverage(np.concatenate([s[ok], e[ok]]), holidays)
    one = np.timedelta64(1, "D")
    out[ok] = np.busday_count(s[ok] + one, e[ok] + one, busdaycal=_calendar(holidays))
    return out


def is_working_day(dates, holidays: np.ndarray | None = None) -> np.ndarray:
    """True for Monday–Friday dates that are not bank holidays (False for missing dates)."""
    arr, missing = _as_days(dates)
    out = np.zeros(arr.shape, dtype=bool)
    out[~missing] = np.is_busday(arr[~missing], busdaycal=_calendar(holidays))
    return out
