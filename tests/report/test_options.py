"""A build's options (``hwb_kpis.report.options``) are checked once, when made."""

from __future__ import annotations

from pathlib import Path

import pytest

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.report.options import ReportOptions, check_date
from tests.support import ROOT

DIRS = {"raw_dir": "raw", "processed_dir": "processed", "out_dir": "reports"}


def test_defaults_and_absolute_folders(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HWB_KPIS_HOME", str(tmp_path / "home"))
    options = ReportOptions(" 2015-11 ", **DIRS)
    assert options.month == "2015-11" and options.pack_dir == tmp_path / "reports" / "2015-11"
    assert options.raw_dir == tmp_path / "raw" and options.processed_dir.is_absolute()
    assert options.notebooks_dir == ROOT / "notebooks"  # the project folder has none: this checkout's
    (tmp_path / "home" / "notebooks").mkdir(parents=True)
    assert ReportOptions("2015-11", **DIRS).notebooks_dir == tmp_path / "home" / "notebooks"
    assert (options.view, options.iha_limit, options.lookback_days, options.as_of) == ("recoded", "28d", 365, None)
    assert options.only == () and options.parameters == {} and options.mapping_path is None
    assert options.notebook_values() == {
        "month": "2015-11", "processed_dir": str(tmp_path / "processed"), "raw_dir": str(tmp_path / "raw"),
        "view": "recoded", "as_of": "", "lookback_days": 365, "iha_limit": "28d", "internal": False,
        "reports_dir": str(tmp_path / "reports"),
        "settings_dir": str(tmp_path / "home" / "settings"), "maturing_share": 0.05, "link_days": 7,
    }
    assert ReportOptions("2015-11", settings_dir="mine", maturing_share=0.1, **DIRS).settings_dir == tmp_path / "mine"
    assert options.source_format == "auto"


def test_values_are_normalised() -> None:
    options = ReportOptions("2015-11", only="01_ok", jobs=0, as_of="2015-12-31 ", internal=1,
                            key_file="~/key", **DIRS)
    assert options.only == ("01_ok",) and options.jobs == 1 and options.as_of == "2015-12-31"
    assert options.internal is True and options.key_file == (Path.home() / "key").resolve()
    assert ReportOptions("2015-11", only=["a", "b.ipynb"], as_of="", **DIRS).only == ("a", "b.ipynb")


@pytest.mark.parametrize("bad, message", [
    ({"maturing_share": 1.5}, "maturing_share must be a share"),
    ({"maturing_share": "lots"}, "maturing_share must be a share"),
    ({"month": "201511"}, "YYYY-MM"),
    ({"month": "2015-13"}, "not a month"),
    ({"view": "raw"}, "view 'raw' must be one of recoded, recorded"),
    ({"iha_limit": "30d"}, "iha_limit '30d' must be one of 28d, 20wd"),
    ({"as_of": "31/13/2015"}, "as_of '31/13/2015' is not a date"),
    ({"as_of": "soon"}, "is not a date"),
    ({"lookback_days": 0}, "lookback_days must be a whole number, at least 1"),
    ({"lookback_days": 1.5}, "lookback_days must be a whole number"),
    ({"timeout": "x"}, "timeout must be a whole number"),
])
def test_bad_options_are_one_line_errors(bad, message) -> None:
    with pytest.raises(HwbKpisError, match=message):
        ReportOptions(**{"month": "2015-11", **DIRS, **bad})


def test_options_cannot_change_once_checked() -> None:
    options = ReportOptions("2015-11", **DIRS)
    with pytest.raises(AttributeError):
        options.month = "2015-12"


def test_check_date() -> None:
    assert check_date(None) is None and check_date("  ") is None
    assert check_date("2015-11-30") == "2015-11-30"
    with pytest.raises(HwbKpisError, match="expected YYYY-MM-DD"):
        check_date("2015-02-30")
