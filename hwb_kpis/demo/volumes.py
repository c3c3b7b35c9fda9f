"""How many contacts the synthetic front door gets, from whom and on which days: exact monthly
totals (school terms, the health share, the calibration month's quota), the agency of every
contact slot, and its day within the month (quiet weekends, schools closed)."""

from __future__ import annotations

import numpy as np

from hwb_kpis.demo import channels as ch
from hwb_kpis.demo.calibration import (
    CALIBRATION,
    MONTHLY_CONTACTS,
    SCHOOL_SEASON,
    SCHOOL_TERM_MONTH,
    VOLUME_WINDOW,
    VOLUMES,
    Behaviour,
)
from hwb_kpis.demo.dates import SATURDAY, Month, label
from hwb_kpis.demo.draws import largest_remainder


def month_targets(months: list[tuple[int, int]], rng: np.random.Generator, b: Behaviour, scale: float):
    """Contacts, school contacts and health contacts per month (exact counts, arrays by month)."""
    n = len(months)
    moy = np.array([m for _, m in months]) - 1
    season = np.array(SCHOOL_SEASON)[moy]
    school = SCHOOL_TERM_MONTH * season * np.exp(rng.normal(0.0, VOLUMES["school_noise_sd"], n))
    other = (MONTHLY_CONTACTS - SCHOOL_TERM_MONTH * float(np.mean(SCHOOL_SEASON))) * np.exp(
        rng.normal(0.0, VOLUMES["noise_sd"], n))
    total = school + other
    labels = [label(y, m) for y, m in months]
    window = np.array([VOLUME_WINDOW[0] <= lab <= VOLUME_WINDOW[1] for lab in labels])
    ref = float(total[window].mean()) if window.any() else float(total.mean())
    factor = MONTHLY_CONTACTS / ref * scale * b.volume
    school_n = np.round(school * factor).astype(np.int64)
    total_n = np.maximum(np.round(total * factor).astype(np.int64), school_n + 2)
    clip = VOLUMES["health_share_clip"]
    share = np.clip(b.health_share + rng.normal(0.0, VOLUMES["health_share_sd"], n), b.health_share - clip,
                    b.health_share + clip)
    for i, lab in enumerate(labels):
        if b.calibrated and lab == CALIBRATION["month"]:
            share[i] = CALIBRATION["health_share"]
    health_n = np.round(share * total_n).astype(np.int64)
    health_n = np.minimum(health_n, total_n - school_n - 1)
    return total_n, school_n, health_n


def agency_slots(rng: np.random.Generator, month: Month, total: int, school: int, health: int,
                 exact: bool) -> np.ndarray:
    """The channel number of every contact slot of the month: health, school and other blocks with
    their exact totals; health channels shared out exactly (``exact``: the calibration month) or
    drawn, the school nurse following the school terms."""
    hidx, sidx, oidx = ch.BLOCK["health"], ch.BLOCK["school"], ch.BLOCK["other"]
    hp = np.array([ch.CHANNELS[i].share for i in hidx])
    hp = np.where(ch.SCHOOL_TERMS[hidx], hp * SCHOOL_SEASON[month.month - 1], hp)
    hcount = largest_remainder(health, hp) if exact else rng.multinomial(health, hp / hp.sum())
    op = np.array([ch.CHANNELS[i].share for i in oidx])
    ocount = rng.multinomial(total - school - health, op / op.sum())
    return np.concatenate([np.repeat(hidx, hcount), np.repeat(sidx, [school]), np.repeat(oidx, ocount)])


def contact_days(rng: np.random.Generator, month: Month, chan: np.ndarray) -> np.ndarray:
    """Day number of every slot: weekends quiet, school channels almost only on weekdays; the
    extract's last month always has a contact on its last day."""
    s, e, n = month.first, month.last, len(chan)
    dow = (np.arange(s, e + 1) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    weekend = dow >= SATURDAY
    w_other = np.where(weekend, VOLUMES["weekend_weight"], 1.0)
    w_school = np.where(weekend, VOLUMES["school_weekend_weight"], 1.0)
    schoolish = ch.SCHOOL_TERMS[chan]
    day = np.empty(n, dtype=np.int64)
    day[~schoolish] = rng.choice(month.days, size=int((~schoolish).sum()), p=w_other / w_other.sum())
    day[schoolish] = rng.choice(month.days, size=int(schoolish.sum()), p=w_school / w_school.sum())
    day += s
    if month.is_last and n and not (day == e).any():
        day[np.flatnonzero(~schoolish)[:1] if (~schoolish).any() else 0] = e
    return day
