"""The contact KPIs (hwb_kpis.kpis.contact_kpis): contacts, health share, MARF, conversion and
pending, repeat contacts, in both views; hand-computed on small fixtures."""

from __future__ import annotations

import numpy as np
import pytest

from hwb_kpis import coding, kpis
from tests.kpis.fixtures import counts, make_contacts, row


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
