"""Benchmark: the monthly board pack (``hwb-kpis report``) against a floor.

    .venv/bin/python benchmarks/report.py                   # 2015-11, 2 jobs, one run of each
    .venv/bin/python benchmarks/report.py --repeat 3        # best of 3 for each side

* **Pack**: the whole build of ``hwb-kpis report --month M --force`` in its own process, through
  the public API (``hwb_kpis.report.build.build`` on a ``ReportOptions``), on processed data that
  is already current (the raw files are unchanged, so nothing is re-cleaned: the script checks the
  build's ``ReportResult.refresh``), written to a temporary ``--out`` folder. The seconds of each
  notebook and of each stage are read from the ``ReportResult`` (``Page.seconds``, ``timings``),
  never from log text.
* **Floor**: the same number of notebooks, each holding only its parameters cell and the import
  statements of the real notebook it stands for (pandas, numpy, matplotlib, seaborn, statsmodels
  and hwb_kpis, as that notebook imports them), run by plain ``papermill.execute_notebook`` (one
  fresh kernel each, as papermill does by default), rendered to HTML by the pack's renderer
  (``hwb_kpis.report.render.render_page``: nbconvert without code), ``--jobs`` notebooks at a time, in its
  own process, and printed to one A4 PDF by the pack's printer as the pack prints
  (``hwb_kpis.report.pdf.PrintJob``: its own process loads WeasyPrint while the notebooks run and
  prints each page once it is rendered; the PDF is put together at the end). That is the least
  any pack of these notebooks can cost: start the interpreter, start a kernel per notebook, import
  the libraries, render, print. (Skipped on both sides where WeasyPrint cannot load.)

Both sides are timed wall-clock from process start to exit. The table shows both totals, the
ratio (target: pack <= 1.5 x floor) and the seconds each notebook took on each side (pack: running
it, ``Page.seconds``; floor: from its start to its HTML page being written), then the pack's
stages. It is not a test: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5


def _imports_of(notebook: Path) -> list[str]:
    """The import statements (top level of every code cell) of a notebook, in order, once each."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    found: dict[str, None] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "level", 0) == 0:
                found[ast.unparse(node)] = None
    return list(found)


def write_floor_notebooks(notebooks: list[Path], out: Path) -> list[Path]:
    """One floor notebook per real notebook: a title, the same parameters cell, its imports."""
    import nbformat

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for src in notebooks:
        real = nbformat.read(src, as_version=4)
        params = [c for c in real.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        nb = nbformat.v4.new_notebook(metadata=real.metadata)
        nb.cells = [
            nbformat.v4.new_markdown_cell(f"# Floor for {src.stem}\n\nOnly the imports of {src.name}."),
            nbformat.v4.new_code_cell(params[0].source, metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("\n".join(_imports_of(src))),
        ]
        path = out / src.name
        nbformat.write(nb, path)
        written.append(path)
    return written


def run_floor(nb_dir: Path, out: Path, month: str, processed: Path, raw: Path, jobs: int) -> dict[str, float]:
    """(In the floor's own process.) papermill + render, ``jobs`` at a time, each page printed as
    the pack prints it, then the PDF put together; seconds per notebook (and ``pdf``: seconds from
    the last page rendered to the PDF written)."""
    import nbformat
    import papermill

    from hwb_kpis.report import pdf
    from hwb_kpis.report.notebooks import Page
    from hwb_kpis.report.render import render_page

    out.mkdir(parents=True, exist_ok=True)
    params = {"month": month, "processed_dir": str(processed), "raw_dir": str(raw)}
    notebooks = sorted(nb_dir.glob("*.ipynb"))
    printed = [pdf.PrintPage(f"{src.stem}.html", src.stem, i) for i, src in enumerate(notebooks, start=1)]
    printer = pdf.PrintJob(out)

    def one(args: tuple[Path, pdf.PrintPage]) -> tuple[str, float]:
        src, page_to_print = args
        started = time.monotonic()
        declared = papermill.inspect_notebook(str(src))
        executed = out / src.name
        papermill.execute_notebook(
            str(src), str(executed), parameters={k: v for k, v in params.items() if k in declared},
            kernel_name="python3", progress_bar=False,
        )
        page = Page(src.stem, src.stem, "", src)
        html = render_page(nbformat.read(executed, as_version=4), page, month=month, banners=[], internal=False)
        (out / f"{src.stem}.html").write_text(html, encoding="utf-8")
        if page_to_print is not printed[0]:  # the first page stands for the contents, printed at the end
            printer.add(page_to_print)
        return src.stem, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(notebooks)))) as pool:
        seconds = dict(pool.map(one, zip(notebooks, printed, strict=True)))
    started = time.monotonic()
    with printer:
        if printer.problem() is None:
            printer.finish(printed[0], printed[1:], pdf.Document.of(month, "Floor", "Floor"))
    seconds["pdf"] = time.monotonic() - started
    return seconds


def run_pack(month: str, raw: Path, processed: Path, out: Path, jobs: int) -> dict:
    """(In the pack's own process.) The build ``hwb-kpis report --force`` runs; what it reports."""
    from hwb_kpis.report.build import ReportOptions, build

    options = ReportOptions(month, raw_dir=raw, processed_dir=processed, out_dir=out, jobs=jobs, force=True)
    result = build(options, echo=lambda line: None)
    return {"refresh": result.refresh, "failed": result.failed, "timings": result.timings,
            "pages": {p.name: p.seconds for p in result.pages}}


def time_pack(month: str, raw: Path, processed: Path, out: Path, jobs: int) -> tuple[float, dict[str, float], dict]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--pack-run", "--out", str(out), "--month", month,
           "--processed", str(processed), "--raw", str(raw), "--jobs", str(jobs)]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"the pack failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    if report["failed"]:
        sys.exit(f"the pack built with failed notebooks: {', '.join(report['failed'])}")
    if report["refresh"] == "cleaned":
        sys.exit("the pack re-cleaned the data: the benchmark needs current processed data")
    return seconds, report["pages"], report["timings"]


def time_floor(nb_dir: Path, out: Path, month: str, processed: Path, raw: Path, jobs: int) -> tuple[float, dict[str, float]]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--floor-run", str(nb_dir), "--out", str(out),
           "--month", month, "--processed", str(processed), "--raw", str(raw), "--jobs", str(jobs)]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"the floor failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return seconds, json.loads(proc.stdout.strip().splitlines()[-1])


def measure(month: str, raw: Path, processed: Path, jobs: int, repeat: int) -> tuple[list[Path], list, list]:
    """The notebooks, and ``repeat`` alternating runs of the floor and the pack (each in its own
    process, on processed data made current first, not timed)."""
    from hwb_kpis.report.data import ensure_processed
    from hwb_kpis.report.notebooks import discover_notebooks

    print(f"making sure {processed} is current for {raw} (not timed) …", flush=True)
    ensure_processed(processed, raw, echo=lambda m: None)
    notebooks = discover_notebooks(ROOT / "notebooks")
    with tempfile.TemporaryDirectory(prefix="hwb-bench-report-") as tmp:
        work = Path(tmp)
        floor_nbs = write_floor_notebooks(notebooks, work / "floor_notebooks")
        assert len(floor_nbs) == len(notebooks)
        # warm the file cache (the first import of these libraries after boot reads them from disk)
        subprocess.run([sys.executable, "-c", "\n".join(_imports_of(notebooks[0]) + ["import papermill, nbconvert"])],
                       cwd=ROOT, check=True)
        floors, packs = [], []
        for i in range(repeat):
            print(f"run {i + 1}/{repeat}: floor …", flush=True)
            floors.append(time_floor(work / "floor_notebooks", work / f"floor{i}", month, processed, raw, jobs))
            print(f"run {i + 1}/{repeat}: pack …", flush=True)
            packs.append(time_pack(month, raw, processed, work / f"pack{i}", jobs))
    return notebooks, floors, packs


def print_results(notebooks: list[Path], floors: list, packs: list, month: str, jobs: int) -> None:
    """Every run's totals, the best run of each side per notebook, the ratio and the pack's stages."""
    floor_s, floor_per = min(floors, key=lambda r: r[0])
    pack_s, pack_per, pack_stages = min(packs, key=lambda r: r[0])
    ratio = pack_s / floor_s
    if len(floors) > 1:  # every run, so that the noise is plain
        print("\nall runs: floor " + ", ".join(f"{r[0]:.1f}" for r in floors) + " s; pack "
              + ", ".join(f"{r[0]:.1f}" for r in packs) + " s")
    print()
    print(f"board pack {month}: {len(notebooks)} notebooks, --jobs {jobs}, {os.cpu_count()} CPU(s), "
          f"best of {len(floors)}")
    print()
    print(f"| {'notebook':<28} | {'pack (s)':>9} | {'floor (s)':>9} |")
    print(f"|{'-' * 30}|{'-' * 10}:|{'-' * 10}:|")
    for nb in notebooks:
        print(f"| {nb.stem:<28} | {pack_per.get(nb.stem, float('nan')):>9.1f} | {floor_per.get(nb.stem, float('nan')):>9.1f} |")
    floor_pdf = floor_per.pop("pdf", float("nan"))
    print(f"| {'sum of notebooks':<28} | {sum(pack_per.values()):>9.1f} | {sum(floor_per.values()):>9.1f} |")
    print(f"| {'PDF (pack: after the tables)':<28} | {pack_stages.get('pdf', float('nan')):>9.1f} | {floor_pdf:>9.1f} |")
    print(f"| {'**wall clock, whole command**':<28} | {pack_s:>9.1f} | {floor_s:>9.1f} |")
    print()
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"pack / floor = {ratio:.2f} (target <= {TARGET}: {verdict})")
    slowest = sorted(notebooks, key=lambda p: pack_per.get(p.stem, 0) - floor_per.get(p.stem, 0), reverse=True)[:2]
    print("most time above the floor: " + ", ".join(
        f"{p.stem} (+{pack_per.get(p.stem, 0) - floor_per.get(p.stem, 0):.1f} s)" for p in slowest))
    print("pack stages (s): " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in pack_stages.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--month", default="2015-11")
    parser.add_argument("--raw", type=Path, default=ROOT / "data" / "raw")
    parser.add_argument("--processed", type=Path, default=ROOT / "data" / "processed")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; the best is shown")
    parser.add_argument("--floor-run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pack-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    raw, processed = args.raw.resolve(), args.processed.resolve()

    if args.floor_run:  # the floor's own process
        print(json.dumps(run_floor(args.floor_run, args.out, args.month, processed, raw, args.jobs)))
    elif args.pack_run:  # the pack's own process
        print(json.dumps(run_pack(args.month, raw, processed, args.out, args.jobs)))
    else:
        notebooks, floors, packs = measure(args.month, raw, processed, args.jobs, max(1, args.repeat))
        print_results(notebooks, floors, packs, args.month, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
