"""A KPI table as text (hwb_kpis.kpis.output.format_kpis): JSON, CSV and table, with suppression."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from hwb_kpis import kpis
from tests.kpis.fixtures import tables


def test_format_kpis_json_shape():
    t = kpis.kpi_table(tables(), month="2015-11")
    records = json.loads(kpis.format_kpis(t, "json"))
    assert len(records) == len(t)
    for rec in records:
        assert set(rec) == {"kpi", "group", "month", "numerator", "denominator", "rate"}
        assert isinstance(rec["numerator"], int) and isinstance(rec["denominator"], int)
        assert rec["rate"] is None or isinstance(rec["rate"], float)
    first = records[0]
    assert first == {"kpi": "contacts", "group": "all", "month": "2015-11", "numerator": 3,
                     "denominator": 3, "rate": 1.0}
    iha = [r for r in records if r["kpi"] == "iha_within_28_days"]
    assert iha == [{"kpi": "iha_within_28_days", "group": "all", "month": "2015-11", "numerator": 0,
                    "denominator": 0, "rate": None}]


def test_format_kpis_csv_table_and_suppression():
    t = kpis.kpi_table(tables(), month="2015-11")
    csv = kpis.format_kpis(t, "csv")
    assert csv.splitlines()[0].split(",") == list(kpis.COLUMNS)
    back = pd.read_csv(__import__("io").StringIO(csv))
    assert back["numerator"].tolist() == t["numerator"].tolist()
    text = kpis.format_kpis(t, "table")
    assert "repeat_contacts" in text and "33.3%" in text and "limit 28d" in text
    hidden = json.loads(kpis.format_kpis(t, "json", internal=False))
    assert hidden[0]["numerator"] == "<5" and hidden[0]["rate"] == "*"
    assert all(r["numerator"] in (0, "<5", "c") for r in hidden)
    with pytest.raises(ValueError):
        kpis.format_kpis(t, "xml")
