"""The `hwb-kpis benchmark` text (hwb_kpis.dfe.output.format_benchmark)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hwb_kpis.dfe import format_benchmark, la_summary
from hwb_kpis.errors import HwbKpisError


def test_format_benchmark(c1: Path) -> None:
    table = la_summary(c1, "825")
    records = json.loads(format_benchmark(table, "json"))
    assert {"year": 2015, "area": "Buckinghamshire", "referrals": 5129}.items() <= records[
        [i for i, r in enumerate(records) if r["year"] == 2015 and r["level"] == "authority"][0]
    ].items()
    text = format_benchmark(table, "table")
    assert "Buckinghamshire" in text and "5,129" in text and "27.3" in text
    with pytest.raises(HwbKpisError):
        format_benchmark(table, "xml")
