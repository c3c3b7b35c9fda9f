"""Reading DfE files (hwb_kpis.dfe.read): BOM, suppression markers, years, local-authority codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hwb_kpis.dfe import la_summary, read_dfe, reporting_year, year_label
from hwb_kpis.errors import HwbKpisError


def test_read_dfe_handles_bom_and_suppression(c1: Path) -> None:
    df = read_dfe(c1)
    assert "time_period" in df.columns  # BOM stripped from the first header
    assert set(df["geographic_level"].unique()) == {"National", "Regional", "Local authority"}
    assert df["year"].min() == 2013 and df["year"].max() == 2023
    # Buckinghamshire 2014 "Not_in_Need" is published as "c": missing, not zero
    row = df[(df["new_la_code"] == "E06000060") & (df["year"] == 2014)].iloc[0]
    assert pd.isna(row["not_in_need"])
    assert row["referrals"] == 7317


def test_read_dfe_tiny_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text(
        "\ufefftime_period,geographic_level,new_la_code,la_name,Referrals\n"
        "201415,National,,,10\n201415,Local authority,E1,A,c\n201415,Local authority,E2,B,x\n",
        encoding="utf-8",
    )
    df = read_dfe(path)
    assert df["year"].tolist() == [2015, 2015, 2015]  # 201415 = year ending March 2015
    assert df["referrals"].isna().tolist() == [False, True, True]


def test_unknown_la_names_file_and_code(c1: Path) -> None:
    with pytest.raises(HwbKpisError, match=r"c1_children.*'E99999999' not found"):
        la_summary(c1, "E99999999")
    with pytest.raises(HwbKpisError, match="not found"):
        la_summary(c1, "825", comparators=["Atlantis"])


def test_missing_file_says_where_to_download(tmp_path: Path) -> None:
    with pytest.raises(HwbKpisError, match="explore-education-statistics"):
        read_dfe(tmp_path / "absent.csv")


def test_reporting_years() -> None:
    assert reporting_year("2015-11") == 2016 and reporting_year("2015-03") == 2015
    assert year_label(2015) == "2014/15"


def test_resolve_la_by_new_old_code_alias_or_name(tmp_path: Path) -> None:
    from hwb_kpis.dfe import resolve_la

    path = tmp_path / "tiny.csv"
    path.write_text(
        "time_period,geographic_level,old_la_code,new_la_code,la_name,referrals\n"
        "2015,Local authority,825,E06000060,Buckinghamshire,1\n2015,Local authority,931,E10000025,Oxfordshire,2\n",
        encoding="utf-8",
    )
    df = read_dfe(path)
    for key in ("E06000060", "e06000060", "E10000002", "825", "0825", "buckinghamshire"):
        assert resolve_la(df, key, path) == ["E06000060"]
    with pytest.raises(HwbKpisError, match="'Atlantis' not found"):
        resolve_la(df, "Atlantis", path)


def test_find_dfe_file_takes_the_newest_release(tmp_path: Path) -> None:
    from hwb_kpis.dfe import find_dfe_file

    assert find_dfe_file(tmp_path / "absent") is None
    for name in ("c1_children_in_need_referrals_and_rereferrals_2013_to_2022.csv",
                 "c1_children_in_need_referrals_and_rereferrals_2013_to_2023.csv"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert find_dfe_file(tmp_path).name.endswith("2013_to_2023.csv")
    assert find_dfe_file(tmp_path, "cla") is None
