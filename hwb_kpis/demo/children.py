"""The children behind the synthetic contacts: who fills each contact slot (a *repeat* child
with a threshold-not-met contact in the last year, a *known* child, or a new one), new children
and their siblings, and the memory of the children seen in the last two years
(:class:`ChildState`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hwb_kpis.demo import channels as ch
from hwb_kpis.demo.calibration import (
    CALIBRATION,
    CHILDREN,
    REPEAT,
    REPEAT_WINDOW,
    Behaviour,
    repeat_target,
)
from hwb_kpis.demo.dates import NO_DAY, Month
from hwb_kpis.demo.draws import weighted_pick
from hwb_kpis.demo.ids import Identifiers

NEW, REPEAT_CHILD, KNOWN = 0, 1, 2  #: kinds of contact slot
ADULT_DAYS = 18 * 365  #: adults no longer come to children's services
MAX_REPEAT_SHARE = 0.9


def _empty(dtype) -> np.ndarray:
    return np.zeros(0, dtype)


@dataclass
class ChildState:
    """Children seen in the last two years (arrays indexed alike): number, family, date of birth,
    gender code, latest threshold-not-met contact (day, on a MARF, channel), latest referral,
    latest contact, and whether they have started to be looked after."""

    key: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    family: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    dob: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    gender: np.ndarray = field(default_factory=lambda: _empty(np.int8))
    last_nm: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    last_nm_marf: np.ndarray = field(default_factory=lambda: _empty(bool))
    last_nm_chan: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    last_ref: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    last_contact: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    looked_after: np.ndarray = field(default_factory=lambda: _empty(bool))

    FIELDS = ("key", "family", "dob", "gender", "last_nm", "last_nm_marf", "last_nm_chan", "last_ref",
              "last_contact", "looked_after")

    def append(self, **arrays: np.ndarray) -> None:
        for f in self.FIELDS:
            setattr(self, f, np.concatenate([getattr(self, f), arrays[f].astype(getattr(self, f).dtype)]))

    def keep(self, mask: np.ndarray) -> None:
        for f in self.FIELDS:
            setattr(self, f, getattr(self, f)[mask])

    def forget_before(self, day: int) -> None:
        """Forget children whose latest contact is before ``day`` (bounded memory)."""
        if len(self.key):
            self.keep(self.last_contact >= day)


@dataclass
class Slots:
    """Who fills the month's contact slots: the kind of each slot and the state index of the
    existing child in it (-1 for a new child, filled in by :func:`remember`)."""

    kind: np.ndarray
    repeat: np.ndarray  # slots filled by repeat children
    child: np.ndarray


def _repeat_slots(rng, month: Month, b: Behaviour, chan: np.ndarray, pool_size: int, exact: bool) -> np.ndarray:
    """Slots filled by repeat children: the calibration month's exact quotas (all and health),
    else the month's target, weighted by the agency of the new contact."""
    n = len(chan)
    health = ch.HEALTH[chan]
    if exact:
        r_all = min(round(CALIBRATION["repeat_all"] * n), pool_size)
        r_h = min(round(CALIBRATION["repeat_health"] * int(health.sum())), r_all)
        hs, os_ = np.flatnonzero(health), np.flatnonzero(~health)
        return np.sort(np.concatenate([hs[weighted_pick(rng, np.ones(len(hs)), r_h)],
                                       os_[weighted_pick(rng, ch.REPEAT[chan[os_]], r_all - r_h)]]))
    target = float(np.clip(repeat_target(month.label, b) + rng.normal(0.0, REPEAT["sd"]), 0.0, MAX_REPEAT_SHARE))
    r_all = min(round(target * n), int(CHILDREN["repeat_eligible_cap"] * pool_size))
    return weighted_pick(rng, ch.REPEAT[chan], r_all)


def fill_slots(rng, st: ChildState, month: Month, b: Behaviour, chan: np.ndarray, exact: bool) -> Slots:
    """Decide which slots are repeats, known or new children, and choose the existing children:
    repeat children weighted by their latest threshold-not-met contact (not on a MARF, its agency,
    how recent), known children by a recent referral and how recently they were seen."""
    s, e, n = month.first, month.last, len(chan)
    adult = st.dob <= e - ADULT_DAYS
    rep_pool = np.flatnonzero((st.last_nm >= e - REPEAT_WINDOW) & (st.last_nm <= s - 1) & ~adult)
    known_pool = np.flatnonzero((st.last_nm < s - REPEAT_WINDOW) & ~adult)
    rep_slots = _repeat_slots(rng, month, b, chan, len(rep_pool), exact)
    kind = np.zeros(n, dtype=np.int8)
    kind[rep_slots] = REPEAT_CHILD
    free = np.flatnonzero(kind == NEW)
    q = min(round(CHILDREN["known_share"] * n), len(known_pool) // 3, len(free))
    kind[free[weighted_pick(rng, np.ones(len(free)), q)]] = KNOWN

    child = np.full(n, -1, dtype=np.int64)
    if len(rep_slots):
        age = (s - st.last_nm[rep_pool]).astype(float)
        w = (np.where(st.last_nm_marf[rep_pool], 1.0, CHILDREN["not_on_marf_return"]) * ch.RETURN[st.last_nm_chan[rep_pool]]
             * np.exp(-age / CHILDREN["return_decay_days"]))
        chosen = rep_pool[weighted_pick(rng, w, len(rep_slots))]
        child[rep_slots] = chosen[rng.permutation(len(chosen))]
    known_slots = np.flatnonzero(kind == KNOWN)
    if len(known_slots):
        recent_ref = st.last_ref[known_pool] >= s - REPEAT_WINDOW
        w = (np.where(recent_ref, CHILDREN["known_recent_referral"], 1.0)
             * np.exp(-(s - st.last_contact[known_pool]) / CHILDREN["known_decay_days"]))
        chosen = known_pool[weighted_pick(rng, w, len(known_slots))]
        child[known_slots] = chosen[rng.permutation(len(chosen))]
    return Slots(kind, rep_slots, child)


@dataclass
class NewChildren:
    """The month's new children, one per new slot: numbers, families, dates of birth, genders;
    siblings (``followers``) share their first sibling's (``leaders``) contact."""

    slots: np.ndarray
    followers: np.ndarray  # slots of siblings ...
    leaders: np.ndarray  # ... and of the first child of their family in the month
    keys: np.ndarray
    family: np.ndarray
    dob: np.ndarray
    gender: np.ndarray


def _siblings(rng, chan: np.ndarray, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(has a leader, the leader's position) for each new slot: a share of new children are the
    sibling of the last new child before them, when contacted by the same agency."""
    z = len(slots)
    follower = rng.random(z) < CHILDREN["sibling_share"]
    pos = np.arange(z)
    leader_pos = np.maximum.accumulate(np.where(~follower, pos, -1))
    has_leader = follower & (leader_pos >= 0)
    leader_pos = np.where(has_leader, leader_pos, pos)
    has_leader &= chan[slots[leader_pos]] == chan[slots]
    return has_leader, np.where(has_leader, leader_pos, pos)


def _dates_of_birth(rng, day: np.ndarray, has_leader: np.ndarray, leader_pos: np.ndarray) -> np.ndarray:
    """Ages at first contact drawn by band; a sibling 1-6 years (and some days) from the first."""
    z = len(day)
    bands = np.array(CHILDREN["age_bands"])
    band = rng.choice(len(CHILDREN["age_shares"]), size=z, p=CHILDREN["age_shares"])
    lo = bands[:-1][band] * 365
    hi = bands[1:][band] * 365 - 1
    age_days = lo + (rng.random(z) * (hi - lo)).astype(np.int64)
    dob = day - age_days
    gap_lo, gap_hi = CHILDREN["sibling_gap_years"]
    jitter = CHILDREN["sibling_gap_jitter_days"]
    sib_gap = (rng.integers(gap_lo, gap_hi + 1, size=z) * 365 + rng.integers(-jitter, jitter + 1, size=z)) * np.where(
        rng.random(z) < 0.5, 1, -1)
    sib_dob = np.clip(dob[leader_pos] + sib_gap, day - 17 * 365, day - 30)
    return np.where(has_leader, sib_dob, dob)


def new_children(rng, ids: Identifiers, chan: np.ndarray, slots: Slots, day: np.ndarray, variant: np.ndarray,
                 picks: np.ndarray) -> NewChildren:
    """Make the month's new children; siblings take their first sibling's day, recording variant
    and free-text picks (changed in place)."""
    new = np.flatnonzero(slots.kind == NEW)
    has_leader, leader_pos = _siblings(rng, chan, new)
    followers, leaders = new[has_leader], new[leader_pos][has_leader]
    day[followers] = day[leaders]
    variant[followers] = variant[leaders]
    picks[followers] = picks[leaders]
    dob = _dates_of_birth(rng, day[new], has_leader, leader_pos)
    gender = rng.choice(3, size=len(new), p=CHILDREN["gender_shares"]).astype(np.int8)
    fam = ids.new_families(~has_leader)
    family = np.where(has_leader, fam[leader_pos], fam)
    return NewChildren(new, followers, leaders, ids.new_children(len(new)), family, dob, gender)


def remember(st: ChildState, slots: Slots, new: NewChildren, day: np.ndarray, marf: np.ndarray, chan: np.ndarray,
             not_met: np.ndarray, referred: np.ndarray) -> None:
    """Record the month's contacts in the state: latest contact, threshold-not-met contact and
    referral of existing children; new children appended (``slots.child`` set for them)."""
    child = slots.child
    ex = np.flatnonzero(child >= 0)
    if len(ex):
        ci = child[ex]
        st.last_contact[ci] = day[ex]
        nm = not_met[ex]
        st.last_nm[ci[nm]] = day[ex][nm]
        st.last_nm_marf[ci[nm]] = marf[ex][nm]
        st.last_nm_chan[ci[nm]] = chan[ex][nm]
        rf = referred[ex]
        st.last_ref[ci[rf]] = day[ex][rf]
    base = len(st.key)
    ns, z = new.slots, len(new.slots)
    st.append(
        key=new.keys, family=new.family, dob=new.dob, gender=new.gender,
        last_nm=np.where(not_met[ns], day[ns], NO_DAY), last_nm_marf=marf[ns], last_nm_chan=chan[ns],
        last_ref=np.where(referred[ns], day[ns], NO_DAY), last_contact=day[ns],
        looked_after=np.zeros(z, dtype=bool),
    )
    child[ns] = base + np.arange(z)
