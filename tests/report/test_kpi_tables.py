"""The pack's KPI table (kpis.csv, the KPI sheet of kpis.xlsx) goes through the small-number rule."""

import pandas as pd

from hwb_kpis.report import kpi_tables
from tests.report.frames import monthly


def _table() -> pd.DataFrame:
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


def test_the_internal_pack_kpis_show_every_count():
    published = kpi_tables.published_kpis(_table(), "2015-11", internal=True)
    assert set(published["numerator"]) == {100, 103, 40, 3, 60}
