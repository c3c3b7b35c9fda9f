"""Processed columns as numpy arrays (hwb_kpis.kpis.arrays): days, months, codes, flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.kpis import arrays
from tests.kpis.fixtures import make_contacts


def test_days_and_months():
    d = arrays.days(pd.Series(pd.to_datetime(["1970-01-02", "2015-11-30", None])))
    assert d.tolist()[:2] == [1, 16769] and d[2] == arrays.NAT
    months = arrays.month_of_days(np.array([0, 30, 31, 16769]))
    assert months.tolist() == [0, 0, 1, 550]
    assert arrays.month_labels(550, 3).tolist() == ["2015-11", "2015-12", "2016-01"]
    assert arrays.month_start_days(550, 2).tolist() == [16740, 16770]
    assert len(arrays.month_of_days(np.zeros(0, np.int64))) == 0


def test_parse_day_and_lookback():
    assert arrays.parse_day("1970-01-11", "as_of") == 10
    assert arrays.parse_day(None, "as_of") is None
    with pytest.raises(HwbKpisError, match="as_of 'soon' is not a date"):
        arrays.parse_day("soon", "as_of")
    assert arrays.check_lookback(365) == 365
    for bad in (0, 1.5, -3):
        with pytest.raises(HwbKpisError, match="lookback"):
            arrays.check_lookback(bad)


def test_labels_with_fill_and_child_keys():
    codes, labels = arrays.labels_with_fill(pd.Series(["b", None, "a", "b"], dtype="string"), "unknown")
    assert [labels[c] for c in codes] == ["b", "unknown", "a", "b"]
    codes, labels = arrays.labels_with_fill(pd.Series(["unknown", None], dtype="string"), "unknown")
    assert [labels[c] for c in codes] == ["unknown", "unknown"] and labels == ["unknown"]
    c = make_contacts([("a", "2015-01-01", "nfa"), ("a", "2015-01-02", "nfa"), ("b", "2015-01-03", "nfa")])
    keys = arrays.child_keys(c)
    assert keys[0] == keys[1] != keys[2]
    c["authority"] = pd.array(["north", "south", "north"], dtype="string")
    keys = arrays.child_keys(c)
    assert len(set(keys.tolist())) == 3  # the same child id in two authorities: two children


def test_contact_days_and_outcome_flags():
    c = make_contacts([("a", "2015-01-01", "referral"), ("b", "2015-01-02", "pending"),
                       ("c", "2015-01-03", "advice"), ("d", "2015-01-04", "nfa")])
    c.loc[3, "outcome"] = pd.NA
    referral, pending, tnm = arrays.outcome_flags(c)
    assert referral.tolist() == [True, False, False, False]
    assert pending.tolist() == [False, True, False, False]
    assert tnm.tolist() == [False, False, True, False]  # a missing outcome is none of them
    assert arrays.contact_days(c).tolist() == [16436, 16437, 16438, 16439]
    c.loc[1, "contact_date"] = pd.NaT
    with pytest.raises(HwbKpisError, match="1 row"):
        arrays.contact_days(c)
    with pytest.raises(HwbKpisError, match="lacks column"):
        arrays.contact_days(c.drop(columns=["outcome"]))
