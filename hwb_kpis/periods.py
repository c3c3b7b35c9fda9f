"""Months and reporting years: how the package names and checks them (one home for each rule).

* a month is ``YYYY-MM`` (``2015-11``), printed as ``November 2015``;
* a reporting year runs 1 April – 31 March and is labelled ``2014/15`` (a slash: ``2014-15``
  reads as a month). DfE's ``time_period`` 2015 (the year ending 31 March 2015) is ``2014/15``.
"""

from __future__ import annotations

import re

import pandas as pd

from hwb_kpis.errors import HwbKpisError

APRIL = 4  #: the first month of a reporting year
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_month(month: object, what: str = "month") -> str:
    """``month`` as ``YYYY-MM`` text, or an :class:`HwbKpisError` saying what is wrong."""
    text = str(month).strip()
    if not _MONTH.match(text):
        raise HwbKpisError(f"{what} {month!r} is not a month (expected YYYY-MM, e.g. 2015-11)")
    return text


def is_month(month: object) -> bool:
    return bool(_MONTH.match(str(month).strip()))


def month_name(month: str) -> str:
    """``"2015-11"`` → ``"November 2015"``."""
    return pd.Period(str(month), freq="M").strftime("%B %Y")


def shift_month(month: str, months: int) -> str:
    """``shift_month("2015-11", -12)`` → ``"2014-11"``."""
    return str(pd.Period(str(month), freq="M") + months)


def reporting_year_start(month: str) -> int:
    """The calendar year in which the reporting year holding ``month`` starts (April):
    ``2015-11`` → 2015, ``2015-03`` → 2014."""
    year, mon = int(str(month)[:4]), int(str(month)[5:7])
    return year if mon >= APRIL else year - 1


def year_ending(month: str) -> int:
    """The year ending 31 March that holds ``month`` (DfE's ``time_period``): ``2015-11`` → 2016."""
    return reporting_year_start(month) + 1


def reporting_year_label(start_year: int) -> str:
    """``2014`` → ``"2014/15"`` (April 2014 to March 2015)."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def year_ending_label(year: int) -> str:
    """DfE's ``time_period`` (the year ending 31 March) as a reporting-year label: 2015 → ``"2014/15"``."""
    return reporting_year_label(int(year) - 1)
