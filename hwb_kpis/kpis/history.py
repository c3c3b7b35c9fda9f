"""Each child's earlier contacts: per contact, the gap to the latest earlier threshold-not-met
contact and earlier referral (what makes a repeat contact and a re-referral) and the previous
contact, in O(n log n) with no per-child loop and no self-join (:func:`flag_repeats`).

Contacts are sorted by (child, day) -- threshold-not-met contacts last within a day, then by
``source_row`` -- and cut into groups of one child on one day, so contacts on the same day are
invisible to each other. For a flag (threshold not met, referral) a running maximum over the
group numbers of flagged groups gives, for every group, the latest flagged group strictly before
it; it belongs to the same child when it is not before the child's first group. Group-level
results are spread back to contacts with ``np.repeat`` and one scatter. The sort is nearly free
when ``contacts.parquet`` is already sorted by ``child_id``, ``contact_date``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis import config
from hwb_kpis.contract.ids import pseudonym_numbers
from hwb_kpis.kpis.arrays import (
    authority_codes,
    check_lookback,
    child_keys,
    contact_days,
    outcome_flags,
)

_EMPTY = np.zeros(0, dtype=np.int64)
#: the columns of the earlier contact that made a contact a repeat, copied as ``earlier_<column>``
EARLIER_COLUMNS = ("source_code", "source_group", "source_code_recorded", "source_group_recorded")


def stable_order(composite: np.ndarray, tiebreak: np.ndarray | None) -> np.ndarray:
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


def source_row_tiebreak(frame: pd.DataFrame) -> np.ndarray | None:
    """``source_row`` when the table has it and is not already in its order, else None."""
    if "source_row" not in frame.columns:
        return None
    rows = frame["source_row"].to_numpy()
    if len(rows) > 1 and not bool(np.all(rows[1:] >= rows[:-1])):
        return rows
    return None


def _sort_by_child_day(frame: pd.DataFrame, dd: np.ndarray, low: np.ndarray,
                       tiebreak: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(order, sorted child keys): contacts by (child, day, ``low``), ties by ``tiebreak``.

    The key is the pseudonym itself when every ``child_id`` is 16 hex digits (decoded to 64 bits:
    its top 48 bits and ``low`` share one uint64; a 48-bit clash between two children is detected
    and falls back), else dictionary codes of (authority, child_id)."""
    if int(dd.max()) < 32_768 and authority_codes(frame) is None:
        hexkey = pseudonym_numbers(frame["child_id"])
        if hexkey is not None:
            composite = (hexkey & np.uint64(0xFFFF_FFFF_FFFF_0000)) | low.astype(np.uint64)
            order = stable_order(composite, tiebreak)
            ks = hexkey[order]
            top = ks >> np.uint64(16)
            if not np.any((top[1:] == top[:-1]) & (ks[1:] != ks[:-1])):
                return order, ks
            # two children share their top 48 bits: exact codes instead
    key = child_keys(frame)
    order = stable_order(key * (2 * (int(dd.max()) + 1)) + low, tiebreak)
    return order, key[order]


class History:
    """Each child's contacts as (child, day) groups, sorted once (see the module docstring).

    ``gap_tnm`` / ``gap_ref``: per group, days since the latest earlier group of the same child
    with a threshold-not-met contact / a referral (-1 when none); ``prev_pos``: per group, the row
    of the previous day's last contact (-1 when none) and ``gap_prev`` the days since it.
    :meth:`per_contact` spreads a per-group value back to the frame's rows.
    """

    def __init__(self, frame: pd.DataFrame, day: np.ndarray, tnm: np.ndarray, referral: np.ndarray,
                 tiebreak: np.ndarray | None = None) -> None:
        n = self.n = len(day)
        if n == 0:
            self.order = self.sizes = self.gap_tnm = self.gap_ref = self.prev_pos = self.gap_prev = _EMPTY
            self.prev_tnm = _EMPTY
            return
        dd = (day - day.min()).astype(np.int32)  # days fit: the data span less than 5.8 million years
        low = dd * 2 + tnm  # threshold-not-met contacts sort last within a day
        order, ks = _sort_by_child_day(frame, dd, low, tiebreak)
        self.order = order
        self._cut_into_groups(ks, dd[order])
        self.gap_tnm, self.prev_tnm = self._latest_earlier(tnm)
        self.gap_ref, _ = self._latest_earlier(referral)
        same = ~self._new_child
        self.prev_pos = np.where(same, order[self._starts - 1], -1)  # last contact of the previous day
        prev_day = np.empty_like(self._day)
        prev_day[0] = 0
        prev_day[1:] = self._day[:-1]
        self.gap_prev = np.where(same, self._day - prev_day, -1)

    def _cut_into_groups(self, ks: np.ndarray, ds: np.ndarray) -> None:
        """Groups of one child on one day from the sorted child keys ``ks`` and days ``ds``."""
        n = self.n
        new_day = np.empty(n, dtype=bool)
        new_day[0] = True
        np.not_equal(ks[1:], ks[:-1], out=new_day[1:])
        new_day[1:] |= ds[1:] != ds[:-1]
        starts = np.flatnonzero(new_day)
        n_g = len(starts)
        new_child = np.empty(n_g, dtype=bool)
        new_child[0] = True
        np.not_equal(ks[starts[1:]], ks[starts[:-1]], out=new_child[1:])
        self._gnum = np.arange(n_g, dtype=np.int32 if n_g < 2**31 else np.int64)
        child_first = np.flatnonzero(new_child).astype(self._gnum.dtype)
        self._first_of_child = np.repeat(child_first, np.diff(np.append(child_first, n_g)))
        self._starts, self._new_child, self._day = starts, new_child, ds[starts]
        self.sizes = np.diff(np.append(starts, n))

    def _latest_earlier(self, flag: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per group: days since the latest earlier group of the same child holding a contact
        with ``flag`` (-1 when none), and that group's number (-1 when none)."""
        gnum = self._gnum
        flagged = np.logical_or.reduceat(flag[self.order], self._starts)
        prev = np.full(len(gnum), -1, dtype=gnum.dtype)  # latest flagged group strictly before
        np.maximum.accumulate(np.where(flagged[:-1], gnum[:-1], -1), out=prev[1:])
        ok = prev >= self._first_of_child
        gap = self._day - self._day[prev]
        gap[~ok] = -1
        return gap, np.where(ok, prev, -1)

    def last_row(self, group: np.ndarray) -> np.ndarray:
        """The frame row of each group's last contact in the sort (-1 for group -1). Within a day
        threshold-not-met contacts sort last, so the last contact of a group holding one is one."""
        if self.n == 0:
            return np.asarray(group, dtype=np.int64)
        ends = np.append(self._starts[1:], self.n) - 1
        return np.where(group >= 0, self.order[ends[np.maximum(group, 0)]], -1)

    @staticmethod
    def within(gap: np.ndarray, lookback: int) -> np.ndarray:
        """Gaps of 1 to ``lookback`` days (an earlier contact inside the window)."""
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
      it a repeat, these describe that contact), then the last by ``source_row``;
    * ``earlier_source_code``, ``earlier_source_group`` (and their ``_recorded`` twins, for the
      columns the table has; string, NA when not a repeat): the agency of the earlier contact that
      made it a repeat -- the child's most recent threshold-not-met contact on a strictly earlier
      date within the window (of several that day, the last by ``source_row``).
    """
    lookback = check_lookback(lookback_days)
    day = contact_days(contacts)
    referral, _, tnm = outcome_flags(contacts)
    h = History(contacts, day, tnm, referral, source_row_tiebreak(contacts))
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
    earlier = h.per_contact(h.last_row(np.where(h.within(h.gap_tnm, lookback), h.prev_tnm, -1)))
    for col in EARLIER_COLUMNS:
        if col in contacts.columns:
            values = contacts[col].astype("string").array.take(earlier, allow_fill=True)
            out[f"earlier_{col}"] = pd.Series(values, index=contacts.index)
    return out
