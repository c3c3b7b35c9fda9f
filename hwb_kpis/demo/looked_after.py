"""Children starting to be looked after in the synthetic extract, and their initial health
assessments (IHA): who (children referred in the previous months), when, and how long each step
took (consent, health notified, the assessment), planted so that timeliness improves mainly
through faster consent; the calibration cohorts exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis.config import LOOKED_AFTER_COLUMNS
from hwb_kpis.demo.calibration import (
    IHA_COHORTS,
    LOOKED_AFTER,
    Behaviour,
    consent_fraction,
    iha_on_time_share,
)
from hwb_kpis.demo.children import ChildState
from hwb_kpis.demo.dates import Dates, Month
from hwb_kpis.demo.draws import weighted_pick
from hwb_kpis.demo.ids import Identifiers
from hwb_kpis.demo.recording import LOOKED_AFTER_UK_SHARE

Periods = dict[str, np.ndarray]  # child (state index), start, consent, notified, iha (day numbers; -1 none)


def _cohort_size(rng, month: Month, b: Behaviour, scale: float) -> tuple[int, int]:
    """(children, of whom on time; -1 when drawn) starting this month: a calibration cohort
    exactly (scaled), else Poisson."""
    cohort = {c[0]: c[1:] for c in IHA_COHORTS} if b.calibrated else {}
    if month.label in cohort:
        n_c, k_c = cohort[month.label]
        n = max(1, round(n_c * scale))
        return n, round(n * k_c / n_c)
    return int(rng.poisson(b.la_rate * scale)), -1


def _on_time(rng, month: Month, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(assessed on time, never assessed): ``k`` on time when planted, else the month's share."""
    if k >= 0:
        on_time = np.zeros(n, dtype=bool)
        on_time[rng.permutation(n)[: min(k, n)]] = True
        return on_time, np.zeros(n, dtype=bool)
    on_time = rng.random(n) < iha_on_time_share(month.label)
    return on_time, ~on_time & (rng.random(n) < LOOKED_AFTER["never_share"])


def periods(rng, st: ChildState, month: Month, b: Behaviour, scale: float, end_day: int) -> Periods:
    """The periods of care starting this month (children marked looked after in the state); dates
    after the extract's end are left out (-1)."""
    la = LOOKED_AFTER
    n, k = _cohort_size(rng, month, b, scale)
    s = month.first
    pool = np.flatnonzero((st.last_ref >= s - la["referred_within_days"]) & (st.last_ref <= s - 1) & ~st.looked_after)
    n = min(n, len(pool))
    idx = pool[weighted_pick(rng, np.ones(len(pool)), n)]
    idx = idx[rng.permutation(n)]
    st.looked_after[idx] = True
    start = s + rng.integers(0, month.days, size=n)
    on_time, never = _on_time(rng, month, n, k)
    lo, hi = la["on_time_days"]
    total = np.where(on_time, rng.integers(lo, hi + 1, size=n),
                     hi + 1 + np.minimum(rng.exponential(la["late_mean_days"], n), la["late_cap_days"]).astype(np.int64))
    a = consent_fraction(month.label) * rng.uniform(*la["consent"]["factor"], n)
    consent = start + np.floor(total * a).astype(np.int64)
    notified_after = np.floor(total * la["notified_share"] * rng.uniform(*la["notified_factor"], n)).astype(np.int64)
    notified = np.minimum(consent + np.maximum(1, notified_after), start + total - 1)
    iha = np.where(never, -1, start + total)
    out = {"child": idx, "start": start, "consent": consent, "notified": notified, "iha": iha}
    for col in ("consent", "notified", "iha"):
        out[col] = np.where(out[col] > end_day, -1, out[col])
    return out


def rows(rng, ids: Identifiers, keys: np.ndarray, la: Periods, dates: Dates) -> pd.DataFrame:
    """The periods as raw text rows (dates ISO or UK, one format per row); ``keys`` are the
    children's numbers by state index."""
    n = len(la["child"])
    fmt = (rng.random(n) < LOOKED_AFTER_UK_SHARE).astype(np.int64)
    frame = pd.DataFrame({
        "child_id": ids.child_text(keys[la["child"]]) if n else np.zeros(0, dtype=object),
        "period_start": dates.text(la["start"], fmt),
        "consent_date": np.where(la["consent"] < 0, "", dates.text(la["consent"], fmt)),
        "health_notified_date": np.where(la["notified"] < 0, "", dates.text(la["notified"], fmt)),
        "iha_date": np.where(la["iha"] < 0, "", dates.text(la["iha"], fmt)),
    })
    for col in LOOKED_AFTER_COLUMNS:
        frame[col] = frame[col].astype(object)
    return frame
