"""An authority beside its region, England and comparators (hwb_kpis.dfe.compare), on the real
DfE files in ../shared/data/dfe/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hwb_kpis.dfe import LOOKALIKE_NOTE, cla_starts, la_summary, lookalikes, own_vs_published

CLA = "cla_number_and_rate_per_10k_children.csv"


@pytest.mark.parametrize("code", ["E10000002", "E06000060", "825", "Buckinghamshire", "buckinghamshire"])
def test_la_summary_buckinghamshire_2015(c1: Path, code: str) -> None:
    table = la_summary(c1, code)
    assert list(table.columns[:6]) == ["year", "area", "level", "referrals", "rereferral_pct", "nfa_pct"]
    y2015 = table[table["year"] == 2015].set_index("level")
    assert y2015.loc["authority", "area"] == "Buckinghamshire"
    assert y2015.loc["authority", "referrals"] == 5129
    assert y2015.loc["authority", "rereferral_pct"] == pytest.approx(27.3)
    assert y2015.loc["region", "area"] == "South East"
    assert y2015.loc["england", "area"] == "England"
    assert set(table["year"]) == set(range(2013, 2024))


def test_la_summary_comparators(c1: Path) -> None:
    table = la_summary(c1, "E10000002", comparators=["Oxfordshire", "E10000030"])
    comps = table[(table["level"] == "comparator") & (table["year"] == 2015)]
    assert sorted(comps["area"]) == ["Oxfordshire", "Surrey"]


def test_cla_starts(dfe_dir: Path) -> None:
    starts = cla_starts(dfe_dir / CLA, "E10000002")
    bucks = starts[starts["level"] == "authority"].set_index("year")
    assert bucks.loc[2023, "starts"] == 193
    assert set(starts["level"]) == {"authority", "region", "england"}


def test_lookalikes_are_labelled_data_driven(c1: Path) -> None:
    near = lookalikes(c1, "825", n=5)
    assert len(near) == 5
    assert "E06000060" not in set(near["code"])
    assert near["distance"].is_monotonic_increasing
    assert near.attrs["note"] == LOOKALIKE_NOTE and "NOT" in LOOKALIKE_NOTE


def test_own_vs_published(c1: Path) -> None:
    rr = pd.DataFrame({
        "kpi": ["rereferral_12m"] * 4, "group": ["all", "health", "all", "all"],
        "month": ["2014/15", "2014/15", "2015/16", "2015-11"], "period": ["year", "year", "year", "month"],
        "numerator": [300, 20, 150, 10], "denominator": [1200, 80, 700, 60],
        "rate": [0.25, 0.25, 150 / 700, 1 / 6],
        "incomplete_history": [True, True, False, False], "partial_period": [False, False, True, False],
    })
    table = own_vs_published(rr, la_summary(c1, "825")).set_index("year")
    assert list(table.index) == [2015, 2016]  # 2014/15 is DfE's 2015
    assert table.loc[2015, "our_pct"] == 25.0 and table.loc[2015, "published_pct"] == pytest.approx(27.3)
    assert table.loc[2015, "note"] == "earlier referrals not in the extract"
    assert table.loc[2016, "note"] == "part year"
