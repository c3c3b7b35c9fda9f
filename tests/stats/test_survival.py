"""Time to re-contact (hwb_kpis.stats.survival): Kaplan-Meier hand-computed, groups, episodes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.config import THRESHOLD_NOT_MET
from hwb_kpis.stats import km_curves, km_recontact, recontact_episodes

KM_EPISODES = pd.DataFrame({
    "duration_days": [10, 20, 20, 50, 100, 200, 400],
    "event": [True, True, False, True, False, True, False],
    "group": ["health"] * 7,
})


def test_km_hand_computed():
    # S(10) = 6/7; S(20) = 6/7 x 5/6 = 5/7 (the censored 20 is at risk at 20);
    # S(50) = 5/7 x 3/4 = 15/28; S(200) = 15/28 x 1/2 = 15/56
    curves = km_curves(KM_EPISODES, include_all=False)
    assert curves["time"].tolist() == [0, 10, 20, 50, 200]
    assert curves["surv"].tolist() == pytest.approx([1, 6 / 7, 5 / 7, 15 / 28, 15 / 56])
    assert curves["n_risk"].tolist() == [7, 7, 6, 4, 2]
    shares = km_recontact(KM_EPISODES, include_all=False).set_index("horizon_days")
    assert shares.loc[91, "share"] == pytest.approx(13 / 28)
    assert shares.loc[182, "share"] == pytest.approx(13 / 28)
    assert shares.loc[365, "share"] == pytest.approx(41 / 56)
    assert shares.loc[365, "at_risk"] == 1 and shares.loc[365, "events"] == 4
    assert shares.loc[91, "horizon"] == "3 months"
    # log-log CI around S(50) = 15/28 with Greenwood se
    s = 15 / 28
    greenwood = s * math.sqrt(1 / (7 * 6) + 1 / (6 * 5) + 1 / (4 * 3))
    theta = 1.959964 * greenwood / (s * abs(math.log(s)))
    assert shares.loc[91, "ci_low"] == pytest.approx(1 - s ** math.exp(-theta), abs=1e-5)
    assert shares.loc[91, "ci_high"] == pytest.approx(1 - s ** math.exp(theta), abs=1e-5)
    assert shares.loc[91, "ci_low"] < 13 / 28 < shares.loc[91, "ci_high"]


def test_km_groups_and_all():
    eps = pd.concat([KM_EPISODES, KM_EPISODES.assign(group="police", event=True)])
    shares = km_recontact(eps)
    assert set(shares["group"]) == {"health", "police", "all"}
    police = shares[shares["group"] == "police"].set_index("horizon_days")
    assert police.loc[91, "share"] == pytest.approx(4 / 7)
    # police followed to 400 days, every episode an event
    assert police.loc[365, "share"] == pytest.approx(6 / 7)
    short = km_recontact(KM_EPISODES.assign(duration_days=[1, 2, 3, 4, 5, 6, 7]), include_all=False)
    # nobody followed to 91 days and the curve has not reached 0: no estimate
    assert np.isnan(short.set_index("horizon_days").loc[91, "share"])


def test_recontact_episodes():
    contacts = pd.DataFrame({
        "child_id": pd.array(["A", "A", "A", "B", "C", "C"], dtype="string"),
        "contact_date": pd.to_datetime(["2015-01-01", "2015-01-01", "2015-03-02", "2015-02-01",
                                        "2015-01-10", "2015-02-10"]),
        "outcome": pd.array(["nfa", "referral", "advice", "early_help", "referral", "nfa"],
                            dtype="string"),
        "source_group": pd.array(["health", "police", "health", "schools", "health", "police"],
                                 dtype="string"),
    })
    ep = recontact_episodes(contacts, extract_end="2015-12-31", not_met=THRESHOLD_NOT_MET)
    assert ep["child_id"].tolist() == ["A", "B", "C", "A"]
    # A: 1 Jan -> next later contact 2 Mar = 60 days (the same-day referral does not count)
    # B: 1 Feb censored at 31 Dec = 333 days; C: 10 Feb censored = 324; A: 2 Mar censored = 304
    assert ep["duration_days"].tolist() == [60, 333, 324, 304]
    assert ep["event"].tolist() == [True, False, False, False]
    assert ep["group"].tolist() == ["health", "schools", "police", "health"]
    assert ep["month"].tolist() == ["2015-01", "2015-02", "2015-02", "2015-03"]
    default_end = recontact_episodes(contacts, not_met=THRESHOLD_NOT_MET)  # extract end = last contact, 2 Mar
    assert default_end.set_index(["child_id", "outcome"]).loc[("B", "early_help"), "duration_days"] == 29


def test_recontact_hazards_recovers_a_planted_hazard_ratio():
    from hwb_kpis.stats import recontact_hazards

    rng = np.random.default_rng(11)
    n = 3000
    marf = rng.random(n) < 0.5
    group = rng.choice(["a", "b"], size=n)
    rate = 0.01 * np.where(marf, 1.0, 2.0)  # not on a MARF: twice the rate at every duration
    duration = rng.exponential(1 / rate)
    episodes = pd.DataFrame({
        "child_id": [f"c{i}" for i in range(n)], "month": "2015-01",
        "contact_date": pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 28, n), unit="D"),
        "marf": pd.array(marf, dtype="boolean"), "group": group,
        "duration_days": np.minimum(duration, 365).round().astype(int), "event": duration <= 365,
    })
    out = recontact_hazards(episodes, {"marf": "marf", "group": "group"}, reference={"marf": "yes"}, horizon_days=365)
    t = out.set_index(["term", "level"])
    assert t.loc[("marf", "no"), "ci_low"] <= 2.0 <= t.loc[("marf", "no"), "ci_high"]
    assert t.loc[("marf", "yes"), "is_reference"] and t.loc[("marf", "yes"), "hazard_ratio"] == 1.0
    assert t.loc[("group", "b"), "ci_low"] <= 1.0 <= t.loc[("group", "b"), "ci_high"]
    assert out["q_value"].notna().sum() == out["p_value"].notna().sum()
    assert out.attrs["n"] == n and out.attrs["horizon_days"] == 365
    with pytest.raises(ValueError):
        recontact_hazards(episodes.assign(event=False), {"marf": "marf"})
