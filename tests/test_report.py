"""The board pack builder, on two tiny notebooks (one works, one raises) and a fake processed
folder: the cleaning step is replaced by a fake ``hwb_kpis.pipeline`` so no real data is needed.
Only one test starts Jupyter kernels (a module-scoped build, ~3 s); the others stop before
running notebooks or replace the papermill call."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import types
from pathlib import Path

import nbformat
import pytest

from hwb_kpis import pipeline as real_pipeline
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.privacy import INTERNAL_BANNER
from hwb_kpis.report import build as report
from hwb_kpis.report.build import (
    PALETTE,
    SYNTHETIC_BANNER,
    Page,
    board_notebook,
    build_report,
    contrast_ratio,
    describe_notebook,
    discover_notebooks,
    render_index,
    render_page,
)

NOTEBOOKS = Path(__file__).resolve().parent / "data" / "report"
MONTH = "2015-11"
FINGERPRINT = "f" * 64


class FakePipeline:
    """Stands in for the cleaning inside ``hwb_kpis.pipeline``: a fixed raw fingerprint, and a
    ``run_clean`` that records its calls and writes a tiny processed folder. The real
    ``refresh_processed`` decides, so the tests pin its decisions."""

    def __init__(self, fingerprint: str = FINGERPRINT) -> None:
        self.fingerprint = fingerprint
        self.cleaned: list[tuple[Path, Path]] = []

    def raw_fingerprint(self, raw_dir, mapping_path=None) -> str:
        return self.fingerprint

    def run_clean(self, raw_dir, out_dir, *, mapping_path=None, key_file=None, echo=print):
        self.cleaned.append((Path(raw_dir), Path(out_dir)))
        _write_processed(Path(out_dir), fingerprint=self.fingerprint)
        return types.SimpleNamespace(out_dir=Path(out_dir))

    def install(self, mp: pytest.MonkeyPatch) -> FakePipeline:
        mp.setattr(real_pipeline, "raw_fingerprint", self.raw_fingerprint)
        mp.setattr(real_pipeline, "run_clean", self.run_clean)
        return self


def _write_processed(processed: Path, fingerprint: str = FINGERPRINT) -> None:
    processed.mkdir(parents=True, exist_ok=True)
    (processed / "contacts.parquet").write_bytes(b"not read by the test notebooks")
    summary = {
        "tables": {
            "contacts": {"file": "contacts.csv", "raw_rows": 1210, "clean_rows": 1200,
                         "quarantined": 7, "duplicates_dropped": 3},
            "looked_after": {"file": "looked_after.csv", "raw_rows": 40, "clean_rows": 40,
                             "quarantined": 0, "duplicates_dropped": 0},
        },
        "extract_date": "2015-12-02",
        "synthetic": True,
        "raw_fingerprint": fingerprint,
    }
    for name in real_pipeline.PROCESSED_FILES:  # a complete set, as run_clean leaves it
        if not (processed / name).exists():
            (processed / name).write_text("", encoding="utf-8")
    (processed / "ingest_summary.json").write_text(json.dumps(summary), encoding="utf-8")


def _workspace(base: Path) -> dict[str, Path]:
    raw, processed, out = base / "raw", base / "processed", base / "reports"
    raw.mkdir(parents=True)
    (raw / "contacts.csv").write_text("contact_id\n", encoding="utf-8")
    (raw / "SYNTHETIC").write_text("synthetic\n", encoding="utf-8")
    _write_processed(processed)
    return {"raw_dir": raw, "processed_dir": processed, "out_dir": out}


def _fake_run(page: Page, output: Path, cwd: Path, timeout: int) -> None:
    """Replaces papermill: copies the notebook with a text output and no kernel."""
    nb = nbformat.read(page.source, as_version=4)
    if page.name.endswith("fail"):
        raise RuntimeError("fake kernel died\nsecond line is the one shown")
    nb.cells.append(nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text="fake run\n")]))
    nbformat.write(nb, output)


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> FakePipeline:
    return FakePipeline().install(monkeypatch)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """One real build (papermill + nbconvert) shared by the tests that read the pack."""
    base = tmp_path_factory.mktemp("pack")
    dirs = _workspace(base)
    fake = FakePipeline()
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        fake.install(mp)
        result = build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, jobs=2, echo=lines.append, timeout=60)
    return types.SimpleNamespace(result=result, dirs=dirs, lines=lines, fake=fake, pack=dirs["out_dir"] / MONTH)


# --- the real build -----------------------------------------------------------------------------


def test_index_lists_pages_and_failure(built) -> None:
    result = built.result
    assert result.index_path == built.pack / "index.html"
    assert result.failed == ["02_fail"]
    index = result.index_path.read_text(encoding="utf-8")
    assert '<a href="01_ok.html">A page that works</a>' in index
    assert "This tiny page shows the month it was given." in index
    assert "November 2015" in index and "2015-12-02" in index  # month and extract date
    assert "1,200" in index and "1,210" in index  # row counts from ingest_summary.json
    assert "<td class=\"num\">&lt;5</td>" in index  # 3 duplicates dropped: the small-number rule
    # the failure is listed with the exception's last line, the page is not linked
    assert "02_fail" in index and "ValueError: deliberate failure for 2015-11" in index
    assert 'href="02_fail.html"' not in index
    assert not (built.pack / "02_fail.html").exists()
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", index)
    assert [p.name for p in result.pages if p.ok] == ["01_ok"]


def test_pages_have_no_code_and_no_tracebacks(built) -> None:
    for html_file in built.pack.glob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert "SECRET_CODE_MARKER" not in html  # code input excluded
        assert "import base64" not in html
        assert "nobody should see" not in html  # stderr dropped
        assert "Traceback" not in html
        assert "<script" not in html  # no CDN scripts: opens from an email attachment
        assert '<html lang="en">' in html
    page = (built.pack / "01_ok.html").read_text(encoding="utf-8")
    assert "Figures for 2015-11" in page  # the parameter reached the notebook
    assert 'alt="Chart: Contacts chart"' in page  # PNG embedded with alt text
    assert "data:image/png;base64," in page
    assert 'href="index.html"' in page


def test_banners_and_progress(built) -> None:
    for html_file in built.pack.glob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert SYNTHETIC_BANNER in html
        assert INTERNAL_BANNER not in html
    text = "\n".join(built.lines)
    assert "[1/2]" in text and "[2/2]" in text and "FAILED" in text
    assert "reusing" in text and built.fake.cleaned == []  # fingerprint unchanged: no clean


def test_pack_keeps_executed_notebooks_and_leaves_no_temp(built) -> None:
    assert (built.pack / "notebooks" / "01_ok.ipynb").is_file()
    executed = nbformat.read(built.pack / "notebooks" / "01_ok.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert f"processed_dir = \"{built.dirs['processed_dir']}\"" in injected[0].source
    assert [p.name for p in built.dirs["out_dir"].iterdir()] == [MONTH]
    assert built.result.size_bytes < report.PACK_SIZE_LIMIT


def test_refuses_to_overwrite_without_force(built, fake_pipeline) -> None:
    before = built.result.index_path.read_text(encoding="utf-8")
    with pytest.raises(HwbKpisError, match="already exists.*--force"):
        build_report(MONTH, **built.dirs, notebooks_dir=NOTEBOOKS, echo=lambda s: None)
    assert built.result.index_path.read_text(encoding="utf-8") == before


# --- without kernels ----------------------------------------------------------------------------


def test_force_replaces_pack_atomically(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = _workspace(tmp_path)
    old = dirs["out_dir"] / MONTH
    old.mkdir(parents=True)
    (old / "index.html").write_text("old pack", encoding="utf-8")
    monkeypatch.setattr(report, "_run_notebook", _fake_run)
    result = build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, force=True, echo=lambda s: None)
    assert "old pack" not in result.index_path.read_text(encoding="utf-8")
    assert result.failed == ["02_fail"]
    assert "RuntimeError: second line is the one shown" in result.index_path.read_text(encoding="utf-8")
    assert sorted(p.name for p in dirs["out_dir"].iterdir()) == [MONTH]


@pytest.mark.parametrize("crash", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_crash_mid_build_keeps_old_pack_and_no_partial_folder(tmp_path: Path, fake_pipeline, monkeypatch, crash) -> None:
    dirs = _workspace(tmp_path)
    old = dirs["out_dir"] / MONTH
    old.mkdir(parents=True)
    (old / "index.html").write_text("old pack", encoding="utf-8")
    monkeypatch.setattr(report, "_run_notebook", _fake_run)

    def boom(*args, **kwargs):
        raise crash

    monkeypatch.setattr(report, "render_index", boom)
    with pytest.raises(type(crash)):
        build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, force=True, echo=lambda s: None)
    assert (old / "index.html").read_text(encoding="utf-8") == "old pack"
    assert sorted(p.name for p in dirs["out_dir"].iterdir()) == [MONTH]


def test_crash_on_first_build_writes_nothing(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = _workspace(tmp_path)
    monkeypatch.setattr(report, "_run_notebook", _fake_run)
    monkeypatch.setattr(report, "_publish", lambda *a: (_ for _ in ()).throw(OSError("rename failed")))
    with pytest.raises(OSError):
        build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, echo=lambda s: None)
    assert list(dirs["out_dir"].iterdir()) == []


def test_unknown_parameter_fails_before_running(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = _workspace(tmp_path)
    monkeypatch.setattr(report, "_run_notebook", lambda *a: pytest.fail("a notebook ran"))
    with pytest.raises(HwbKpisError, match="unknown notebook parameter.*no_such_param"):
        build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, parameters={"no_such_param": 1}, echo=lambda s: None)
    assert fake_pipeline.cleaned == [] and not dirs["out_dir"].exists()


def test_notebook_without_required_parameter(tmp_path: Path, fake_pipeline) -> None:
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    nb = nbformat.read(NOTEBOOKS / "01_ok.ipynb", as_version=4)
    nb.cells[1].source = 'month = "2015-11"'
    nbformat.write(nb, nb_dir / "00_bad.ipynb")
    with pytest.raises(HwbKpisError, match="00_bad.ipynb.*does not declare processed_dir"):
        build_report(MONTH, **_workspace(tmp_path / "w"), notebooks_dir=nb_dir, echo=lambda s: None)
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    nbformat.write(nb, nb_dir / "00_bad.ipynb")
    with pytest.raises(HwbKpisError, match="no cell tagged 'parameters'"):
        build_report(MONTH, **_workspace(tmp_path / "w2"), notebooks_dir=nb_dir, echo=lambda s: None)


def test_only_filter_and_unknown_name() -> None:
    assert [p.name for p in discover_notebooks(NOTEBOOKS)] == ["01_ok.ipynb", "02_fail.ipynb"]
    assert [p.name for p in discover_notebooks(NOTEBOOKS, ["02_fail.ipynb"])] == ["02_fail.ipynb"]
    with pytest.raises(HwbKpisError, match="no notebook named 99_nope"):
        discover_notebooks(NOTEBOOKS, ["99_nope"])


def test_bad_month(tmp_path: Path) -> None:
    with pytest.raises(HwbKpisError, match="YYYY-MM"):
        build_report("201511", **_workspace(tmp_path), notebooks_dir=NOTEBOOKS, echo=lambda s: None)


def test_cleans_when_fingerprint_changed(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = _workspace(tmp_path)
    fake_pipeline.fingerprint = "0" * 64  # the raw files changed since the processed folder was made
    monkeypatch.setattr(report, "_run_notebook", _fake_run)
    build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, only=["01_ok"], echo=lambda s: None)
    assert fake_pipeline.cleaned == [(dirs["raw_dir"], dirs["processed_dir"])]


def test_skips_clean_when_fingerprint_unchanged(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = _workspace(tmp_path)
    monkeypatch.setattr(report, "_run_notebook", _fake_run)
    lines: list[str] = []
    build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, only=["01_ok"], echo=lines.append)
    assert fake_pipeline.cleaned == []
    assert any("unchanged" in line for line in lines)


def test_empty_raw_dir_writes_synthetic_extract_loudly(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = _workspace(tmp_path)
    shutil.rmtree(dirs["raw_dir"])
    shutil.rmtree(dirs["processed_dir"])
    calls = []

    def write_extract(out_dir, **kwargs):
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "contacts.csv").write_text("contact_id\n", encoding="utf-8")
        (Path(out_dir) / "SYNTHETIC").write_text("synthetic\n", encoding="utf-8")
        calls.append(Path(out_dir))
        return [Path(out_dir) / "contacts.csv"]

    monkeypatch.setitem(sys.modules, "hwb_kpis.demo", types.SimpleNamespace(write_extract=write_extract))
    monkeypatch.setattr(report, "_run_notebook", _fake_run)
    lines: list[str] = []
    result = build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, only=["01_ok"], echo=lines.append)
    assert calls == [dirs["raw_dir"]] and fake_pipeline.cleaned
    assert any("SYNTHETIC" in line for line in lines)
    assert result.synthetic and SYNTHETIC_BANNER in result.index_path.read_text(encoding="utf-8")


def test_internal_banner_on_index_and_pages(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = _workspace(tmp_path)
    monkeypatch.setattr(report, "_run_notebook", _fake_run)
    result = build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, internal=True, echo=lambda s: None)
    for html_file in (dirs["out_dir"] / MONTH).glob("*.html"):
        assert INTERNAL_BANNER in html_file.read_text(encoding="utf-8")
    ok = [p for p in result.pages if p.name == "01_ok"][0]
    assert ok.parameters["internal"] is True


# --- pieces -------------------------------------------------------------------------------------


def test_board_notebook_strips_errors_and_js() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\n## Volumes"),
        nbformat.v4.new_code_cell("1/0", outputs=[
            nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="x", traceback=["Traceback"]),
            nbformat.v4.new_output("stream", name="stdout", text="Traceback (most recent call last):\n"),
            nbformat.v4.new_output("display_data", data={"application/javascript": "alert(1)"}),
            nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"}),
            nbformat.v4.new_output("execute_result", data={"text/plain": "<Figure size 800x450 with 1 Axes>"}),
            nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: something\n"),
        ]),
    ]
    clean = board_notebook(nb, "Title")
    outputs = clean.cells[1].outputs
    assert len(outputs) == 1 and outputs[0].metadata["alt"] == "Chart: Volumes"


def test_render_without_synthetic_has_no_synthetic_banner() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Real page")]
    page = Page("00_x", "Real page", "", Path("00_x.ipynb"))
    html = render_page(nb, page, month=MONTH, banners=[], internal=False)
    assert SYNTHETIC_BANNER not in html and INTERNAL_BANNER not in html
    index = render_index([page], month=MONTH, summary={}, synthetic=False, internal=False)
    assert SYNTHETIC_BANNER not in index and '<html lang="en">' in index


def test_pages_rendered_one_after_another_share_nothing() -> None:
    """The exporter is reused (its templates compile once): nothing of one page may reach the next."""
    first = nbformat.v4.new_notebook()
    first.cells = [nbformat.v4.new_markdown_cell("# First page\n\nOnly on the first page.")]
    second = nbformat.v4.new_notebook()
    second.cells = [nbformat.v4.new_markdown_cell("# Second page")]
    a = render_page(first, Page("01_a", "First page", "", Path("01_a.ipynb")), month=MONTH,
                    banners=report._banners(True, True), internal=True)
    b = render_page(second, Page("02_b", "Second page", "", Path("02_b.ipynb")), month="2015-10",
                    banners=[], internal=False)
    assert SYNTHETIC_BANNER in a and INTERNAL_BANNER in a
    assert "Only on the first page" not in b and SYNTHETIC_BANNER not in b and INTERNAL_BANNER not in b
    assert "October 2015" in b and "November 2015" not in b
    again = render_page(first, Page("01_a", "First page", "", Path("01_a.ipynb")), month=MONTH,
                        banners=report._banners(True, True), internal=True)
    assert again == a


def test_describe_notebook() -> None:
    nb = nbformat.read(NOTEBOOKS / "01_ok.ipynb", as_version=4)
    assert describe_notebook(nb, "x") == ("A page that works", "This tiny page shows the month it was given.")
    assert describe_notebook(nbformat.v4.new_notebook(), "07_some_page") == ("07 some page", "")


def test_house_palette_contrast() -> None:
    for name, (fg, bg) in PALETTE.items():
        assert contrast_ratio(fg, bg) >= 4.5, name
    css = (report.TEMPLATES_DIR / "house.css").read_text(encoding="utf-8").lower()
    for fg, bg in PALETTE.values():
        assert {fg, bg} - {"#ffffff"} <= set(re.findall(r"#[0-9a-f]{6}", css))


def test_headings_in_order_on_index(built) -> None:
    index = built.result.index_path.read_text(encoding="utf-8")
    levels = [int(h) for h in re.findall(r"<h([1-6])", index)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_cli_report_exit_codes(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    from typer.testing import CliRunner

    from hwb_kpis.cli import app

    home = tmp_path / "home"
    shutil.copytree(NOTEBOOKS, home / "notebooks")
    monkeypatch.setenv("HWB_KPIS_HOME", str(home))
    monkeypatch.setattr(report, "_run_notebook", _fake_run)
    dirs = _workspace(tmp_path / "w")
    args = ["report", "--month", MONTH, "--raw", str(dirs["raw_dir"]), "--processed", str(dirs["processed_dir"]),
            "--out", str(dirs["out_dir"])]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output  # one notebook failed
    assert "02_fail" in result.output and str(dirs["out_dir"] / MONTH / "index.html") in result.output
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output and "Traceback" not in again.output
    ok_only = CliRunner().invoke(app, [*args, "--force", "--only", "01_ok"])
    assert ok_only.exit_code == 0, ok_only.output


def test_real_fingerprint_unchanged_skips_clean(tmp_path: Path, monkeypatch) -> None:
    """With the lead's pipeline: processed tables stamped with the raw files' fingerprint are reused."""
    pipeline = pytest.importorskip("hwb_kpis.pipeline")
    if not hasattr(pipeline, "raw_fingerprint"):
        pytest.skip("hwb_kpis.pipeline.raw_fingerprint not available")
    dirs = _workspace(tmp_path)
    _write_processed(dirs["processed_dir"], fingerprint=pipeline.raw_fingerprint(dirs["raw_dir"], None))
    for name in getattr(pipeline, "PROCESSED_FILES", ()):
        path = dirs["processed_dir"] / name
        if not path.exists():
            path.write_text("", encoding="utf-8")
    calls = []
    monkeypatch.setattr(pipeline, "run_clean", lambda *a, **k: calls.append(a))
    report.prepare_data(dirs["raw_dir"], dirs["processed_dir"], echo=lambda s: None)
    assert calls == []
    (dirs["raw_dir"] / "contacts.csv").write_text("contact_id\nchanged\n", encoding="utf-8")
    report.prepare_data(dirs["raw_dir"], dirs["processed_dir"], echo=lambda s: None)
    assert len(calls) == 1


def test_align_tables_right_aligns_only_columns_of_figures() -> None:
    html = (
        '<table class="dataframe"><thead><tr style="text-align: right;"><th>area</th><th>year</th>'
        "<th>referrals</th><th>rate</th></tr></thead><tbody>"
        '<tr><td>England</td><td>2014-15</td><td>1,380</td><td class="x">17%</td></tr>'
        "<tr><td>Region</td><td>2015-16</td><td>&lt;5</td><td>*</td></tr></tbody></table>"
    )
    out = report.align_tables(html)
    assert out.count('class="hwb-num"') == 5 and 'class="hwb-num x"' in out  # two columns, header included
    assert "<td>England</td>" in out and "<td>2014-15</td>" in out and "<th>area</th>" in out
    merged = html.replace("<th>area</th>", '<th colspan="2">area</th>')
    assert report.align_tables(merged) == merged  # merged cells: left alone


def test_long_description_is_cut_at_a_word() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\n" + "word " * 80)]
    _, description = describe_notebook(nb, "x")
    assert description.endswith("word …") and len(description) <= 200


def _dead_pid() -> int:
    """The id of a process that has exited."""
    import subprocess

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_a_killed_build_are_cleared_by_the_next(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = _workspace(tmp_path)
    out = dirs["out_dir"]
    dead = _dead_pid()
    (out / f".{MONTH}.tmp-{dead}-abc123" / "notebooks").mkdir(parents=True)  # killed mid-build
    (out / f".2015-10.old-{dead}-def456").mkdir()  # killed between setting aside October and moving in
    (out / ".2015-10.old-def456" / "index.html").parent.mkdir()  # another naming: left alone
    (out / f".2015-10.old-{dead}-def456" / "index.html").write_text("october", encoding="utf-8")
    live = out / f".2015-09.tmp-{os.getpid()}-ghi789"  # a build still running: left alone
    live.mkdir()
    monkeypatch.setattr(report, "_run_notebook", _fake_run)
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
    assert report.remove_abandoned_builds(tmp_path, echo=lambda s: None) == [tmp_path / f".{MONTH}.old-{dead}-x1"]
    assert [p.name for p in tmp_path.iterdir()] == [MONTH]


def test_killed_build_process_leaves_nothing_a_second_build_does_not_clear(tmp_path: Path) -> None:
    """A real ``kill -9`` of ``hwb-kpis report`` while its notebooks run."""
    import signal
    import subprocess
    import time as _time

    dirs = _workspace(tmp_path)
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
    assert report.remove_abandoned_builds(dirs["out_dir"], echo=lambda s: None)
    assert list(dirs["out_dir"].iterdir()) == []
