"""The re-contact model in plain words (hwb_kpis.report.recontact_findings): the findings follow
the numbers, whichever level the model took as reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.report import recontact_findings as rf
from tests.report.frames import odds_table


def test_repeat_reduction_findings_driven_by_numbers():
    findings = rf.repeat_reduction_findings(odds_table())
    # MARF first: "no" is the reference and "yes" is clearly lower, so "not on a MARF" is the level to act on,
    # its odds ratio inverted (1 / 0.8 = 1.25); the unknown level is never a finding
    assert findings[0].startswith("When the earlier contact was not on a MARF, the odds that a contact is a repeat are "
                                  "1.2 times as high as when the earlier contact was on a MARF (95% interval 1.11 to 1.43)")
    assert "What would help" in findings[0] and "MARF" in findings[0].split("What would help")[1]
    # the earlier decision: advice is clearly worse than no further action; a referral restates the definition
    assert "the earlier decision was advice only" in findings[1] and "1.3 times" in findings[1]
    assert not any("a referral to social care" in f for f in findings)
    # agencies: police is the worst level although it is the reference
    assert findings[2].startswith("Contacts from police are the most likely to be repeats: for contacts from health and schools")
    assert "between 32% and 55% lower" in findings[2] and "referrers from police" in findings[2]
    assert "No clear difference to repeats was found for whether the contact came on a MARF and the child's age" in findings[3]
    assert findings[-2].startswith("Allowing for the other factors, the odds of a repeat fall by about 10% a year")
    assert findings[-1] == rf.FAMILY_NOTE


def test_repeat_reduction_findings_flip_when_numbers_flip():
    table = odds_table()
    marf = (table["term"] == "previous_marf") & (table["level"] == "yes")
    table.loc[marf, ["odds_ratio", "ci_low", "ci_high"]] = [1.0, 0.9, 1.1]
    findings = rf.repeat_reduction_findings(table)
    assert not any("on a MARF, the odds" in f for f in findings)
    assert any("No clear difference" in f and "whether the earlier contact came on a MARF" in f for f in findings)
    table.loc[marf, ["odds_ratio", "ci_low", "ci_high"]] = [1.5, 1.3, 1.7]
    findings = rf.repeat_reduction_findings(table)
    assert findings[0].startswith("When the earlier contact was on a MARF, the odds that a contact is a repeat are 1.5 times")
    assert rf.repeat_reduction_findings(pd.DataFrame())[0].startswith("The re-contact model could not")
    nothing = odds_table().assign(ci_low=0.5, ci_high=2.0)
    assert rf.repeat_reduction_findings(nothing)[0].startswith("None of the factors")


def test_repeat_reduction_findings_on_a_fitted_model():
    stats = pytest.importorskip("hwb_kpis.stats")
    rng = np.random.default_rng(1)
    n = 4000
    prev_marf = rng.random(n) < 0.6
    p = np.where(prev_marf, 0.3, 0.5)
    frame = pd.DataFrame({
        "is_repeat": rng.random(n) < p, "previous_marf": pd.array(prev_marf, dtype="boolean"),
        "source_group": "health", "marf": pd.array(rng.random(n) < 0.5, dtype="boolean"),
        "age_band": "5-9", "month": "2015-01",
    })
    table = stats.recontact_drivers(frame, previous_outcome_col=None, month_col=None)
    findings = rf.repeat_reduction_findings(table)
    assert findings[0].startswith("When the earlier contact was not on a MARF") and "What would help" in findings[0]
    labels = rf.odds_table_labels(table)
    assert "Earlier contact on a MARF: no vs yes" in set(labels)


def test_potential_adds_the_avoidable_repeats():
    potential = pd.DataFrame([{"rate_risk": 0.5, "rate_reference": 0.3, "avoidable_per_month": 12.4,
                               "risk_words": "x is so", "reference_words": "x is not"}])
    findings = rf.repeat_reduction_findings(odds_table(), potential=potential)
    assert any("if those where x is so had the same repeat rate as those where x is not (50% against 30%), "
               "about 12 fewer repeat contacts a month" in f for f in findings)
    said = " ".join(findings)
    assert "upper bound" not in said and "assumes the difference is wholly caused by the MARF" in said


def test_definitional_levels_and_exclusions_are_explained():
    table = odds_table()
    table.attrs["excluded"] = ["Earlier outcome: unknown (9832 contacts, none repeats)"]
    shown = rf.without_definitional(table)
    assert not ((shown["term"] == "previous_outcome") & (shown["level"] == "referral")).any()
    assert shown.attrs["excluded"] == table.attrs["excluded"]
    assert "a referral to social care" in rf.definitional_note(table) and rf.definitional_note(shown) == ""
    assert rf.excluded_note(table).endswith("no earlier contact (9,832 contacts, none are repeats).")
    # a group of 1 to 4 contacts is not described: its count, and "all repeats", rest on it
    table.attrs["excluded"] = ["Agency: anonymous (3 contacts, all repeats)"]
    assert rf.excluded_note(table).endswith("Agency: anonymous (too few contacts to describe).")
    assert "(3 contacts, all are repeats)" in rf.excluded_note(table, internal=True)
    labels = rf.odds_table_labels(table)
    assert labels.iloc[0] == "Agency: police (reference)" and labels.iloc[1] == "Agency: health vs police"


def test_a_null_term_clear_of_chance_alone_is_not_a_finding_once_the_family_is_controlled():
    # issue 18, defect 6: ten age levels tested, one with p = 0.04 (its interval just excludes 1);
    # main turned it into "look at how the front door responds to children aged 16+"
    rows = [("age_band", "10-15", 1.0, None, None, None, True)]
    levels = ["0-1", "1-2", "2-3", "3-4", "4-5", "5-6", "6-7", "7-8", "8-9", "16+"]
    for lv in levels[:-1]:
        rows.append(("age_band", lv, 1.05, 0.85, 1.3, 0.5, False))
    rows.append(("age_band", "16+", 1.25, 1.01, 1.55, 0.04, False))
    table = pd.DataFrame(rows, columns=["term", "level", "odds_ratio", "ci_low", "ci_high", "p_value", "is_reference"])
    findings = rf.repeat_reduction_findings(table)
    said = " ".join(findings)
    assert "children aged 16+" not in said
    assert findings[0].startswith("None of the factors in the model is clearly linked")
    assert findings[-1] == rf.FAMILY_NOTE
    strong = table.assign(p_value=table["p_value"].where(table["level"] != "16+", 1e-6))
    assert "children aged 16+" in " ".join(rf.repeat_reduction_findings(strong))


def test_hazard_findings_name_the_level_that_comes_back_sooner():
    hazards = pd.DataFrame({
        "term": ["marf", "marf", "outcome", "outcome", "age_band", "age_band"],
        "level": ["yes", "no", "nfa", "advice", "10-15", "16+"],
        "hazard_ratio": [1.0, 2.0, 1.0, 1.02, 1.0, 0.8], "ci_low": [None, 1.9, None, 0.97, None, 0.74],
        "ci_high": [None, 2.2, None, 1.06, None, 0.86], "p_value": [None, 1e-50, None, 0.4, None, 1e-8],
        "is_reference": [True, False, True, False, True, False]})
    found, unclear = rf.hazard_findings(hazards)
    assert len(found) == 1 and "when the contact was not on a MARF than when the contact was on a MARF" in found[0][2]
    assert "at about 2.0 times the rate (hazard ratio, 95% interval 1.90 to 2.20)" in found[0][2]
    # a 16 or 17 year old soon leaves children's services: not a finding about the front door
    assert "which threshold-not-met decision was made" in unclear and "the child's age" in unclear
