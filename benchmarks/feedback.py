"""Benchmark: the agency feedback pages (``hwb-kpis feedback``) against a floor.

    .venv/bin/python benchmarks/feedback.py                 # 2015-11, 2 jobs, one run of each
    .venv/bin/python benchmarks/feedback.py --repeat 3      # best of 3 for each side

* **Pages**: ``build_feedback`` for every agency of ``reference/feedback.yml`` in its own process,
  on processed data already current, into a temporary folder.
* **Floor**: the same notebook run the same number of times (one fresh kernel each, ``--jobs`` at a
  time) holding only its parameters cell and its imports, rendered by the pack's renderer — the
  board pack benchmark's floor (``benchmarks/report.py``), one copy per agency.

Target (issue 20): pages <= 1.5 x floor. Not a test: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5
_spec = importlib.util.spec_from_file_location("bench_report", Path(__file__).with_name("report.py"))
bench_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_report)


def run_pages(month: str, raw: Path, processed: Path, out: Path, jobs: int) -> dict:
    """(In its own process.) Every agency's page, as ``hwb-kpis feedback`` builds them."""
    from hwb_kpis.report.feedback_build import build_feedback
    from hwb_kpis.report.options import ReportOptions

    result = build_feedback(ReportOptions(month, raw_dir=raw, processed_dir=processed, out_dir=out, jobs=jobs),
                            echo=lambda line: None)
    return {"failed": result.failed, "pages": {p.name: p.seconds for p in result.pages}}


def floor_notebooks(out: Path) -> list[Path]:
    """One floor copy of the feedback notebook per agency."""
    from hwb_kpis.report.feedback_agencies import feedback_agencies
    from hwb_kpis.report.feedback_build import feedback_notebook

    made = bench_report.write_floor_notebooks([feedback_notebook()], out / "one")
    copies = []
    for a in feedback_agencies():
        path = out / f"{a.slug}.ipynb"
        path.write_bytes(made[0].read_bytes())
        copies.append(path)
    return copies


def timed(cmd: list[str]) -> tuple[float, dict]:
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return seconds, json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2015-11")
    parser.add_argument("--raw", type=Path, default=ROOT / "data" / "raw")
    parser.add_argument("--processed", type=Path, default=ROOT / "data" / "processed")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--pages-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pages_run:
        print(json.dumps(run_pages(args.month, args.raw, args.processed, args.out, args.jobs)))
        return 0
    from hwb_kpis.report.data import ensure_processed

    ensure_processed(args.processed, args.raw, echo=lambda m: None)
    floors, pages = [], []
    with tempfile.TemporaryDirectory(prefix="hwb-bench-feedback-") as tmp:
        work = Path(tmp)
        nb_dir = work / "floor_notebooks"
        nb_dir.mkdir()
        n = len(floor_notebooks(nb_dir))
        for i in range(args.repeat):
            floors.append(timed([sys.executable, str(Path(bench_report.__file__)), "--floor-run", str(nb_dir), "--out",
                                 str(work / f"floor{i}"), "--month", args.month, "--processed", str(args.processed),
                                 "--raw", str(args.raw), "--jobs", str(args.jobs)])[0])
            seconds, report = timed([sys.executable, str(Path(__file__).resolve()), "--pages-run", "--out",
                                     str(work / f"pages{i}"), "--month", args.month, "--processed", str(args.processed),
                                     "--raw", str(args.raw), "--jobs", str(args.jobs)])
            if report["failed"]:
                sys.exit(f"pages failed: {report['failed']}")
            pages.append(seconds)
    floor, built = min(floors), min(pages)
    print(f"feedback pages {args.month}: {n} agencies, --jobs {args.jobs}, {os.cpu_count()} CPU(s), best of {args.repeat}")
    print(f"all runs: floor {', '.join(f'{s:.1f}' for s in floors)} s; pages {', '.join(f'{s:.1f}' for s in pages)} s")
    ratio = built / floor
    print(f"floor {floor:.1f} s, pages {built:.1f} s: pages / floor = {ratio:.2f} "
          f"(target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
