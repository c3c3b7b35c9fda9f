"""Publishing a pack atomically (``hwb_kpis.report.publish``): an older pack replaced only once the
new one is in, and what a build killed outright left behind cleared by the next build."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.report import publish
from hwb_kpis.report.build import build_report
from tests.report.fakes import MONTH, NOTEBOOKS, without_kernels, workspace


def _dead_pid() -> int:
    """The id of a process that has exited."""
    import subprocess

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_a_killed_build_are_cleared_by_the_next(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = workspace(tmp_path)
    out = dirs["out_dir"]
    dead = _dead_pid()
    (out / f".{MONTH}.tmp-{dead}-abc123" / "notebooks").mkdir(parents=True)  # killed mid-build
    (out / f".2015-10.old-{dead}-def456").mkdir()  # killed between setting aside October and moving in
    (out / ".2015-10.old-def456" / "index.html").parent.mkdir()  # another naming: left alone
    (out / f".2015-10.old-{dead}-def456" / "index.html").write_text("october", encoding="utf-8")
    live = out / f".2015-09.tmp-{os.getpid()}-ghi789"  # a build still running: left alone
    live.mkdir()
    without_kernels(monkeypatch)
    lines: list[str] = []
    build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, only=["01_ok"], echo=lines.append)
    assert sorted(p.name for p in out.iterdir()) == [live.name, ".2015-10.old-def456",
                                                     "2015-10", MONTH]
    assert (out / "2015-10" / "index.html").read_text(encoding="utf-8") == "october"  # put back
    assert any("restored the pack for 2015-10" in line for line in lines)
    assert any(f".{MONTH}.tmp-{dead}-abc123" in line and "interrupted" in line for line in lines)


def test_a_set_aside_pack_is_removed_when_its_month_exists(tmp_path: Path) -> None:
    dead = _dead_pid()
    (tmp_path / MONTH).mkdir()
    (tmp_path / f".{MONTH}.old-{dead}-x1").mkdir()
    assert publish.remove_abandoned_builds(tmp_path, echo=lambda s: None) == [tmp_path / f".{MONTH}.old-{dead}-x1"]
    assert [p.name for p in tmp_path.iterdir()] == [MONTH]


def test_killed_build_process_leaves_nothing_a_second_build_does_not_clear(tmp_path: Path) -> None:
    """A real ``kill -9`` of ``hwb-kpis report`` while its notebooks run."""
    import signal
    import subprocess
    import time as _time

    dirs = workspace(tmp_path)
    slow = tmp_path / "slow_notebooks"
    slow.mkdir()
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# Slow\n\nWaits."),
                nbformat.v4.new_code_cell('month = "2015-11"\nprocessed_dir = "../data/processed"\ninternal = False',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import time\ntime.sleep(60)")]
    nbformat.write(nb, slow / "01_slow.ipynb")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from hwb_kpis import pipeline\nfrom hwb_kpis.report import build as report\n"
        "pipeline.raw_fingerprint = lambda *a, **k: 'f' * 64\n"
        f"report.build_report('{MONTH}', raw_dir=Path(r'{dirs['raw_dir']}'), processed_dir=Path(r'{dirs['processed_dir']}'),"
        f" out_dir=Path(r'{dirs['out_dir']}'), notebooks_dir=Path(r'{slow}'), echo=print, timeout=120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = _time.monotonic() + 60
    while _time.monotonic() < deadline and not list(dirs["out_dir"].glob(f".{MONTH}.tmp-*/notebooks")):
        _time.sleep(0.2)
    assert list(dirs["out_dir"].glob(f".{MONTH}.tmp-{proc.pid}-*")), proc.communicate(timeout=5)[0]
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its kernel
    proc.wait()
    assert publish.remove_abandoned_builds(dirs["out_dir"], echo=lambda s: None)
    assert list(dirs["out_dir"].iterdir()) == []


def test_publish_replaces_an_older_pack_only_once_the_new_one_is_in(tmp_path: Path) -> None:
    final = tmp_path / MONTH
    final.mkdir()
    (final / "index.html").write_text("old", encoding="utf-8")
    lines: list[str] = []
    with publish.staging(final, lines.append) as folder:
        assert folder.parent == tmp_path and folder.name.startswith(f".{MONTH}.tmp-{os.getpid()}-")
        (folder / "index.html").write_text("new", encoding="utf-8")
        publish.publish(folder, final, lines.append)
    assert (final / "index.html").read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == [MONTH]
    assert lines == [f"replaced the earlier pack in {final}"]


def test_staging_is_removed_when_the_build_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), publish.staging(tmp_path / MONTH, lambda s: None) as folder:
        (folder / "half.html").write_text("half", encoding="utf-8")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_check_target_needs_force_for_an_existing_pack(tmp_path: Path) -> None:
    publish.check_target(tmp_path / MONTH, force=False)
    (tmp_path / MONTH).mkdir()
    publish.check_target(tmp_path / MONTH, force=True)
    with pytest.raises(HwbKpisError, match="already exists: use --force"):
        publish.check_target(tmp_path / MONTH, force=False)


def test_a_month_holding_only_the_agency_pages_is_not_a_pack_to_protect(tmp_path):
    check_target = publish.check_target
    month = tmp_path / "2015-11"
    (month / "agencies").mkdir(parents=True)
    check_target(month, force=False)  # `hwb-kpis feedback` ran before `hwb-kpis report`
    (month / "index.html").write_text("x", encoding="utf-8")
    with pytest.raises(HwbKpisError):
        check_target(month, force=False)
