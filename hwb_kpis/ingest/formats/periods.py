"""Periods of care from episodes of care (SSDA903 ``episodes``, SSD ``ssd_cla_episodes``): a period
starts at an episode whose reason for new episode is ``S`` (started to be looked after), dated by
that episode's start (``DECOM``). Every other episode (a change of placement, carer or legal
status: ``L P T B U``) continues a period begun earlier, in this return or before it, and is not
a period start. Episodes are the rows read: the ones that continue a period are folded into it
and counted as such, so that episodes read = periods + folded + quarantined + duplicates."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: a reason for new episode that starts a period: the code ``S``, a label led by it (``S - Started
#: to be looked after``) or the label alone
_START = re.compile(r"^\s*(s\b|s\s*[-:)]|started to be looked after)", re.IGNORECASE)

FOLDED_NOTE = "episodes continuing a period of care"


def starts_period(reason: pd.Series) -> np.ndarray:
    """True where the reason for new episode is ``S`` (code, code-led label or the label)."""
    text = reason.astype("string").fillna("")
    codes, uniques = pd.factorize(text)
    hit = np.array([bool(_START.match(str(u))) for u in uniques], dtype=bool)
    return hit[codes] if len(codes) else np.zeros(0, dtype=bool)


def period_notes(episodes: pd.DataFrame, is_start: np.ndarray, *, source: str) -> list[str]:
    """What the periods were made from, in plain words (counts only, no values). ``episodes``
    has ``child`` and ``start``, and may have ``end`` and ``end_reason`` (``DEC``, ``REC``): the
    episodes whose reason contradicts how the episode before ended are counted (DfE's validation
    rules 431 and 432), reported, never repaired."""
    n, starts = len(episodes), int(is_start.sum())
    notes = [f"{n:,} episodes read from {source}: {starts:,} start a period of care (reason S) and become its rows; "
             f"{n - starts:,} continue a period begun earlier and are not period starts"]
    if not n:
        return notes
    from hwb_kpis.ingest.dates import parse_dates

    frame = pd.DataFrame({"child": episodes["child"].astype("string").to_numpy(),
                          "day": parse_dates(episodes["start"].astype("string"))[0].to_numpy(), "start": is_start})
    has_end = {"end", "end_reason"} <= set(episodes.columns)
    if has_end:
        frame["end"] = parse_dates(episodes["end"].astype("string"))[0].to_numpy()
        frame["left_care"] = (episodes["end"].astype("string").fillna("") != "").to_numpy() & ~episodes[
            "end_reason"].astype("string").fillna("").str.strip().str.upper().isin(["X1", ""]).to_numpy()
    frame = frame[frame["day"].notna()].sort_values(["child", "day"], kind="stable")
    first = ~frame["child"].duplicated()
    continuing = int((first & ~frame["start"]).sum())
    if continuing:
        notes.append(f"{continuing:,} children's first episode here is not a start: their period began before "
                     "this return, so its start date is not in it")
    if has_end:
        previous_end = frame.groupby("child", sort=False)["end"].shift(1)
        previous_left = frame.groupby("child", sort=False)["left_care"].shift(1, fill_value=False).astype(bool)
        same_day = ~first & frame["start"] & ~previous_left & (previous_end == frame["day"])
        after_leaving = ~first & ~frame["start"] & previous_left
        if same_day.any():
            notes.append(f"{int(same_day.sum()):,} episodes start a period (reason S) although the episode before "
                         "ended the same day without the child leaving care (DfE validation rule 431): counted as "
                         "periods, as recorded")
        if after_leaving.any():
            notes.append(f"{int(after_leaving.sum()):,} episodes follow one where the child left care but are not "
                         "a start (DfE validation rule 432): not counted as periods, as recorded")
    return notes
