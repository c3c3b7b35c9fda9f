"""The synthetic extract's calibration targets and the sizes of its planted mechanisms, read from
``calibration.yml`` (the data; this module only names it), and the month-by-month targets they
give (:func:`conversion_target`, :func:`repeat_target`, ...) for one authority's
:class:`Behaviour`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from hwb_kpis.demo.draws import logit, sigmoid

DATA = yaml.safe_load((Path(__file__).with_name("calibration.yml")).read_text(encoding="utf-8"))

DEFAULT_SEED: int = DATA["extract"]["seed"]
DEFAULT_START: str = DATA["extract"]["start"]
DEFAULT_END: str = DATA["extract"]["end"]

#: the calibration month's exact quotas (fractions of the month's contacts; conversion of decided)
CALIBRATION: dict[str, Any] = dict(DATA["calibration_month"])
#: IHA cohorts planted exactly at scale 1: month -> (children, assessed within 28 days)
IHA_COHORTS: tuple[tuple[str, int, int], ...] = tuple(tuple(c) for c in DATA["iha_cohorts"])

VOLUMES: dict[str, Any] = DATA["volumes"]
#: the mean contacts a month over this window is exactly ``MONTHLY_CONTACTS * scale`` (pre-rounding)
VOLUME_WINDOW: tuple[str, str] = tuple(VOLUMES["window"])
MONTHLY_CONTACTS: float = VOLUMES["monthly_contacts"]
SCHOOL_TERM_MONTH: float = VOLUMES["school_term_month"]
SCHOOL_SEASON: tuple[float, ...] = tuple(VOLUMES["school_season"])

CHILDREN: dict[str, Any] = DATA["children"]
REPEAT_WINDOW: int = CHILDREN["repeat_window"]
LOOKED_AFTER: dict[str, Any] = DATA["looked_after"]
LA_STARTS_PER_MONTH: float = LOOKED_AFTER["starts_per_month"]

REPEAT: dict[str, Any] = DATA["repeat"]
MARF: dict[str, Any] = DATA["marf"]
CONVERSION: dict[str, Any] = DATA["conversion"]
#: logit effects on P(referral): submitted on a MARF; child referred within the last 365 days
MARF_LOGIT: float = MARF["logit"]
REREFERRAL_LOGIT: float = CONVERSION["rereferral_logit"]
OTHER_AUTHORITIES: dict[str, Any] = DATA["other_authorities"]
#: threshold training planted for some agencies: agency, codes, month, conversion_logit, what
TRAINING: tuple[dict[str, Any], ...] = tuple(dict(t) for t in DATA.get("training") or ())


@dataclass
class Behaviour:
    """How one authority departs from the calibrated default (authority 0 is the default itself:
    ``calibrated``, its quotas and IHA cohorts planted exactly)."""

    name: str
    volume: float = 1.0
    health_share: float = VOLUMES["health_share"]
    marf_shift: float = 0.0
    conv_shift: float = 0.0
    repeat_shift: float = 0.0
    la_rate: float = LA_STARTS_PER_MONTH
    calibrated: bool = True


def other_behaviour(name: str, rng: np.random.Generator) -> Behaviour:
    """The behaviour of an authority other than the first: drawn around the default."""
    o = OTHER_AUTHORITIES
    vol = float(np.exp(rng.normal(0.0, o["volume_sd"])))
    return Behaviour(
        name, volume=vol, health_share=float(rng.uniform(*o["health_share"])),
        marf_shift=float(rng.normal(0.0, o["marf_shift_sd"])), conv_shift=float(rng.normal(0.0, o["conversion_shift_sd"])),
        repeat_shift=float(rng.normal(0.0, o["repeat_shift_sd"])),
        la_rate=LA_STARTS_PER_MONTH * vol * float(rng.uniform(*o["starts_factor"])), calibrated=False,
    )


def months_since(ym: str, since: str) -> int:
    """Whole months from ``since`` to ``ym`` (both ``YYYY-MM``; negative before)."""
    return (int(ym[:4]) - int(since[:4])) * 12 + (int(ym[5:]) - int(since[5:]))


def conversion_target(ym: str, b: Behaviour) -> float:
    """Expected conversion of the month (before agency/MARF/history effects)."""
    c = CONVERSION
    k = months_since(ym, c["rise_start"])
    if k < -1:
        base = c["early"]
    elif k == -1:
        base = c["before_rise"]
    else:
        lo, hi = logit(c["rise_from"]), logit(c["rise_to"])
        base = float(sigmoid(lo + (hi - lo) * min(k, c["rise_months"]) / float(c["rise_months"])))
    return float(sigmoid(logit(base) + b.conv_shift))


def training_logit(ym: str, codes: np.ndarray) -> np.ndarray:
    """Per channel (``codes``: each channel's true code), the logit shift of P(referral) from the
    threshold training planted by the month ``ym`` (0 before an agency's training month)."""
    shift = np.zeros(len(codes))
    for t in TRAINING:
        if months_since(ym, t["month"]) >= 0:
            shift += np.isin(codes.astype(str), [str(c) for c in t["codes"]]) * float(t["conversion_logit"])
    return shift


def marf_shift(ym: str, b: Behaviour) -> float:
    """Logit shift of every agency's MARF use in the month."""
    k = months_since(ym, MARF["shift_until"])
    n = MARF["shift_months"]
    base = MARF["shift"] if k <= 0 else MARF["shift"] * (1 - min(k, n) / float(n))
    return base + b.marf_shift


def repeat_target(ym: str, b: Behaviour) -> float:
    """Share of the month's contacts to fill with repeat children."""
    k = months_since(ym, REPEAT["falls_after"])
    n = REPEAT["fall_months"]
    base = REPEAT["start"] if k <= 0 else REPEAT["start"] - REPEAT["fall"] * min(k, n) / float(n)
    return base + b.repeat_shift


def iha_on_time_share(ym: str) -> float:
    """Share of the month's looked-after cohort assessed within 28 days."""
    t = LOOKED_AFTER["on_time"]
    k = months_since(ym, t["rises_from"])
    if k < 0:
        j = months_since(ym, t["falls_from"])
        return float(np.clip(t["start"] - t["fall"] * j / float(t["fall_months"]), t["floor"], t["start"]))
    return float(min(t["rise_from"] + (t["rise_to"] - t["rise_from"]) * k / float(t["rise_months"]), t["rise_to"]))


def consent_fraction(ym: str) -> float:
    """Share of the start-to-IHA time spent getting consent in the month."""
    c = LOOKED_AFTER["consent"]
    k = months_since(ym, c["falls_from"])
    return float(np.clip(c["start"] - c["fall"] * k / float(c["fall_months"]), c["floor"], c["start"]))
