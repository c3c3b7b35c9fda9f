"""The board pack builder (``hwb_kpis.report.build``), on two tiny notebooks (one works, one
raises) and a fake processed folder: the cleaning step is replaced by a fake ``hwb_kpis.pipeline``
so no real data is needed. Only one test starts Jupyter kernels (a module-scoped build, ~3 s); the
others stop before running notebooks or replace the notebook run (``hwb_kpis.report.run``)."""

from __future__ import annotations

import re
import shutil
import sys
import types
from pathlib import Path

import nbformat
import pytest

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.privacy import INTERNAL_BANNER
from hwb_kpis.report import publish, render, run
from hwb_kpis.report.build import ReportOptions, build, build_report
from hwb_kpis.report.render import SYNTHETIC_BANNER
from hwb_kpis.synthetic import write_marker
from tests.report.fakes import MONTH, NOTEBOOKS, FakePipeline, fake_run, without_kernels, workspace


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """One real build (papermill + nbconvert) shared by the tests that read the pack."""
    base = tmp_path_factory.mktemp("pack")
    dirs = workspace(base)
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
    assert built.result.size_bytes < publish.PACK_SIZE_LIMIT


def test_result_says_what_each_stage_took_and_what_was_done_to_the_data(built) -> None:
    """The public timing hook the pack benchmark reads (no log text)."""
    result = built.result
    assert set(result.timings) == {"plan", "data", "disclosure", "notebooks", "index", "tables", "pdf", "publish"}
    assert all(seconds >= 0 for seconds in result.timings.values())
    assert result.timings["notebooks"] >= max(p.seconds for p in result.pages)
    assert result.refresh == "reused"
    assert all(p.seconds > 0 for p in result.pages)


def test_refuses_to_overwrite_without_force(built, fake_pipeline) -> None:
    before = built.result.index_path.read_text(encoding="utf-8")
    with pytest.raises(HwbKpisError, match="already exists.*--force"):
        build_report(MONTH, **built.dirs, notebooks_dir=NOTEBOOKS, echo=lambda s: None)
    assert built.result.index_path.read_text(encoding="utf-8") == before


def test_headings_in_order_on_index(built) -> None:
    index = built.result.index_path.read_text(encoding="utf-8")
    levels = [int(h) for h in re.findall(r"<h([1-6])", index)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


# --- without kernels ----------------------------------------------------------------------------


def test_force_replaces_pack_atomically(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = workspace(tmp_path)
    old = dirs["out_dir"] / MONTH
    old.mkdir(parents=True)
    (old / "index.html").write_text("old pack", encoding="utf-8")
    without_kernels(monkeypatch)
    result = build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, force=True, echo=lambda s: None)
    assert "old pack" not in result.index_path.read_text(encoding="utf-8")
    assert result.failed == ["02_fail"]
    assert "RuntimeError: second line is the one shown" in result.index_path.read_text(encoding="utf-8")
    assert sorted(p.name for p in dirs["out_dir"].iterdir()) == [MONTH]


@pytest.mark.parametrize("crash", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_crash_mid_build_keeps_old_pack_and_no_partial_folder(tmp_path: Path, fake_pipeline, monkeypatch, crash) -> None:
    dirs = workspace(tmp_path)
    old = dirs["out_dir"] / MONTH
    old.mkdir(parents=True)
    (old / "index.html").write_text("old pack", encoding="utf-8")
    without_kernels(monkeypatch)

    def boom(*args, **kwargs):
        raise crash

    monkeypatch.setattr(render, "render_index", boom)
    with pytest.raises(type(crash)):
        build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, force=True, echo=lambda s: None)
    assert (old / "index.html").read_text(encoding="utf-8") == "old pack"
    assert sorted(p.name for p in dirs["out_dir"].iterdir()) == [MONTH]


def test_crash_on_first_build_writes_nothing(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = workspace(tmp_path)
    without_kernels(monkeypatch)
    monkeypatch.setattr(publish, "publish", lambda *a: (_ for _ in ()).throw(OSError("rename failed")))
    with pytest.raises(OSError):
        build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, echo=lambda s: None)
    assert list(dirs["out_dir"].iterdir()) == []


def test_unknown_parameter_fails_before_running(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = workspace(tmp_path)
    monkeypatch.setattr(run, "run_notebook", lambda *a: pytest.fail("a notebook ran"))
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
        build_report(MONTH, **workspace(tmp_path / "w"), notebooks_dir=nb_dir, echo=lambda s: None)
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    nbformat.write(nb, nb_dir / "00_bad.ipynb")
    with pytest.raises(HwbKpisError, match="no cell tagged 'parameters'"):
        build_report(MONTH, **workspace(tmp_path / "w2"), notebooks_dir=nb_dir, echo=lambda s: None)


def test_bad_month(tmp_path: Path) -> None:
    with pytest.raises(HwbKpisError, match="YYYY-MM"):
        build_report("201511", **workspace(tmp_path), notebooks_dir=NOTEBOOKS, echo=lambda s: None)


def test_cleans_when_fingerprint_changed(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = workspace(tmp_path)
    fake_pipeline.fingerprint = "0" * 64  # the raw files changed since the processed folder was made
    without_kernels(monkeypatch)
    result = build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, only=["01_ok"], echo=lambda s: None)
    assert fake_pipeline.cleaned == [(dirs["raw_dir"], dirs["processed_dir"])]
    assert result.refresh == "cleaned"


def test_skips_clean_when_fingerprint_unchanged(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = workspace(tmp_path)
    without_kernels(monkeypatch)
    lines: list[str] = []
    build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, only=["01_ok"], echo=lines.append)
    assert fake_pipeline.cleaned == []
    assert any("unchanged" in line for line in lines)


def test_empty_raw_dir_writes_synthetic_extract_loudly(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    dirs = workspace(tmp_path)
    shutil.rmtree(dirs["raw_dir"])
    shutil.rmtree(dirs["processed_dir"])
    calls = []

    def write_extract(out_dir, **kwargs):
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "contacts.csv").write_text("contact_id\n", encoding="utf-8")
        write_marker(out_dir)
        calls.append(Path(out_dir))
        return [Path(out_dir) / "contacts.csv"]

    monkeypatch.setitem(sys.modules, "hwb_kpis.demo", types.SimpleNamespace(write_extract=write_extract))
    without_kernels(monkeypatch)
    lines: list[str] = []
    result = build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, only=["01_ok"], echo=lines.append)
    assert calls == [dirs["raw_dir"]] and fake_pipeline.cleaned
    assert any("SYNTHETIC" in line for line in lines)
    assert result.synthetic and SYNTHETIC_BANNER in result.index_path.read_text(encoding="utf-8")


def test_internal_banner_on_index_and_pages(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    """An internal pack goes to its own folder (never the board's), says INTERNAL on every page,
    and the terminal calls it an internal pack."""
    dirs = workspace(tmp_path)
    without_kernels(monkeypatch)
    lines: list[str] = []
    result = build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, internal=True, echo=lines.append)
    assert result.index_path.parent == dirs["out_dir"] / f"{MONTH}-internal" and not (dirs["out_dir"] / MONTH).exists()
    pages = list((dirs["out_dir"] / f"{MONTH}-internal").glob("*.html"))
    assert len(pages) >= 2
    for html_file in pages:
        assert INTERNAL_BANNER in html_file.read_text(encoding="utf-8")
    assert lines[0].startswith("internal pack for") and any(line.startswith("internal pack written to") for line in lines)
    assert not any("board pack" in line for line in lines) and result.kind == "internal pack"
    ok = [p for p in result.pages if p.name == "01_ok"][0]
    assert ok.parameters["internal"] is True


def test_build_takes_the_options_object(tmp_path: Path, fake_pipeline, monkeypatch) -> None:
    """``build(ReportOptions(...))`` is what ``build_report`` runs; executed notebooks can be left out."""
    dirs = workspace(tmp_path)
    without_kernels(monkeypatch)
    options = ReportOptions(MONTH, notebooks_dir=NOTEBOOKS, only=("01_ok",), keep_notebooks=False,
                            view="recorded", lookback_days=30, **dirs)
    result = build(options, echo=lambda s: None)
    assert [p.name for p in result.pages] == ["01_ok"] and result.failed == []
    assert not (options.pack_dir / "notebooks").exists() and (options.pack_dir / "01_ok.html").is_file()
    # 01_ok declares month, processed_dir and internal only: nothing else is passed to it
    assert result.pages[0].parameters == {"month": MONTH, "processed_dir": str(dirs["processed_dir"]),
                                          "internal": False}


def test_fake_run_is_the_notebook_run() -> None:
    """The stand-in keeps the real run's signature (page, output, cwd, timeout)."""
    import inspect

    assert list(inspect.signature(fake_run).parameters) == list(inspect.signature(run.run_notebook).parameters)


# --- what every pack holds besides its pages (issue 19) ------------------------------------------


def test_the_pack_holds_its_pdf_excel_kpis_and_glossary(built) -> None:
    pack, result = built.pack, built.result
    names = {p.name for p in pack.iterdir()}
    assert {"glossary.html", "kpis.xlsx", "pack.json"} <= names
    # the fake processed folder has no readable tables: no kpis.csv, and the run says so
    assert "kpis.csv" not in names and result.revised is None
    assert any(line.startswith("warning: no kpis.csv") for line in built.lines)
    index = result.index_path.read_text(encoding="utf-8")
    assert 'href="kpis.xlsx"' in index and 'href="glossary.html"' in index
    if result.pdf_problem is None:
        from pypdf import PdfReader

        assert result.pdf_path == pack / "pack.pdf" and 'href="pack.pdf"' in index
        pages = PdfReader(result.pdf_path).pages
        assert len(pages) >= 3 and {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
                                     for p in pages} == {(595, 842)}
    else:
        assert result.pdf_path is None and 'href="pack.pdf"' not in index
        assert any(line.startswith("warning: no pack.pdf") for line in built.lines)
    page = (pack / "01_ok.html").read_text(encoding="utf-8")
    assert 'href="glossary.html"' in page  # every page links the glossary


def test_no_pdf_renderer_still_writes_the_html_pack_and_says_why(tmp_path, fake_pipeline, monkeypatch) -> None:
    from hwb_kpis.report import pdf

    monkeypatch.setattr(pdf, "renderer_problem", lambda: "WeasyPrint cannot load its system libraries (no pango)")
    without_kernels(monkeypatch)
    lines: list[str] = []
    result = build_report(MONTH, **workspace(tmp_path), notebooks_dir=NOTEBOOKS, echo=lines.append)
    assert result.pdf_path is None and result.pdf_problem.startswith("WeasyPrint cannot load")
    assert not (result.index_path.parent / "pack.pdf").exists() and result.index_path.is_file()
    assert "warning: no pack.pdf: WeasyPrint cannot load its system libraries (no pango); the HTML pack is written" in lines
    assert 'href="pack.pdf"' not in result.index_path.read_text(encoding="utf-8")


def test_a_page_that_could_not_show_something_is_not_called_ok(tmp_path, fake_pipeline, monkeypatch) -> None:
    from hwb_kpis.report.display import GAP_MIME
    from tests.report.fakes import fake_run

    def run_with_gap(page, output, cwd, timeout):
        fake_run(page, output, cwd, timeout)
        nb = nbformat.read(output, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
            "display_data", data={GAP_MIME: {"what": "the comparison with DfE", "why": "no table in /srv/dfe"}})]))
        nbformat.write(nb, output)

    monkeypatch.setattr(run, "run_notebook", run_with_gap)
    lines: list[str] = []
    result = build_report(MONTH, **workspace(tmp_path), notebooks_dir=NOTEBOOKS, only=["01_ok"], echo=lines.append)
    progress = next(line for line in lines if line.startswith("[1/1] 01_ok"))
    assert "INCOMPLETE — could not show the comparison with DfE (no table in /srv/dfe)" in progress
    assert ": ok" not in progress and "0 page(s) ok, 1 INCOMPLETE: 01_ok" in lines[-1]
    assert "/srv/dfe" not in (result.index_path.parent / "01_ok.html").read_text(encoding="utf-8")


def test_report_runs_from_any_folder(tmp_path, fake_pipeline, monkeypatch) -> None:
    """From a folder that is not the project (no notebooks/ there): the checkout's notebooks by
    default, or the folder given with --notebooks."""
    from typer.testing import CliRunner

    from hwb_kpis.cli import app
    from hwb_kpis.config import default_notebooks_dir

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("HWB_KPIS_HOME", raising=False)
    assert default_notebooks_dir() == Path(__file__).resolve().parents[2] / "notebooks"
    without_kernels(monkeypatch)
    dirs = workspace(tmp_path / "w")
    args = ["report", "--raw", str(dirs["raw_dir"]), "--processed", str(dirs["processed_dir"]),
            "--out", str(dirs["out_dir"]), "--notebooks", str(NOTEBOOKS), "--only", "01_ok"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"in {NOTEBOOKS}" in result.output and (dirs["out_dir"] / MONTH / "01_ok.html").is_file()
    missing = CliRunner().invoke(app, [*args[:-4], "--notebooks", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "give the folder with --notebooks DIR" in missing.output


def test_a_plan_with_unresolved_counts_is_reported_without_naming_them(tmp_path: Path, fake_pipeline,
                                                                       monkeypatch) -> None:
    """The build says how many withheld counts the plan could not widen to the band, never which
    or their values; a plan with none says nothing."""
    from hwb_kpis.privacy.disclosure import Decisions
    from hwb_kpis.report import build as build_mod

    import hwb_kpis.kpis

    reads: list[Path] = []
    monkeypatch.setattr(hwb_kpis.kpis, "load_processed",  # the fake folder holds no tables
                        lambda folder: reads.append(folder) or {})
    secret = ("contacts", "police", "2015-11")
    for unresolved, expected in (([secret, ("contacts", "schools", "2015-11")], 1), ([], 0)):
        monkeypatch.setattr(build_mod, "pack_plan", lambda options, tables=None, u=unresolved: Decisions(
            {}, {}, unresolved=u))
        dirs = workspace(tmp_path / str(len(unresolved)))
        without_kernels(monkeypatch)
        lines: list[str] = []
        build_report(MONTH, **dirs, notebooks_dir=NOTEBOOKS, only=["01_ok"], echo=lines.append)
        warned = [line for line in lines if "could still be narrowed" in line]
        assert len(warned) == expected
        assert len(reads) == 1  # the build reads the tables once: for its plan and for the KPI files
        reads.clear()
        if warned:
            assert warned[0].startswith("warning: 2 withheld counts") and "police" not in warned[0]
