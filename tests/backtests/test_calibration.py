"""Backtest: the default synthetic extract reproduces the seed report and DfE figures
(calibration.md; the targets are ``hwb_kpis/demo/calibration.yml``).

Every figure goes through the real pipeline (``write_extract`` -> ``run_clean`` -> ``load_processed``
-> the public KPI functions), never through the generator's internals. Figures are compared as
the board pack prints them (whole percent, ``f"{rate:.0%}"``). All seed-report figures use the
default **recoded** view; "school nurse very low" is a statement about the code *as recorded*.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb_kpis import kpis
from hwb_kpis.demo import write_extract
from hwb_kpis.pipeline import run_clean

HEALTH_CODES = ("3A", "3B", "3C", "3D", "3E", "3F")
pytestmark = pytest.mark.slow  # writes and cleans the whole default extract

WINDOW = [str(p) for p in pd.period_range("2014-04", "2015-11", freq="M")]
Y2015 = [str(p) for p in pd.period_range("2015-01", "2015-11", freq="M")]


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict:
    raw = tmp_path_factory.mktemp("raw")
    out = tmp_path_factory.mktemp("processed")
    write_extract(raw, echo=lambda s: None)
    run_clean(raw, out, echo=lambda s: None)
    return kpis.load_processed(out)


@pytest.fixture(scope="module")
def table(tables) -> pd.DataFrame:
    """Every KPI, every month, recoded view (the default)."""
    return kpis.kpi_table(tables)


@pytest.fixture(scope="module")
def recorded(tables) -> pd.DataFrame:
    return kpis.contacts(tables["contacts"], view="recorded")


def _rows(df: pd.DataFrame, kpi: str, group: str = "all") -> pd.DataFrame:
    out = df[(df["kpi"] == kpi) & (df["group"] == group) & (df["period"] == "month")]
    return out.set_index("month")


def _row(df: pd.DataFrame, kpi: str, month: str, group: str = "all") -> pd.Series:
    return _rows(df, kpi, group).loc[month]


def _printed(rate: float) -> str:
    return f"{rate:.0%}"


# --- seed report -----------------------------------------------------------------------------------


def test_contacts_average_about_1400_a_month_and_fluctuate(table):
    n = _rows(table, "contacts").loc[WINDOW, "numerator"].astype(float)
    assert abs(n.mean() / 1400 - 1) <= 0.03, n.mean()
    assert n.std() > 30  # fluctuating month on month


def test_health_share_between_15_and_19_percent_every_month_from_april_2015(table):
    share = _rows(table, "health_share").loc[[m for m in WINDOW if m >= "2015-04"], "rate"]
    printed = [int(_printed(r).rstrip("%")) for r in share]
    assert all(15 <= p <= 19 for p in printed), dict(zip(share.index, printed, strict=True))


def _health_counts(df: pd.DataFrame, months: list[str]) -> pd.Series:
    return pd.Series({code: int(_rows(df, "contacts", f"code:{code}").loc[months, "numerator"].sum())
                      for code in HEALTH_CODES})


@pytest.mark.parametrize("view,months", [
    ("recoded", [m for m in WINDOW if m >= "2015-04"]),
    ("recoded", ["2015-11"]),
    ("recorded", [m for m in WINDOW if m >= "2015-04"]),
], ids=["recoded-apr-nov", "recoded-nov", "recorded-apr-nov"])
def test_largest_health_sources_ae_111_then_other_primary(table, recorded, view, months):
    counts = _health_counts(table if view == "recoded" else recorded, months)
    counts = counts.sort_values(ascending=False, kind="stable")
    assert list(counts.index[:2]) == ["3E", "3D"], counts.to_dict()
    assert counts["3D"] >= 0.75 * counts["3E"], counts.to_dict()  # close behind


def test_school_nurse_very_low_as_recorded(table, recorded):
    months = [m for m in WINDOW if m >= "2015-04"]
    rec = _health_counts(recorded, months)
    assert rec.idxmin() == "3C"
    assert rec["3C"] / rec.sum() < 0.05
    # recoding moves the school nurse concerns recorded as Schools back to 3C
    assert _health_counts(table, months)["3C"] > 1.5 * rec["3C"]


def test_marf_november_2015(table):
    assert _printed(_row(table, "marf", "2015-11")["rate"]) == "34%"
    assert _printed(_row(table, "marf", "2015-11", "health")["rate"]) == "74%"


def test_conversion_november_2015_and_rising_through_2015(table):
    conv = _rows(table, "conversion")
    assert _printed(conv.loc["2015-11", "rate"]) == "58%"
    rates = conv.loc[Y2015, "rate"].astype(float).to_numpy()
    slope = np.polyfit(np.arange(len(rates)), rates, 1)[0]
    assert slope > 0.015  # about two points a month
    assert rates[-1] > rates[0] + 0.15
    # pending contacts are reported beside conversion, not dropped
    assert _row(table, "pending", "2015-11")["numerator"] > 0


def test_conversion_fluctuates_by_agency(table):
    groups = ("health", "schools", "police")
    diffs = pd.DataFrame({g: _rows(table, "conversion", g).loc[Y2015, "rate"].astype(float).diff() for g in groups})
    assert (diffs.dropna() < 0).any().any()  # some agency falls in some month


def test_repeat_contacts_november_2015(table):
    assert _printed(_row(table, "repeat_contacts", "2015-11")["rate"]) == "51%"
    assert _printed(_row(table, "repeat_contacts", "2015-11", "health")["rate"]) == "47%"
    assert not bool(_row(table, "repeat_contacts", "2015-11")["incomplete_history"])


def test_iha_within_28_days_january_and_october_2015(table):
    iha = _rows(table, "iha_within_28_days")
    assert _printed(iha.loc["2015-01", "rate"]) == "7%"
    assert _printed(iha.loc["2015-10", "rate"]) == "90%"


# --- DfE -----------------------------------------------------------------------------------------


def test_dfe_referrals_and_rereferrals_year_ending_march_2015(table):
    year = table[(table["kpi"] == "rereferral_12m") & (table["group"] == "all") & (table["period"] == "year")]
    row = year.set_index("month").loc["2014/15"]
    assert not bool(row["partial_period"]) and not bool(row["incomplete_history"])
    assert abs(row["denominator"] / 5129 - 1) <= 0.05, row["denominator"]
    assert abs(100 * row["rate"] - 27.3) <= 3.0, row["rate"]


def test_children_starting_to_be_looked_after_150_to_250_a_year(tables):
    start = pd.to_datetime(tables["looked_after"]["period_start"])
    for first in (2013, 2014):
        n = int(((start >= f"{first}-04-01") & (start < f"{first + 1}-04-01")).sum())
        assert 150 <= n <= 250, (first, n)


# --- planted mechanisms (directions) ---------------------------------------------------------------


def test_conversion_higher_for_marf_contacts(tables):
    c = tables["contacts"]
    decided = c[(c["outcome"] != "pending") & (c["month"] >= "2014-04")]
    on_marf = decided["marf"].fillna(False).astype(bool)
    referral = decided["outcome"] == "referral"
    assert referral[on_marf].mean() > referral[~on_marf].mean() + 0.08


def test_school_contacts_dip_in_august(table):
    schools = _rows(table, "contacts", "schools")["numerator"].astype(float)
    for year in (2013, 2014, 2015):
        aug = schools.loc[f"{year}-08"]
        others = schools.loc[[f"{year}-{m:02d}" for m in (5, 6, 9, 10) if f"{year}-{m:02d}" in schools.index]]
        assert aug < 0.4 * others.mean(), year


def test_recontact_more_likely_after_a_contact_not_on_a_marf(tables):
    c = tables["contacts"][["child_id", "contact_date", "outcome", "marf"]].copy()
    c["contact_date"] = pd.to_datetime(c["contact_date"])
    last = c["contact_date"].max()
    nm = c[c["outcome"].isin(["nfa", "advice", "early_help"])
           & (c["contact_date"] <= last - pd.Timedelta(days=365))
           & (c["contact_date"] >= c["contact_date"].min() + pd.Timedelta(days=365))]
    visits = c[["child_id", "contact_date"]].drop_duplicates().sort_values(["child_id", "contact_date"])
    visits["next_date"] = visits.groupby("child_id")["contact_date"].shift(-1)
    nm = nm.merge(visits, on=["child_id", "contact_date"], how="left")
    back = (nm["next_date"] - nm["contact_date"]).dt.days.le(365)
    on_marf = nm["marf"].fillna(False).astype(bool)
    assert back[~on_marf].mean() > back[on_marf].mean() + 0.05


def test_iha_delay_sits_in_the_consent_step_early_in_2015(tables):
    steps = kpis.iha_steps(tables["looked_after"]).set_index(["month", "step"])["median_days"]
    assert steps[("2015-01", "start_to_consent")] > 2 * steps[("2015-10", "start_to_consent")]
    assert steps[("2015-01", "start_to_consent")] > steps[("2015-01", "notified_to_iha")]


def test_every_kind_of_mess_ends_in_the_quarantine_with_its_reason(tables):
    summary = tables["summary"]["tables"]
    reasons = " | ".join(summary["contacts"]["quarantine_by_reason"])
    for reason in ("missing required value", "impossible date", "unparseable date", "date in the future",
                   "unknown outcome", "duplicate contact_id with different content"):
        assert reason in reasons, reason
    assert summary["contacts"]["duplicates_dropped"] > 0
    assert summary["looked_after"]["duplicates_dropped"] > 0
    assert summary["contacts"]["quarantined"] < 200
    assert all(t["reconciled"] for t in summary.values())
