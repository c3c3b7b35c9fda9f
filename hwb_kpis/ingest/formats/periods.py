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


def period_notes(child: pd.Series, start: pd.Series, is_start: np.ndarray, *, source: str) -> list[str]:
    """What the periods were made from, in plain words (counts only, no values)."""
    n, starts = len(child), int(is_start.sum())
    notes = [f"{n:,} episodes read from {source}: {starts:,} start a period of care (reason S) and become its rows; "
             f"{n - starts:,} continue a period begun earlier and are not period starts"]
    if n:
        from hwb_kpis.ingest.dates import parse_dates

        day = parse_dates(start.astype("string"))[0]
        order = pd.DataFrame({"child": child.to_numpy(), "day": day.to_numpy(), "start": is_start})
        order = order[order["day"].notna()].sort_values(["child", "day"], kind="stable")
        first = order.groupby("child", sort=False).head(1)
        continuing = int((~first["start"]).sum())
        if continuing:
            notes.append(f"{continuing:,} children's first episode here is not a start: their period began before "
                         "this return, so its start date is not in it")
    return notes
