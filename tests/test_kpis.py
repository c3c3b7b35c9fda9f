"""KPI engine: hand-computed expectations on small processed-format fixtures built here."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from hwb_kpis import coding, kpis
from hwb_kpis.errors import HwbKpisError

GROUP = {"2A": "schools", "3A": "health", "3C": "health", "3D": "health", "3E": "health", "6": "police",
         "1A": "individual", "10": "unknown"}


def make_contacts(rows) -> pd.DataFrame:
    """rows: (child, date, outcome[, code[, recorded code[, marf]]]) -> a processed contacts frame."""
    records = []
    for i, row in enumerate(rows):
        child, date, outcome, *rest = row
        code = rest[0] if len(rest) > 0 else "6"
        recorded = rest[1] if len(rest) > 1 else code
        marf = rest[2] if len(rest) > 2 else False
        records.append({
            "contact_id": f"c{i:016x}",
            "child_id": f"{child:0>16}",
            "contact_date": pd.Timestamp(date),
            "source_code_recorded": recorded,
            "source_group_recorded": GROUP[recorded] if recorded is not None else "unknown",
            "source_code": code,
            "source_group": GROUP[code],
            "recode_rule": None if recorded == code else "test_rule",
            "marf": marf,
            "outcome": outcome,
            "authority": "",
            "source_row": i + 2,
        })
    df = pd.DataFrame(records)
    df["contact_date"] = df["contact_date"].astype("datetime64[ns]")
    df["month"] = df["contact_date"].dt.strftime("%Y-%m").astype("string")
    df["marf"] = df["marf"].astype("boolean")
    for col in ("contact_id", "child_id", "source_code_recorded", "source_group_recorded", "source_code",
                "source_group", "recode_rule", "outcome", "authority"):
        df[col] = df[col].astype("string")
    return df


def make_looked_after(rows) -> pd.DataFrame:
    """rows: (child, period_start, iha_date[, consent, notified])."""
    records = []
    for i, row in enumerate(rows):
        child, start, iha, *rest = row
        records.append({
            "child_id": f"{child:0>16}",
            "period_start": pd.Timestamp(start),
            "consent_date": pd.Timestamp(rest[0]) if len(rest) > 0 and rest[0] else pd.NaT,
            "health_notified_date": pd.Timestamp(rest[1]) if len(rest) > 1 and rest[1] else pd.NaT,
            "iha_date": pd.Timestamp(iha) if iha else pd.NaT,
            "authority": "",
            "source_row": i + 2,
        })
    df = pd.DataFrame(records)
    for col in ("period_start", "consent_date", "health_notified_date", "iha_date"):
        df[col] = df[col].astype("datetime64[ns]")
    df["month"] = df["period_start"].dt.strftime("%Y-%m").astype("string")
    return df


def row(df: pd.DataFrame, kpi: str, group: str, month: str) -> pd.Series:
    hit = df[(df["kpi"] == kpi) & (df["group"] == group) & (df["month"] == month)]
    assert len(hit) == 1, f"expected one row for {kpi}/{group}/{month}, found {len(hit)}"
    return hit.iloc[0]


def counts(df, kpi, group, month):
    r = row(df, kpi, group, month)
    return int(r["numerator"]), int(r["denominator"])


# ------------------------------------------------------------------------------------------------
# Repeat contacts


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


def test_repeat_by_group_of_the_repeat_contact_and_incomplete_history():
    c = make_contacts([
        ("z", "2014-11-01", "nfa", "6"),       # the first contact of the data
        ("a", "2014-11-10", "nfa", "2A"),
        ("a", "2015-11-05", "referral", "3E"),  # repeat (360 days); group health (of the repeat contact)
        ("b", "2015-11-06", "nfa", "3A"),
        ("c", "2015-11-07", "nfa", "2A"),
    ])
    r = kpis.repeat_contacts(c)
    assert counts(r, "repeat_contacts", "health", "2015-11") == (1, 2)
    assert counts(r, "repeat_contacts", "schools", "2015-11") == (0, 1)
    assert counts(r, "repeat_contacts", "all", "2015-11") == (1, 3)
    # first contact 2014-11-01: months starting < 365 days later are flagged
    flag = r[r["group"] == "all"].set_index("month")["incomplete_history"]
    assert flag["2014-11"] and flag["2015-10"]
    assert not flag["2015-11"]  # 2015-11-01 is exactly 365 days after 2014-11-01
    assert len(flag) == 13  # every month from the first to the last, gaps as zeros
    assert counts(r, "repeat_contacts", "all", "2015-03") == (0, 0)
    assert np.isnan(row(r, "repeat_contacts", "all", "2015-03")["rate"])


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


# ------------------------------------------------------------------------------------------------
# Re-referrals


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


# ------------------------------------------------------------------------------------------------
# Contacts, health share, MARF, conversion


def test_contacts_groups_codes_and_health_share():
    c = make_contacts([
        ("a", "2015-11-02", "nfa", "3E"), ("b", "2015-11-03", "nfa", "3E"), ("c", "2015-11-03", "nfa", "3D"),
        ("d", "2015-11-04", "nfa", "2A"), ("e", "2015-11-05", "nfa", "6"),
        ("f", "2015-12-01", "nfa", "6"),
    ])
    r = kpis.contacts(c)
    assert counts(r, "contacts", "all", "2015-11") == (5, 5)
    assert counts(r, "contacts", "health", "2015-11") == (3, 5)
    assert counts(r, "contacts", "code:3E", "2015-11") == (2, 5)
    assert counts(r, "contacts", "code:3C", "2015-11") == (0, 5)  # health codes always shown
    assert counts(r, "contacts", "health", "2015-12") == (0, 1)
    assert row(r, "contacts", "schools", "2015-11")["rate"] == pytest.approx(0.2)
    groups = r[r["month"] == "2015-11"]["group"].tolist()
    assert groups[:2] == ["all", "health"]
    assert groups.index("code:2A") < groups.index("code:3A") < groups.index("code:6")
    h = kpis.health_share(c)
    assert counts(h, "health_share", "all", "2015-11") == (3, 5)
    assert row(h, "health_share", "all", "2015-11")["rate"] == pytest.approx(0.6)
    assert counts(h, "health_share", "all", "2015-12") == (0, 1)


def test_marf_unknown_counts_in_denominator():
    c = make_contacts([
        ("a", "2015-11-02", "nfa", "3E", "3E", True), ("b", "2015-11-02", "nfa", "3E", "3E", None),
        ("c", "2015-11-02", "nfa", "2A", "2A", True), ("d", "2015-11-02", "nfa", "2A", "2A", False),
    ])
    r = kpis.marf(c)
    assert counts(r, "marf", "all", "2015-11") == (2, 4)
    assert counts(r, "marf", "health", "2015-11") == (1, 2)
    assert counts(r, "marf", "schools", "2015-11") == (1, 2)


def test_conversion_excludes_pending_from_denominator_and_counts_it():
    c = make_contacts([
        ("a", "2015-11-02", "referral", "3E"), ("b", "2015-11-02", "nfa", "3E"),
        ("c", "2015-11-02", "pending", "3E"), ("d", "2015-11-02", "pending", "2A"),
        ("e", "2015-11-02", "referral", "2A"),
    ])
    r = kpis.conversion(c)
    assert counts(r, "conversion", "all", "2015-11") == (2, 3)
    assert counts(r, "conversion", "health", "2015-11") == (1, 2)
    assert counts(r, "conversion", "schools", "2015-11") == (1, 1)
    assert counts(r, "pending", "all", "2015-11") == (2, 5)
    assert counts(r, "pending", "health", "2015-11") == (1, 3)


def test_all_pending_month_has_no_conversion_rate():
    r = kpis.conversion(make_contacts([("a", "2015-11-02", "pending")]))
    assert counts(r, "conversion", "all", "2015-11") == (0, 0)
    assert np.isnan(row(r, "conversion", "all", "2015-11")["rate"])


# ------------------------------------------------------------------------------------------------
# Views


def recode_fixture():
    return make_contacts([
        ("a", "2015-11-02", "nfa", "3C", "2A", True),      # school nurse recorded as Schools
        ("b", "2015-11-03", "nfa", "3C", "2A", False),
        ("c", "2015-11-04", "referral", "2A", "3C", True),  # DSL recorded as school nurse
        ("d", "2015-11-05", "referral", "2A", "2A", False),
        ("e", "2015-11-05", "nfa", "10", None, False),     # blank recorded code
        ("f", "2015-11-06", "nfa", "3E", "3E", True),
    ])


def test_recorded_and_recoded_views_differ_exactly_by_the_audit():
    c = recode_fixture()
    audit = c[c["recode_rule"].notna()]
    rec = kpis.contacts(c, view="recoded")
    raw = kpis.contacts(c, view="recorded")
    month = "2015-11"
    for code in ["2A", "3C", "3E", "10"]:
        net = int((audit["source_code"] == code).sum()) - int((audit["source_code_recorded"] == code).sum())
        n_rec = counts(rec, "contacts", f"code:{code}", month)[0]
        n_raw = counts(raw, "contacts", f"code:{code}", month)[0] if code != "10" else 0
        assert n_rec - n_raw == net
    assert counts(raw, "contacts", "code:missing", month) == (1, 6)
    assert counts(raw, "contacts", "unknown", month) == (1, 6)
    assert counts(rec, "contacts", "health", month) == (3, 6)
    assert counts(raw, "contacts", "health", month) == (2, 6)
    assert counts(kpis.health_share(c, view="recorded"), "health_share", "all", month) == (2, 6)
    assert counts(kpis.marf(c, view="recoded"), "marf", "health", month) == (2, 3)
    assert counts(kpis.marf(c, view="recorded"), "marf", "health", month) == (2, 2)
    # the totals do not depend on the view
    assert counts(rec, "contacts", "all", month) == counts(raw, "contacts", "all", month)
    with pytest.raises(ValueError):
        kpis.contacts(c, view="coded")


def test_view_columns_helper():
    assert coding.view_columns("recoded") == ("source_code", "source_group")
    assert coding.view_columns("recorded") == ("source_code_recorded", "source_group_recorded")
    with pytest.raises(ValueError):
        coding.view_columns("raw")


# ------------------------------------------------------------------------------------------------
# Initial health assessments


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


# ------------------------------------------------------------------------------------------------
# kpi_table and format_kpis


def tables():
    c = make_contacts([
        ("a", "2015-10-01", "nfa", "3E", "3E", True), ("a", "2015-11-02", "referral", "3E", "3E", True),
        ("b", "2015-11-03", "pending", "2A", "2A", False), ("c", "2015-11-04", "nfa", "3C", "2A", None),
    ])
    la = make_looked_after([("a", "2015-10-05", "2015-10-20"), ("x", "2015-11-01", None)])
    return {"contacts": c, "looked_after": la, "summary": {}}


def test_kpi_table_month_filter_and_names():
    t = kpis.kpi_table(tables(), month="2015-11")
    assert list(t.columns) == list(kpis.COLUMNS)
    assert set(t["kpi"]) == set(kpis.KPI_NAMES)
    assert (t["month"] == "2015-11").all()
    assert list(dict.fromkeys(t["kpi"])) == list(kpis.KPI_NAMES)
    assert counts(t, "repeat_contacts", "all", "2015-11") == (1, 3)
    assert counts(t, "repeat_contacts", "health", "2015-11") == (1, 2)
    assert counts(t, "conversion", "all", "2015-11") == (1, 2)
    assert counts(t, "pending", "all", "2015-11") == (1, 3)
    # as_of defaults to the latest extract date (2015-11-04): x (start 11-01) is not yet due
    assert counts(t, "iha_within_28_days", "all", "2015-11") == (0, 0)
    assert counts(kpis.kpi_table(tables(), month="2015-11", as_of="2015-12-01"),
                  "iha_within_28_days", "all", "2015-11") == (0, 1)
    wd = kpis.kpi_table(tables(), month="2015-10", iha_limit="20wd")
    assert row(wd, "iha_within_28_days", "all", "2015-10")["limit"] == "20wd"
    rec = kpis.kpi_table(tables(), month="2015-11", view="recorded")
    assert counts(rec, "contacts", "health", "2015-11") == (1, 3)


def test_kpi_table_all_months_and_errors():
    t = kpis.kpi_table(tables())
    assert {"2015-10", "2015-11", "2015/16"} <= set(t["month"])
    with pytest.raises(HwbKpisError, match="YYYY-MM"):
        kpis.kpi_table(tables(), month="Nov 2015")
    with pytest.raises(HwbKpisError, match="2015-10 to 2015-11"):
        kpis.kpi_table(tables(), month="2016-01")
    with pytest.raises(HwbKpisError, match="as_of"):
        kpis.kpi_table(tables(), as_of="yesterday")


def test_extract_as_of_uses_looked_after_dates_too():
    tb = tables()
    assert kpis.extract_as_of(tb) == pd.Timestamp("2015-11-04")
    tb["looked_after"].loc[0, "iha_date"] = pd.Timestamp("2015-11-20")
    assert kpis.extract_as_of(tb) == pd.Timestamp("2015-11-20")


def test_format_kpis_json_shape():
    t = kpis.kpi_table(tables(), month="2015-11")
    records = json.loads(kpis.format_kpis(t, "json"))
    assert len(records) == len(t)
    for rec in records:
        assert set(rec) == {"kpi", "group", "month", "numerator", "denominator", "rate"}
        assert isinstance(rec["numerator"], int) and isinstance(rec["denominator"], int)
        assert rec["rate"] is None or isinstance(rec["rate"], float)
    first = records[0]
    assert first == {"kpi": "contacts", "group": "all", "month": "2015-11", "numerator": 3,
                     "denominator": 3, "rate": 1.0}
    iha = [r for r in records if r["kpi"] == "iha_within_28_days"]
    assert iha == [{"kpi": "iha_within_28_days", "group": "all", "month": "2015-11", "numerator": 0,
                    "denominator": 0, "rate": None}]


def test_format_kpis_csv_table_and_suppression():
    t = kpis.kpi_table(tables(), month="2015-11")
    csv = kpis.format_kpis(t, "csv")
    assert csv.splitlines()[0].split(",") == list(kpis.COLUMNS)
    back = pd.read_csv(__import__("io").StringIO(csv))
    assert back["numerator"].tolist() == t["numerator"].tolist()
    text = kpis.format_kpis(t, "table")
    assert "repeat_contacts" in text and "33.3%" in text and "limit 28d" in text
    hidden = json.loads(kpis.format_kpis(t, "json", internal=False))
    assert hidden[0]["numerator"] == "<5" and hidden[0]["rate"] == "*"
    assert all(r["numerator"] in (0, "<5") for r in hidden)
    with pytest.raises(ValueError):
        kpis.format_kpis(t, "xml")


def test_load_processed_missing_files(tmp_path):
    with pytest.raises(HwbKpisError, match="hwb-kpis clean") as err:
        kpis.load_processed(tmp_path / "nowhere")
    assert "nowhere" in str(err.value)
    (tmp_path / "contacts.parquet").write_bytes(b"")
    with pytest.raises(HwbKpisError, match="looked_after.parquet"):
        kpis.load_processed(tmp_path)


def test_empty_tables_do_not_crash():
    c = make_contacts([("a", "2015-01-01", "nfa")]).iloc[:0]
    assert len(kpis.repeat_contacts(c)) == 0
    assert len(kpis.flag_repeats(c)) == 0
    la = make_looked_after([("a", "2015-01-01", None)]).iloc[:0]
    assert len(kpis.iha_within(la, as_of="2015-01-01")) == 0


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
