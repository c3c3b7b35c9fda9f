"""What becomes of the synthetic contacts: whether each is on a MARF (agency, rising through 2015)
and how it ends (referral with a logistic chance: agency, MARF, an earlier referral, the month's
target conversion; else NFA, advice or early help by agency), with the day it was decided. The
calibration month gets its exact quotas; siblings mostly share their first sibling's."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwb_kpis.config import OUTCOMES
from hwb_kpis.demo import channels as ch
from hwb_kpis.demo.calibration import (
    CALIBRATION,
    CONVERSION,
    MARF,
    MARF_LOGIT,
    REPEAT_WINDOW,
    REREFERRAL_LOGIT,
    Behaviour,
    conversion_target,
    marf_shift,
    training_logit,
)
from hwb_kpis.demo.children import ChildState, NewChildren
from hwb_kpis.demo.dates import Month
from hwb_kpis.demo.draws import logit, sigmoid, solve_intercept, weighted_pick

#: outcome codes: positions in ``OUTCOMES`` (referral, nfa, advice, early_help, pending)
REFERRAL, NFA, ADVICE, EARLY_HELP, PENDING = (OUTCOMES.index(o) for o in
                                              ("referral", "nfa", "advice", "early_help", "pending"))


def marf_flags(rng, month: Month, b: Behaviour, chan: np.ndarray, new: NewChildren, exact: bool) -> np.ndarray:
    """Whether each contact is on a MARF: the agency's use in November 2015 shifted by the month's
    trend and agency-by-month noise; the calibration month's exact shares (all, health)."""
    n = len(chan)
    x = logit(np.clip(ch.MARF[chan], 0.005, 0.995)) + marf_shift(month.label, b) + rng.normal(
        0.0, MARF["noise_sd"], ch.N_CHANNELS)[chan]
    pm = sigmoid(x)
    if exact:
        health = ch.HEALTH[chan]
        marf = np.zeros(n, dtype=bool)
        hs, os_ = np.flatnonzero(health), np.flatnonzero(~health)
        m_h = round(CALIBRATION["marf_health"] * int(health.sum()))
        m_all = round(CALIBRATION["marf_all"] * n)
        marf[hs[weighted_pick(rng, pm[hs], m_h)]] = True
        marf[os_[weighted_pick(rng, pm[os_], m_all - m_h)]] = True
    else:
        marf = rng.random(n) < pm
        marf[new.followers] = marf[new.leaders]
    return marf


@dataclass
class Decisions:
    """How each contact ends (a code of :data:`OUTCOMES`) and the day it was decided (-1: pending)."""

    outcome: np.ndarray
    day: np.ndarray

    @property
    def not_met(self) -> np.ndarray:
        """Threshold not met: NFA, advice or early help."""
        return (self.outcome >= NFA) & (self.outcome <= EARLY_HELP)

    @property
    def referred(self) -> np.ndarray:
        return self.outcome == REFERRAL


def _pending(rng, month: Month, day: np.ndarray) -> np.ndarray:
    """Contacts of the extract's last days still waiting for a decision."""
    if not month.is_last:
        return np.zeros(len(day), dtype=bool)
    return (day > month.last - CONVERSION["pending_days"]) & (rng.random(len(day)) < CONVERSION["pending_share"])


def _referrals(rng, month: Month, b: Behaviour, x: np.ndarray, pending: np.ndarray, new: NewChildren,
               exact: bool) -> np.ndarray:
    """Referral or not: logistic in ``x`` with the intercept that gives the month's conversion."""
    decided = np.flatnonzero(~pending)
    pr = sigmoid(solve_intercept(x[decided], conversion_target(month.label, b)) + x)
    if exact:
        referral = np.zeros(len(x), dtype=bool)
        k = round(CALIBRATION["conversion"] * len(decided))
        referral[decided[weighted_pick(rng, pr[decided], k)]] = True
        return referral
    referral = (rng.random(len(x)) < pr) & ~pending
    copy = rng.random(len(new.followers)) < CONVERSION["outcome_copied"]
    fol, lead = new.followers[copy], new.leaders[copy]
    referral[fol] = referral[lead] & ~pending[fol]
    return referral


def decide(rng, month: Month, b: Behaviour, st: ChildState, child: np.ndarray, chan: np.ndarray, day: np.ndarray,
           marf: np.ndarray, new: NewChildren, end_day: int, exact: bool) -> Decisions:
    """The outcome and decision day of every contact (``child``: state index of an existing child,
    -1 for a new one)."""
    n = len(chan)
    ex = np.flatnonzero(child >= 0)
    ref_recent = np.zeros(n, dtype=bool)
    ref_recent[ex] = day[ex] - st.last_ref[child[ex]] <= REPEAT_WINDOW
    pending = _pending(rng, month, day)
    x = ch.CONVERSION[chan] + MARF_LOGIT * marf + REREFERRAL_LOGIT * ref_recent + rng.normal(
        0.0, CONVERSION["noise_sd"], ch.N_CHANNELS)[chan]
    if b.calibrated:  # the planted threshold training (the default authority only)
        x = x + training_logit(month.label, ch.CODE)[chan]
    referral = _referrals(rng, month, b, x, pending, new, exact)
    split = ch.SPLIT[chan]
    su = rng.random(n)
    nonref = np.where(su < split[:, 0], NFA, np.where(su < split[:, 0] + split[:, 1], ADVICE, EARLY_HELP))
    outcome = np.where(pending, PENDING, np.where(referral, REFERRAL, nonref)).astype(np.int64)
    if not exact:
        copy = rng.random(len(new.followers)) < CONVERSION["outcome_copied"]
        fol, lead = new.followers[copy], new.leaders[copy]
        outcome[fol] = np.where(pending[fol], PENDING, outcome[lead])
    gap = np.minimum(rng.geometric(CONVERSION["decision_gap"], n) - 1, CONVERSION["decision_max_days"])
    return Decisions(outcome, np.where(pending, -1, np.minimum(day + gap, end_day)))
