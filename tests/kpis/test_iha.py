"""Initial health assessments (hwb_kpis.kpis.iha): the 28-day and 20-working-day limits, due-ness
and the median days of each step."""

from __future__ import annotations

import numpy as np
import pytest

from hwb_kpis import kpis
from tests.kpis.fixtures import counts, make_looked_after, row


def test_iha_28_vs_29_days_and_due_ness():
    la = make_looked_after([
        ("a", "2015-01-01", "2015-01-29"),   # 28 days: within
        ("b", "2015-01-01", "2015-01-30"),   # 29 days: not
        ("c", "2015-01-10", None),           # no IHA, past due by as_of: denominator only
        ("d", "2015-01-20", None),           # no IHA, deadline 2015-02-17 > as_of: not yet due
        ("e", "2015-01-31", "2015-02-02"),   # done early, counted although not yet due
    ])
    r = kpis.iha_within(la, as_of="2015-02-16")
    assert counts(r, "iha_within_28_days", "all", "2015-01") == (2, 4)
    assert row(r, "iha_within_28_days", "all", "2015-01")["not_yet_due"] == 1
    assert row(r, "iha_within_28_days", "all", "2015-01")["limit"] == "28d"
    # on the deadline day itself the child is due (as_of < deadline is the exclusion)
    assert counts(kpis.iha_within(la, as_of="2015-02-17"), "iha_within_28_days", "all", "2015-01") == (2, 5)
    # default as_of: latest date in the table (2015-02-02) -> c (deadline 02-07) not yet due either
    assert counts(kpis.iha_within(la), "iha_within_28_days", "all", "2015-01") == (2, 3)


def test_iha_done_after_as_of_is_not_yet_known():
    la = make_looked_after([("a", "2015-01-01", "2015-01-20")])
    assert counts(kpis.iha_within(la, as_of="2015-01-10"), "iha_within_28_days", "all", "2015-01") == (0, 0)
    assert counts(kpis.iha_within(la, as_of="2015-01-20"), "iha_within_28_days", "all", "2015-01") == (1, 1)


def test_iha_20_working_days_across_christmas_2014():
    # Fri 19 Dec 2014: working day 20 is Wed 21 Jan 2015 (25/26 Dec and 1 Jan are bank holidays);
    # 28 calendar days end on Fri 16 Jan 2015.
    la = make_looked_after([
        ("a", "2014-12-19", "2015-01-21"),
        ("b", "2014-12-19", "2015-01-22"),
        ("c", "2014-12-20", "2015-01-21"),   # Saturday start: the same 20th working day
        ("d", "2014-12-19", "2015-01-16"),
    ])
    wd = kpis.iha_within(la, as_of="2015-03-01", limit="20wd")
    assert counts(wd, "iha_within_28_days", "all", "2014-12") == (3, 4)
    assert row(wd, "iha_within_28_days", "all", "2014-12")["limit"] == "20wd"
    cd = kpis.iha_within(la, as_of="2015-03-01", limit="28d")
    assert counts(cd, "iha_within_28_days", "all", "2014-12") == (1, 4)
    with pytest.raises(ValueError):
        kpis.iha_within(la, limit="4w")


def test_iha_not_yet_due_with_working_days():
    la = make_looked_after([("a", "2014-12-19", None)])
    assert counts(kpis.iha_within(la, as_of="2015-01-20", limit="20wd"), "iha_within_28_days", "all", "2014-12") == (0, 0)
    assert counts(kpis.iha_within(la, as_of="2015-01-21", limit="20wd"), "iha_within_28_days", "all", "2014-12") == (0, 1)


def test_iha_steps_medians():
    la = make_looked_after([
        ("a", "2015-01-01", "2015-01-25", "2015-01-05", "2015-01-10"),
        ("b", "2015-01-03", "2015-02-01", "2015-01-13", "2015-01-14"),
        ("c", "2015-01-04", None, "2015-01-10", None),
        ("d", "2015-03-01", None),
    ])
    s = kpis.iha_steps(la).set_index(["month", "step"])
    assert s.loc[("2015-01", "start_to_consent"), "median_days"] == 6  # 4, 10, 6
    assert s.loc[("2015-01", "start_to_consent"), "n"] == 3
    assert s.loc[("2015-01", "consent_to_notified"), "median_days"] == 3  # 5, 1
    assert s.loc[("2015-01", "notified_to_iha"), "median_days"] == 16.5  # 15, 18
    assert s.loc[("2015-01", "start_to_iha"), "median_days"] == 26.5  # 24, 29
    assert s.loc[("2015-02", "start_to_iha"), "n"] == 0
    assert np.isnan(s.loc[("2015-03", "start_to_iha"), "median_days"])
