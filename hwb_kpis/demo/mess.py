"""The documented mess of the synthetic extract (``mess.yml``): per authority a few tens of
*extra* rows (so no child's history changes) — exact duplicates, missing child ids, impossible,
unparseable and future dates, unknown outcomes, contact ids shared by different rows — placed in
months where they cannot touch a calibration figure, each ending in the quarantine or the
duplicate count with its reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from hwb_kpis.demo.calibration import IHA_COHORTS
from hwb_kpis.demo.ids import Identifiers

DATA = yaml.safe_load((Path(__file__).with_name("mess.yml")).read_text(encoding="utf-8"))
#: the column a messy contact row gets in place of its value, by kind
_BAD_CONTACT_DATES = {"baddate": "bad_dates", "unparseable": "unparseable_dates", "future": "future_dates"}


def _plan(rng, months: list[int], counts: dict[str, int]) -> dict[int, list[str]]:
    """Month index -> the kinds of mess row added that month (``counts`` rows of each kind,
    months drawn from ``months``)."""
    planned: dict[int, list[str]] = {}
    for kind, count in counts.items():
        picks = np.sort(rng.choice(np.array(months), size=count, replace=True))
        for i in picks:
            planned.setdefault(int(i), []).append(kind)
    return planned


class Mess:
    """The mess rows of one authority: planned up front, added month by month."""

    def __init__(self, rng, labels: list[str]):
        self.rng = rng
        early = [i for i, lab in enumerate(labels) if lab < DATA["contacts_before"]] or list(
            range(max(1, len(labels) - 1)))
        self.contact_months = _plan(rng, early, DATA["contacts"])
        cohorts = {c[0] for c in IHA_COHORTS}
        la_ok = [i for i, lab in enumerate(labels) if lab not in cohorts and lab != labels[-1]] or [0]
        self.la_months = _plan(rng, la_ok, DATA["looked_after"])
        self.la_bad_starts = 0

    def _contact_row(self, kind: str, row: pd.DataFrame, ids: Identifiers) -> list[pd.DataFrame]:
        """The row(s) one kind of mess adds, made from a copy of an ordinary row."""
        rng = self.rng
        if kind == "dup":
            return [row]
        row["contact_id"] = ids.contact_text(1)
        if kind == "conflict":
            row["child_id"] = ids.child_text(np.array([90_000_000 + ids.next_child]))
            ids.next_child += 1
            twin = row.copy()
            twin["outcome"] = "NFA" if str(row["outcome"].iloc[0]).strip().lower() != "nfa" else "Referral"
            return [row, twin]
        if kind == "noid":
            row["child_id"] = ""
        elif kind in _BAD_CONTACT_DATES:
            values = DATA[_BAD_CONTACT_DATES[kind]]
            row["contact_date"] = values[int(rng.integers(0, len(values)))]
            row["decision_date"] = ""
        elif kind == "outcome":
            values = DATA["unknown_outcomes"]
            row["outcome"] = values[int(rng.integers(0, len(values)))]
        return [row]

    def contacts(self, month_index: int, frame: pd.DataFrame, ids: Identifiers) -> pd.DataFrame:
        """``frame`` with the month's mess rows, each placed just after the row it was made from."""
        kinds = self.contact_months.get(month_index, [])
        if not kinds or frame.empty:
            return frame
        extra, after = [], []
        for kind in kinds:
            src = int(self.rng.integers(0, len(frame)))
            rows = self._contact_row(kind, frame.iloc[[src]].copy(), ids)
            extra += rows
            after += [src] * len(rows)
        pos = np.concatenate([np.arange(len(frame), dtype=float), np.array(after, dtype=float) + 0.5])
        allrows = pd.concat([frame, *extra], ignore_index=True)
        return allrows.iloc[np.argsort(pos, kind="stable")].reset_index(drop=True)

    def looked_after(self, month_index: int, frame: pd.DataFrame, ids: Identifiers) -> pd.DataFrame:
        """``frame`` with the month's looked-after mess rows added at the end."""
        kinds = self.la_months.get(month_index, [])
        n = len(frame)
        if not kinds or not n:
            return frame
        rows = []
        starts = DATA["looked_after_bad_starts"]
        for kind in kinds:
            row = frame.iloc[[int(self.rng.integers(0, n))]].copy()
            if kind == "noid":
                row["child_id"] = ""
            elif kind == "baddate":
                row["child_id"] = ids.child_text(np.array([95_000_000 + month_index]))
                row["period_start"] = starts[min(self.la_bad_starts, len(starts) - 1)]
                self.la_bad_starts += 1
            rows.append(row)
        return pd.concat([frame, *rows], ignore_index=True)
