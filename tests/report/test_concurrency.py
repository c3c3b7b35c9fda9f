"""Two builds of one month, ``--only`` and locks (hwb_kpis.report.build, publish; hwb_kpis.locks):
a month is built by one run at a time; ``--only`` re-renders its pages and rebuilds the index from
the full set, never replacing a whole pack by part of it; a lock file is never followed through a
symbolic link; the date ``--as-of`` is checked before any notebook runs."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from hwb_kpis import pipeline
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.report import run
from hwb_kpis.report.build import build_report
from hwb_kpis.report.options import ReportOptions
from tests.report.fakes import MONTH, NOTEBOOKS, fake_run, without_kernels, workspace


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    """Two working pages and one that fails."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(NOTEBOOKS / "01_ok.ipynb", folder / "01_ok.ipynb")
    shutil.copy(NOTEBOOKS / "01_ok.ipynb", folder / "03_more.ipynb")
    shutil.copy(NOTEBOOKS / "02_fail.ipynb", folder / "02_fail.ipynb")
    return folder


def test_a_second_build_of_the_month_while_one_runs_is_refused(tmp_path, notebooks, fake_pipeline, monkeypatch):
    # the defect: two runs 2 s apart, neither with --force: the second replaced the first's pack
    dirs = workspace(tmp_path)
    started = threading.Event()

    def slow_run(page, output, cwd, timeout):
        started.set()
        time.sleep(1.5)
        fake_run(page, output, cwd, timeout)

    monkeypatch.setattr(run, "run_notebook", slow_run)
    first: dict = {}
    thread = threading.Thread(target=lambda: first.update(result=build_report(
        MONTH, **dirs, notebooks_dir=notebooks, only=["01_ok"], echo=lambda s: None)))
    thread.start()
    assert started.wait(20)
    with pytest.raises(HwbKpisError, match=f"another build of {MONTH} is running"):
        build_report(MONTH, **dirs, notebooks_dir=notebooks, only=["03_more"], echo=lambda s: None)
    thread.join()
    assert first["result"].index_path.is_file()
    assert sorted(p.name for p in dirs["out_dir"].iterdir()) == [MONTH]  # no lock file left behind


def test_only_rerenders_its_pages_and_keeps_the_rest_of_the_pack(tmp_path, notebooks, fake_pipeline, monkeypatch):
    # the defect: `report --only 04_repeat_contacts --force` replaced the 7-page pack by 1 page
    dirs = workspace(tmp_path)
    without_kernels(monkeypatch)
    full = build_report(MONTH, **dirs, notebooks_dir=notebooks, echo=lambda s: None)
    pack = dirs["out_dir"] / MONTH
    assert [p.name for p in full.pages] == ["01_ok", "02_fail", "03_more"]
    kept = (pack / "01_ok.html").read_bytes()
    before = (pack / "03_more.html").stat().st_mtime_ns
    time.sleep(0.01)
    again = build_report(MONTH, **dirs, notebooks_dir=notebooks, only=["03_more"], force=True, echo=lambda s: None)
    index = again.index_path.read_text(encoding="utf-8")
    assert 'href="01_ok.html"' in index and 'href="03_more.html"' in index and "02_fail" in index
    assert [p.name for p in again.pages] == ["01_ok", "02_fail", "03_more"]
    assert (pack / "01_ok.html").read_bytes() == kept  # not rebuilt
    assert (pack / "03_more.html").stat().st_mtime_ns > before  # rebuilt
    assert again.failed == []  # of the pages built now; the earlier failure stays listed in the index
    assert [p.name for p in again.pages if not p.ok] == ["02_fail"] and "second line is the one shown" in index


def test_only_on_a_month_without_a_pack_builds_just_those_pages(tmp_path, notebooks, fake_pipeline, monkeypatch):
    dirs = workspace(tmp_path)
    without_kernels(monkeypatch)
    result = build_report(MONTH, **dirs, notebooks_dir=notebooks, only=["03_more"], echo=lambda s: None)
    assert [p.name for p in result.pages] == ["03_more"] and result.failed == []


def test_a_symlinked_lock_file_is_never_followed(tmp_path, notebooks, fake_pipeline, monkeypatch):
    dirs = workspace(tmp_path)
    without_kernels(monkeypatch)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    dirs["out_dir"].mkdir()
    (dirs["out_dir"] / f".{MONTH}.lock").symlink_to(victim)
    with pytest.raises(HwbKpisError, match="symbolic link"):
        build_report(MONTH, **dirs, notebooks_dir=notebooks, echo=lambda s: None)
    (dirs["processed_dir"] / ".build.lock").symlink_to(victim)
    with pytest.raises(HwbKpisError, match="symbolic link"):
        pipeline.refresh_processed(dirs["processed_dir"], dirs["raw_dir"], echo=lambda s: None)
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("as_of", ["today", "12/31/2015", "2015", "1677-01-01", "2015-12-31T10:00", "2015-02-30"])
def test_as_of_is_checked_before_any_notebook_runs(tmp_path, notebooks, fake_pipeline, monkeypatch, as_of):
    dirs = workspace(tmp_path)
    ran = []
    monkeypatch.setattr(run, "run_notebook", lambda *a, **k: ran.append(a))
    with pytest.raises(HwbKpisError, match="as_of .* is not a date"):
        build_report(MONTH, **dirs, notebooks_dir=notebooks, as_of=as_of, echo=lambda s: None)
    assert ran == [] and not fake_pipeline.cleaned
    assert ReportOptions(MONTH, raw_dir=".", processed_dir=".", out_dir=".", as_of="2015-12-31").as_of == "2015-12-31"
