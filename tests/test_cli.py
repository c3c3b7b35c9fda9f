"""The ``hwb-kpis`` command line (``hwb_kpis.cli``): every command and option is kept, with its
default; errors are one line; ``report`` exits 1 when a notebook failed and 2 when it refused,
writing nothing (a pack is either complete and correct or not written at all)."""

from __future__ import annotations

import shutil
from enum import Enum
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hwb_kpis.cli import app
from tests.report.fakes import MONTH, NOTEBOOKS, FakePipeline, without_kernels, workspace
from tests.support import TEST_DATA

runner = CliRunner()

#: command -> option -> default (what users and scripts rely on)
COMMANDS = {
    "clean": {"--raw": "data/raw", "--out": "data/processed", "--mapping": None, "--key-file": None,
              "--format": "auto", "--link-days": 7},
    "kpis": {"--processed": "data/processed", "--month": None, "--view": "recoded", "--as-of": None,
             "--lookback-days": 365, "--iha-limit": "28d", "--format": "table", "--internal": False, "--out": None},
    "synth": {"--out": "data/raw", "--seed": 20151130, "--start": "2013-04", "--end": "2015-11", "--scale": 1.0,
              "--authorities": 1, "--training": None},
    "report": {"--month": "2015-11", "--raw": "data/raw", "--processed": "data/processed", "--out": "reports",
               "--only": None, "--internal": False, "--force": False, "--mapping": None, "--key-file": None,
               "--view": "recoded", "--as-of": None, "--lookback-days": 365, "--iha-limit": "28d",
               "--settings": None, "--maturing-share": 0.05, "--link-days": 7, "--format": "auto",
               "--dfe-dir": None, "--la": None, "--comparator": None, "--jobs": 2, "--timeout": 600,
               "--notebooks": None},
    "feedback": {"--month": "2015-11", "--agency": None, "--raw": "data/raw", "--processed": "data/processed",
                 "--out": "reports", "--internal": False, "--mapping": None, "--key-file": None, "--view": "recoded",
                 "--lookback-days": 365, "--link-days": 7, "--format": "auto", "--settings": None,
                 "--maturing-share": 0.05, "--jobs": 2, "--timeout": 600},
    "benchmark": {"--dfe": None, "--la": None, "--format": "table", "--comparators": None},
    "dfe": {},  # a group: `hwb-kpis dfe update`
}


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    return value


def test_every_command_and_option_is_kept_with_its_default():
    commands = typer.main.get_command(app).commands
    assert list(commands) == list(COMMANDS)
    for name, options in COMMANDS.items():
        found = {p.opts[0]: _plain(p.default) for p in commands[name].params}
        assert found == options, name


def test_choices_of_view_and_iha_limit():
    text = runner.invoke(app, ["kpis", "--view", "raw"]).output
    assert "recoded" in text and "recorded" in text
    result = runner.invoke(app, ["report", "--iha-limit", "30d"])
    assert result.exit_code == 2 and "28d" in result.output and "20wd" in result.output


def test_cli_synth_writes_the_files(tmp_path):
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--scale", "0.1",
                                 "--start", "2015-01", "--end", "2015-03"])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    for name in ("contacts.csv", "looked_after.csv", "SYNTHETIC"):
        assert (tmp_path / name).is_file()


def test_cli_report_exit_codes(tmp_path: Path, monkeypatch) -> None:
    FakePipeline().install(monkeypatch)
    home = tmp_path / "home"
    shutil.copytree(NOTEBOOKS, home / "notebooks")
    monkeypatch.setenv("HWB_KPIS_HOME", str(home))
    without_kernels(monkeypatch)
    dirs = workspace(tmp_path / "w")
    args = ["report", "--month", MONTH, "--raw", str(dirs["raw_dir"]), "--processed", str(dirs["processed_dir"]),
            "--out", str(dirs["out_dir"])]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # one notebook failed
    assert "02_fail" in result.output and str(dirs["out_dir"] / MONTH / "index.html") in result.output
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output and "Traceback" not in again.output
    ok_only = runner.invoke(app, [*args, "--force", "--only", "01_ok"])
    assert ok_only.exit_code == 0, ok_only.output
    assert f"board pack: {dirs['out_dir'] / MONTH / 'index.html'}" in ok_only.output
    # an internal pack goes beside the board's, never over it, and the terminal calls it internal
    internal = runner.invoke(app, [*args, "--only", "01_ok", "--internal"])
    assert internal.exit_code == 0, internal.output
    assert f"internal pack: {dirs['out_dir'] / f'{MONTH}-internal' / 'index.html'}" in internal.output
    assert "board pack" not in internal.output and (dirs["out_dir"] / MONTH / "index.html").exists()


def test_cli_report_bad_date_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--as-of", "soon", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "as_of 'soon' is not a date" in result.output
    assert "Traceback" not in result.output and list(tmp_path.iterdir()) == []


# --- a pack is complete and correct or not written (formerly tests/test_report_trust.py) ---------


@pytest.fixture
def raw(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "report-trust-key-0001")
    shutil.copytree(TEST_DATA / "ingest", tmp_path / "raw")
    return tmp_path / "raw"


def _report(tmp_path: Path, raw: Path, month: str):
    return runner.invoke(app, ["report", "--month", month, "--raw", str(raw), "--processed",
                               str(tmp_path / "processed"), "--out", str(tmp_path / "reports")])


def _nothing_written(tmp_path: Path) -> bool:
    reports = tmp_path / "reports"
    return not reports.exists() or not any(reports.iterdir())


def test_broken_extract_writes_no_pack(tmp_path, raw):
    (raw / "contacts.csv").write_text("contact_id,child_id,outcome\nC1,X1,nfa\n")
    result = _report(tmp_path, raw, "2015-11")
    assert result.exit_code == 2
    assert "contacts.csv: missing required column(s) contact_date" in result.stderr
    assert _nothing_written(tmp_path)


def test_month_with_no_contacts_writes_no_pack(tmp_path, raw):
    result = _report(tmp_path, raw, "2015-10")
    assert result.exit_code == 2
    assert "no contacts dated 2015-10" in result.stderr and "2015-11 to 2015-11" in result.stderr
    assert _nothing_written(tmp_path)


def test_feedback_for_an_agency_with_no_page_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["feedback", "--agency", "individual", "--out", str(tmp_path / "reports")])
    assert result.exit_code == 2
    assert "gets no feedback page" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["feedback", "--agency", "Zyx", "--out", str(tmp_path / "reports")])
    assert result.exit_code == 2 and "neither a source group" in result.output


def test_synth_writes_the_example_training_file(tmp_path):
    from hwb_kpis.report import training

    target = tmp_path / "settings" / "training.csv"
    result = CliRunner().invoke(app, ["synth", "--out", str(tmp_path / "raw"), "--start", "2015-09", "--end", "2015-11",
                                      "--training", str(target)])
    assert result.exit_code == 0, result.output
    assert [t.agency.id for t in training.read_training(target)] == ["police", "3E"]
    again = CliRunner().invoke(app, ["synth", "--out", str(tmp_path / "raw2"), "--start", "2015-09", "--end", "2015-11",
                                     "--training", str(target)])
    assert again.exit_code == 2 and "already exists" in again.output
