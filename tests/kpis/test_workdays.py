"""Working days: the shipped England & Wales bank holidays and the N-th working day convention."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.kpis import workdays


def d(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def test_bank_holiday_list_shape_and_special_days():
    hol = workdays.bank_holidays()
    assert hol.dtype == np.dtype("datetime64[D]")
    assert str(hol.min()) == "2010-01-01" and str(hol.max()) == "2030-12-26"
    assert np.all(np.diff(hol.astype(np.int64)) > 0)
    assert np.is_busday(hol, weekmask="1111100").all()  # substitutes: never at a weekend
    for special in ["2011-04-29", "2012-06-04", "2012-06-05", "2020-05-08", "2022-06-02", "2022-06-03",
                    "2022-09-19", "2023-05-08"]:
        assert d(special) in hol, special
    for moved in ["2012-05-28", "2020-05-04", "2022-05-30"]:  # the usual days those years were not holidays
        assert d(moved) not in hol, moved
    for sub in ["2010-12-27", "2010-12-28", "2011-01-03", "2015-12-28", "2016-12-27", "2017-01-02",
                "2020-12-28", "2021-12-27", "2021-12-28", "2022-01-03"]:
        assert d(sub) in hol, sub
    years = pd.Series(hol.astype("datetime64[Y]").astype(int) + 1970).value_counts()
    assert years.loc[2015] == 8 and years.loc[2012] == 9 and years.loc[2022] == 10 and years.loc[2011] == 9
    assert years.loc[2023] == 9 and years.loc[2020] == 8


def test_easter_2014_and_2015():
    hol = set(workdays.bank_holidays().astype(str))
    assert {"2014-04-18", "2014-04-21", "2015-04-03", "2015-04-06"} <= hol


def test_twentieth_working_day_across_christmas_2014():
    # Fri 19 Dec 2014 is day 0; 25, 26 Dec and 1 Jan are bank holidays
    assert workdays.add_working_days(pd.Series(pd.to_datetime(["2014-12-19"])), 20)[0] == d("2015-01-21")
    assert workdays.add_working_days(pd.to_datetime(["2014-12-20"]), 20)[0] == d("2015-01-21")  # Saturday
    assert workdays.add_working_days(pd.to_datetime(["2014-12-24"]), 1)[0] == d("2014-12-29")
    assert workdays.add_working_days(pd.to_datetime(["2014-12-25"]), 1)[0] == d("2014-12-29")  # holiday start
    out = workdays.add_working_days(pd.Series([pd.Timestamp("2015-06-01"), pd.NaT]), 5)
    assert out[0] == d("2015-06-08") and np.isnat(out[1])
    with pytest.raises(ValueError):
        workdays.add_working_days(pd.to_datetime(["2015-06-01"]), 0)


def test_working_days_between_and_is_working_day():
    n = workdays.working_days_between(pd.to_datetime(["2014-12-19", "2015-06-01"]),
                                      pd.to_datetime(["2015-01-21", "2015-06-01"]))
    assert n.tolist() == [20.0, 0.0]
    assert workdays.is_working_day(pd.to_datetime(["2014-12-25", "2014-12-24", "2014-12-27"])).tolist() == [
        False, True, False]


def test_custom_holiday_list_and_coverage_warning(tmp_path):
    path = tmp_path / "hol.csv"
    path.write_text("date,name\n2015-06-02,Local day\n", encoding="utf-8")
    hol = workdays.bank_holidays(path)
    assert workdays.add_working_days(pd.to_datetime(["2015-06-01"]), 1, holidays=hol)[0] == d("2015-06-03")
    with pytest.warns(UserWarning, match="bank holidays cover"):
        workdays.add_working_days(pd.to_datetime(["2035-06-01"]), 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("date\n01/06/2015\n", encoding="utf-8")
    with pytest.raises(HwbKpisError, match="row 2"):
        workdays.bank_holidays(bad)
