"""Processed columns as plain numpy arrays for the KPI arithmetic: dates as day numbers, months,
dictionary codes, child keys and the outcome flags of a contact. Nothing here counts a KPI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from hwb_kpis import config
from hwb_kpis.arrow import backing_array
from hwb_kpis.errors import HwbKpisError

#: the day number of a missing date (NaT as int64)
NAT = np.iinfo(np.int64).min
#: the columns every contact KPI reads
CONTACT_COLUMNS = ("contact_id", "child_id", "contact_date", "outcome")


def require(frame: pd.DataFrame, columns, table: str) -> None:
    """An error naming the ``columns`` that ``frame`` (the processed ``table``) lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise HwbKpisError(f"{table} table lacks column(s) {', '.join(missing)}; is it a processed table?")


def days(values: pd.Series) -> np.ndarray:
    """Dates as int64 days since 1970-01-01 (NaT -> :data:`NAT`)."""
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        values = pd.to_datetime(values)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    return values.to_numpy().astype("datetime64[D]").astype(np.int64)


def month_of_days(day: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of int day numbers (a lookup over the few distinct days: calendar
    conversion of every row is slow at 10 million rows)."""
    if len(day) == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = int(day.min()), int(day.max())
    table = np.arange(lo, hi + 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return table[day - lo]


def month_labels(first: int, count: int) -> np.ndarray:
    """``YYYY-MM`` labels of ``count`` months from month number ``first`` (months since 1970-01)."""
    return np.arange(first, first + count).astype("datetime64[M]").astype(str)


def month_start_days(first: int, count: int) -> np.ndarray:
    """Day numbers of the first day of ``count`` months from month number ``first``."""
    return np.arange(first, first + count).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def parse_day(value, what: str) -> int | None:
    """A ``YYYY-MM-DD`` date (or anything pandas reads as one) as a day number; None stays None."""
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        raise HwbKpisError(f"{what} {value!r} is not a date (expected YYYY-MM-DD)")
    return int(np.datetime64(ts.date(), "D").astype(np.int64))


def check_lookback(lookback_days: int) -> int:
    """The look-back window in whole days (at least 1)."""
    if int(lookback_days) != lookback_days or lookback_days < 1:
        raise HwbKpisError(f"lookback days must be a whole number of days, at least 1 (got {lookback_days!r})")
    return int(lookback_days)


def encode(values: pd.Series) -> tuple[np.ndarray, list]:
    """(int64 codes, -1 for missing; uniques). pyarrow's dictionary_encode for arrow-backed
    strings (several times faster than pandas.factorize at 10 million rows)."""
    arr = backing_array(values)
    if arr is None or len(arr) == 0:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes.astype(np.int64), list(uniques)
    enc = pc.dictionary_encode(arr)
    codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, enc.dictionary.to_pylist()


def authority_codes(frame: pd.DataFrame) -> np.ndarray | None:
    """Codes of ``authority`` (missing is its own value) when there is more than one, else None."""
    if "authority" not in frame.columns or len(frame) == 0:
        return None
    auth, uniques = encode(frame["authority"])
    auth = auth + 1
    if len(uniques) > 1 or (len(uniques) == 1 and auth.min() == 0):
        return auth
    return None


def child_keys(frame: pd.DataFrame) -> np.ndarray:
    """An int64 per (authority, child_id), >= 0 (missing ids share one key)."""
    child, _ = encode(frame["child_id"])
    key = child + 1
    auth = authority_codes(frame)
    if auth is not None:
        key = auth * (int(key.max()) + 1) + key
    return key


def labels_with_fill(values: pd.Series, fill: str) -> tuple[np.ndarray, list[str]]:
    """(codes, labels) of a text column, a missing value labelled ``fill``."""
    codes, uniques = encode(values)
    labels = [str(u) for u in uniques]
    if (codes < 0).any():
        if fill in labels:
            codes = np.where(codes < 0, labels.index(fill), codes)
        else:
            codes = np.where(codes < 0, len(labels), codes)
            labels.append(fill)
    return codes, labels


def contact_days(contacts: pd.DataFrame) -> np.ndarray:
    """The day numbers of ``contact_date`` of a processed contacts table (checked: the table has
    the columns every contact KPI reads and no contact lacks a date)."""
    require(contacts, CONTACT_COLUMNS, "contacts")
    day = days(contacts["contact_date"])
    if (day == NAT).any():
        raise HwbKpisError(f"contacts: {(day == NAT).sum()} row(s) without contact_date; run `hwb-kpis clean`")
    return day


def outcome_flags(contacts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(referral, pending, threshold not met) per contact, from ``outcome`` (missing: all False)."""
    codes, uniques = encode(contacts["outcome"])
    names = [str(u) for u in uniques]

    def among(wanted) -> np.ndarray:
        table = np.array([u in wanted for u in names] + [False])  # code -1 (missing) -> False
        return table[codes]

    return among(("referral",)), among(("pending",)), among(config.THRESHOLD_NOT_MET)
