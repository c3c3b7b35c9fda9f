"""Benchmark: cleaning a national-size Children in Need census XML against a bare ``iterparse``.

    .venv/bin/python benchmarks/cin_census.py                    # about 700,000 referrals
    .venv/bin/python benchmarks/cin_census.py --referrals 50000  # a quick look

It

1. writes (once, cached in ``--workdir``) a census return of about N referrals: one ``<Child>``
   per child with its identifiers, characteristics and one to three ``<CINdetails>`` (each with
   assessments and a plan, as real returns carry), about 1.5 referrals per child;
2. measures the **floor** in a fresh process: a bare lxml ``iterparse`` pass over the same file
   that frees each ``<Child>`` once parsed (the least any streaming reader must do);
3. measures the **clean** in a fresh process: ``pipeline.run_clean`` on a raw folder holding only
   that file (exactly what ``hwb-kpis clean`` runs).

It prints both times (wall clock, and CPU seconds), the ratio and each process's peak memory
against the issue's targets: clean <= 3 x floor (wall clock), peak memory < 2 GB. It is not a test: run it by hand on an otherwise idle
machine and record the figures in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TIME_TARGET = 3.0
MEMORY_TARGET_MB = 2048


def write_census(path: Path, referrals: int, seed: int = 1) -> int:
    """A CIN census return of about ``referrals`` referrals (fake children); returns the count."""
    rng = np.random.default_rng(seed)
    sources = ["1A", "1B", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6", "7", "8",
               "9", "10"]
    written, child = 0, 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2025</Year>"
                 "<ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel>"
                 "<LEA>999</LEA></Source></Header><Children>\n")
        while written < referrals:
            child += 1
            n = int(rng.choice([1, 1, 1, 1, 2, 3]))
            born = np.datetime64("2008-01-01") + int(rng.integers(0, 6000))
            parts = [f"<Child><ChildIdentifiers><LAchildID>LA{child:09d}</LAchildID><UPN>A{child:012d}</UPN>"
                     f"<PersonBirthDate>{born}</PersonBirthDate><GenderCurrent>{int(rng.integers(1, 3))}"
                     "</GenderCurrent></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
                     "</ChildCharacteristics>"]
            for _ in range(n):
                day = np.datetime64("2020-04-01") + int(rng.integers(0, 1800))
                parts.append(
                    f"<CINdetails><CINreferralDate>{day}</CINreferralDate><ReferralSource>{rng.choice(sources)}"
                    f"</ReferralSource><PrimaryNeedCode>N{int(rng.integers(1, 9))}</PrimaryNeedCode>"
                    f"<ReferralNFA>{'true' if rng.random() < 0.1 else 'false'}</ReferralNFA>"
                    f"<Assessments><AssessmentActualStartDate>{day + 2}</AssessmentActualStartDate>"
                    f"<AssessmentAuthorisationDate>{day + 30}</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment>"
                    "<AssessmentFactors>21</AssessmentFactors><AssessmentFactors>3B</AssessmentFactors>"
                    "</FactorsIdentifiedAtAssessment></Assessments><CINPlanDates><CINPlanStartDate>"
                    f"{day + 31}</CINPlanStartDate></CINPlanDates></CINdetails>")
                written += 1
            parts.append("</Child>\n")
            fh.write("".join(parts))
        fh.write("</Children></Message>\n")
    return written


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process, its threads and its finished child processes
    (the pseudonyms are hashed in two processes on large inputs): on a shared machine this moves
    far less with the other jobs' load than the wall clock does."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_floor(path: Path) -> dict:
    """A bare iterparse pass: every ``<Child>`` parsed and freed, nothing read from it."""
    from lxml import etree

    start, cpu = time.perf_counter(), _cpu_seconds()
    children = 0
    for _, element in etree.iterparse(str(path), events=("end",), tag="Child"):
        children += 1
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return {"seconds": time.perf_counter() - start, "cpu": _cpu_seconds() - cpu, "peak_mb": _peak_mb(),
            "children": children}


def run_clean(path: Path) -> dict:
    """``pipeline.run_clean`` on a raw folder holding only the census."""
    from hwb_kpis import pipeline

    # the modules run_clean imports lazily, imported first (the floor's process imports lxml first too)
    from hwb_kpis.coding import code_contacts  # noqa: F401
    from hwb_kpis.coding.referrals import code_referrals  # noqa: F401
    from hwb_kpis.contract import schemas  # noqa: F401
    from hwb_kpis.kpis.capabilities import assess  # noqa: F401

    os.environ.setdefault("HWB_KPIS_PSEUDONYM_KEY", "benchmark-key-not-for-real-data-0123")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        (raw / path.name).symlink_to(path)
        start, cpu = time.perf_counter(), _cpu_seconds()
        result = pipeline.run_clean(raw, Path(tmp) / "out", echo=lambda _: None)
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    table = result.summary["tables"]["referrals"]
    return {"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb(), "referrals": table["raw_rows"],
            "clean": table["clean_rows"]}


def _in_process(kind: str, path: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, "--file", str(path)], capture_output=True,
                          text=True, check=False)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--referrals", type=int, default=700_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "hwb-kpis-bench")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternating; the fastest is shown")
    parser.add_argument("--child", choices=("floor", "clean"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_floor(args.file) if args.child == "floor" else run_clean(args.file)))
        return
    path = args.workdir / f"cin_census_{args.referrals}.xml"
    if not path.is_file():
        print(f"writing {path} ...", flush=True)
        write_census(path, args.referrals)
    print(f"{path.name}: {path.stat().st_size / 1e6:,.0f} MB")
    floors, cleans = [], []
    for run in range(1, args.repeat + 1):
        floors.append(_in_process("floor", path))
        cleans.append(_in_process("clean", path))
        print(f"run {run}: floor {floors[-1]['seconds']:.1f} s (CPU {floors[-1]['cpu']:.1f} s), "
              f"clean {cleans[-1]['seconds']:.1f} s (CPU {cleans[-1]['cpu']:.1f} s), "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
    floor = min(floors, key=lambda r: r["seconds"])
    clean = min(cleans, key=lambda r: r["seconds"])
    ratio = clean["seconds"] / floor["seconds"]
    print(f"floor (bare iterparse)  {floor['seconds']:8.1f} s   CPU {floor['cpu']:6.1f} s   "
          f"peak {floor['peak_mb']:7.0f} MB   {floor['children']:,} children")
    print(f"clean (hwb-kpis clean)  {clean['seconds']:8.1f} s   CPU {clean['cpu']:6.1f} s   "
          f"peak {clean['peak_mb']:7.0f} MB   {clean['referrals']:,} referrals")
    print(f"clean / floor = {ratio:.2f} (target <= {TIME_TARGET:g}): {'met' if ratio <= TIME_TARGET else 'NOT met'}; "
          f"peak memory {clean['peak_mb']:,.0f} MB (target < {MEMORY_TARGET_MB:,} MB): "
          f"{'met' if clean['peak_mb'] < MEMORY_TARGET_MB else 'NOT met'}; "
          f"CPU seconds clean / floor = {clean['cpu'] / floor['cpu']:.2f}")


if __name__ == "__main__":
    main()
