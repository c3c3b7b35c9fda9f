"""Date parsing at ingest: ISO, UK day-first, ``3 Nov 2015``, Excel serial numbers and (for dates
of birth) a year and month alone, each distinct text parsed once. A time after a date is
dropped; a date-time with a time zone (``2022-07-21T10:12:28Z``) is read as its date in England
(Europe/London).

A text is *unparseable* when it has no known format and *impossible* when it has one but names a
day that does not exist (31/02/2015); the quarantine rules of :mod:`hwb_kpis.ingest.checks` use
these two words as their reasons.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from hwb_kpis.ingest.distinct import expand, factorize

UNPARSEABLE = "unparseable date"
IMPOSSIBLE = "impossible date"

#: the range of pandas' nanosecond dates (1677-09-22 to 2262-04-11): a date outside it is pinned
#: to its end, so that the date rules quarantine it (before 1900, in the future) instead of a crash
_FIRST_NS = pd.Timestamp.min.ceil("D")
_LAST_NS = pd.Timestamp.max.floor("D")


def _nanoseconds(dates: pd.Series) -> pd.Series:
    """``dates`` as ``datetime64[ns]``, those outside its range pinned to its ends."""
    if dates.dtype == "datetime64[ns]":
        return dates
    early, late = (dates < _FIRST_NS).fillna(False), (dates > _LAST_NS).fillna(False)
    if early.any() or late.any():
        dates = dates.astype(object).where(~early, _FIRST_NS).where(~late, _LAST_NS)
    return pd.to_datetime(dates).astype("datetime64[ns]")


#: the time zone a date-time with a zone is read in: its date is the day in England
LOCAL_ZONE = "Europe/London"
_ZONE = r"(?:Z|[+-]\d{2}(?::?\d{2})?)"


def _iso(text: pd.Series) -> pd.Series:
    """``2015-11-03``; a time after it is dropped, unless it carries a time zone
    (``2022-07-21T23:30:00Z``, ``...+01:00``): then the date is the day in England (Europe/London)."""
    out = pd.to_datetime(text.str.slice(0, 10).str.replace(r"[ T].*$", "", regex=True), format="%Y-%m-%d",
                         errors="coerce")
    zoned = text.str.contains(r"[ T]\d{1,2}:\d{2}.*" + _ZONE + "$", regex=True)
    if zoned.any():
        stamps = pd.to_datetime(text[zoned].str.replace(" ", "T", n=1), format="ISO8601", utc=True, errors="coerce")
        local = stamps.dt.tz_convert(LOCAL_ZONE).dt.tz_localize(None).dt.normalize()
        out[zoned] = local.astype(out.dtype)
    return out


def _uk(text: pd.Series) -> pd.Series:
    """``03/11/2015``, ``3.11.2015``, ``3-11-2015`` (day first; a time after it is dropped)."""
    text = text.str.replace(r" .*$", "", regex=True).str.replace(r"[.\-]", "/", regex=True)
    return pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")


def _uk_short_year(text: pd.Series) -> pd.Series:
    """``03/11/15``."""
    return pd.to_datetime(text, format="%d/%m/%y", errors="coerce")


def _month_name(text: pd.Series) -> pd.Series:
    """``3 Nov 2015``, ``3-November-2015``."""
    text = text.str.replace("-", " ", regex=False).str.slice(0, 20)
    parsed = pd.to_datetime(text, format="%d %b %Y", errors="coerce")
    retry = parsed.isna()
    if retry.any():
        parsed[retry] = pd.to_datetime(text[retry], format="%d %B %Y", errors="coerce")
    return parsed


def _excel_serial(text: pd.Series) -> pd.Series:
    """``42311``: days since 30 Dec 1899 (Excel's day 1 is 1 Jan 1900, with its 1900 leap-year bug)."""
    serial = pd.to_numeric(text, errors="coerce")
    return pd.Timestamp("1899-12-30") + pd.to_timedelta(np.floor(serial), unit="D")


#: (full-match regex, parser), tried in this order on the texts not matched yet
_FORMATS: tuple[tuple[str, Callable[[pd.Series], pd.Series]], ...] = (
    (r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)? ?" + _ZONE + "?)?", _iso),
    (r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}(?: \d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", _uk),
    (r"\d{1,2}/\d{1,2}/\d{2}", _uk_short_year),
    (r"\d{1,2}[ \-][A-Za-z]{3,9}[ \-]\d{4}", _month_name),
    (r"\d{5}(?:\.\d+)?", _excel_serial),
)
_YEAR_MONTH = r"\d{4}-\d{1,2}|\d{1,2}/\d{4}"


def parse_dates(values: pd.Series, *, allow_year_month: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse a text column of dates written as ISO (``2015-11-03``), UK day-first (``03/11/2015``,
    ``3-11-2015``, ``03/11/15``), ``3 Nov 2015`` or an Excel serial number (``42311``).

    Returns ``(dates, problem)``: ``dates`` is datetime64 (NaT when blank or bad); ``problem`` is
    ``"unparseable date"`` (no known format), ``"impossible date"`` (a known format naming a day
    that does not exist, e.g. 31/02/2015) or NA. Blank is not a problem here. Each distinct text
    is parsed once.
    """
    codes, uniques = factorize(values)
    dates, problem = parse_distinct_dates(uniques, allow_year_month=allow_year_month)
    return expand(dates, codes, values.index), expand(problem, codes, values.index)


def parse_distinct_dates(values: pd.Series, *, allow_year_month: bool) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_dates` on values already made distinct (``(dates, problem)`` on their index)."""
    text = values.astype("string").fillna("").str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    problem = pd.Series(pd.NA, index=text.index, dtype="string")
    todo = text != ""
    for pattern, parser in _FORMATS:
        if not todo.any():
            break
        match = todo & text.str.fullmatch(pattern)
        if not match.any():
            continue
        out[match] = _nanoseconds(parser(text[match]))
        problem[match & out.isna()] = IMPOSSIBLE
        todo &= ~match
    if allow_year_month and todo.any():
        ym = todo & text.str.fullmatch(_YEAR_MONTH)
        if ym.any():
            out[ym] = _year_month(text[ym])
            problem[ym & out.isna()] = IMPOSSIBLE
            todo &= ~ym
    problem[todo] = UNPARSEABLE
    return out, problem


def _year_month(text: pd.Series) -> pd.Series:
    """``2009-03`` or ``03/2009`` as the first day of that month (NaT for month 13)."""
    parts = text.str.extract(r"^(?:(?P<y1>\d{4})-(?P<m1>\d{1,2})|(?P<m2>\d{1,2})/(?P<y2>\d{4}))$")
    year = pd.to_numeric(parts["y1"].fillna(parts["y2"]), errors="coerce")
    month = pd.to_numeric(parts["m1"].fillna(parts["m2"]), errors="coerce")
    parsed = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}), errors="coerce")
    return _nanoseconds(parsed)
