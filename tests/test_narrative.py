"""Plain-words helpers: the sentences follow the numbers they are given."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.report import narrative as nv


def kpi_frame() -> pd.DataFrame:
    rows = []
    for month, num, den in [("2014-11", 600, 1300), ("2015-10", 700, 1400), ("2015-11", 714, 1400)]:
        rows.append({"kpi": "repeat_contacts", "group": "all", "month": month, "numerator": num,
                     "denominator": den, "rate": num / den})
    for month, n in [("2014-11", 1350), ("2015-10", 1520), ("2015-11", 1400)]:
        rows.append({"kpi": "contacts", "group": "all", "month": month, "numerator": n,
                     "denominator": pd.NA, "rate": pd.NA})
    return pd.DataFrame(rows)


def test_percent_count_points_months():
    assert nv.percent(0.514) == "51%"
    assert nv.percent(0.585) == "58%" or nv.percent(0.585) == "59%"
    assert nv.percent(None) == "n/a"
    assert nv.percent(float("nan")) == "n/a"
    assert nv.percent("*") == "*"
    assert nv.count(1400) == "1,400"
    assert nv.count("<5") == "<5"
    assert nv.points(-0.031) == "3 points"
    assert nv.points(0.01) == "1 point"
    assert nv.month_name("2015-11") == "November 2015"
    assert nv.shift_month("2015-01", -1) == "2014-12"
    assert nv.shift_month("2015-11", -12) == "2014-11"


def test_compare_periods_rate_kpi():
    comp = nv.compare_periods(kpi_frame(), "repeat_contacts", "all", "2015-11")
    assert list(comp.index) == list(nv.PERIODS)
    assert list(comp["month"]) == ["2015-11", "2015-10", "2014-11"]
    assert comp.attrs["is_rate"]
    assert comp.loc["this month", "value"] == pytest.approx(0.51)
    sentence = nv.comparison_sentence(comp)
    assert "51%" in sentence and "714 of 1,400" in sentence
    assert "up 1 point from 50% last month" in sentence
    assert "up 5 points from 46% in November 2014" in sentence


def test_compare_periods_count_kpi_and_missing_month():
    comp = nv.compare_periods(kpi_frame(), "contacts", "all", "2015-11")
    assert not comp.attrs["is_rate"]
    assert comp.loc["this month", "value"] == 1400
    s = nv.comparison_sentence(comp)
    assert "1,400" in s and "down 120" in s and "up 50" in s
    missing = nv.compare_periods(kpi_frame(), "repeat_contacts", "all", "2015-10")
    assert pd.isna(missing.loc["last month", "value"])
    assert "no comparable figure last month" in nv.comparison_sentence(missing)


def test_change_sentence_rounds_as_printed():
    # 50.4% and 49.6% both print as 50%: the board would see no change
    assert nv.change_sentence(0.504, 0.496) == "the same as last month (50%)"
    assert nv.change_sentence(0.58, 0.55) == "up 3 points from 55% last month"
    assert nv.change_sentence(0.40, 0.45, previous_label="a year ago") == "down 5 points from 45% a year ago"
    assert nv.change_sentence(1300, 1400, is_rate=False).startswith("down 100, 7% from 1,400")


def test_comparison_table_suppresses_small_numbers():
    frame = kpi_frame()
    frame = pd.concat([frame, pd.DataFrame([
        {"kpi": "iha_within_28_days", "group": "all", "month": "2015-11", "numerator": 1, "denominator": 1, "rate": 1.0},
        {"kpi": "iha_within_28_days", "group": "all", "month": "2015-10", "numerator": 18, "denominator": 20, "rate": 0.9},
    ])], ignore_index=True)
    items = [("repeat_contacts", "all"), ("contacts", "all"), ("iha_within_28_days", "all"), ("nope", "all")]
    table = nv.comparison_table(frame, items, "2015-11")
    assert list(table.columns) == ["measure", *nv.PERIODS, "count", "out of"]
    assert list(table["measure"]) == ["Repeat contacts", "Contacts received", "Initial health assessments on time"]
    row = table.set_index("measure")
    assert row.loc["Repeat contacts", "this month"] == "51%" and row.loc["Repeat contacts", "count"] == "714"
    assert row.loc["Contacts received", "this month"] == "1,400" and row.loc["Contacts received", "out of"] == ""
    assert row.loc["Initial health assessments on time", "this month"] == "*"
    assert row.loc["Initial health assessments on time", "count"] == "<5"
    assert row.loc["Initial health assessments on time", "last month"] == "90%"
    internal = nv.comparison_table(frame, items, "2015-11", internal=True).set_index("measure")
    assert internal.loc["Initial health assessments on time", "this month"] == "100%"
    own = nv.comparison_table(frame, items, "2015-11", month_for={("iha_within_28_days", "all"): "2015-10"})
    assert own["measure"].iloc[-1] == "Initial health assessments on time (October 2015)"
    assert own["this month"].iloc[-1] == "90%"


def test_comparison_sentence_hides_small_numbers():
    frame = pd.DataFrame([{"kpi": "marf", "group": "all", "month": "2015-11", "numerator": 2, "denominator": 3,
                           "rate": 2 / 3}])
    comp = nv.compare_periods(frame, "marf", "all", "2015-11")
    assert "fewer than 5" in nv.comparison_sentence(comp)
    assert "67%" in nv.comparison_sentence(comp, internal=True)


def spc(ys, special_last=False, mean=None):
    mean = sum(ys) / len(ys) if mean is None else mean
    frame = pd.DataFrame({"y": ys, "mean": mean, "lpl": mean - 0.1, "upl": mean + 0.1,
                          "special_cause": False, "rule": ""})
    if special_last:
        frame.loc[frame.index[-1], "special_cause"] = True
        frame.loc[frame.index[-1], "rule"] = "beyond_limit"
    return frame


@pytest.mark.parametrize(
    ("ys", "special", "direction", "key"),
    [
        ([0.5] * 12 + [0.52], False, "increase", "common_cause"),
        ([0.5] * 12 + [0.9], True, "increase", "improvement"),
        ([0.5] * 12 + [0.9], True, "decrease", "concern"),
        ([0.5] * 12 + [0.1], True, "decrease", "improvement"),
        ([0.5] * 12 + [0.9], True, "neutral", "neither"),
    ],
)
def test_spc_verdict_follows_side_and_direction(ys, special, direction, key):
    verdict = nv.spc_verdict(spc(ys, special), direction)
    assert verdict["key"] == key
    assert verdict["icon"] == nv.VERDICTS[key][0]
    assert not verdict["trial"]


def test_spc_verdict_uses_variation_column_and_trial_limits():
    frame = spc([0.5] * 5 + [0.9], True)
    frame["variation"] = "special cause concern"
    verdict = nv.spc_verdict(frame, "increase")
    assert verdict["key"] == "concern" and verdict["trial"]
    assert nv.spc_verdict(spc([0.5]))["key"] == "too_few"


def test_spc_sentence_plain_words():
    s = nv.spc_sentence(spc([0.5] * 12 + [0.9], True, mean=0.5), "Repeat contacts", improvement_direction="decrease")
    assert s.startswith("🟠 Repeat contacts: special cause concern")
    assert "outside the range normal variation would give" in s and "average is 50%" in s
    assert "between 40% and 60%" in s
    counts = spc([1400.0] * 13, mean=1400.0)
    counts["lpl"], counts["upl"] = 1100.0, 1700.0
    s = nv.spc_sentence(counts, "Contacts", is_rate=False)
    assert "common cause" in s and "1,400" in s and "1,100 and 1,700" in s


def odds_table():
    """A table shaped like hwb_kpis.stats.recontact_drivers' output (reference = most frequent level)."""
    rows = [
        ("source_group", "police", 1.0, None, None, True),
        ("source_group", "health", 0.45, 0.38, 0.54, False),
        ("source_group", "schools", 0.68, 0.58, 0.80, False),
        ("source_group", "housing", 0.89, 0.60, 1.30, False),
        ("marf", "no", 1.0, None, None, True),
        ("marf", "yes", 1.14, 0.99, 1.32, False),
        ("age_band", "10-15", 1.0, None, None, True),
        ("age_band", "16+", 1.05, 0.9, 1.2, False),
        ("previous_outcome", "nfa", 1.0, None, None, True),
        ("previous_outcome", "advice", 1.3, 1.1, 1.5, False),
        ("previous_outcome", "referral", 0.02, 0.01, 0.03, False),
        ("previous_marf", "no", 1.0, None, None, True),
        ("previous_marf", "yes", 0.8, 0.7, 0.9, False),
        ("previous_marf", "unknown", 1.5, 1.2, 1.9, False),
        ("time", "per 12 months", 0.9, 0.85, 0.95, False),
    ]
    return pd.DataFrame(rows, columns=["term", "level", "odds_ratio", "ci_low", "ci_high", "is_reference"])


def test_repeat_reduction_findings_driven_by_numbers():
    findings = nv.repeat_reduction_findings(odds_table())
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
    assert findings[-1].startswith("Allowing for the other factors, the odds of a repeat fall by about 10% a year")


def test_repeat_reduction_findings_flip_when_numbers_flip():
    table = odds_table()
    marf = (table["term"] == "previous_marf") & (table["level"] == "yes")
    table.loc[marf, ["odds_ratio", "ci_low", "ci_high"]] = [1.0, 0.9, 1.1]
    findings = nv.repeat_reduction_findings(table)
    assert not any("on a MARF, the odds" in f for f in findings)
    assert any("No clear difference" in f and "whether the earlier contact came on a MARF" in f for f in findings)
    table.loc[marf, ["odds_ratio", "ci_low", "ci_high"]] = [1.5, 1.3, 1.7]
    findings = nv.repeat_reduction_findings(table)
    assert findings[0].startswith("When the earlier contact was on a MARF, the odds that a contact is a repeat are 1.5 times")
    assert nv.repeat_reduction_findings(pd.DataFrame())[0].startswith("The re-contact model could not")
    nothing = odds_table().assign(ci_low=0.5, ci_high=2.0)
    assert nv.repeat_reduction_findings(nothing)[0].startswith("None of the factors")


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
    findings = nv.repeat_reduction_findings(table)
    assert findings[0].startswith("When the earlier contact was not on a MARF") and "What would help" in findings[0]
    labels = nv.odds_table_labels(table)
    assert "Earlier contact on a MARF: no vs yes" in set(labels)


def test_repeats_avoidable_and_per_child_distribution_hold_no_ids():
    contacts = pd.DataFrame({
        "child_id": ["a", "a", "a", "b", "b", "c", "d", "d"],
        "month": ["2015-10"] * 4 + ["2015-11"] * 4,
        "previous_marf": [pd.NA, False, False, pd.NA, True, pd.NA, pd.NA, False],
        "is_repeat": [False, True, True, False, False, False, False, True],
    })
    contacts["previous_marf"] = contacts["previous_marf"].astype("boolean")
    pot = nv.repeats_avoidable(contacts, "previous_marf", False, True, risk_words="x", reference_words="y")
    assert pot.loc[0, "rate_risk"] == 1.0 and pot.loc[0, "rate_reference"] == 0.0
    assert pot.loc[0, "avoidable_per_month"] == pytest.approx(1.5)
    dist = nv.repeats_per_child(contacts, top=3)
    assert list(dist["repeats"]) == ["1", "2", "3+"]
    assert list(dist["children"]) == [1, 1, 0]
    assert not dist.astype(str).isin(["a", "b", "c", "d"]).any().any()
    assert "2 children" in nv.repeats_per_child_sentence(dist)


def test_trend_and_overdispersion_sentences():
    rising = nv.trend_sentence({"pp_per_month": 0.5, "pp_ci": (0.3, 0.7), "n_months": 20}, "conversion")
    assert "really rising" in rising and "0.5 percentage points a month" in rising and "6 points a year" in rising
    assert "0.3 to 0.7" in rising
    falling = nv.trend_sentence({"pp_per_month": -0.5, "pp_ci": (-0.7, -0.3), "n_months": 20}, "conversion")
    assert "really falling" in falling and "0.3 to 0.7" in falling
    flat = nv.trend_sentence({"pp_per_month": 0.1, "pp_ci": (-0.1, 0.3), "n_months": 20}, "conversion")
    assert "No clear trend" in flat
    assert "Laney" in nv.overdispersion_sentence({"phi": 3.0, "sigma_z": 1.8, "p_value": 1e-6, "use_laney": True})
    assert "ordinary p-chart" in nv.overdispersion_sentence({"phi": 0.9, "sigma_z": 0.9, "p_value": 0.6, "use_laney": False})
    assert "trend or shift" in nv.overdispersion_sentence({"phi": 3.0, "sigma_z": 0.9, "p_value": 0.001, "use_laney": False})


def test_funnel_sentence_names_outliers():
    funnel = pd.DataFrame({"label": ["health", "police", "schools", "other"],
                           "flag": ["within", "above 99.8%", "below 99.8%", "below 95%"]})
    s = nv.funnel_sentence(funnel, what="conversion rate")
    assert "well above the average: police" in s and "well below the average: schools" in s
    assert "possibly chance: other agencies" in s and "health" not in s
    funnel["flag"] = "within"
    assert "inside the funnel" in nv.funnel_sentence(funnel)


def test_km_and_its_sentences():
    shares = pd.DataFrame({"group": ["all", "all", "health", "police"], "horizon": ["3 months", "12 months", "12 months", "12 months"],
                           "share": [0.2, 0.4, 0.3, 0.5], "at_risk": [100, 50, 20, 20]})
    s = nv.km_sentence(shares)
    assert "again within 3 months in 20% of cases and within 12 months in 40%" in s
    assert "highest after contacts from police (50%)" in s and "lowest after contacts from health (30%)" in s
    its = {"level_change_pp": 35.0, "level_pp_ci": (20.0, 50.0), "slope_change": 1.01, "slope_ci": (0.95, 1.07)}
    s = nv.its_sentence(its, measure="IHAs on time", at="2015-04")
    assert s.startswith("IHAs on time jumped up by about 35 percentage points from April 2015 (95% interval 20 to 50)")
    assert "did not clearly change" in s


def test_delay_sentence_finds_longest_step():
    steps = pd.DataFrame({"month": ["2015-01", "2015-01", "2015-10", "2015-10"],
                          "step": ["start_to_consent", "notified_to_iha", "start_to_consent", "notified_to_iha"],
                          "median_days": [40.0, 10.0, 5.0, 12.0]})
    s = nv.delay_sentence(steps)
    assert "January 2015 the longest step was social care getting consent" in s and "40 days" in s
    assert "October 2015 it was health carrying out the assessment" in s


def test_banner_and_join_words():
    assert nv.banner(False) == ""
    assert "INTERNAL" in nv.banner(True)
    assert nv.join_words(["a", "b", "c"]) == "a, b and c"
    assert nv.bullets(["x", "y"]) == "- x\n- y"


def monthly(kpi, group, values, start="2014-01", den=1000):
    months = pd.period_range(start, periods=len(values), freq="M").astype(str)
    rows = [{"kpi": kpi, "group": group, "month": m, "period": "month", "numerator": v,
             "denominator": den if kpi != "contacts" else v, "rate": v / den if kpi != "contacts" else 1.0,
             "incomplete_history": False} for m, v in zip(months, values, strict=True)]
    return pd.DataFrame(rows)


def test_series_leaves_out_incomplete_months_and_later_months():
    frame = monthly("repeat_contacts", "all", [500] * 24)
    frame.loc[:11, "incomplete_history"] = True
    rows = nv.series(frame, "repeat_contacts", "all", "2015-06")
    assert rows["month"].iloc[0] == "2015-01" and rows["month"].iloc[-1] == "2015-06"


def test_kpi_spc_picks_the_chart_from_the_numbers():
    counts = monthly("contacts", "all", [1400 + (i % 3) * 10 for i in range(24)])
    chart, test = nv.kpi_spc(counts, "contacts", "all", "2015-12")
    assert chart.attrs["chart"] == "xmr" and test is None
    rng = np.random.default_rng(3)
    noisy = monthly("conversion", "all", list(rng.integers(300, 700, 24)))
    chart, test = nv.kpi_spc(noisy, "conversion", "all", "2015-12")
    assert test["use_laney"] and chart.attrs["chart"] == "laney_p_prime"
    calm = monthly("conversion", "all", list(rng.binomial(1000, 0.5, 24)))
    chart, test = nv.kpi_spc(calm, "conversion", "all", "2015-12")
    assert chart.attrs["chart"] in ("p", "laney_p_prime") and chart.attrs["chart"] == ("laney_p_prime" if test["use_laney"] else "p")


def test_seasonality_finds_the_dip_and_the_group():
    values = [100] * 24
    values[7] = values[19] = 60  # August
    schools = monthly("contacts", "schools", [v - 50 if v == 60 else 50 for v in values])
    total = monthly("contacts", "all", values)
    profile = nv.seasonal_profile(total)
    by_group = {"schools": nv.seasonal_profile(schools), "police": nv.seasonal_profile(monthly("contacts", "police", [40] * 24))}
    s = nv.seasonality_sentence(profile, "contacts", by_group=by_group)
    assert s.startswith("Contacts are lowest in August") and "deepest for schools" in s
    assert nv.seasonality_title(profile, by_group) == "Contacts by agency: schools dip most in August"


def test_health_breakdown_ranks_services():
    ref = pd.DataFrame({"code": ["3A", "3C", "3E", "6"], "group": ["health", "health", "health", "police"],
                        "label": ["GP", "School nurse", "A&E", "Police"],
                        "health_breakdown": ["GP", "School nurse", "A&E / NHS 111", None]})
    frame = pd.concat([monthly("contacts", "code:3E", [80] * 12), monthly("contacts", "code:3A", [30] * 12),
                       monthly("contacts", "code:3C", [3] * 12)])
    table = nv.health_breakdown(frame, "2014-12", ref)
    assert list(table["code"]) == ["3E", "3A", "3C"]
    assert table.loc[0, "last 12 months"] == 960 and table.loc[2, "this month"] == 3
    s = nv.health_breakdown_sentence(table)
    assert "largest health referrer was A&E / NHS 111 (71% of health contacts)" in s and "smallest was School nurse" in s
    shown = nv.publish(table, count_columns=["this month", "last 12 months"], rate_columns=["share this month", "share"],
                       rate_basis={"share this month": ["this month"], "share": ["last 12 months"]})
    assert shown.loc[2, "this month"] == "<5" and shown.loc[2, "share this month"] == "*" and shown.loc[2, "share"] == "3%"


def test_iha_headline_and_table_respect_small_numbers():
    iha = pd.DataFrame({"kpi": "iha_within_28_days", "group": "all", "month": ["2015-01", "2015-10", "2015-11"],
                        "numerator": [1, 18, 1], "denominator": [14, 20, 1], "rate": [1 / 14, 0.9, 1.0],
                        "not_yet_due": [0, 0, 8]})
    assert nv.iha_reporting_month(iha, "2015-11") == "2015-10"
    s = nv.iha_headline(iha, "2015-11")
    assert s == ("For children who became looked after in October 2015, 90% of initial health assessments were "
                 "completed within 28 days, compared with fewer than 5 of 14 for those who did in January 2015.")
    assert "compared with 7% for those" in nv.iha_headline(iha, "2015-11", internal=True)
    table = nv.iha_table({"28d": iha, "20wd": iha}, "2015-01", "2015-11")
    assert list(table.columns) == ["month", "children due", "not yet due", "done within 28 days", "% within 28 days",
                                   "done within 20 working days", "% within 20 working days"]
    assert table.loc[0, "% within 28 days"] == "*" and table.loc[1, "% within 28 days"] == "90%"
    assert nv.its_break_month("2015-10") == "2015-01" and nv.its_break_month("2015-02") == "2014-01"


def test_group_fluctuation_separates_noisy_from_calm_agencies():
    rng = np.random.default_rng(7)
    noisy = monthly("conversion", "police", list(rng.integers(100, 400, 12)), start="2015-01", den=500)
    calm = monthly("conversion", "health", list(rng.binomial(500, 0.5, 12)), start="2015-01", den=500)
    table = nv.group_fluctuation(pd.concat([noisy, calm]), "conversion", "2015-12")
    verdicts = dict(zip(table["group"], table["verdict"], strict=True))
    assert verdicts["police"] == "varies beyond chance"
    s = nv.fluctuation_sentence(table)
    assert "police varied from month to month more than chance" in s


def test_views_comparison_and_reconciliation():
    rec = monthly("marf", "health", [150], start="2015-11", den=200)
    cod = monthly("marf", "health", [160], start="2015-11", den=220)
    table = nv.views_comparison(rec, cod, [("marf", "health")], "2015-11")
    assert table.iloc[0].tolist() == ["Contacts submitted on a MARF – health", "75%", "73%", "-2 points"]
    summary = {"tables": {"contacts": {"raw_rows": 100, "clean_rows": 93, "quarantined": 4, "duplicates_dropped": 3,
                                       "reconciled": True}}}
    s = nv.reconciliation_sentence(summary)
    assert s == ("Every raw row is accounted for: contacts: 100 raw rows = 93 used + fewer than 5 quarantined + "
                 "fewer than 5 exact duplicates dropped.")
    assert "4 quarantined" in nv.reconciliation_sentence(summary, internal=True)


def test_its_sentence_reads_step_and_slope():
    its = {"level_change_pp": 2.0, "level_pp_ci": (-7.0, 11.0), "slope_change": 1.84, "slope_ci": (1.55, 2.17)}
    s = nv.its_sentence(its, measure="the share done on time", at="2015-01")
    assert s.startswith("There is no clear step in the share done on time from January 2015")
    assert "Instead, the trend improved month by month after it: the odds changed by +84% a month" in s


def test_compare_periods_treats_incomplete_history_as_no_figure():
    frame = monthly("repeat_contacts", "all", [140] * 13, start="2013-05")
    frame.loc[:10, "incomplete_history"] = True
    comp = nv.compare_periods(frame, "repeat_contacts", "all", "2014-05")
    assert pd.isna(comp.loc["same month last year", "value"]) and not pd.isna(comp.loc["this month", "value"])
    assert "no comparable figure in May 2013" in nv.comparison_sentence(comp)


def test_definitional_levels_and_exclusions_are_explained():
    table = odds_table()
    table.attrs["excluded"] = ["Earlier outcome: unknown (9832 contacts, none repeats)"]
    shown = nv.without_definitional(table)
    assert not ((shown["term"] == "previous_outcome") & (shown["level"] == "referral")).any()
    assert shown.attrs["excluded"] == table.attrs["excluded"]
    assert "a referral to social care" in nv.definitional_note(table) and nv.definitional_note(shown) == ""
    assert nv.excluded_note(table).endswith("no earlier contact (9832 contacts, none are repeats).")
    labels = nv.odds_table_labels(table)
    assert labels.iloc[0] == "Agency: police (reference)" and labels.iloc[1] == "Agency: health vs police"


def test_data_note_names_extract_date_and_synthetic_data():
    summary = {"extract_date": "2015-11-30", "synthetic": True}
    assert nv.data_note(summary, pd.Timestamp("2015-11-30")) == (
        "Figures from the case-management extract up to 30 November 2015 — **synthetic data, not real children**.")
    assert "judged as at 31 October 2015" in nv.data_note(summary, "2015-10-31")
    assert nv.data_note({"extract_date": "2015-11-30", "synthetic": False}) == (
        "Figures from the case-management extract up to 30 November 2015.")


def test_largest_groups_keep_the_panels_readable_and_name_the_rest():
    table = pd.DataFrame({"group": [f"g{i}" for i in range(11)], "denominator": [50, 900, *range(100, 1000, 100)]})
    shown, rest = nv.largest_groups(table)
    assert len(shown) == nv.MAX_PANELS == 9 and shown[:2] == ["g1", "g10"]  # largest first
    assert rest == ["g2", "g0"]
    assert nv.largest_groups(table, n=20) == (table.sort_values("denominator", ascending=False)["group"].tolist(), [])
    sentence = nv.left_out_sentence(shown, ["housing", "anonymous"], where="the table below")
    assert sentence.startswith("The chart shows the 9 agencies with the most contacts;")
    assert "are in the table below." in sentence and nv.group_label("housing") in sentence
    assert "is in" in nv.left_out_sentence(shown, ["housing"], where="the table below")
    assert nv.left_out_sentence(shown, [], where="the table below") == ""
