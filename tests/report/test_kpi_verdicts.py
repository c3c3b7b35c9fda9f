"""One verdict per KPI per pack (hwb_kpis.report.kpi_verdicts): chart type, segments from declared
changes, months still maturing, mean and limits, variation and assurance codes, proposals and the
month-on-month test, for any group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.report.declared import Change, Target, VerdictRules
from hwb_kpis.report.kpi_verdicts import kpi_verdict
from tests.report.frames import monthly

RNG = np.random.default_rng(17)


def with_pending(frame: pd.DataFrame, shares: dict[str, float]) -> pd.DataFrame:
    """``frame`` plus ``pending`` rows (group all): ``shares`` maps a month to its pending share."""
    months = sorted(frame["month"].unique())
    pending = monthly("pending", "all", [round(shares.get(m, 0.0) * 1000) for m in months], start=months[0])
    return pd.concat([frame, pending], ignore_index=True)


def test_the_chart_fits_the_kpi():
    counts = kpi_verdict(monthly("contacts", "all", [1400 + (i % 3) * 10 for i in range(24)]), "contacts")
    assert counts.chart_kind == "xmr" and counts.test is None and counts.chart_choice_sentence == ""
    noisy = kpi_verdict(monthly("conversion", "all", list(RNG.integers(300, 700, 24))), "conversion")
    assert noisy.chart_kind == "laney_p_prime" and noisy.test["use_laney"] and "Laney" in noisy.chart_choice_sentence


def test_months_still_maturing_are_shown_not_judged():
    values = [500] * 23 + [900]  # the last month jumps only because its contacts are not decided yet
    frame = with_pending(monthly("conversion", "all", values), {"2015-12": 0.15, "2015-11": 0.04})
    v = kpi_verdict(frame, "conversion", "all", "2015-12")
    assert v.latest_month == "2015-11" and v.month == "2015-12"
    assert list(v.maturing["month"]) == ["2015-12"] and v.maturing["share"].iloc[0] == pytest.approx(0.15)
    assert v.maturing_kind == "decisions" and v.variation == "common_cause"
    assert "December 2015 is still maturing (15% of its contacts still await a decision)" in v.sentence
    # a KPI that does not read decisions (contacts) is not maturing in that month
    count = kpi_verdict(with_pending(monthly("contacts", "all", [1400] * 24), {"2015-12": 0.15}), "contacts")
    assert count.latest_month == "2015-12" and count.maturing.empty
    # a higher threshold judges the month
    assert kpi_verdict(frame, "conversion", "all", "2015-12", VerdictRules(maturing_share=0.2)).latest_month == "2015-12"


def test_iha_cohorts_not_yet_due_are_maturing():
    frame = monthly("iha_within_28_days", "all", [5] * 14, den=10).assign(not_yet_due=[0] * 13 + [8])
    v = kpi_verdict(frame, "iha_within_28_days")
    assert v.latest_month == "2015-01" and list(v.maturing["month"]) == ["2015-02"] and v.maturing_kind == "due"
    assert "not yet due an assessment" in v.sentence


def test_a_declared_change_starts_new_limits_and_the_sentence_quotes_them():
    values = list(RNG.binomial(1000, 0.3, 12)) + list(RNG.binomial(1000, 0.6, 12))
    frame = monthly("conversion", "all", values)
    rules = VerdictRules(changes=(Change("conversion", "2015-01", "threshold training"),
                                  Change("conversion", "2030-01", "outside the months: ignored"),
                                  Change("conversion", "2015-01", "another group only", group="police")))
    v = kpi_verdict(frame, "conversion", "all", "2015-12", rules)
    assert v.frame["segment"].nunique() == 2 and [c.what for c in v.changes] == ["threshold training"]
    assert v.segment_start == "2015-01" and v.segment_change.what == "threshold training"
    assert v.mean == pytest.approx(sum(values[12:]) / 12000) and v.n_points == 12
    assert f"around an average of {round(v.mean * 100)}%" in v.sentence or f"The average is {round(v.mean * 100)}%" in v.sentence
    assert "since the declared change: threshold training" in v.sentence
    undeclared = kpi_verdict(frame, "conversion", "all", "2015-12")
    assert undeclared.frame["segment"].nunique() == 1 and undeclared.segment_change is None


def test_a_sustained_shift_is_proposed_not_applied():
    values = [300] * 14 + [420] * 10
    v = kpi_verdict(monthly("conversion", "all", values), "conversion", "all", "2015-12")
    assert v.frame["segment"].nunique() == 1  # not applied
    assert v.proposal.month == "2015-03" and v.proposal.side == "above" and v.proposal.months == 10
    assert "declare it in changes.yml (kpi: conversion, month: 2015-03" in v.proposal_sentence
    declared = kpi_verdict(monthly("conversion", "all", values), "conversion", "all", "2015-12",
                           VerdictRules(changes=(Change("conversion", "2015-03", "new form"),)))
    assert declared.proposal is None and declared.proposal_sentence == ""


def test_signals_new_and_continuing():
    steady = [500 + (i % 2) * 10 for i in range(23)]
    new = kpi_verdict(monthly("repeat_contacts", "all", [*steady, 800]), "repeat_contacts")
    assert new.variation == "concern" and new.side == "high" and new.variation_icon == "concern_high"
    assert new.new_signal and new.signal_since == "2015-12" and new.signal_months == 1
    lasting = kpi_verdict(monthly("marf", "all", [*steady[:20], 800, 810, 820, 815]), "marf")
    assert lasting.variation == "improvement" and not lasting.new_signal
    assert lasting.signal_since == "2015-09" and lasting.signal_months == 4
    neither = kpi_verdict(monthly("health_share", "all", [*steady, 800]), "health_share")
    assert neither.variation == "neither" and neither.variation_icon == "neither_high"


def test_assurance_against_a_declared_target():
    frame = monthly("iha_within_28_days", "all", list(RNG.binomial(200, 0.6, 24)), den=200)
    for target, code in ((0.95, "consistent_fail"), (0.2, "consistent_pass"), (0.6, "inconsistent")):
        v = kpi_verdict(frame, "iha_within_28_days", rules=VerdictRules(targets=(Target("iha_within_28_days", target),)))
        assert v.assurance == code and v.target.value == target
        assert v.frame["target"].iloc[-1] == target
    assert kpi_verdict(frame, "iha_within_28_days").assurance is None
    neutral = kpi_verdict(monthly("health_share", "all", [170] * 24), "health_share",
                          rules=VerdictRules(targets=(Target("health_share", 0.2),)))
    assert neutral.assurance is None  # no better direction: no assurance


def test_month_on_month_test_uses_the_charts_own_variation():
    frame = monthly("repeat_contacts", "health", [96] * 22 + [100, 110], den=235)
    v = kpi_verdict(frame, "repeat_contacts", "health")
    assert v.month_change["difference"] == pytest.approx(10 / 235)
    assert 0.2 < v.month_change["p_value"] < 0.6 and not v.month_change["supported"]
    big = kpi_verdict(monthly("marf", "all", [300] * 23 + [400]), "marf")
    assert big.month_change["supported"] and big.month_change["p_value"] < 0.001


def test_too_few_months_and_nothing_at_all():
    one = kpi_verdict(monthly("conversion", "all", [500]), "conversion")
    assert one.too_few and one.variation == "too_few" and one.variation_icon == "too_few" and one.assurance is None
    assert one.sentence.startswith("Contacts progressed to referral: too few months to judge (1 month so far)")
    empty = kpi_verdict(monthly("conversion", "all", [500]), "conversion", "all", "2013-01")
    assert empty.frame.empty and empty.latest_month is None and np.isnan(empty.mean)
    fig = empty.figure(y_label="Share")
    assert "too few months" in fig.get_suptitle()


def test_one_function_for_any_group_and_a_plain_record():
    frame = pd.concat([monthly("conversion", "all", [500] * 24), monthly("conversion", "police", [300] * 24)])
    police = kpi_verdict(frame, "conversion", "police", label="Conversion (police)")
    record = police.record()
    assert record["group"] == "police" and record["label"] == "Conversion (police)" and record["value"] == 0.3
    assert set(record) >= {"kpi", "chart", "month", "mean", "lpl", "upl", "variation", "assurance", "maturing"}
    assert kpi_verdict(frame, "conversion", "police").record() == record | {"label": "Contacts progressed to referral (police)"}
    fig = police.figure(y_label="Share", as_of="30 November 2015")
    assert fig.get_suptitle() == police.title
