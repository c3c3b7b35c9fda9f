"""The ``hwb-kpis`` command line. Each command is a thin wrapper over one module's function;
any ``HwbKpisError``, and any failure of the file system (a full disk, a read-only folder, a file
where a folder should be) or of decoding text, is printed as one line (``error: ...``) with exit
code 2, never a traceback."""

from __future__ import annotations

import functools
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hwb_kpis import demo
from hwb_kpis.config import (
    DEFAULT_IHA_LIMIT,
    DEFAULT_LINK_DAYS,
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_MATURING_SHARE,
    DEFAULT_MONTH,
    DEFAULT_SOURCE_FORMAT,
    DEFAULT_VIEW,
    IHA_LIMITS,
    SOURCE_FORMATS,
    VIEWS,
)
from hwb_kpis.errors import HwbKpisError, one_line_message
from hwb_kpis.report.parameters import HELP

app = typer.Typer(
    help="Children's social care front-door KPIs: clean raw extracts, compute KPIs, build the board pack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


#: the choices of --view and --iha-limit (their one home is hwb_kpis.config)
View = StrEnum("View", {v: v for v in VIEWS})
IhaLimit = StrEnum("IhaLimit", {v: v for v in IHA_LIMITS})
SourceFormat = StrEnum("SourceFormat", {v.replace("-", "_"): v for v in SOURCE_FORMATS})
_VIEW, _IHA_LIMIT, _SOURCE_FORMAT = View(DEFAULT_VIEW), IhaLimit(DEFAULT_IHA_LIMIT), SourceFormat(DEFAULT_SOURCE_FORMAT)
#: the help of --format on clean and report
FORMAT_HELP = ("Layout of the raw extract: auto (detect it and say which; several sources in one folder are "
               "combined), contract (one file per table), annex-a (an Ofsted Annex A workbook), cin-census (the "
               "DfE Children in Need census XML), ssda903 (the children looked after return, CSV or XML) or ssd "
               "(a Standard Safeguarding Dataset export).")


class Format(StrEnum):
    json = "json"
    csv = "csv"
    table = "table"
    xlsx = "xlsx"


class BenchFormat(StrEnum):
    json = "json"
    table = "table"


def _one_line_errors(func):
    """Turn an ``HwbKpisError``, an ``OSError`` or a ``UnicodeError`` into a one-line message
    and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (HwbKpisError, OSError, UnicodeError) as exc:
            typer.echo(f"error: {one_line_message(exc)}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper


@app.callback()
def main() -> None:
    """hwb-kpis: run `hwb-kpis COMMAND --help` for each command's options."""


@app.command()
@_one_line_errors
def clean(
    raw: Annotated[Path, typer.Option(help="Folder holding the extract: contacts, referrals and looked_after .csv|.xlsx, or an Ofsted Annex A workbook.")] = Path("data/raw"),
    out: Annotated[Path, typer.Option(help="Folder for the processed Parquet, quarantine and summary.")] = Path("data/processed"),
    mapping: Annotated[Path | None, typer.Option(help="YAML mapping of this system's file names, columns and values.")] = None,
    key_file: Annotated[Path | None, typer.Option(help="Pseudonymisation key file (outside the project); default $HWB_KPIS_PSEUDONYM_KEY.")] = None,
    format: Annotated[SourceFormat, typer.Option("--format", help=FORMAT_HELP)] = _SOURCE_FORMAT,
    link_days: Annotated[int, typer.Option(help=HELP["link_days"], min=0)] = DEFAULT_LINK_DAYS,
) -> None:
    """Validate, clean, pseudonymise and code a raw extract; write processed tables and a reconciliation."""
    from hwb_kpis.pipeline import run_clean

    result = run_clean(raw, out, mapping_path=mapping, key_file=key_file, echo=typer.echo, fmt=format.value,
                       link_days=link_days)
    typer.echo(f"processed tables written to {result.out_dir}")


@app.command()
@_one_line_errors
def kpis(
    processed: Annotated[Path, typer.Option(help="Folder of processed tables (from `hwb-kpis clean`).")] = Path("data/processed"),
    month: Annotated[str | None, typer.Option(help="Month YYYY-MM (IHA: month of becoming looked after); omit for every month.")] = None,
    view: Annotated[View, typer.Option(help=HELP["view"])] = _VIEW,
    as_of: Annotated[str | None, typer.Option(help="Date YYYY-MM-DD at which IHA due-ness is judged; default latest date in the extract.")] = None,
    lookback_days: Annotated[int, typer.Option(help=HELP["lookback_days"])] = DEFAULT_LOOKBACK_DAYS,
    iha_limit: Annotated[IhaLimit, typer.Option(help=HELP["iha_limit"])] = _IHA_LIMIT,
    format: Annotated[Format, typer.Option("--format", help="Output format (xlsx: an Excel workbook, needs --out).")] = Format.table,
    internal: Annotated[bool, typer.Option(help="Show small numbers unsuppressed (analysts only).")] = False,
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of the terminal (needed for xlsx).")] = None,
) -> None:
    """Print every board KPI the extract can give (numerator, denominator, rate) for a month or all
    months, or write them to a file; small numbers suppressed unless --internal (a note on stderr
    says which figures are not shown); xlsx is the board's Excel copy (human labels, a README sheet
    with definitions). The KPIs the extract cannot give are never printed (`hwb-kpis clean` says why)."""
    from hwb_kpis.kpis import format_kpis, kpi_table, load_processed
    from hwb_kpis.kpis.output import kpi_plan, suppressed_note

    if format is Format.xlsx and out is None:
        raise HwbKpisError("--format xlsx writes a workbook: give the file with --out FILE.xlsx")

    tables = load_processed(processed)
    result = kpi_table(
        tables,
        month=month,
        view=view.value,
        as_of=as_of,
        lookback_days=lookback_days,
        iha_limit=iha_limit.value,
    )
    if format is Format.xlsx:
        from hwb_kpis.report.workbook import write_kpi_workbook

        written = write_kpi_workbook(out, result, summary=tables.get("summary") or {}, internal=internal)
        typer.echo(f"KPI workbook written to {written}" + ("" if internal else " (small numbers suppressed)"))
        return
    decisions = None if internal else kpi_plan(result)
    text = format_kpis(result, format.value, internal=internal, decisions=decisions)
    if out is not None:
        from hwb_kpis.report.tabular import write_text

        typer.echo(f"KPIs written to {write_text(text + chr(10), out)}")
    else:
        typer.echo(text)
    if decisions is not None:
        note = suppressed_note(result, decisions)
        if note:
            typer.echo(note, err=True)


@app.command()
@_one_line_errors
def synth(
    out: Annotated[Path, typer.Option(help="Folder to write contacts.csv and looked_after.csv into.")] = Path("data/raw"),
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same bytes.")] = demo.DEFAULT_SEED,
    start: Annotated[str, typer.Option(help="First month YYYY-MM.")] = demo.DEFAULT_START,
    end: Annotated[str, typer.Option(help="Last month YYYY-MM.")] = demo.DEFAULT_END,
    scale: Annotated[float, typer.Option(help="Multiply volumes (1 = one county's front door).")] = 1.0,
    authorities: Annotated[int, typer.Option(help="Number of independent authorities to simulate.")] = 1,
    training: Annotated[Path | None, typer.Option(help="Also write the example training.csv (the agencies and months "
                                                       "whose threshold training the extract plants) to this file, "
                                                       "e.g. settings/training.csv.")] = None,
) -> None:
    """Write the seeded synthetic raw extract (never real data)."""
    paths = demo.write_extract(out, seed=seed, start=start, end=end, scale=scale, authorities=authorities, echo=typer.echo)
    if training is not None:
        paths.append(demo.write_training_example(training))
    for p in paths:
        typer.echo(f"wrote {p}")


@app.command()
@_one_line_errors
def report(
    month: Annotated[str, typer.Option(help=HELP["month"])] = DEFAULT_MONTH,
    raw: Annotated[Path, typer.Option(help=HELP["raw_dir"])] = Path("data/raw"),
    processed: Annotated[Path, typer.Option(help=HELP["processed_dir"])] = Path("data/processed"),
    out: Annotated[Path, typer.Option(help=HELP["reports_dir"])] = Path("reports"),
    only: Annotated[list[str] | None, typer.Option(help="Run only this notebook (name without .ipynb); repeatable.")] = None,
    internal: Annotated[bool, typer.Option(help=HELP["internal"])] = False,
    force: Annotated[bool, typer.Option(help="Overwrite an existing pack for the month.")] = False,
    mapping: Annotated[Path | None, typer.Option(help="YAML mapping for the raw extract.")] = None,
    key_file: Annotated[Path | None, typer.Option(help="Pseudonymisation key file (outside the project).")] = None,
    view: Annotated[View, typer.Option(help=HELP["view"])] = _VIEW,
    as_of: Annotated[str | None, typer.Option(help=HELP["as_of"])] = None,
    lookback_days: Annotated[int, typer.Option(help=HELP["lookback_days"])] = DEFAULT_LOOKBACK_DAYS,
    iha_limit: Annotated[IhaLimit, typer.Option(help=HELP["iha_limit"])] = _IHA_LIMIT,
    link_days: Annotated[int, typer.Option(help=HELP["link_days"], min=0)] = DEFAULT_LINK_DAYS,
    format: Annotated[SourceFormat, typer.Option("--format", help=FORMAT_HELP)] = _SOURCE_FORMAT,
    settings: Annotated[Path | None, typer.Option(help=HELP["settings_dir"])] = None,
    maturing_share: Annotated[float, typer.Option(help=HELP["maturing_share"])] = DEFAULT_MATURING_SHARE,
    dfe_dir: Annotated[Path | None, typer.Option(help=HELP["dfe_dir"])] = None,
    la: Annotated[str | None, typer.Option(help=HELP["la_code"])] = None,
    comparator: Annotated[list[str] | None, typer.Option(help=HELP["comparators"])] = None,
    jobs: Annotated[int, typer.Option(help="Notebooks run in parallel.")] = 2,
    timeout: Annotated[int, typer.Option(help="Seconds one notebook cell may run before it is stopped.")] = 600,
    notebooks: Annotated[Path | None, typer.Option(help="Folder of the pack's notebooks; default the project's notebooks/.")] = None,
) -> None:
    """Clean (if the raw files changed), run every notebook for the month and render the pack:
    HTML pages, one A4 PDF (pack.pdf) and the board's tables in Excel (kpis.xlsx)."""
    from hwb_kpis.report.build import build_report
    from hwb_kpis.report.parameters import extra_values

    result = build_report(
        month=month, raw_dir=raw, processed_dir=processed, out_dir=out, only=only,
        internal=internal, force=force, mapping_path=mapping, jobs=jobs, echo=typer.echo,
        timeout=timeout, view=view.value, as_of=as_of or None, lookback_days=lookback_days,
        iha_limit=iha_limit.value, parameters=extra_values(dfe_dir=dfe_dir, la_code=la, comparators=comparator),
        key_file=key_file, notebooks_dir=notebooks, link_days=link_days, source_format=format.value,
        settings_dir=settings, maturing_share=maturing_share,
    )
    typer.echo(f"{result.kind}: {result.index_path}")
    if result.failed:
        typer.echo(f"error: {len(result.failed)} notebook(s) failed: {', '.join(result.failed)} (see the index)", err=True)
        raise typer.Exit(code=1)


@app.command()
@_one_line_errors
def feedback(
    month: Annotated[str, typer.Option(help=HELP["month"])] = DEFAULT_MONTH,
    agency: Annotated[list[str] | None, typer.Option(help="Only this agency (a source group such as police, or a "
                                                          "code such as 3E); repeatable. Default: every agency of "
                                                          "reference/feedback.yml.")] = None,
    raw: Annotated[Path, typer.Option(help=HELP["raw_dir"])] = Path("data/raw"),
    processed: Annotated[Path, typer.Option(help=HELP["processed_dir"])] = Path("data/processed"),
    out: Annotated[Path, typer.Option(help="Reports folder; the pages go to OUT/YYYY-MM/agencies/.")] = Path("reports"),
    internal: Annotated[bool, typer.Option(help=HELP["internal"])] = False,
    mapping: Annotated[Path | None, typer.Option(help="YAML mapping for the raw extract.")] = None,
    key_file: Annotated[Path | None, typer.Option(help="Pseudonymisation key file (outside the project).")] = None,
    view: Annotated[View, typer.Option(help=HELP["view"])] = _VIEW,
    lookback_days: Annotated[int, typer.Option(help=HELP["lookback_days"])] = DEFAULT_LOOKBACK_DAYS,
    link_days: Annotated[int, typer.Option(help=HELP["link_days"], min=0)] = DEFAULT_LINK_DAYS,
    format: Annotated[SourceFormat, typer.Option("--format", help=FORMAT_HELP)] = _SOURCE_FORMAT,
    settings: Annotated[Path | None, typer.Option(help=HELP["settings_dir"])] = None,
    maturing_share: Annotated[float, typer.Option(help=HELP["maturing_share"])] = DEFAULT_MATURING_SHARE,
    jobs: Annotated[int, typer.Option(help="Notebooks run in parallel.")] = 2,
    timeout: Annotated[int, typer.Option(help="Seconds one notebook cell may run before it is stopped.")] = 600,
) -> None:
    """Build one feedback page per partner agency for the month (reports/YYYY-MM/agencies/)."""
    from hwb_kpis.report.feedback_build import build_feedback
    from hwb_kpis.report.options import ReportOptions

    options = ReportOptions(month=month, raw_dir=raw, processed_dir=processed, out_dir=out, internal=internal,
                            mapping_path=mapping, key_file=key_file, jobs=jobs, timeout=timeout, view=view.value,
                            lookback_days=lookback_days, link_days=link_days, source_format=format.value,
                            settings_dir=settings, maturing_share=maturing_share)
    result = build_feedback(options, agency, echo=typer.echo)
    typer.echo(f"feedback pages: {result.index_path}")
    if result.failed:
        typer.echo(f"error: {len(result.failed)} page(s) failed: {', '.join(result.failed)} (see the index)", err=True)
        raise typer.Exit(code=1)


@app.command()
@_one_line_errors
def benchmark(
    dfe: Annotated[Path, typer.Option(help="DfE CIN referrals CSV (c1_children_in_need_referrals_and_rereferrals_*.csv).")],
    la: Annotated[str, typer.Option(help="Local authority code (new E06/E10 code or old 3-digit code).")],
    format: Annotated[BenchFormat, typer.Option("--format", help="Output format.")] = BenchFormat.table,
    comparators: Annotated[list[str] | None, typer.Option(help="Comparator LA codes (e.g. statistical neighbours); repeatable.")] = None,
) -> None:
    """Referrals, re-referral % and NFA % by year for an authority, its region and England."""
    from hwb_kpis.dfe import format_benchmark, la_summary

    table = la_summary(dfe, la, comparators=comparators)
    typer.echo(format_benchmark(table, format.value))


dfe_app = typer.Typer(help="The DfE published statistics the benchmarking page reads (shipped with the package).",
                      no_args_is_help=True)
app.add_typer(dfe_app, name="dfe")


@dfe_app.command("update")
@_one_line_errors
def dfe_update(
    source: Annotated[Path, typer.Option("--from", help="A newer DfE download (CSV from explore-education-statistics): "
                                                      "referrals and re-referrals (C1), children in need (B1) or "
                                                      "children looked after numbers and rates.")],
    to: Annotated[Path | None, typer.Option(help="Folder of DfE tables to update; default the package's own.")] = None,
) -> None:
    """Check a newer DfE download and put it in place of the shipped table of the same kind."""
    from hwb_kpis.dfe import shipped

    written = shipped.update(source, to)
    entry = shipped.sources(written.parent).get(shipped.kind_of_file(written), {})
    typer.echo(f"DfE table updated: {written} ({entry.get('title', '')}, {entry.get('years', '')})")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
