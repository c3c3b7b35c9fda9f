"""The prepared contacts and their count cube (hwb_kpis.kpis.prepare)."""

from __future__ import annotations

import numpy as np

from hwb_kpis.kpis.prepare import (
    MARF_BIT,
    REFERRAL_BIT,
    counts_by_group,
    group_order,
    has,
    incomplete_months,
    prepare,
)
from tests.kpis.fixtures import make_contacts


def test_group_order():
    assert group_order(["police", "unknown", "health", "schools", "all"]) == [
        "all", "health", "police", "schools", "unknown"]
    assert group_order(["police"]) == ["all", "police"]


def test_prepare_spans_every_month_and_shows_health():
    c = make_contacts([("a", "2015-01-31", "referral", "6", "6", True),
                       ("b", "2015-03-01", "nfa", "2A", "2A", False)])
    prep = prepare(c, "recoded")
    assert prep.months.tolist() == ["2015-01", "2015-02", "2015-03"]
    assert "health" in prep.group_names and {"3A", "3F"} <= set(prep.code_names)
    assert prep.first_day == int(np.datetime64("2015-01-31", "D").astype(np.int64))
    assert prepare(c, None).group_idx is None


def test_cube_counts_and_groups_in_display_order():
    c = make_contacts([("a", "2015-01-02", "referral", "6", "6", True),
                       ("b", "2015-01-03", "nfa", "3E", "3E", True),
                       ("c", "2015-01-04", "referral", "3E", "3E", False)])
    prep = prepare(c, "recoded")
    groups, num, den = counts_by_group(prep, has(REFERRAL_BIT), None)
    assert groups == ["all", "health", "police"]
    assert num.tolist() == [[2, 1, 1]] and den.tolist() == [[3, 2, 1]]
    _, marf, _ = counts_by_group(prep, has(MARF_BIT), None)
    assert marf.tolist() == [[2, 1, 1]]
    codes, cnum, _ = counts_by_group(prep, None, None, codes=True)
    assert codes[:2] == ["all", "code:3A"] and codes[-1] == "code:6"
    assert cnum[0, codes.index("code:3E")] == 2
    assert prep.cube(False, None).sum() == 3  # one count per contact
    assert incomplete_months(prep, 365).tolist() == [True]
