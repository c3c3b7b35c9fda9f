"""The pack's KPI table (kpis.csv, the KPI sheet of kpis.xlsx) goes through the pack's one
disclosure plan: the small-number rule and secondary suppression, and what the pages withhold."""

import pandas as pd

from hwb_kpis.privacy.disclosure import SHOWN, WITHHELD, Decisions
from hwb_kpis.report import kpi_tables
from hwb_kpis.report.published import kpi_keys
from tests.report.frames import monthly


def _table() -> pd.DataFrame:
    # health contacts of 3 in one month beside a total: the rule hides 3, the plan must hide more
    rows = [monthly("contacts", "all", [100, 103], start="2015-10"),
            monthly("contacts", "health", [40, 3], start="2015-10"),
            monthly("contacts", "police", [60, 100], start="2015-10")]
    frame = pd.concat(rows, ignore_index=True)
    frame["denominator"] = frame["month"].map({"2015-10": 100, "2015-11": 103})
    frame["rate"] = frame["numerator"] / frame["denominator"]
    return frame


def test_the_pack_kpis_follow_the_small_number_rule():
    cell = kpi_tables.published_kpis(_table(), "2015-11").set_index(["kpi", "group", "month"])
    assert cell.loc[("contacts", "health", "2015-11"), "numerator"] == "<5"
    assert cell.loc[("contacts", "health", "2015-11"), "rate"] == "*"
    assert cell.loc[("contacts", "health", "2015-10"), "numerator"] == 40


def test_the_pack_kpis_withhold_what_would_give_a_small_count_away():
    """all − police = health: with health at 3 hidden, police (or the total) is withheld too."""
    cell = kpi_tables.published_kpis(_table(), "2015-11").set_index(["kpi", "group", "month"])
    assert "c" in {cell.loc[("contacts", "police", "2015-11"), "numerator"],
                   cell.loc[("contacts", "all", "2015-11"), "numerator"]}


def test_a_count_the_pack_plan_withholds_is_withheld_in_the_kpi_files():
    """The pack's plan decides: a count a page shows as c (here police in October, which the table
    alone would show) is c in kpis.csv too, and its rate is *."""
    num, den = kpi_keys("contacts", "police", "2015-10")
    plan = Decisions({num: WITHHELD, den: SHOWN}, {num: 60.0, den: 100.0})
    cell = kpi_tables.published_kpis(_table(), "2015-11", decisions=plan).set_index(["kpi", "group", "month"])
    assert cell.loc[("contacts", "police", "2015-10"), "numerator"] == "c"
    assert cell.loc[("contacts", "police", "2015-10"), "rate"] == "*"
    assert cell.loc[("contacts", "police", "2015-10"), "denominator"] == 100


def test_the_internal_pack_kpis_show_every_count():
    published = kpi_tables.published_kpis(_table(), "2015-11", internal=True)
    assert set(published["numerator"]) == {100, 103, 40, 3, 60}
