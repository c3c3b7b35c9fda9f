"""Date parsing (hwb_kpis/ingest/dates.py): formats, day first, year-month only for dates of birth."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.ingest import parse_dates


def test_parse_dates_formats():
    values = pd.Series(["2015-11-03", "03/11/2015", "3/11/2015", "03-11-2015", "42311", "3 Nov 2015",
                        "03/11/15", "2015-11-03 14:22:00", "", "31/02/2015", "2015-13-01", "soon"], dtype="string")
    dates, problem = parse_dates(values)
    expected = pd.Timestamp("2015-11-03")
    assert (dates.iloc[:8] == expected).all(), dates.iloc[:8].tolist()
    assert dates.iloc[8:].isna().all()
    assert problem.iloc[:9].isna().all()
    assert problem.iloc[9] == "impossible date"
    assert problem.iloc[10] == "impossible date"
    assert problem.iloc[11] == "unparseable date"


def test_parse_dates_day_first_is_never_month_first():
    dates, _ = parse_dates(pd.Series(["02/03/2015", "12/01/2015"], dtype="string"))
    assert dates.tolist() == [pd.Timestamp("2015-03-02"), pd.Timestamp("2015-01-12")]


def test_year_month_only_for_dob():
    dates, problem = parse_dates(pd.Series(["2009-03", "03/2009"], dtype="string"), allow_year_month=True)
    assert dates.tolist() == [pd.Timestamp("2009-03-01")] * 2 and problem.isna().all()
    _, problem = parse_dates(pd.Series(["2009-03"], dtype="string"))
    assert problem.iloc[0] == "unparseable date"


def test_date_times_with_a_zone_are_the_day_in_england():
    """The issue's two "unparseable" date-times (CIN census header, a council's export), and a
    time zone that moves the day."""
    values = pd.Series(["2022-07-21T10:12:28Z", "16/09/2020 14:32:00.000", "2022-07-21T23:30:00Z",
                        "2022-01-21T23:30:00Z", "2022-07-21T00:30:00+01:00", "2022-07-21T10:12:28.123+0100",
                        "2015-02-31T10:00:00Z"], dtype="string")
    dates, problem = parse_dates(values)
    assert dates.iloc[:6].dt.strftime("%Y-%m-%d").tolist() == [
        "2022-07-21", "2020-09-16",
        "2022-07-22",  # 23:30 UTC in summer is 00:30 the next day in England
        "2022-01-21",  # in winter England is on UTC
        "2022-07-21", "2022-07-21"]
    assert problem.iloc[:6].isna().all() and problem.iloc[6] == "impossible date"
