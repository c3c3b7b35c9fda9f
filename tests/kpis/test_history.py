"""Each child's earlier contacts (hwb_kpis.kpis.history): repeat flags and the previous contact,
hand-computed and against a brute-force check of every pair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb_kpis import kpis
from hwb_kpis.errors import HwbKpisError
from tests.kpis.fixtures import counts, make_contacts


def test_repeat_window_boundaries_365_and_366_days():
    c = make_contacts([
        ("a", "2014-01-01", "nfa"), ("a", "2015-01-01", "referral"),      # exactly 365 days: repeat
        ("b", "2014-01-01", "nfa"), ("b", "2015-01-02", "referral"),      # 366 days: not
    ])
    flags = kpis.flag_repeats(c)
    assert flags["is_repeat"].tolist() == [False, True, False, False]
    r = kpis.repeat_contacts(c)
    assert counts(r, "repeat_contacts", "all", "2015-01") == (1, 2)
    assert counts(r, "repeat_contacts", "all", "2014-01") == (0, 2)


def test_repeat_same_day_contacts_do_not_count():
    c = make_contacts([
        ("a", "2015-03-02", "nfa"), ("a", "2015-03-02", "advice"), ("a", "2015-03-02", "referral"),
        ("a", "2015-03-03", "referral"),  # 1 day after two NFA-type contacts: repeat
    ])
    assert kpis.flag_repeats(c)["is_repeat"].tolist() == [False, False, False, True]


def test_repeat_needs_threshold_not_met_outcome():
    c = make_contacts([
        ("a", "2015-01-01", "referral"), ("a", "2015-02-01", "nfa"),    # earlier referral: not a repeat
        ("b", "2015-01-01", "pending"), ("b", "2015-02-01", "nfa"),     # earlier pending: not
        ("c", "2015-01-01", "advice"), ("c", "2015-02-01", "pending"),  # advice counts
        ("d", "2015-01-01", "early_help"), ("d", "2015-02-01", "referral"),  # early help counts
        ("e", "2015-01-01", "nfa"), ("e", "2015-01-15", "referral"), ("e", "2015-02-01", "nfa"),
    ])
    assert kpis.flag_repeats(c)["is_repeat"].tolist() == [
        False, False, False, False, False, True, False, True, False, True, True,
    ]
    r = kpis.repeat_contacts(c)
    assert counts(r, "repeat_contacts", "all", "2015-02") == (3, 5)
    assert counts(r, "repeat_contacts", "all", "2015-01") == (1, 6)


def test_repeat_lookback_parameter_and_other_children():
    c = make_contacts([
        ("a", "2015-01-01", "nfa"), ("a", "2015-01-31", "nfa"), ("a", "2015-03-02", "nfa"),
        ("b", "2015-01-30", "nfa"),  # another child's NFA never counts
        ("c", "2015-01-31", "nfa"),
    ])
    assert kpis.flag_repeats(c, lookback_days=30)["is_repeat"].tolist() == [False, True, True, False, False]
    assert kpis.flag_repeats(c, lookback_days=29)["is_repeat"].tolist() == [False, False, False, False, False]
    with pytest.raises(HwbKpisError):
        kpis.repeat_contacts(c, lookback_days=0)


def test_flag_repeats_previous_contact_columns():
    c = make_contacts([
        ("a", "2015-01-01", "referral", "6", "6", True),
        ("a", "2015-01-01", "nfa", "6", "6", False),       # same day: the NFA one is "previous"
        ("a", "2015-01-11", "pending", "6", "6", None),
        ("a", "2016-06-01", "nfa", "6", "6", True),        # previous is pending, long ago
        ("b", "2015-01-05", "advice", "6", "6", True),
    ])
    f = kpis.flag_repeats(c)
    assert f["previous_outcome"].tolist()[2:4] == ["nfa", "pending"]
    assert f["previous_outcome"].isna().tolist() == [True, True, False, False, True]
    assert pd.notna(f["previous_marf"].iloc[2]) and not f["previous_marf"].iloc[2]
    assert pd.isna(f["previous_marf"].iloc[3])  # the previous contact's MARF was unknown
    assert f["days_since_previous"].tolist()[2:4] == [10, 507]
    assert f["days_since_previous"].isna().tolist() == [True, True, False, False, True]
    assert f["is_repeat"].tolist() == [False, False, True, False, False]
    assert f["is_repeat"].dtype == bool
    assert list(f.columns[: len(c.columns)]) == list(c.columns)
    assert f["contact_id"].tolist() == c["contact_id"].tolist()


def test_history_matches_brute_force_on_random_data():
    rng = np.random.default_rng(4)
    n = 600
    child = rng.integers(0, 40, n)
    day = rng.integers(0, 900, n)
    day[rng.random(n) < 0.3] = 100  # many same-day ties
    outcomes = np.array(["referral", "nfa", "advice", "early_help", "pending"])
    outcome = outcomes[rng.integers(0, 5, n)]
    c = make_contacts([(f"k{ch}", pd.Timestamp("2014-01-01") + pd.Timedelta(days=int(d)), o)
                       for ch, d, o in zip(child, day, outcome, strict=True)])
    perm = rng.permutation(n)  # row order must not matter
    c = c.iloc[perm].reset_index(drop=True)
    f = kpis.flag_repeats(c, lookback_days=200)
    dates = c["contact_date"].to_numpy()
    kids = c["child_id"].to_numpy()
    outs = c["outcome"].to_numpy()
    expected = []
    for i in range(n):
        gaps = (dates[i] - dates[(kids == kids[i]) & np.isin(outs, ["nfa", "advice", "early_help"])]) / np.timedelta64(1, "D")
        expected.append(bool(((gaps > 0) & (gaps <= 200)).any()))
    assert f["is_repeat"].tolist() == expected
    rr = kpis.rereferral_12m(c, lookback_days=200)
    n_reref = 0
    for i in range(n):
        if outs[i] != "referral":
            continue
        gaps = (dates[i] - dates[(kids == kids[i]) & (outs == "referral")]) / np.timedelta64(1, "D")
        n_reref += bool(((gaps > 0) & (gaps <= 200)).any())
    monthly = rr[(rr["group"] == "all") & (rr["period"] == "month")]
    assert monthly["numerator"].sum() == n_reref
    assert monthly["denominator"].sum() == (outs == "referral").sum()


@pytest.mark.parametrize("ids", ["hex", "hex_clash", "text", "object"])
def test_history_paths_agree_with_brute_force(ids):
    """The 16-hex fast path, its 48-bit clash fallback and the dictionary-code path give the same
    flags as a direct check of every pair."""
    rng = np.random.default_rng(7)
    n, kids = 800, 60
    names = {
        "hex": [f"{v:016x}" for v in rng.integers(0, 2**62, kids)],
        "hex_clash": [f"abcdef012345{i:04x}" for i in range(kids)],  # all share their top 48 bits
        "text": [f"child-{i}" for i in range(kids)],
        "object": [f"{v:016x}" for v in rng.integers(0, 2**62, kids)],
    }[ids]
    child = rng.integers(0, kids, n)
    day = rng.integers(0, 700, n)
    outcome = np.array(["referral", "nfa", "advice", "early_help", "pending"])[rng.integers(0, 5, n)]
    c = make_contacts([(names[k], pd.Timestamp("2014-01-01") + pd.Timedelta(days=int(d)), o)
                       for k, d, o in zip(child, day, outcome, strict=True)])
    if ids == "object":
        c["child_id"] = c["child_id"].astype(object)
    f = kpis.flag_repeats(c, lookback_days=120)
    expected, expected_prev = [], []
    for i in range(n):
        same = child == child[i]
        gaps = day[i] - day[same & np.isin(outcome, ["nfa", "advice", "early_help"])]
        expected.append(bool(((gaps > 0) & (gaps <= 120)).any()))
        earlier = day[same & (day < day[i])]
        expected_prev.append(int(day[i] - earlier.max()) if len(earlier) else None)
    assert f["is_repeat"].tolist() == expected
    got = [None if pd.isna(v) else int(v) for v in f["days_since_previous"]]
    assert got == expected_prev


def test_children_are_matched_within_an_authority():
    c = make_contacts([("a", "2015-01-01", "nfa"), ("a", "2015-02-01", "nfa"), ("a", "2015-03-01", "nfa")])
    c["authority"] = pd.array(["north", "south", "north"], dtype="string")
    assert kpis.flag_repeats(c)["is_repeat"].tolist() == [False, False, True]


def test_previous_contact_ties_broken_by_source_row():
    c = make_contacts([
        ("a", "2015-01-01", "nfa", "6", "6", True),
        ("a", "2015-01-01", "nfa", "6", "6", False),
        ("a", "2015-01-02", "referral", "6", "6", False),
    ])
    c["source_row"] = [10, 5, 11]  # the first row was entered last
    f = kpis.flag_repeats(c)
    assert bool(f["previous_marf"].iloc[2]) is True
    c["source_row"] = [5, 10, 11]
    assert bool(kpis.flag_repeats(c)["previous_marf"].iloc[2]) is False


def test_stable_order_breaks_ties_by_the_tiebreak_only():
    from hwb_kpis.kpis.history import stable_order

    composite = np.array([3, 1, 1, 2, 1])
    assert stable_order(composite, None).tolist() == [1, 2, 4, 3, 0]  # ties keep row order
    assert stable_order(composite, np.array([0, 9, 5, 0, 7])).tolist() == [2, 4, 1, 3, 0]
    assert stable_order(np.array([1, 2, 2]), None).tolist() == [0, 1, 2]  # already sorted: free


def test_earlier_contact_agency_is_the_latest_threshold_not_met_contact_in_the_window():
    c = make_contacts([
        ("a", "2015-01-01", "nfa", "2A"),        # school contact, threshold not met
        ("a", "2015-02-01", "referral", "6"),    # police: a repeat made by the school contact
        ("a", "2015-03-01", "nfa", "3E"),        # A&E: a repeat (school still the latest NFA-type)
        ("a", "2015-04-01", "advice", "3A"),     # GP: a repeat made by the A&E contact
        ("b", "2015-01-01", "referral", "6"),    # earlier referral: no repeat, no earlier agency
        ("b", "2015-02-01", "nfa", "2A"),
        ("c", "2014-01-01", "nfa", "2A"), ("c", "2015-06-01", "nfa", "6"),  # outside the window
    ])
    f = kpis.flag_repeats(c)
    assert f["is_repeat"].tolist() == [False, True, True, True, False, False, False, False]
    assert f["earlier_source_code"].tolist()[1:4] == ["2A", "2A", "3E"]
    assert f["earlier_source_group"].tolist()[1:4] == ["schools", "schools", "health"]
    assert f["earlier_source_group"].isna().tolist() == [True, False, False, False, True, True, True, True]
    assert f["earlier_source_group_recorded"].tolist()[3] == "health"


def test_earlier_contact_agency_same_day_prefers_the_threshold_not_met_contact():
    c = make_contacts([
        ("a", "2015-01-01", "nfa", "2A"), ("a", "2015-01-01", "referral", "6"),
        ("a", "2015-01-05", "nfa", "3A"),
    ])
    c["source_row"] = [5, 9, 10]  # the police referral was entered later the same day
    f = kpis.flag_repeats(c)
    assert f["earlier_source_code"].iloc[2] == "2A"


def test_earlier_contact_agency_matches_brute_force():
    rng = np.random.default_rng(11)
    n = 500
    child = rng.integers(0, 30, n)
    day = rng.integers(0, 600, n)
    outcome = np.array(["referral", "nfa", "advice", "early_help", "pending"])[rng.integers(0, 5, n)]
    code = np.array(["2A", "3A", "3E", "6", "1A"])[rng.integers(0, 5, n)]
    c = make_contacts([(f"k{k}", pd.Timestamp("2014-01-01") + pd.Timedelta(days=int(d)), o, s)
                       for k, d, o, s in zip(child, day, outcome, code, strict=True)])
    f = kpis.flag_repeats(c, lookback_days=150)
    tnm = np.isin(outcome, ["nfa", "advice", "early_help"])
    for i in range(n):
        cand = np.flatnonzero((child == child[i]) & tnm & (day < day[i]) & (day >= day[i] - 150))
        got = f["earlier_source_code"].iloc[i]
        if len(cand) == 0:
            assert pd.isna(got)
            continue
        latest = cand[day[cand] == day[cand].max()]
        assert got == code[latest[np.argmax(c["source_row"].to_numpy()[latest])]]
