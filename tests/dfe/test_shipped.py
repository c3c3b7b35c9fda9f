"""The DfE tables shipped with the package (hwb_kpis.dfe.shipped): page 06 works on a fresh clone,
with attribution, and `hwb-kpis dfe update --from FILE` takes a newer download, checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from hwb_kpis.dfe import cla_starts, find_dfe_file, la_summary, shipped
from hwb_kpis.errors import HwbKpisError


def test_the_shipped_tables_are_there_with_their_source():
    folder = shipped.shipped_dir()
    for kind in shipped.KINDS:
        assert find_dfe_file(folder, kind) is not None, kind
    source = yaml.safe_load((folder / shipped.SOURCE_FILE).read_text(encoding="utf-8"))
    assert source["attribution"] == shipped.ATTRIBUTION
    assert set(source["tables"]) == set(shipped.KINDS)
    for entry in source["tables"].values():
        assert (folder / entry["file"]).is_file() and entry["release"] and entry["years"]
    text = shipped.attribution()
    assert text.startswith("Source: Department for Education, ") and text.endswith(shipped.ATTRIBUTION)
    assert "Children in need, reporting year 2023" in text


def test_the_shipped_tables_give_the_figures_of_the_full_download(dfe_dir: Path):
    """Trimmed to what the page reads, the shipped tables give exactly what the DfE files give."""
    ours = find_dfe_file(shipped.shipped_dir(), "referrals")
    pd.testing.assert_frame_equal(la_summary(ours, "E10000002", comparators=["Oxfordshire"]),
                                  la_summary(find_dfe_file(dfe_dir, "referrals"), "E10000002",
                                             comparators=["Oxfordshire"]))
    pd.testing.assert_frame_equal(cla_starts(find_dfe_file(shipped.shipped_dir(), "cla"), "825"),
                                  cla_starts(find_dfe_file(dfe_dir, "cla"), "825"))


def _download(tmp_path: Path, name: str, header: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\ufeff" + header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


C1_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
             "old_la_code,new_la_code,la_name,Category,Referrals,Referrals_rate,Re_referrals,Re_referrals_percent,"
             "No_Further_Action,No_Further_Action_percent,Not_in_Need")
C1_ROWS = [
    "2024,Reporting year,National,E92000001,England,,,,,,Referrals and Re-referrals,600000,520.1,130000,21.7,40000,6.6,1",
    "2024,Reporting year,Regional,E92000001,England,E12000008,South East,,,,Referrals and Re-referrals,100000,510,"
    "25000,25,9000,9,1",
    "2024,Reporting year,Local authority,E92000001,England,E12000008,South East,825,E06000060,Buckinghamshire,"
    "Referrals and Re-referrals,9000,800.5,2700,30,c,x,1",
]


def test_update_checks_a_download_trims_it_and_replaces_the_older_table(tmp_path):
    folder = tmp_path / "dfe"
    shutil.copytree(shipped.shipped_dir(), folder)
    newer = _download(tmp_path, "c1_children_in_need_referrals_and_rereferrals_2014_to_2024.csv", C1_HEADER, C1_ROWS)
    written = shipped.update(newer, folder)
    assert written.name == "c1_children_in_need_referrals_and_rereferrals_2024_to_2024.csv"
    assert [p.name for p in folder.glob("c1_*.csv")] == [written.name]  # the older table is gone
    kept = pd.read_csv(written, dtype=str, keep_default_na=False)
    assert "Not_in_Need" not in kept.columns and kept["No_Further_Action_percent"].tolist()[-1] == "x"
    summary = la_summary(written, "E10000002")
    assert summary.loc[summary["level"] == "authority", "rereferral_pct"].tolist() == [30.0]
    entry = shipped.sources(folder)["referrals"]
    assert entry["file"] == written.name and entry["release"] == "Children in need, reporting year 2024"
    assert shipped.sources(shipped.shipped_dir())["referrals"]["release"].endswith("2023")  # the package untouched


@pytest.mark.parametrize("header, rows, message", [
    ("time_period,geographic_level,new_la_code,something", ["2024,National,,1"], "not a DfE table the benchmarking"),
    (C1_HEADER, C1_ROWS[2:], "no National"),
    ("a,b", ["1,2"], "not an explore-education-statistics file"),
])
def test_update_refuses_what_the_page_cannot_read(tmp_path, header, rows, message):
    bad = _download(tmp_path, "c1_children_in_need_referrals_and_rereferrals_x.csv", header, rows)
    before = sorted(p.name for p in shipped.shipped_dir().iterdir())
    with pytest.raises(HwbKpisError, match=message):
        shipped.update(bad, tmp_path / "dfe")
    assert sorted(p.name for p in shipped.shipped_dir().iterdir()) == before


def test_cli_dfe_update(tmp_path):
    from hwb_kpis.cli import app

    folder = tmp_path / "dfe"
    newer = _download(tmp_path, "download.csv", C1_HEADER, C1_ROWS)
    result = CliRunner().invoke(app, ["dfe", "update", "--from", str(newer), "--to", str(folder)])
    assert result.exit_code == 0, result.output
    assert "DfE table updated" in result.output and "years ending 31 March 2024 to 2024" in result.output
    bad = CliRunner().invoke(app, ["dfe", "update", "--from", str(tmp_path / "nothing.csv"), "--to", str(folder)])
    assert bad.exit_code == 2 and bad.output.startswith("error: ") and "Traceback" not in bad.output
