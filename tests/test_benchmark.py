"""Benchmarking against DfE published statistics, on the real files in ../shared/data/dfe/."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app
from hwb_kpis.dfe import (
    LOOKALIKE_NOTE,
    cla_starts,
    comparison_sentences,
    format_benchmark,
    la_summary,
    lookalikes,
    own_vs_published,
    read_dfe,
    reporting_year,
    year_label,
)
from hwb_kpis.errors import HwbKpisError

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2023.csv"
CLA = "cla_number_and_rate_per_10k_children.csv"


@pytest.fixture(scope="module")
def c1(dfe_dir: Path) -> Path:
    return dfe_dir / C1


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


def test_unknown_la_names_file_and_code(c1: Path) -> None:
    with pytest.raises(HwbKpisError, match=r"c1_children.*'E99999999' not found"):
        la_summary(c1, "E99999999")
    with pytest.raises(HwbKpisError, match="not found"):
        la_summary(c1, "825", comparators=["Atlantis"])


def test_missing_file_says_where_to_download(tmp_path: Path) -> None:
    with pytest.raises(HwbKpisError, match="explore-education-statistics"):
        read_dfe(tmp_path / "absent.csv")


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


def test_cli_benchmark_json(c1: Path) -> None:
    result = CliRunner().invoke(app, ["benchmark", "--dfe", str(c1), "--la", "E10000002", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    levels = {r["level"] for r in records}
    assert levels == {"authority", "region", "england"}
    bucks = [r for r in records if r["year"] == 2015 and r["level"] == "authority"][0]
    assert bucks["referrals"] == 5129 and bucks["rereferral_pct"] == pytest.approx(27.3)


def test_cli_benchmark_unknown_la_one_line(c1: Path) -> None:
    result = CliRunner().invoke(app, ["benchmark", "--dfe", str(c1), "--la", "E99999999"])
    assert result.exit_code == 2
    assert "E99999999" in result.output and "Traceback" not in result.output


def test_reporting_years() -> None:
    assert reporting_year("2015-11") == 2016 and reporting_year("2015-03") == 2015
    assert year_label(2015) == "2014/15"


def test_comparison_sentences_are_computed(c1: Path) -> None:
    sentences = comparison_sentences(la_summary(c1, "825"), 2015)
    assert any("27.3% of referrals were re-referrals" in s and "England" in s for s in sentences)


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


# --- the benchmarking notebook --------------------------------------------------------------

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_benchmarking.ipynb"


def _run_notebook(tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    import papermill

    out = tmp_path / "06_out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3",
        cwd=str(NOTEBOOK.parent), execution_timeout=120, progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def test_notebook_parameters_are_simple() -> None:
    import papermill

    declared = papermill.inspect_notebook(str(NOTEBOOK))
    assert {"month", "processed_dir", "dfe_dir", "la_code", "comparators", "internal"} <= set(declared)
    assert declared["month"]["default"] == '"2015-11"'
    assert declared["la_code"]["default"] == '"E10000002"'


@pytest.mark.slow
def test_notebook_skips_cleanly_without_dfe_file(tmp_path: Path) -> None:
    nb = _run_notebook(tmp_path, dfe_dir=str(tmp_path / "no_dfe_here"), processed_dir=str(tmp_path / "p"),
                       raw_dir=str(tmp_path / "r"))
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    text = " ".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "explore-education-statistics" in text and "Characteristics of children in need" in text
    assert not [o for o in outputs if "image/png" in o.get("data", {})]


@pytest.mark.slow
def test_notebook_shows_benchmark_with_png(tmp_path: Path, dfe_dir: Path) -> None:
    # a processed folder with a summary but no tables, and no raw extract: the own-rate section
    # reports it cannot compute (no synthetic build in this test) and the page still renders
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "ingest_summary.json").write_text("{}", encoding="utf-8")
    nb = _run_notebook(tmp_path, dfe_dir=str(dfe_dir), comparators=["Oxfordshire"],
                       processed_dir=str(tmp_path / "p"), raw_dir=str(tmp_path / "r"))
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    pngs = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pngs) == 1 and "Buckinghamshire" in pngs[0].metadata["image/png"]["alt"]
    html = " ".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "South East" in html and "England" in html and "Oxfordshire" in html
    assert "2014/15" in " ".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "application/javascript" not in {k for o in outputs for k in o.get("data", {})}
