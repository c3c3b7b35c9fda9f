"""How complete what agencies send is (hwb_kpis.report.completeness)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.report.completeness import completeness, completeness_sentence


def test_completeness_shares_and_sentence():
    contacts = pd.DataFrame({
        "month": ["2015-11"] * 4 + ["2015-10"],
        "source_code_recorded": [None, "3A", "3C", None, None],
        "source_code": ["10", "3A", "3C", "2A", "10"],
        "marf": pd.array([True, pd.NA, False, True, pd.NA], dtype="boolean"),
        "recode_rule": [None, None, "nurse_dsl", "from_text", None],
    })
    found = completeness(contacts, "2015-11")
    assert {k: found[k] for k in ("n", "no_source", "unknown_after_coding", "marf_unknown", "recoded")} == {
        "n": 4, "no_source": 0.5, "unknown_after_coding": 0.25, "marf_unknown": 0.25, "recoded": 0.5}
    assert found["n_no_source"] == 2 and found["n_recoded"] == 2
    # on 4 contacts every share rests on a count from 1 to 4: a published copy gives none of them
    published = completeness_sentence(found, "2015-11")
    assert "%" not in published and "not shown" in published
    assert completeness_sentence(found, "2015-11", internal=True) == (
        "In November 2015, 50% of contacts arrived with no usable source code, 25% still had no known source "
        "after the free text was read, 25% did not record whether a MARF was used, and 50% had their source "
        "corrected by the recoding rules.")
    assert completeness_sentence(completeness(contacts, "2015-09"), "2015-09") == "There were no contacts in September 2015."
