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


# --- the referral KPIs from a list of referrals --------------------------------------------------
def test_referral_kpis_from_a_list_of_referrals_worked_by_hand():
    from tests.kpis.fixtures import counts, make_referrals

    referrals = make_referrals([
        ("a", "2015-10-05", "3E", True), ("a", "2015-11-02", "6", False),   # a: re-referred in November
        ("b", "2015-11-10", "6", None), ("c", "2015-11-20", "3A", True),
    ])
    t = kpis.kpi_table({"referrals": referrals})
    assert list(dict.fromkeys(t["kpi"])) == ["rereferral_12m", "referrals", "referral_health_share", "referral_nfa"]
    assert counts(t, "referrals", "all", "2015-10") == (1, 1) and counts(t, "referrals", "all", "2015-11") == (3, 3)
    assert counts(t, "referrals", "police", "2015-11") == (2, 3)
    assert counts(t, "referral_health_share", "all", "2015-11") == (1, 3)
    assert counts(t, "referral_nfa", "all", "2015-11") == (1, 3)  # unknown (b) counts as not
    assert counts(t, "referral_nfa", "all", "2015-10") == (1, 1)
    assert counts(t, "rereferral_12m", "all", "2015-11") == (1, 3)


def test_referrals_made_from_contacts_count_as_the_contacts_do():
    """An extract of contacts only: the referral KPIs of the contacts that became a referral are
    the same whether counted on the contacts or on the referrals table the pipeline makes of them."""
    from hwb_kpis.contract.referrals import referrals_from_contacts
    from tests.kpis.fixtures import make_contacts

    contacts = make_contacts([("a", "2015-10-01", "referral", "3E"), ("a", "2015-11-01", "referral", "6"),
                              ("b", "2015-11-03", "nfa", "6"), ("c", "2015-11-04", "referral", "2A")])
    from_contacts = kpis.kpi_table({"contacts": contacts})
    made = referrals_from_contacts(contacts)
    assert made["referral_id"].str.startswith("r").all() and made["nfa"].isna().all() and len(made) == 3
    listed = kpis.kpi_table({"referrals": made.assign(nfa=False)})
    for kpi in ("referrals", "referral_health_share", "rereferral_12m"):
        a = from_contacts[(from_contacts["kpi"] == kpi) & (from_contacts["period"] == "month")]
        b = listed[(listed["kpi"] == kpi) & (listed["period"] == "month")]
        cols = ["group", "month", "numerator", "denominator"]
        assert a[cols].reset_index(drop=True).equals(b[cols].reset_index(drop=True)), kpi
    assert "referral_nfa" not in set(from_contacts["kpi"])  # contacts do not say how a referral closed
