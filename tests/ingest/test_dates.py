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
