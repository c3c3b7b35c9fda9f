"""Days and months of the synthetic generator: dates are whole day numbers (days since
1970-01-01, integer arithmetic only), a :class:`Month` is one month of the extract, and
:class:`Dates` writes day numbers as the raw extract's date texts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hwb_kpis.errors import HwbKpisError

SATURDAY = 5  #: day of the week, 0 = Monday
BLANK_FORMAT = 4  #: date format code of a blank date (see :meth:`Dates.text`)
NO_DAY = -(10**7)  #: "never" as a day number


def month_list(start: str, end: str) -> list[tuple[int, int]]:
    """(year, month) of every month from ``start`` to ``end`` (``YYYY-MM``), in order."""
    try:
        s = pd.Period(start, freq="M")
        e = pd.Period(end, freq="M")
    except (ValueError, TypeError) as exc:
        raise HwbKpisError(f"synth: months must be YYYY-MM (got start={start!r}, end={end!r})") from exc
    if e < s:
        raise HwbKpisError(f"synth: end {end} is before start {start}")
    return [(p.year, p.month) for p in pd.period_range(s, e, freq="M")]


def day_number(y: int, m: int, d: int = 1) -> int:
    return int(np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "D").astype("int64"))


def label(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def days_in_month(y: int, m: int) -> int:
    return int(pd.Period(label(y, m), freq="M").days_in_month)


@dataclass(frozen=True)
class Month:
    """One month of the extract: its position, label (``YYYY-MM``), first and last day numbers."""

    index: int
    year: int
    month: int
    label: str
    first: int
    last: int
    days: int
    is_last: bool

    @classmethod
    def of(cls, index: int, y: int, m: int, is_last: bool = False) -> Month:
        first, days = day_number(y, m), days_in_month(y, m)
        return cls(index, y, m, label(y, m), first, first + days - 1, days, is_last)


class Dates:
    """Day number -> date text lookups (ISO, UK, Excel serial), built once per extract."""

    def __init__(self, first_day: int, last_day: int):
        self.first = first_day
        days = np.arange(first_day, last_day + 1).astype("datetime64[D]")
        iso = np.datetime_as_string(days, unit="D").astype(object)
        self.iso = iso
        self.uk = np.array([f"{s[8:10]}/{s[5:7]}/{s[0:4]}" for s in iso], dtype=object)
        self.ym = np.array([s[:7] for s in iso], dtype=object)
        self.serial = np.array([str(d + 25569) for d in range(first_day, last_day + 1)], dtype=object)

    def text(self, day: np.ndarray, fmt: np.ndarray) -> np.ndarray:
        """fmt: 0 ISO, 1 UK, 2 Excel serial, 3 year-month, 4 blank; day < 0 offsets are clipped."""
        i = np.clip(day - self.first, 0, len(self.iso) - 1)
        out = np.where(fmt == 0, self.iso[i], self.uk[i])
        out = np.where(fmt == 2, self.serial[i], out)
        out = np.where(fmt == 3, self.ym[i], out)
        return np.where(fmt == BLANK_FORMAT, "", out).astype(object)
