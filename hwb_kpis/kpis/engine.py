"""The board KPIs of ``kpi-definitions.md``, month by month, by referral source, in both views.

Every KPI function takes the processed table (``contacts`` or ``looked_after``, as written by
``hwb-kpis clean``) and returns a tidy frame with one row per (kpi, group, month)::

    kpi, group, month, period, numerator, denominator, rate, incomplete_history, partial_period, limit

* ``month`` is ``YYYY-MM`` for monthly rows (``period == "month"``). Re-referrals are also given per
  reporting year (1 April – 31 March): those rows have ``period == "year"`` and ``month`` like
  ``2014/15`` (a slash, because ``2010-11`` would read as November 2010). DfE's ``time_period``
  2015 is our ``2014/15``.
* ``rate = numerator / denominator`` (a fraction, not a percentage); NaN when the denominator is 0.
  Counts are always given; months between the first and last month of the data with no
  contacts appear with zero counts (a gap is news, not a missing row).
* ``group`` is ``all``, a source group of the chosen view (``health``, ``schools``, ``police``,
  …; ``unknown`` for a blank recorded code) or, for ``contacts`` only, a source code as
  ``code:3E`` (``code:missing`` when the recorded code is blank). ``health`` and the health codes
  3A–3F always appear, with zeros if need be.
* ``incomplete_history`` is True for repeat-contact and re-referral rows of a month (or year)
  that starts less than ``lookback_days`` after the first contact date of the data: earlier
  contacts those rows depend on may lie before the extract. Trend charts should leave them out.
* ``partial_period`` is True for a reporting-year row whose April–March is not fully covered by
  the months of the data (always False for monthly rows).
* ``limit`` is the IHA limit (``28d`` / ``20wd``) on IHA rows, NA elsewhere.

The KPIs (``view="recoded"`` uses ``source_code``/``source_group``; ``"recorded"`` uses
``source_code_recorded``/``source_group_recorded``; the view only changes the groups):

``contacts``
    numerator = contacts of the group in the month; denominator = all contacts in the month;
    rate = the group's share (1.0 for ``all``).
``health_share``
    group ``all``: health contacts / all contacts.
``marf``
    contacts with ``marf`` True / contacts (``marf`` unknown counts as not on a MARF).
``conversion``
    contacts with outcome ``referral`` / contacts with a decided outcome (not ``pending``).
``pending``
    contacts with outcome ``pending`` / contacts: the contacts left out of conversion's
    denominator, reported beside it.
``repeat_contacts``
    contacts that are repeats (see :func:`flag_repeats`) / contacts; groups are those of the
    repeat (later) contact.
``rereferral_12m``
    referrals (outcome ``referral``, dated by ``contact_date``) whose child had a referral on a
    strictly earlier date at most ``lookback_days`` earlier / referrals.
``iha_within_28_days``
    see :func:`iha_within` (the name is kept for the 20-working-day limit too; see ``limit``).

Children are matched within an authority: the key is (``authority``, ``child_id``), which is just
``child_id`` for a single-authority extract. A multi-authority extract gives pooled figures:
filter the tables to one authority first for that authority's KPIs.

:func:`kpi_table` with ``month`` keeps only that month's rows (reporting-year rows are left out);
``as_of`` defaults to the latest date anywhere in the extract. :func:`flag_repeats` gives the
per-contact flags (and the previous contact's outcome and MARF) for modelling, :func:`iha_steps`
the median days of each step of the IHA process.

Repeat contacts and re-referrals are computed in O(n log n) with no per-child loop and no
self-join: one sort by (child, date), a group per (child, day) and a running maximum. The sort is
nearly free when ``contacts.parquet`` is already sorted by ``child_id``, ``contact_date``.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from hwb_kpis import config
from hwb_kpis.arrow import backing_array
from hwb_kpis.coding.codes import view_columns
from hwb_kpis.contract.ids import pseudonym_numbers
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.periods import check_month, reporting_year_label
from hwb_kpis.privacy.disclosure import SUPPRESSED_COUNT, SUPPRESSED_RATE, suppress_kpi_rows

KPI_NAMES = (
    "contacts", "health_share", "marf", "conversion", "pending",
    "repeat_contacts", "rereferral_12m", "iha_within_28_days",
)
COLUMNS = (
    "kpi", "group", "month", "period", "numerator", "denominator", "rate",
    "incomplete_history", "partial_period", "limit",
)
RECORD_KEYS = ("kpi", "group", "month", "numerator", "denominator", "rate")
IHA_STEPS = (
    ("start_to_consent", "period_start", "consent_date"),
    ("consent_to_notified", "consent_date", "health_notified_date"),
    ("notified_to_iha", "health_notified_date", "iha_date"),
    ("start_to_iha", "period_start", "iha_date"),
)
HEALTH = "health"
ALL = "all"
_NAT = np.iinfo(np.int64).min


# ------------------------------------------------------------------------------------------------
# Small helpers


def _require(frame: pd.DataFrame, columns, table: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise HwbKpisError(f"{table} table lacks column(s) {', '.join(missing)}; is it a processed table?")


def _days(values: pd.Series) -> np.ndarray:
    """Dates as int64 days since 1970-01-01 (NaT -> int64 min)."""
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        values = pd.to_datetime(values)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    return values.to_numpy().astype("datetime64[D]").astype(np.int64)


def _month_of_days(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of int day numbers (a lookup over the few distinct days: calendar
    conversion of every row is slow at 10 million rows)."""
    if len(days) == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = int(days.min()), int(days.max())
    table = np.arange(lo, hi + 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return table[days - lo]


def _month_labels(first: int, count: int) -> np.ndarray:
    return np.arange(first, first + count).astype("datetime64[M]").astype(str)


def _month_start_days(first: int, count: int) -> np.ndarray:
    return np.arange(first, first + count).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _parse_date(value, what: str) -> int | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        raise HwbKpisError(f"{what} {value!r} is not a date (expected YYYY-MM-DD)")
    return int(np.datetime64(ts.date(), "D").astype(np.int64))


def _check_lookback(lookback_days: int) -> int:
    if int(lookback_days) != lookback_days or lookback_days < 1:
        raise HwbKpisError(f"lookback days must be a whole number of days, at least 1 (got {lookback_days!r})")
    return int(lookback_days)


def _encode(values: pd.Series) -> tuple[np.ndarray, list]:
    """(int64 codes, -1 for missing; uniques). pyarrow's dictionary_encode for arrow-backed
    strings (several times faster than pandas.factorize at 10 million rows)."""
    arr = backing_array(values)
    if arr is None or len(arr) == 0:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes.astype(np.int64), list(uniques)
    enc = pc.dictionary_encode(arr)
    codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, enc.dictionary.to_pylist()


def _child_codes(frame: pd.DataFrame) -> np.ndarray:
    """An int64 per (authority, child_id), >= 0 (missing ids share one key)."""
    child, _ = _encode(frame["child_id"])
    key = child + 1
    auth = _authority_codes(frame)
    if auth is not None:
        key = auth * (int(key.max()) + 1) + key
    return key


def _authority_codes(frame: pd.DataFrame) -> np.ndarray | None:
    """Codes of ``authority`` (missing is its own value) when there is more than one, else None."""
    if "authority" not in frame.columns or len(frame) == 0:
        return None
    auth, uniques = _encode(frame["authority"])
    auth = auth + 1
    if len(uniques) > 1 or (len(uniques) == 1 and auth.min() == 0):
        return auth
    return None


def _factorize_labels(values: pd.Series, fill: str) -> tuple[np.ndarray, list[str]]:
    codes, uniques = _encode(values)
    labels = [str(u) for u in uniques]
    if (codes < 0).any():
        if fill in labels:
            codes = np.where(codes < 0, labels.index(fill), codes)
        else:
            codes = np.where(codes < 0, len(labels), codes)
            labels.append(fill)
    return codes, labels


def _code_sort_key(code: str) -> tuple:
    m = re.fullmatch(r"(\d+)([A-Z]*)", code)
    return (0, int(m.group(1)), m.group(2)) if m else (1, 0, code)


def _group_order(names) -> list[str]:
    """``all`` first, then ``health``, then the other groups alphabetically, ``unknown`` last."""
    names = [n for n in dict.fromkeys(names) if n != ALL]
    head = [HEALTH] if HEALTH in names else []
    tail = ["unknown"] if "unknown" in names else []
    middle = sorted(n for n in names if n not in (HEALTH, "unknown"))
    return [ALL] + head + middle + tail


# ------------------------------------------------------------------------------------------------
# Prepared arrays (built once per call; kpi_table shares one)


#: bit flags of a contact, combined into one count cube per (month, group)
MARF_BIT, REFERRAL_BIT, PENDING_BIT, REPEAT_BIT, REREFERRAL_BIT = 1, 2, 4, 8, 16
_PATTERNS = np.arange(32)


@dataclass
class _Prep:
    n: int
    day: np.ndarray
    month_idx: np.ndarray
    first_month: int
    n_months: int
    first_day: int
    outcome_code: np.ndarray
    referral: np.ndarray
    pending: np.ndarray
    tnm: np.ndarray
    marf: np.ndarray
    frame: pd.DataFrame
    group_idx: np.ndarray | None = None
    group_names: list[str] = field(default_factory=list)
    code_idx: np.ndarray | None = None
    code_names: list[str] = field(default_factory=list)
    _history: _History | None = None
    _cubes: dict = field(default_factory=dict)

    @property
    def months(self) -> np.ndarray:
        return _month_labels(self.first_month, self.n_months)

    def history(self) -> _History:
        if self._history is None:
            tiebreak = None
            if "source_row" in self.frame.columns:
                rows = self.frame["source_row"].to_numpy()
                if len(rows) > 1 and not bool(np.all(rows[1:] >= rows[:-1])):
                    tiebreak = rows
            self._history = _History(self.frame, self.day, self.tnm, self.referral, tiebreak)
        return self._history

    def bits(self, lookback: int | None) -> np.ndarray:
        b = self.marf.astype(np.uint8) * np.uint8(MARF_BIT)
        b |= self.referral.astype(np.uint8) * np.uint8(REFERRAL_BIT)
        b |= self.pending.astype(np.uint8) * np.uint8(PENDING_BIT)
        if lookback is not None:
            h = self.history()
            b |= h.per_contact(h.within(h.gap_tnm, lookback)).astype(np.uint8) * np.uint8(REPEAT_BIT)
            b |= (h.per_contact(h.within(h.gap_ref, lookback)) & self.referral).astype(np.uint8) * np.uint8(REREFERRAL_BIT)
        return b

    def cube(self, codes: bool, lookback: int | None) -> np.ndarray:
        """Counts per (month, group or code, bit pattern): one bincount over all contacts."""
        key = (codes, lookback)
        if key not in self._cubes:
            gidx = self.code_idx if codes else self.group_idx
            n_g = len(self.code_names if codes else self.group_names)
            cells = (self.month_idx * n_g + gidx) * 32 + self.bits(lookback)
            self._cubes[key] = np.bincount(cells, minlength=self.n_months * n_g * 32).reshape(self.n_months, n_g, 32)
        return self._cubes[key]


def _prepare(contacts: pd.DataFrame, view: str | None) -> _Prep:
    _require(contacts, ("contact_id", "child_id", "contact_date", "outcome"), "contacts")
    day = _days(contacts["contact_date"])
    if (day == _NAT).any():
        raise HwbKpisError(f"contacts: {(day == _NAT).sum()} row(s) without contact_date; run `hwb-kpis clean`")
    n = len(day)
    if n:
        months = _month_of_days(day)
        first_month = int(months.min())
        month_idx = months - first_month
        n_months = int(month_idx.max()) + 1
        first_day = int(day.min())
    else:
        month_idx, first_month, n_months, first_day = np.zeros(0, np.int64), 0, 0, 0
    oc, ou = _encode(contacts["outcome"])
    ou = [str(u) for u in ou]

    def lookup(names) -> np.ndarray:
        table = np.array([u in names for u in ou] + [False])  # code -1 (missing) -> False
        return table[oc]

    if "marf" in contacts.columns:
        marf = contacts["marf"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    else:
        marf = np.zeros(n, dtype=bool)
    prep = _Prep(
        n=n, day=day, month_idx=month_idx, first_month=first_month, n_months=n_months,
        first_day=first_day, outcome_code=oc, referral=lookup(("referral",)), pending=lookup(("pending",)),
        tnm=lookup(config.THRESHOLD_NOT_MET), marf=marf, frame=contacts,
    )
    if view is not None:
        code_col, group_col = view_columns(view)
        _require(contacts, (code_col, group_col), "contacts")
        gi, gn = _factorize_labels(contacts[group_col], "unknown")
        if HEALTH not in gn:
            gn.append(HEALTH)
        prep.group_idx, prep.group_names = gi, gn
        ci, cn = _factorize_labels(contacts[code_col], "missing")
        for code in config.HEALTH_CODES:
            if code not in cn:
                cn.append(code)
        prep.code_idx, prep.code_names = ci, cn
    return prep


# ------------------------------------------------------------------------------------------------
# Repeat contacts and re-referrals: sort + (child, day) groups + running maximum


def _stable_order(composite: np.ndarray, tiebreak: np.ndarray | None) -> np.ndarray:
    """Argsort of ``composite``, equal values ordered by ``tiebreak`` (else by row); free when the
    table is already sorted. Only the (few) runs of equal values are sorted by ``tiebreak``."""
    n = len(composite)
    if n < 2 or bool(np.all(composite[1:] >= composite[:-1])):
        order = np.arange(n)
    else:
        order = np.argsort(composite, kind="stable")
    if tiebreak is not None:
        ordered = composite[order]
        equal = ordered[1:] == ordered[:-1]
        if equal.any():
            in_run = np.zeros(n, dtype=bool)
            in_run[1:] |= equal
            in_run[:-1] |= equal
            pos = np.flatnonzero(in_run)
            run = np.cumsum(np.concatenate(([True], ~equal)))[pos]
            rows = order[pos]
            order[pos] = rows[np.lexsort((tiebreak[rows], run))]
    return order


class _History:
    """Each child's history as (child, day) groups, in O(n log n), with no per-child loop and no
    self-join.

    Contacts are sorted by (child, day) -- threshold-not-met contacts last within a day, then by
    ``tiebreak`` (``source_row``) -- and cut into groups of one child on one day, so contacts on the
    same day are invisible to each other. For a flag (threshold not met, referral) a running
    maximum over the group numbers of flagged groups gives, for every group, the latest flagged
    group strictly before it; it belongs to the same child when it is not before the child's first
    group. Group-level results are spread back to contacts with ``np.repeat`` and one scatter.

    The sort key is the pseudonym itself when every ``child_id`` is 16 hex digits (decoded to 64
    bits: its top 48 bits and the day share one uint64; a 48-bit clash between two children is
    detected and falls back), else dictionary codes of (authority, child_id).
    """

    def __init__(self, frame: pd.DataFrame, day: np.ndarray, tnm: np.ndarray, referral: np.ndarray,
                 tiebreak: np.ndarray | None = None) -> None:
        n = self.n = len(day)
        if n == 0:
            empty = np.zeros(0, dtype=np.int64)
            self.order = self.sizes = self.gap_tnm = self.gap_ref = self.prev_pos = self.gap_prev = empty
            return
        dd = (day - day.min()).astype(np.int32)  # days fit: the data span less than 5.8 million years
        low = dd * 2 + tnm  # threshold-not-met contacts sort last within a day
        order = ks = None
        if int(dd.max()) < 32_768 and _authority_codes(frame) is None:
            hexkey = pseudonym_numbers(frame["child_id"])
            if hexkey is not None:
                composite = (hexkey & np.uint64(0xFFFF_FFFF_FFFF_0000)) | low.astype(np.uint64)
                order = _stable_order(composite, tiebreak)
                ks = hexkey[order]
                top = ks >> np.uint64(16)
                if np.any((top[1:] == top[:-1]) & (ks[1:] != ks[:-1])):
                    order = ks = None  # two children share their top 48 bits: exact codes instead
        if order is None:
            key = _child_codes(frame)
            order = _stable_order(key * (2 * (int(dd.max()) + 1)) + low, tiebreak)
            ks = key[order]
        ds = dd[order]
        new_day = np.empty(n, dtype=bool)
        new_day[0] = True
        np.not_equal(ks[1:], ks[:-1], out=new_day[1:])
        new_day[1:] |= ds[1:] != ds[:-1]
        starts = np.flatnonzero(new_day)
        n_g = len(starts)
        self.sizes = np.diff(np.append(starts, n))
        new_child = np.empty(n_g, dtype=bool)
        new_child[0] = True
        np.not_equal(ks[starts[1:]], ks[starts[:-1]], out=new_child[1:])
        dg = ds[starts]
        gnum = np.arange(n_g, dtype=np.int32 if n_g < 2**31 else np.int64)
        child_first = np.flatnonzero(new_child).astype(gnum.dtype)
        first_of_child = np.repeat(child_first, np.diff(np.append(child_first, n_g)))

        def gap_to_latest_earlier(flag: np.ndarray) -> np.ndarray:
            flagged = np.logical_or.reduceat(flag[order], starts)
            prev = np.full(n_g, -1, dtype=gnum.dtype)  # latest flagged group strictly before
            np.maximum.accumulate(np.where(flagged[:-1], gnum[:-1], -1), out=prev[1:])
            ok = prev >= first_of_child
            gap = dg - dg[prev]
            gap[~ok] = -1
            return gap

        self.order = order
        self.gap_tnm = gap_to_latest_earlier(tnm)
        self.gap_ref = gap_to_latest_earlier(referral)
        same = ~new_child
        self.prev_pos = np.where(same, order[starts - 1], -1)  # last contact of the previous day
        prev_day = np.empty_like(dg)
        prev_day[0] = 0
        prev_day[1:] = dg[:-1]
        self.gap_prev = np.where(same, dg - prev_day, -1)

    @staticmethod
    def within(gap: np.ndarray, lookback: int) -> np.ndarray:
        return (gap > 0) & (gap <= lookback)

    def per_contact(self, per_group: np.ndarray) -> np.ndarray:
        """Group-level values -> one per contact, in the frame's row order."""
        out = np.empty(self.n, dtype=per_group.dtype)
        out[self.order] = np.repeat(per_group, self.sizes)
        return out


def flag_repeats(contacts: pd.DataFrame, lookback_days: int = config.DEFAULT_LOOKBACK_DAYS) -> pd.DataFrame:
    """``contacts`` with per-contact columns added (a new frame, same rows and order):

    * ``is_repeat`` (bool): the child has at least one contact on a strictly earlier date, at most
      ``lookback_days`` days earlier, whose outcome was ``nfa``, ``advice`` or ``early_help``;
    * ``previous_outcome`` (string, NA if none), ``previous_marf`` (boolean, NA if none or
      unknown), ``days_since_previous`` (Int64, NA if none): the child's most recent contact on a
      strictly earlier date, whatever its outcome and however long ago. When several contacts
      share that date, a threshold-not-met one is taken (so for a repeat whose previous day made
      it a repeat, these describe that contact), then the last by ``source_row``.
    """
    lookback = _check_lookback(lookback_days)
    prep = _prepare(contacts, None)
    h = prep.history()
    pos = h.per_contact(h.prev_pos)
    has_prev = pos >= 0
    out = contacts.copy()
    out["is_repeat"] = h.per_contact(h.within(h.gap_tnm, lookback))
    out["previous_outcome"] = pd.Series(
        contacts["outcome"].astype("string").array.take(pos, allow_fill=True), index=contacts.index)
    if "marf" in contacts.columns:
        marf = contacts["marf"].astype("boolean").array
        out["previous_marf"] = pd.Series(marf.take(pos, allow_fill=True), index=contacts.index)
    else:
        out["previous_marf"] = pd.Series(pd.NA, index=contacts.index, dtype="boolean")
    days = pd.array(h.per_contact(h.gap_prev), dtype="Int64")
    days[~has_prev] = pd.NA
    out["days_since_previous"] = pd.Series(days, index=contacts.index)
    return out


# ------------------------------------------------------------------------------------------------
# Building the tidy frames


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "kpi": pd.Series(dtype="string"), "group": pd.Series(dtype="string"),
        "month": pd.Series(dtype="string"), "period": pd.Series(dtype="string"),
        "numerator": pd.Series(dtype="int64"), "denominator": pd.Series(dtype="int64"),
        "rate": pd.Series(dtype="float64"), "incomplete_history": pd.Series(dtype="bool"),
        "partial_period": pd.Series(dtype="bool"), "limit": pd.Series(dtype="string"),
    })


def _frame(kpi: str, groups: list[str], labels: np.ndarray, num: np.ndarray, den: np.ndarray, *,
           period: str = "month", incomplete: np.ndarray | None = None,
           partial: np.ndarray | None = None, limit: str | None = None) -> pd.DataFrame:
    """A tidy frame from count matrices ``num``/``den`` of shape (periods, groups): rows ordered by
    period, then by ``groups`` order."""
    n_p, n_g = num.shape
    if n_p == 0:
        return _empty()
    num = num.astype(np.int64).ravel()
    den = den.astype(np.int64).ravel()
    rate = np.full(num.shape, np.nan)
    np.divide(num, den, out=rate, where=den > 0)
    flags_i = np.zeros(n_p, bool) if incomplete is None else incomplete
    flags_p = np.zeros(n_p, bool) if partial is None else partial
    return pd.DataFrame({
        "kpi": pd.array([kpi] * (n_p * n_g), dtype="string"),
        "group": pd.array(np.tile(np.asarray(groups, dtype=object), n_p), dtype="string"),
        "month": pd.array(np.repeat(np.asarray(labels, dtype=object), n_g), dtype="string"),
        "period": pd.array([period] * (n_p * n_g), dtype="string"),
        "numerator": num,
        "denominator": den,
        "rate": rate,
        "incomplete_history": np.repeat(flags_i, n_g),
        "partial_period": np.repeat(flags_p, n_g),
        "limit": pd.array([limit] * (n_p * n_g), dtype="string"),
    })


def _by_group(prep: _Prep, num_sel, den_sel, *, codes: bool = False, lookback: int | None = None
              ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Counts per (month, group) with an ``all`` column first; groups in display order.
    ``num_sel``/``den_sel`` pick bit patterns (a function of the pattern array, or None for all)."""
    cube = prep.cube(codes, lookback)
    names = prep.code_names if codes else prep.group_names

    def count(sel):
        return cube.sum(axis=2) if sel is None else cube[:, :, sel(_PATTERNS)].sum(axis=2)

    num, den = count(num_sel), count(den_sel)
    if codes:
        order_names = sorted(names, key=lambda c: (c == "missing", _code_sort_key(c)))
        cols = [names.index(c) for c in order_names]
        labels = [ALL] + [f"code:{c}" for c in order_names]
    else:
        order_names = _group_order(names)[1:]
        cols = [names.index(g) for g in order_names]
        labels = [ALL] + order_names
    num = np.column_stack([num.sum(axis=1), num[:, cols]])
    den = np.column_stack([den.sum(axis=1), den[:, cols]])
    return labels, num, den


def _has(bit: int):
    return lambda patterns: (patterns & bit) > 0


def _lacks(bit: int):
    return lambda patterns: (patterns & bit) == 0


def _incomplete_months(prep: _Prep, lookback: int) -> np.ndarray:
    return (_month_start_days(prep.first_month, prep.n_months) - prep.first_day) < lookback


# --- contacts ------------------------------------------------------------------------------------


def _contacts(prep: _Prep, lookback: int | None = None) -> pd.DataFrame:
    groups, num, _ = _by_group(prep, None, None, lookback=lookback)
    codes, cnum, _ = _by_group(prep, None, None, codes=True)
    total = num[:, :1]
    both = np.column_stack([num, cnum[:, 1:]])
    return _frame("contacts", groups + codes[1:], prep.months, both, np.repeat(total, both.shape[1], axis=1))


def contacts(contacts: pd.DataFrame, view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Contacts per month: ``all``, per source group and per source code (``code:3E``).
    numerator = contacts of the group, denominator = all contacts of the month, rate = share."""
    return _contacts(_prepare(contacts, view))


def _health_share(prep: _Prep, lookback: int | None = None) -> pd.DataFrame:
    groups, num, den = _by_group(prep, None, None, lookback=lookback)
    health = num[:, groups.index(HEALTH)]
    return _frame("health_share", [ALL], prep.months, health[:, None], den[:, :1])


def health_share(contacts: pd.DataFrame, view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Health contacts (codes 3A–3F, i.e. group ``health`` of the view) / all contacts, per month;
    one row per month with group ``all``."""
    return _health_share(_prepare(contacts, view))


def _marf(prep: _Prep, lookback: int | None = None) -> pd.DataFrame:
    groups, num, den = _by_group(prep, _has(MARF_BIT), None, lookback=lookback)
    return _frame("marf", groups, prep.months, num, den)


def marf(contacts: pd.DataFrame, view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Contacts submitted on a MARF / contacts, per month, all and per source group
    (unknown ``marf`` counts as not submitted on a MARF)."""
    return _marf(_prepare(contacts, view))


def _conversion(prep: _Prep, lookback: int | None = None) -> pd.DataFrame:
    groups, num, den = _by_group(prep, _has(REFERRAL_BIT), _lacks(PENDING_BIT), lookback=lookback)
    _, pnum, pden = _by_group(prep, _has(PENDING_BIT), None, lookback=lookback)
    return pd.concat([_frame("conversion", groups, prep.months, num, den),
                      _frame("pending", groups, prep.months, pnum, pden)], ignore_index=True)


def conversion(contacts: pd.DataFrame, view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """``conversion`` rows: referrals / contacts with a decided outcome (not ``pending``), and
    ``pending`` rows: pending contacts / all contacts; per month, all and per source group."""
    return _conversion(_prepare(contacts, view))


def _repeat(prep: _Prep, lookback: int) -> pd.DataFrame:
    groups, num, den = _by_group(prep, _has(REPEAT_BIT), None, lookback=lookback)
    return _frame("repeat_contacts", groups, prep.months, num, den,
                  incomplete=_incomplete_months(prep, lookback))


def repeat_contacts(contacts: pd.DataFrame, lookback_days: int = config.DEFAULT_LOOKBACK_DAYS,
                    view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Repeat contacts / contacts per month, all and per source group of the repeat contact.
    ``incomplete_history`` marks months starting less than ``lookback_days`` after the first
    contact date of the data."""
    return _repeat(_prepare(contacts, view), _check_lookback(lookback_days))


def _rereferral(prep: _Prep, lookback: int) -> pd.DataFrame:
    groups, num, den = _by_group(prep, _has(REREFERRAL_BIT), _has(REFERRAL_BIT), lookback=lookback)
    monthly = _frame("rereferral_12m", groups, prep.months, num, den,
                     incomplete=_incomplete_months(prep, lookback))
    if prep.n == 0:
        return monthly
    # reporting years (1 April - 31 March): year y runs from April y to March y+1
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
    yearly = _frame("rereferral_12m", groups, labels, ynum, yden, period="year",
                    incomplete=(april - prep.first_day) < lookback, partial=partial)
    return pd.concat([monthly, yearly], ignore_index=True)


def rereferral_12m(contacts: pd.DataFrame, lookback_days: int = config.DEFAULT_LOOKBACK_DAYS,
                   view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Re-referrals / referrals (DfE definition): per month (``period == "month"``) and per
    reporting year April–March (``period == "year"``, ``month`` like ``2014/15``), all and per
    source group of the referral."""
    return _rereferral(_prepare(contacts, view), _check_lookback(lookback_days))


# --- initial health assessments ------------------------------------------------------------------


def _latest_la_day(looked_after: pd.DataFrame) -> int | None:
    days = [_days(looked_after[c]) for c in config.LOOKED_AFTER_DATES if c in looked_after.columns]
    values = np.concatenate(days) if days else np.zeros(0, np.int64)
    values = values[values != _NAT]
    return int(values.max()) if len(values) else None


def iha_within(looked_after: pd.DataFrame, as_of=None, limit: str = config.DEFAULT_IHA_LIMIT,
               view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """% initial health assessments within the limit, by month of becoming looked after.

    kpi ``iha_within_28_days`` (for either limit; the ``limit`` column says which), group ``all``.

    * cohort of month m: periods of care with ``period_start`` in m;
    * deadline: ``period_start + 28`` days (``limit="28d"``), or the 20th working day after
      ``period_start`` (``"20wd"``: Monday–Friday less England bank holidays; ``period_start`` is
      day 0 and never counted, see :mod:`hwb_kpis.kpis.workdays`);
    * numerator: an IHA dated on or before the deadline;
    * denominator: the cohort less those not yet due (no IHA by ``as_of`` and ``as_of`` before the
      deadline); a child past the deadline without an IHA counts in the denominator only.

    An IHA dated after ``as_of`` is treated as not (yet) done. ``as_of`` defaults to the latest
    date in the table (:func:`kpi_table` uses the latest date of the whole extract). The extra
    column ``not_yet_due`` counts the children left out.
    """
    view_columns(view)
    if limit not in config.IHA_LIMITS:
        raise ValueError(f"limit must be one of {', '.join(config.IHA_LIMITS)}, not {limit!r}")
    _require(looked_after, ("period_start", "iha_date"), "looked_after")
    start = _days(looked_after["period_start"])
    if (start == _NAT).any():
        raise HwbKpisError("looked_after: rows without period_start; run `hwb-kpis clean`")
    if len(start) == 0:
        out = _empty()
        out["not_yet_due"] = pd.Series(dtype="int64")
        return out
    as_of_day = _parse_date(as_of, "as_of")
    if as_of_day is None:
        as_of_day = _latest_la_day(looked_after)
    iha = _days(looked_after["iha_date"])
    done = (iha != _NAT) & (iha <= as_of_day)
    if limit == "28d":
        deadline = start + 28
    else:
        from hwb_kpis.kpis.workdays import add_working_days

        deadline = add_working_days(start.astype("datetime64[D]"), 20).astype(np.int64)
    met = done & (iha <= deadline)
    not_due = ~done & (as_of_day < deadline)
    months = _month_of_days(start)
    first = int(months.min())
    idx = months - first
    n_m = int(idx.max()) + 1
    num = np.bincount(idx[met], minlength=n_m)
    den = np.bincount(idx[~not_due], minlength=n_m)
    out = _frame("iha_within_28_days", [ALL], _month_labels(first, n_m), num[:, None], den[:, None], limit=limit)
    out["not_yet_due"] = np.bincount(idx[not_due], minlength=n_m).astype(np.int64)
    return out


def iha_steps(looked_after: pd.DataFrame) -> pd.DataFrame:
    """Median days of each step of the IHA process by month of becoming looked after.

    Columns ``month``, ``step`` (``start_to_consent``, ``consent_to_notified``, ``notified_to_iha``,
    ``start_to_iha``), ``n`` (periods with both dates) and ``median_days`` (NaN when ``n`` is 0).
    Only completed steps are measured, so a month with many children still waiting looks quicker
    than it is: read ``n`` beside the median.
    """
    _require(looked_after, [c for _, a, b in IHA_STEPS for c in (a, b)], "looked_after")
    if len(looked_after) == 0:
        return pd.DataFrame({"month": pd.Series(dtype="string"), "step": pd.Series(dtype="string"),
                             "n": pd.Series(dtype="int64"), "median_days": pd.Series(dtype="float64")})
    start = _days(looked_after["period_start"])
    months = _month_of_days(start)
    first = int(months.min())
    labels = _month_labels(first, int(months.max()) - first + 1)
    frames = []
    for step, a, b in IHA_STEPS:
        da, db = _days(looked_after[a]), _days(looked_after[b])
        ok = (da != _NAT) & (db != _NAT)
        d = pd.DataFrame({"m": months[ok] - first, "days": (db[ok] - da[ok]).astype(float)})
        g = d.groupby("m")["days"].agg(["size", "median"]).reindex(range(len(labels)))
        frames.append(pd.DataFrame({
            "month": pd.array(labels, dtype="string"),
            "step": pd.array([step] * len(labels), dtype="string"),
            "n": g["size"].fillna(0).astype("int64").to_numpy(),
            "median_days": g["median"].to_numpy(dtype=float),
        }))
    out = pd.concat(frames, ignore_index=True)
    order = {s: i for i, (s, _, _) in enumerate(IHA_STEPS)}
    out["_o"] = out["step"].map(order)
    return out.sort_values(["month", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# Everything together


def extract_as_of(tables: dict[str, Any]) -> pd.Timestamp | None:
    """The latest date in the extract: max over ``contact_date`` and every looked-after date."""
    values = []
    c = tables.get("contacts")
    if c is not None and len(c):
        d = _days(c["contact_date"])
        values.append(d[d != _NAT].max(initial=_NAT))
    la = tables.get("looked_after")
    if la is not None and len(la):
        latest = _latest_la_day(la)
        if latest is not None:
            values.append(latest)
    values = [v for v in values if v != _NAT]
    return pd.Timestamp(np.datetime64(int(max(values)), "D")) if values else None


def kpi_table(
    tables: dict[str, Any],
    month: str | None = None,
    view: str = config.DEFAULT_VIEW,
    as_of=None,
    lookback_days: int = config.DEFAULT_LOOKBACK_DAYS,
    iha_limit: str = config.DEFAULT_IHA_LIMIT,
) -> pd.DataFrame:
    """Every board KPI in one tidy frame (columns :data:`COLUMNS`), in the order of
    :data:`KPI_NAMES`, then period, month and group.

    Repeats and re-referrals are always computed on the whole extract, then filtered. With
    ``month`` (``YYYY-MM``) only that month's rows are kept (for IHA the month of becoming looked
    after; reporting-year rows are dropped: call without ``month`` or :func:`rereferral_12m` for
    them). ``as_of`` (IHA due-ness) defaults to the latest date of the extract.
    """
    view_columns(view)
    if month is not None:
        month = check_month(month)
    lookback = _check_lookback(lookback_days)
    if as_of is None:
        as_of = extract_as_of(tables)
    else:
        _parse_date(as_of, "as_of")
    parts = []
    c = tables.get("contacts")
    if c is not None:
        prep = _prepare(c, view)  # one cube of counts serves every contact KPI
        parts += [_contacts(prep, lookback), _health_share(prep, lookback), _marf(prep, lookback),
                  _conversion(prep, lookback), _repeat(prep, lookback), _rereferral(prep, lookback)]
    la = tables.get("looked_after")
    if la is not None:
        parts.append(iha_within(la, as_of=as_of, limit=iha_limit)[list(COLUMNS)])
    parts = [p for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True) if parts else _empty()
    if month is not None:
        out = out[(out["period"] == "month") & (out["month"] == month)].reset_index(drop=True)
        if not len(out):
            span = _data_span(tables)
            raise HwbKpisError(f"no contacts or looked-after periods in month {month}{span}")
    return out


def _data_span(tables: dict[str, Any]) -> str:
    months = []
    for name in ("contacts", "looked_after"):
        t = tables.get(name)
        col = "contact_date" if name == "contacts" else "period_start"
        if t is not None and len(t):
            d = _month_of_days(_days(t[col]))
            months += [int(d.min()), int(d.max())]
    if not months:
        return " (the processed tables are empty)"
    lo, hi = (str(np.datetime64(m, "M")) for m in (min(months), max(months)))
    return f" (the data cover {lo} to {hi})"


# ------------------------------------------------------------------------------------------------
# Output


def format_kpis(df: pd.DataFrame, fmt: str, *, internal: bool = True) -> str:
    """Render a KPI table as ``json``, ``csv`` or ``table`` text.

    * ``json``: a list of records ``{"kpi", "group", "month", "numerator", "denominator", "rate"}``
      (counts as integers, ``rate`` a fraction or ``null``);
    * ``csv``: every column of ``df``;
    * ``table``: aligned text, rate as a percentage, flags in a ``note`` column.

    ``internal=False`` applies small-number suppression: counts 1–4 become ``"<5"`` and a rate
    based on them ``"*"`` (in JSON too, as strings).
    """
    if fmt not in ("json", "csv", "table"):
        raise ValueError(f"format must be json, csv or table, not {fmt!r}")
    sn, sd, sr = suppress_kpi_rows(df) if not internal else (None, None, None)

    def count_value(v, small):
        return SUPPRESSED_COUNT if small else int(v)

    if fmt == "json":
        records = []
        for i, row in enumerate(df[list(RECORD_KEYS)].itertuples(index=False)):
            rate = None if pd.isna(row.rate) else float(row.rate)
            rec = {
                "kpi": str(row.kpi), "group": str(row.group), "month": str(row.month),
                "numerator": count_value(row.numerator, not internal and bool(sn.iloc[i])),
                "denominator": count_value(row.denominator, not internal and bool(sd.iloc[i])),
                "rate": SUPPRESSED_RATE if (not internal and bool(sr.iloc[i])) else rate,
            }
            records.append(rec)
        return json.dumps(records, indent=2)
    if fmt == "csv":
        out = df.copy()
        if not internal:
            out["numerator"] = out["numerator"].astype("object").where(~sn, SUPPRESSED_COUNT)
            out["denominator"] = out["denominator"].astype("object").where(~sd, SUPPRESSED_COUNT)
            out["rate"] = out["rate"].astype("object").where(~sr, SUPPRESSED_RATE)
        buf = io.StringIO()
        out.to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue().rstrip("\n")
    # table
    header = ["kpi", "group", "month", "numerator", "denominator", "rate", "note"]
    rows = []
    for i, r in enumerate(df.itertuples(index=False)):
        if not internal and bool(sr.iloc[i]):
            rate = SUPPRESSED_RATE
        else:
            rate = "-" if pd.isna(r.rate) else f"{100 * r.rate:.1f}%"
        notes = []
        if "limit" in df.columns and isinstance(r.limit, str):
            notes.append(f"limit {r.limit}")
        if "incomplete_history" in df.columns and bool(r.incomplete_history):
            notes.append("incomplete history")
        if "partial_period" in df.columns and bool(r.partial_period):
            notes.append("partial year")
        num = SUPPRESSED_COUNT if (not internal and bool(sn.iloc[i])) else f"{int(r.numerator):,}"
        den = SUPPRESSED_COUNT if (not internal and bool(sd.iloc[i])) else f"{int(r.denominator):,}"
        rows.append([str(r.kpi), str(r.group), str(r.month), num, den, rate, ", ".join(notes)])
    widths = [max([len(h)] + [len(row[j]) for row in rows]) for j, h in enumerate(header)]
    right = {3, 4, 5}

    def line(cells):
        return "  ".join(c.rjust(w) if j in right else c.ljust(w) for j, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    lines = [line(header), line(["-" * w for w in widths])] + [line(row) for row in rows]
    if not rows:
        lines.append("(no rows)")
    return "\n".join(lines)
