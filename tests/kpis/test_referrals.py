"""Re-referrals within 12 months (hwb_kpis.kpis.referrals), per month and per reporting year."""

from __future__ import annotations

from hwb_kpis import kpis
from tests.kpis.fixtures import counts, make_contacts


def test_rereferral_boundaries_and_reporting_year():
    c = make_contacts([
        ("a", "2014-03-01", "referral"), ("a", "2015-03-01", "referral"),   # 365 days: re-referral
        ("b", "2014-03-01", "referral"), ("b", "2015-03-02", "referral"),   # 366 days: not
        ("c", "2014-06-01", "referral"), ("c", "2014-06-01", "referral"),   # same day: neither
        ("d", "2014-06-01", "nfa"), ("d", "2014-07-01", "referral"),        # earlier NFA: not
        ("e", "2014-06-01", "pending"), ("e", "2014-07-01", "referral"),    # earlier pending: not
        ("f", "2014-06-01", "referral"), ("f", "2015-04-02", "referral"),   # 305 days, next year
    ])
    r = kpis.rereferral_12m(c)
    assert counts(r, "rereferral_12m", "all", "2015-03") == (1, 2)
    assert counts(r, "rereferral_12m", "all", "2014-06") == (0, 3)
    assert counts(r, "rereferral_12m", "all", "2014-07") == (0, 2)
    assert counts(r, "rereferral_12m", "all", "2015-04") == (1, 1)
    years = r[(r["period"] == "year") & (r["group"] == "all")].set_index("month")
    assert list(years.index) == ["2013/14", "2014/15", "2015/16"]
    assert (years.loc["2013/14", "numerator"], years.loc["2013/14", "denominator"]) == (0, 2)
    assert (years.loc["2014/15", "numerator"], years.loc["2014/15", "denominator"]) == (1, 7)
    assert (years.loc["2015/16", "numerator"], years.loc["2015/16", "denominator"]) == (1, 1)
    assert years["partial_period"].tolist() == [True, False, True]
    assert years["incomplete_history"].tolist() == [True, True, False]  # 2015-04-01 >= 2014-03-01 + 365
    assert (r[r["period"] == "month"]["partial_period"] == False).all()  # noqa: E712
