"""KPIs per source code (hwb_kpis.kpis.agency_kpis): the same counts as the group rows."""

from __future__ import annotations

from hwb_kpis import kpis
from hwb_kpis.kpis.agency_kpis import code_kpi_rows
from tests.kpis.fixtures import make_contacts


def test_code_rows_add_up_to_their_group_and_count_by_hand():
    c = make_contacts([
        ("a", "2015-01-05", "nfa", "3A", "3A", True), ("a", "2015-02-05", "referral", "3E", "3E", False),
        ("b", "2015-02-06", "referral", "3E", "3E", True), ("c", "2015-02-07", "pending", "3A", "3A", None),
        ("d", "2015-02-08", "advice", "6", "6", False),
    ])
    rows = code_kpi_rows(c, lookback_days=365)
    table = kpis.kpi_table({"contacts": c})

    def get(df, kpi, group, month="2015-02"):
        r = df[(df["kpi"] == kpi) & (df["group"] == group) & (df["month"] == month)]
        if "period" in r:
            r = r[r["period"] == "month"]
        return int(r["numerator"].sum()), int(r["denominator"].sum())

    assert get(rows, "conversion", "code:3E") == (2, 2)
    assert get(rows, "conversion", "code:3A") == (0, 0)  # pending: not decided
    assert get(rows, "marf", "code:3E") == (1, 2)
    assert get(rows, "repeat_contacts", "code:3E") == (1, 2)  # child a's GP contact made it a repeat
    for kpi in ("marf", "conversion", "pending", "repeat_contacts"):
        health = [get(rows, kpi, f"code:{k}") for k in ("3A", "3B", "3C", "3D", "3E", "3F")]
        assert tuple(map(sum, zip(*health, strict=True))) == get(table, kpi, "health"), kpi
