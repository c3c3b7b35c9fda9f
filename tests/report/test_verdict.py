"""SPC verdicts in words (hwb_kpis.report.verdict): the only home of the verdict phrases, and the
sentence style guide (docs/style-guide.md) in practice."""

from __future__ import annotations

import re

import pytest

from hwb_kpis.report import verdict as vd
from hwb_kpis.report.declared import Change, Target, VerdictRules
from hwb_kpis.report.kpi_verdicts import kpi_verdict
from tests.report.frames import monthly

STEADY = [500 + (i % 2) * 10 for i in range(23)]


def test_common_cause_quotes_the_latest_month_within_the_current_limits():
    v = kpi_verdict(monthly("repeat_contacts", "all", [*STEADY, 510]), "repeat_contacts")
    s = v.sentence
    assert s.startswith("Repeat contacts: common cause variation, no signal of change. In December 2015 it was 51%")
    assert f"within the process limits of {round(v.lpl * 100)}% to {round(v.upl * 100)}%" in s
    assert "(January 2014 to December 2015)" in s and "what this process usually gives" in s
    assert "real change" not in s and "normal variation" not in s


@pytest.mark.parametrize(("kpi", "tail", "words"), [
    ("marf", 800, "special cause variation, improving — December 2015 (80%) is above the upper process limit"),
    ("repeat_contacts", 800, "special cause variation, concerning — December 2015 (80%) is above the upper"),
    ("repeat_contacts", 200, "special cause variation, improving — December 2015 (20%) is below the lower"),
    ("health_share", 800, "special cause variation, in a direction that is neither better nor worse"),
])
def test_a_single_signal_is_named_with_its_rule_and_not_called_a_lasting_change(kpi, tail, words):
    s = kpi_verdict(monthly(kpi, "all", [*STEADY, tail]), kpi).sentence
    assert words in s
    assert "a signal to look into, but 1 month is too short a run to say the process has changed" in s
    assert "within" not in s  # the limits are not offered as the range of this month


def test_a_lasting_signal_says_the_limits_no_longer_describe_the_process():
    v = kpi_verdict(monthly("conversion", "all", [300 + (i % 2) * 5 for i in range(20)] + [420, 430, 440, 450]),
                    "conversion")
    s = v.sentence
    assert "is above the upper process limit, as were the 3 months before it" in s
    assert "the months since September 2015 do not fit them, so these limits describe the process before it changed" in s
    assert not re.search(r"a month between .* is within normal variation", s)


@pytest.mark.parametrize(("values", "rule", "reason"), [
    ([480, 520] * 6 + [490, 495, 500, 505, 510, 515, 520], "trend", "7 months in a row, to July 2015, have each risen"),
    ([520, 500] * 6 + [515] * 7, "shift", "7 months in a row, January 2015 to July 2015, are above the average"),
])
def test_rules_in_plain_words(values, rule, reason):
    v = kpi_verdict(monthly("contacts", "all", values), "contacts")
    assert v.rule == rule and reason in v.sentence
    assert vd.rule_reason(v) in v.sentence


def test_trial_limits_and_maturing_months_are_said():
    frame = monthly("iha_within_28_days", "all", [5] * 8, den=10).assign(not_yet_due=[0] * 6 + [3, 9])
    s = kpi_verdict(frame, "iha_within_28_days").sentence
    assert "The limits are provisional: they rest on only 6 months." in s
    assert ("July 2014 and August 2014 are still maturing (23%, 47% of its children are not yet due an assessment) "
            "and are shown as hollow points, not judged.") in s


def test_titles_icons_and_assurance_words():
    assert vd.chart_title("common_cause", "Repeat contacts") == "Repeat contacts: no signal of change"
    assert vd.chart_title("concern", "Repeat contacts") == "Repeat contacts: a signal of concern"
    assert set(vd.VARIATION_ICON_WORDS) == {"common_cause", "too_few"} | {
        f"{k}_{s}" for k in ("improvement", "concern", "neither") for s in ("high", "low")}
    frame = monthly("iha_within_28_days", "all", [120] * 24, den=200)
    v = kpi_verdict(frame, "iha_within_28_days", rules=VerdictRules(targets=(Target("iha_within_28_days", 0.9),)))
    assert vd.assurance_sentence(v) == ("Initial health assessments on time: the target of 90% lies beyond the limits "
                                       "on the wrong side, so the process as it stands will miss it month after month.")
    assert vd.assurance_sentence(kpi_verdict(frame, "iha_within_28_days")) == ""


def test_new_and_continuing_signals_and_proposals():
    new = kpi_verdict(monthly("marf", "all", [*STEADY, 800]), "marf")
    assert vd.new_signal_sentence(new).startswith("Contacts submitted on a MARF: a new signal in December 2015 — ")
    lasting = kpi_verdict(monthly("marf", "all", [300] * 14 + [420] * 10), "marf")
    assert vd.continuing_clause(lasting) == ("Contacts submitted on a MARF (special cause variation, improving, "
                                             "since March 2015)")
    assert "the 10 months from March 2015 are all above the average" in vd.proposal_sentence(lasting)
    rebased = kpi_verdict(monthly("marf", "all", [300] * 14 + [420] * 10), "marf",
                          rules=VerdictRules(changes=(Change("marf", "2015-03", "MARF made mandatory"),)))
    assert rebased.variation == "common_cause" and vd.proposal_sentence(rebased) == ""


def test_small_numbers_stay_out_of_published_sentences():
    frame = monthly("iha_within_28_days", "all", [5] * 13 + [1], den=14)
    assert "In February 2015 it was fewer than 5 of 14," in kpi_verdict(frame, "iha_within_28_days").sentence
    assert "In February 2015 it was 7%," in kpi_verdict(frame, "iha_within_28_days", internal=True).sentence


def test_stats_summary_sentence_kept():
    assert vd.summary_sentence({"variation": "concern", "rule": "trend", "assurance": "inconsistent",
                                "trial_limits": True, "n_points": 9}) == (
        "Special cause variation: concern (7 points in a row rising or falling). The target may or may not be met "
        "(it lies within the process limits). Limits are trial limits (only 9 points).")
