"""The pack's KPI table (kpis.csv, the KPI sheet of kpis.xlsx) goes through the same disclosure
plan as ``hwb-kpis kpis``: the small-number rule and secondary suppression."""

import io

import pandas as pd

from hwb_kpis.kpis.output import format_kpis, kpi_plan
from hwb_kpis.report import kpi_tables
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


def test_the_pack_kpis_withhold_what_the_kpis_command_withholds():
    frame = _table()
    published = kpi_tables.published_kpis(frame, "2015-11")
    cell = published.set_index(["kpi", "group", "month"])
    assert cell.loc[("contacts", "health", "2015-11"), "numerator"] == "<5"
    # the total minus police would give health's 3 back: police (or the total) is withheld too
    assert "c" in {cell.loc[("contacts", "police", "2015-11"), "numerator"],
                   cell.loc[("contacts", "all", "2015-11"), "numerator"]}
    printed = pd.read_csv(io.StringIO(format_kpis(frame, "csv", internal=False, decisions=kpi_plan(frame))),
                          dtype=str).set_index(["kpi", "group", "month"])
    for key in cell.index:
        assert str(cell.loc[key, "numerator"]) == printed.loc[key, "numerator"], key


def test_the_internal_pack_kpis_show_every_count():
    published = kpi_tables.published_kpis(_table(), "2015-11", internal=True)
    assert set(published["numerator"]) == {100, 103, 40, 3, 60}
