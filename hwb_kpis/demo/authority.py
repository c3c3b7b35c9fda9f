"""One synthetic authority simulated month by month: its random stream, behaviour, monthly
volumes, children and mess, and :meth:`Authority.month`, which runs one month's steps in order
(volumes, children, outcomes, looked-after, text). The order of the steps is the order of the
random draws: changing it changes every extract."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hwb_kpis.demo import children, looked_after, outcomes, recording, volumes
from hwb_kpis.demo.calibration import CALIBRATION, CHILDREN, Behaviour, other_behaviour
from hwb_kpis.demo.dates import Dates, Month, label
from hwb_kpis.demo.ids import Identifiers
from hwb_kpis.demo.mess import Mess


@dataclass
class Chunk:
    """One month of one authority: the raw rows as text, ready to append to the CSV files."""

    authority: str
    month: str
    contacts: pd.DataFrame
    looked_after: pd.DataFrame


def random_stream(seed: int, index: int) -> np.random.Generator:
    """Authority 0 uses ``seed`` itself, authority ``a >= 1`` ``SeedSequence([seed, a])``."""
    if index == 0:
        return np.random.Generator(np.random.PCG64(seed))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, index])))


class Authority:
    """Simulates authority ``index`` (0 is the calibrated default) over ``months``."""

    def __init__(self, index: int, seed: int, months: list[tuple[int, int]], scale: float, n_authorities: int,
                 end_day: int):
        self.rng = rng = random_stream(seed, index)
        self.ids = Identifiers(index, n_authorities)
        self.name = self.ids.name
        self.behaviour = Behaviour(self.name) if index == 0 else other_behaviour(self.name, rng)
        self.months = months
        self.scale = scale
        self.end_day = end_day
        self.total_n, self.school_n, self.health_n = volumes.month_targets(months, rng, self.behaviour, scale)
        self.state = children.ChildState()
        self.mess = Mess(rng, [label(y, m) for y, m in months])

    def month(self, mi: int, dates: Dates) -> Chunk:
        """Simulate month ``mi``: its contacts and periods of care as text rows."""
        rng, b, st = self.rng, self.behaviour, self.state
        month = Month.of(mi, *self.months[mi], is_last=mi == len(self.months) - 1)
        exact = b.calibrated and month.label == CALIBRATION["month"] and mi >= 12

        chan = volumes.agency_slots(rng, month, int(self.total_n[mi]), int(self.school_n[mi]),
                                    int(self.health_n[mi]), exact)
        day = volumes.contact_days(rng, month, chan)
        slots = children.fill_slots(rng, st, month, b, chan, exact)
        variant, picks = recording.pick_variants(rng, chan)
        new = children.new_children(rng, self.ids, chan, slots, day, variant, picks)
        marf = outcomes.marf_flags(rng, month, b, chan, new, exact)
        decided = outcomes.decide(rng, month, b, st, slots.child, chan, day, marf, new, self.end_day, exact)
        children.remember(st, slots, new, day, marf, chan, decided.not_met, decided.referred)
        periods = looked_after.periods(rng, st, month, b, self.scale, self.end_day)

        child = slots.child
        contacts = recording.contact_rows(rng, month, self.ids, chan, variant, picks, st.key[child], st.dob[child],
                                          st.gender[child], day, marf, decided.outcome, decided.day, dates)
        contacts = self._with_authority(self.mess.contacts(mi, contacts, self.ids))
        st.forget_before(month.last - CHILDREN["forget_after_days"])
        # The looked-after rows are written after the state has forgotten old children, with the
        # state indices from before (as the generator always has: kept for identical extracts).
        la_rows = looked_after.rows(rng, self.ids, st.key, periods, dates)
        return Chunk(self.name, month.label, contacts, self._with_authority(self.mess.looked_after(mi, la_rows, self.ids)))

    def _with_authority(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.name:
            frame["authority"] = self.name
        return frame

