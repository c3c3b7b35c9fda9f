"""Benchmark: clean + code + all KPIs against a floor, on a synthetic extract of N contacts.

    .venv/bin/python benchmarks/pipeline.py                       # 1 million contacts
    .venv/bin/python benchmarks/pipeline.py --rows 10000000       # England-sized (about 1.5 GB CSV)
    .venv/bin/python benchmarks/pipeline.py --rows 1000000 --rows 10000000   # both + scaling ratio
    .venv/bin/python benchmarks/pipeline.py --scaling --repeat 3  # the same, best of 3 runs each

For each size it

1. writes (once, cached in ``--workdir``) a raw ``contacts.csv`` + ``looked_after.csv`` of about N
   contacts: ``hwb-kpis synth --scale`` (``hwb_kpis.demo``) when available, else the simple
   vectorised generator below (``--generator simple`` forces it);
2. measures the **floor** in a fresh process: the least data movement any cleaning pipeline must
   do -- read the CSV with pyarrow, sort by child and date, write Parquet;
3. measures the **pipeline** in a fresh process, wall clock: ``pipeline.run_clean`` (exactly
   what ``hwb-kpis clean`` runs) then ``kpis.kpi_table`` (every KPI, every month) on its result.
   ``run_clean``'s public ``timings`` hook (``timings(stage, seconds)``) times each stage: read,
   parse/validate, pseudonymise, code, contract check (pandera), write; the rest of ``run_clean``
   (summary and checks) is what remains of its wall clock; then the KPIs. The raw fingerprint
   runs on a background thread and is shown apart.

It prints one table per size (seconds per stage, peak memory of each process) and the ratios the
issue sets: pipeline / floor <= 2, peak memory < 8 GB, time(10M) / time(1M) <= 12. It is not a
test: run it by hand on an otherwise idle machine and record the figures in
``benchmarks/README.md``.
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

#: contacts written by ``hwb-kpis synth`` at scale 1 with the default months (2013-04 to 2015-11)
SYNTH_ROWS_AT_SCALE_1 = 44_900


# ------------------------------------------------------------------------------------------------
# Data


def simple_extract(out: Path, rows: int, seed: int = 1) -> None:
    """A raw-format extract of ``rows`` contacts (vectorised; a few seconds per million rows).

    About 3 contacts per child over 2013-04 .. 2016-03, codes in the Annex A/CIN mix, UK and ISO
    dates mixed, free text from a short list -- enough mess to exercise the cleaning stages.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    n_children = max(1, rows // 3)
    child = rng.integers(0, n_children, rows)
    start = np.datetime64("2013-04-01")
    day = start + rng.integers(0, 1096, rows).astype("timedelta64[D]")
    decision = day + rng.integers(0, 5, rows).astype("timedelta64[D]")
    dob = day - rng.integers(0, 17 * 365, rows).astype("timedelta64[D]")
    codes = np.array(["3E", "3D", "3A", "3B", "3C", "3F", "2A", "6", "1A", "5A", "8", "", "e) 2A: Schools", " 3e "])
    code_p = np.array([6, 5, 3, 3, 1, 2, 20, 25, 12, 8, 5, 4, 3, 3], dtype=float)
    detail = np.array(["A&E", "NHS 111", "GP", "School Nurse", "SCAS", "DSL", "Police", "", "Neighbour"])
    role = np.array(["Designated Safeguarding Lead", "School Nurse", "Health Visitor", "PC", "", "Parent"])
    org = np.array(["Oak Primary School", "Bucks Healthcare NHS Trust", "Thames Valley Police", "", "SCAS"])
    outcomes = np.array(["Referral", "NFA", "No Further Action", "Advice", "Early Help", "Pending", "referral"])
    out_p = np.array([40, 25, 5, 12, 10, 3, 5], dtype=float)
    marf = np.array(["Y", "N", "Yes", "No", "", "1", "0"])

    def pick(values, p=None):
        return values[rng.choice(len(values), rows, p=None if p is None else p / p.sum())]

    def dates(values, uk_share=0.5):
        stamps = pa.array(values.astype("datetime64[s]"))
        iso, uk = pc.strftime(stamps, "%Y-%m-%d"), pc.strftime(stamps, "%d/%m/%Y")
        return pc.if_else(pa.array(rng.random(len(values)) < uk_share), uk, iso)

    table = pa.table({
        "contact_id": pa.array(np.char.add("CT", np.arange(10_000_000, 10_000_000 + rows).astype("U9"))),
        "child_id": pa.array(np.char.add("P", (child + 1_000_000).astype("U8"))),
        "contact_date": dates(day),
        "source_code": pa.array(pick(codes, code_p)),
        "source_detail": pa.array(pick(detail)),
        "referrer_role": pa.array(pick(role)),
        "referrer_org": pa.array(pick(org)),
        "marf": pa.array(pick(marf)),
        "outcome": pa.array(pick(outcomes, out_p)),
        "decision_date": dates(decision),
        "child_dob": dates(dob),
        "gender": pa.array(pick(np.array(["M", "F", "Female", "Male", ""]))),
    })
    pacsv.write_csv(table, out / "contacts.csv")
    n_la = max(1, rows // 200)
    ps = start + rng.integers(0, 1096, n_la).astype("timedelta64[D]")
    iha = ps + rng.integers(5, 60, n_la).astype("timedelta64[D]")
    la = pa.table({
        "child_id": pa.array(np.char.add("P", (rng.integers(0, n_children, n_la) + 1_000_000).astype("U8"))),
        "period_start": dates(ps),
        "consent_date": dates(ps + 3),
        "health_notified_date": dates(ps + 6),
        "iha_date": pc.if_else(pa.array(rng.random(n_la) < 0.9), dates(iha), ""),
    })
    pacsv.write_csv(la, out / "looked_after.csv")
    from hwb_kpis.synthetic import write_marker

    write_marker(out, note="benchmark extract (benchmarks/pipeline.py)")


def _mark_synthetic(raw: Path) -> None:
    """A cached extract written before the marker listed its files' SHA-256 would need a key:
    mark it as the synthetic extract it is (the benchmark's own cache, never real data)."""
    from hwb_kpis.synthetic import is_synthetic, write_marker

    if not is_synthetic(raw):
        write_marker(raw, note="benchmark extract (benchmarks/pipeline.py)")


def ensure_extract(workdir: Path, rows: int, generator: str) -> tuple[Path, str, float]:
    """The raw folder for ``rows`` contacts (generated once, reused), the generator used and the
    generation time (0 when reused)."""
    if generator == "auto":
        try:
            from hwb_kpis.demo import write_extract  # noqa: F401

            generator = "synth"
        except ImportError:
            generator = "simple"
    raw = workdir / f"raw-{generator}-{rows}"
    done = raw / ".complete"
    if done.is_file():
        _mark_synthetic(raw)
        return raw, generator, 0.0
    t0 = time.perf_counter()
    if generator == "synth":
        from hwb_kpis.demo import write_extract

        write_extract(raw, scale=rows / SYNTH_ROWS_AT_SCALE_1, echo=lambda *_: None)
    else:
        simple_extract(raw, rows)
    done.write_text("ok\n", encoding="utf-8")
    return raw, generator, time.perf_counter() - t0


# ------------------------------------------------------------------------------------------------
# Phases (each run in its own process so that peak memory is its own)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_floor(raw: Path, out: Path) -> dict:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    stages = {}
    t0 = time.perf_counter()
    table = pacsv.read_csv(raw / "contacts.csv", convert_options=pacsv.ConvertOptions(
        column_types={"contact_id": "string", "child_id": "string"}))
    t1 = time.perf_counter()
    table = table.sort_by([("child_id", "ascending"), ("contact_date", "ascending")])
    t2 = time.perf_counter()
    pq.write_table(table, out / "floor.parquet")
    t3 = time.perf_counter()
    stages["read CSV (pyarrow)"] = t1 - t0
    stages["sort by child, date"] = t2 - t1
    stages["write Parquet"] = t3 - t2
    return {"rows": table.num_rows, "stages": stages, "peak_mb": peak_rss_mb()}


#: display names of the stages ``pipeline.run_clean`` reports to its ``timings`` hook
STAGE_LABELS = {"contract": "contract check (pandera)", "fingerprint": "raw fingerprint (background)"}
#: stages that run on a background thread: shown apart, not added to the total
BACKGROUND_STAGES = ("fingerprint",)


def phase_pipeline(raw: Path, out: Path) -> dict:
    """``pipeline.run_clean`` (what ``hwb-kpis clean`` runs) then ``kpis.kpi_table`` on its result,
    timed wall clock; ``run_clean``'s public ``timings`` hook times each stage."""
    from hwb_kpis import kpis, pipeline

    stages: dict[str, float] = {}
    peaks: dict[str, float] = {}  # peak memory of the process when the stage ended
    background: dict[str, float] = {}

    def timings(stage: str, seconds: float) -> None:
        name = STAGE_LABELS.get(stage, stage)
        target = background if stage in BACKGROUND_STAGES else stages
        target[name] = target.get(name, 0.0) + seconds
        peaks[name] = peak_rss_mb()

    def timed(name, func, *args, **kwargs):
        t0 = time.perf_counter()
        value = func(*args, **kwargs)
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - t0
        peaks[name] = peak_rss_mb()
        return value

    t0 = time.perf_counter()
    result = pipeline.run_clean(raw, out / "processed", echo=lambda _: None, timings=timings)
    clean_seconds = time.perf_counter() - t0
    stages["summary, checks, other"] = clean_seconds - sum(stages.values())
    table = timed("KPIs (kpi_table, all months)", kpis.kpi_table,
                  {"contacts": result.contacts, "looked_after": result.looked_after})
    total = time.perf_counter() - t0
    order = ["read", "parse/validate", "pseudonymise", "code", "contract check (pandera)", "write",
             "summary, checks, other", "KPIs (kpi_table, all months)"]
    return {"rows": len(result.contacts), "stages": {k: stages[k] for k in order if k in stages},
            "background": background, "total": total,
            "peaks": {k: peaks[k] for k in order if k in peaks}, "peak_mb": peak_rss_mb(), "kpi_rows": len(table)}


def phase_kpis(rows: int) -> dict:
    """The KPI stage alone on a processed-format frame built directly (no CSV needed)."""
    from hwb_kpis import kpis

    contacts = processed_frame(rows)
    stages = {}
    t0 = time.perf_counter()
    table = kpis.kpi_table({"contacts": contacts})
    stages["KPIs (kpi_table, all months)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kpis.flag_repeats(contacts)
    stages["flag_repeats"] = time.perf_counter() - t0
    return {"rows": rows, "stages": stages, "peak_mb": peak_rss_mb(), "kpi_rows": len(table)}


def processed_frame(rows: int, seed: int = 2):
    """A processed-format contacts frame (as ``contacts.parquet``) of ``rows`` contacts."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    n_children = max(1, rows // 3)
    child = rng.integers(0, n_children, rows)
    # pseudonyms as the pipeline writes them: 16 random hex digits per child
    nibbles = (rng.integers(0, 2**63, n_children, dtype=np.uint64)[:, None]
               >> np.arange(60, -4, -4, dtype=np.uint64)) & np.uint64(15)
    hexed = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[nibbles.astype(np.intp)]
    pseudonyms = pa.array(np.ascontiguousarray(hexed).view("S16").ravel()).cast(pa.string())
    ids = pd.array(pc.take(pseudonyms, pa.array(child)), dtype="str")
    day = np.datetime64("2013-04-01") + rng.integers(0, 1096, rows).astype("timedelta64[D]")
    codes = np.array(["3E", "3D", "3A", "3B", "3C", "3F", "2A", "6", "1A", "5A", "8", "10"])
    groups = np.array(["health"] * 6 + ["schools", "police", "individual", "la_services", "other", "unknown"])
    ci = rng.integers(0, len(codes), rows)
    outcomes = np.array(["referral", "nfa", "advice", "early_help", "pending"])
    date = pd.Series(day.astype("datetime64[ns]"))
    return pd.DataFrame({
        "contact_id": pd.array(np.char.add("c", np.arange(rows).astype("U16")), dtype="str"),
        "child_id": ids,
        "contact_date": date,
        "month": date.dt.strftime("%Y-%m").astype("str"),
        "source_code_recorded": pd.array(codes[ci], dtype="str"),
        "source_group_recorded": pd.array(groups[ci], dtype="str"),
        "source_code": pd.array(codes[ci], dtype="str"),
        "source_group": pd.array(groups[ci], dtype="str"),
        "marf": pd.array(rng.random(rows) < 0.35, dtype="boolean"),
        "outcome": pd.array(outcomes[rng.choice(5, rows, p=[0.45, 0.3, 0.1, 0.1, 0.05])], dtype="str"),
        "authority": pd.array(np.full(rows, ""), dtype="str"),
        "source_row": np.arange(2, rows + 2),
    })


# ------------------------------------------------------------------------------------------------
# Driver


def run_phase(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"phase {args[1]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _total(run: dict) -> float:
    """Seconds of a phase: its wall clock when measured, else the sum of its stages."""
    return run.get("total", sum(run["stages"].values()))


def report(rows_wanted: int, generator: str, gen_seconds: float, floor: dict, pipe: dict) -> float:
    total_floor = sum(floor["stages"].values())
    total_pipe = pipe.get("total", sum(pipe["stages"].values()))
    print(f"\n== {pipe['rows']:,} contacts (asked {rows_wanted:,}; generator {generator}"
          + (f", generated in {gen_seconds:.1f} s" if gen_seconds else ", reused") + ") ==")
    width = max(len(s) for s in list(floor["stages"]) + list(pipe["stages"])) + 2
    print(f"{'stage':<{width}}{'seconds':>10}{'share':>8}")
    print(f"{'floor':<{width}}")
    for name, sec in floor["stages"].items():
        print(f"  {name:<{width - 2}}{sec:>10.2f}{sec / total_floor:>8.0%}")
    print(f"  {'total':<{width - 2}}{total_floor:>10.2f}   peak memory {floor['peak_mb']:,.0f} MB")
    print(f"{'pipeline':<{width}}" + (f"  ({pipe['note']})" if pipe.get("note") else "")
          + ("        peak MB so far" if pipe.get("peaks") else ""))
    for name, sec in pipe["stages"].items():
        peak = pipe.get("peaks", {}).get(name)
        print(f"  {name:<{width - 2}}{sec:>10.2f}{sec / total_pipe:>8.0%}" + (f"{peak:>16,.0f}" if peak else ""))
    print(f"  {'total (wall clock)':<{width - 2}}{total_pipe:>10.2f}   peak memory {pipe['peak_mb']:,.0f} MB")
    for name, sec in pipe.get("background", {}).items():
        print(f"  {name:<{width - 2}}{sec:>10.2f}   (overlaps the stages above; not added to the total)")
    ratio = total_pipe / total_floor
    print(f"pipeline / floor = {ratio:.2f} (target <= 2.0: {'met' if ratio <= 2 else 'NOT met'}); "
          f"peak memory {'under' if pipe['peak_mb'] < 8192 else 'OVER'} 8 GB")
    return total_pipe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, action="append", help="contacts (repeatable; default 1,000,000)")
    parser.add_argument("--scaling", action="store_true",
                        help="1,000,000 and 10,000,000 contacts in one go, with the scaling ratio")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run floor and pipeline this many times each (alternating) and keep the "
                             "fastest of each: the machine is shared, so single runs are noisy")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "hwb-kpis-bench",
                        help="where the generated extracts are cached")
    parser.add_argument("--generator", choices=["auto", "synth", "simple"], default="auto")
    parser.add_argument("--kpis-only", action="store_true",
                        help="time only the KPI stage on a processed-format frame built in memory")
    parser.add_argument("--phase", choices=["floor", "pipeline", "kpis"], help=argparse.SUPPRESS)
    parser.add_argument("--raw", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        if args.phase == "kpis":
            result = phase_kpis(args.rows[0])
        else:
            with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
                result = (phase_floor if args.phase == "floor" else phase_pipeline)(args.raw, Path(tmp))
        print(json.dumps(result))
        return 0

    sizes = args.rows or ([1_000_000, 10_000_000] if args.scaling else [1_000_000])
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"hwb-kpis benchmark: {os.cpu_count()} CPUs, workdir {args.workdir}")
    totals = {}
    for rows in sizes:
        if args.kpis_only:
            res = run_phase(["--phase", "kpis", "--rows", str(rows)])
            print(f"\n== KPI stage only, {rows:,} contacts (processed frame built in memory) ==")
            for name, sec in res["stages"].items():
                print(f"  {name:<32}{sec:>8.2f} s")
            print(f"  peak memory {res['peak_mb']:,.0f} MB (includes building the frame)")
            totals[rows] = res["stages"]["KPIs (kpi_table, all months)"]
            continue
        raw, generator, gen_seconds = ensure_extract(args.workdir, rows, args.generator)
        floors, pipes = [], []
        for _ in range(args.repeat):  # alternate, so that a burst of load hits both alike
            floors.append(run_phase(["--phase", "floor", "--raw", str(raw), "--workdir", str(args.workdir)]))
            pipes.append(run_phase(["--phase", "pipeline", "--raw", str(raw), "--workdir", str(args.workdir)]))
        floor, pipe = (min(runs, key=_total) for runs in (floors, pipes))
        if args.repeat > 1:
            print(f"\n{args.repeat} runs each; the fastest shown. Totals: floor "
                  + ", ".join(f"{_total(r):.2f}" for r in floors) + " s; pipeline "
                  + ", ".join(f"{_total(r):.2f}" for r in pipes) + " s")
        totals[pipe["rows"]] = report(rows, generator, gen_seconds, floor, pipe)
    if len(totals) > 1:
        (n1, t1), (n2, t2) = sorted(totals.items())[0], sorted(totals.items())[-1]
        print(f"\nscaling: {n2:,} / {n1:,} contacts = {n2 / n1:.1f}x rows, {t2 / t1:.1f}x time "
              f"(target <= 12x for 10x rows: {'met' if t2 / t1 <= 12 * (n2 / n1) / 10 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
