"""Page 04, repeat contacts (hwb_kpis.report.pages.repeats)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from hwb_kpis.report.pages import repeats


def test_repeats_avoidable_and_per_child_distribution_hold_no_ids():
    contacts = pd.DataFrame({
        "child_id": ["a", "a", "a", "b", "b", "c", "d", "d"],
        "month": ["2015-10"] * 4 + ["2015-11"] * 4,
        "previous_marf": [pd.NA, False, False, pd.NA, True, pd.NA, pd.NA, False],
        "is_repeat": [False, True, True, False, False, False, False, True],
    })
    contacts["previous_marf"] = contacts["previous_marf"].astype("boolean")
    pot = repeats.repeats_avoidable(contacts, "previous_marf", False, True, risk_words="x", reference_words="y")
    assert pot.loc[0, "rate_risk"] == 1.0 and pot.loc[0, "rate_reference"] == 0.0
    assert pot.loc[0, "avoidable_per_month"] == pytest.approx(1.5)
    dist = repeats.repeats_per_child(contacts, top=3)
    assert list(dist["repeats"]) == ["1", "2", "3+"]
    assert list(dist["children"]) == [1, 1, 0]
    assert not dist.astype(str).isin(["a", "b", "c", "d"]).any().any()
    # 2 children: a total of 1 to 4, and a share of it, are not published (unless internal)
    sentence = repeats.repeats_per_child_sentence(dist)
    assert sentence.startswith("fewer than 5 children had at least one repeat contact") and "%" not in sentence
    internal = repeats.repeats_per_child_sentence(dist, repeats.per_child_plan(dist, internal=True))
    assert internal.startswith("2 children had at least one repeat contact; 50% of them")


def test_km_sentence():
    shares = pd.DataFrame({"group": ["all", "all", "health", "police"], "horizon": ["3 months", "12 months", "12 months", "12 months"],
                           "share": [0.2, 0.4, 0.3, 0.5], "at_risk": [100, 50, 20, 20]})
    s = repeats.km_sentence(shares)
    assert "again within 3 months in 20% of cases and within 12 months in 40%" in s
    assert "highest after contacts from police (50%)" in s and "lowest after contacts from health (30%)" in s


@pytest.fixture(scope="module")
def page():
    return repeats.load()


def test_the_repeats_page_builds_on_the_default_data(page):
    assert page.first_complete > "2013-12"  # months without a full year of history are left out
    assert [v.label for v in page.verdicts] == ["Repeat contacts", "Repeat contacts (health)"]
    assert page.judged_month == "2015-10"  # November's contacts are not all decided: it is still maturing
    everyone, health = page.comparison_sentences
    assert everyone.startswith("**Repeat contacts** in November 2015: 51%")
    assert health.startswith("**Repeat contacts from health** in November 2015: 47%")
    assert "still maturing" in health and "up 6 points" not in health
    assert page.funnel_sentence.startswith("For the repeat rate over the 12 months to October 2015, ")
    assert list(page.drivers_table.columns) == ["factor", "odds ratio", "95% from", "95% to", "contacts"]
    assert page.comeback_sentence.startswith("After a decision that the social care threshold was not met")
    assert page.per_child_sentence.endswith("or more.")
    findings = page.reduction_findings
    assert findings and any("fewer repeat contacts a month" in f for f in findings)


# --- issue 18: defects 3 to 6 and the maturing month, on the default data ------------------------------
def test_the_models_leave_out_the_month_still_maturing(page):
    assert page.judged_month == "2015-10"
    assert page.modelled["month"].max() == "2015-10"  # main modelled November 2015, still maturing
    assert page.episodes["month"].max() <= "2015-10"


def test_the_headline_trend_is_the_unadjusted_one_and_it_falls(page):
    # the repeat rate fell (about 56% to 52%); main said "the odds of a repeat rise by about 28% a year"
    assert page.trend_sentence.startswith("**The repeat rate fell")
    findings = " ".join(page.reduction_findings)
    assert "The repeat rate fell" in findings
    assert "odds of a repeat rise" not in findings
    assert "adjusted" in page.adjusted_note and "headline trend is the unadjusted one" in page.adjusted_note


def test_avoidable_repeats_are_counted_among_the_contacts_they_are_about(page):
    # main: "about 125 fewer repeat contacts a month", on every contact with an earlier one
    sentence = next(f for f in page.reduction_findings if "fewer repeat contacts a month" in f)
    avoided = int(re.search(r"about ([\d,]+) fewer repeat contacts", sentence).group(1).replace(",", ""))
    assert 10 <= avoided <= 60
    assert sentence.startswith("Among contacts whose earlier decision was that the threshold was not met")
    assert "upper bound" not in sentence and "assumes the difference is wholly caused" in sentence


def test_the_marf_effect_on_coming_back_is_a_hazard_ratio_from_the_cox_model(page):
    # planted: a threshold-not-met contact not on a MARF brings the child back at twice the rate
    h = page.hazards.set_index(["term", "level"])
    row = h.loc[("marf", "no")]
    assert row["ci_low"] <= 2.0 <= row["ci_high"]
    marf = next(f for f in page.reduction_findings if "on a MARF" in f)
    assert "times the rate (hazard ratio, 95% interval" in marf and "not on a MARF than when the contact was on" in marf
    assert list(page.hazards_table.columns) == ["factor", "hazard ratio", "95% from", "95% to", "decisions"]


def test_every_finding_survives_the_false_discovery_rate_and_the_page_says_so(page):
    findings = page.reduction_findings
    assert findings[-1].startswith("Each model's factors were tested together")
    said = " ".join(findings)
    # nothing is planted on the age of a child aged under 16, nor on which threshold-not-met decision it was
    assert "children aged 10-15" not in said and "review no-further-action decisions" not in said
