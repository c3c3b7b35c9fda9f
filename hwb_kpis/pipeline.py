"""The cleaning pipeline, orchestration only: raw extract -> ingest -> coding -> contract check ->
``data/processed/``.

``run_clean`` is what ``hwb-kpis clean`` runs; ``refresh_processed`` decides whether to clean.
Writing the synthetic demonstration extract into an empty raw folder is the caller's business
(``write_demo``): see :mod:`hwb_kpis.report.data`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from hwb_kpis import __version__, config, synthetic
from hwb_kpis.contract import schemas
from hwb_kpis.contract.processed import PROCESSED_FILES
from hwb_kpis.contract.referrals import referrals_from_contacts
from hwb_kpis.contract.tables import CONTACTS, LOOKED_AFTER, SPECS
from hwb_kpis.errors import HwbKpisError, PseudonymKeyError, ReconciliationError
from hwb_kpis.ingest import CleanTable, clean_table, formats, load_mapping
from hwb_kpis.ingest.fill import DEFAULT_LINK_DAYS
from hwb_kpis.locks import locked, remove_leftovers
from hwb_kpis.privacy.pseudonym import (
    IdSpace,
    PseudonymKey,
    configured_key,
    key_fingerprint,
    resolve_key,
)
from hwb_kpis.safe_files import write_csv
from hwb_kpis.timings import Clock, Timings

#: contact columns of free text: used by coding in memory, never written (they may hold names)
FREE_TEXT = CONTACTS.of_kind("free_text")


@dataclass
class CleanResult:
    """What ``run_clean`` produced (also written to ``out_dir``)."""

    out_dir: Path
    contacts: pd.DataFrame
    looked_after: pd.DataFrame
    quarantine: pd.DataFrame
    audit: pd.DataFrame
    summary: dict[str, Any]
    referrals: pd.DataFrame | None = None


def is_synthetic(raw_dir: Path, digests: dict[str, str] | None = None) -> bool:
    """Whether a raw folder holds exactly the files ``hwb-kpis synth`` wrote there
    (:func:`hwb_kpis.synthetic.is_synthetic`, the one test behind the demo key and the banner)."""
    return synthetic.is_synthetic(raw_dir, digests)


def has_raw_extract(raw_dir: Path) -> bool:
    """True when ``raw_dir`` holds any table file (``contacts.*``, or any ``.csv``/``.xlsx``/``.xls``/``.xml``,
    since a mapping may name the files otherwise): only then is it never given the synthetic extract."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        return False
    return any(
        p.is_file() and (p.name.lower().startswith("contacts.") or p.suffix.lower() in (".csv", ".xlsx", ".xls", ".xml"))
        for p in raw_dir.iterdir()
    )


def raw_digests(raw_dir: Path, mapping_path: Path | None = None) -> dict[str, str]:
    """SHA-256 of each raw file (by name), of the mapping file (``mapping:<name>``) and of the
    package's reference data (``reference:<name>``)."""
    raw_dir = Path(raw_dir)
    files = sorted(p for p in raw_dir.iterdir() if p.is_file() and p.name != "README.md") if raw_dir.is_dir() else []
    digests = {p.name: synthetic.file_sha256(p) for p in files}
    if mapping_path is not None:
        digests[f"mapping:{Path(mapping_path).name}"] = synthetic.file_sha256(Path(mapping_path))
    for p in sorted(p for p in config.REFERENCE_DIR.iterdir() if p.is_file()):
        digests[f"reference:{p.name}"] = synthetic.file_sha256(p)
    return digests


def fingerprint_of(digests: dict[str, str], settings: str = "") -> str:
    """One SHA-256 over :func:`raw_digests`, the reading ``settings`` (format asked for, link
    window) and the package version."""
    digest = hashlib.sha256()
    if settings:
        digest.update(settings.encode())
    for name, value in digests.items():
        digest.update(f"{name}\0{value}\n".encode())
    digest.update(__version__.encode())
    return digest.hexdigest()


def raw_fingerprint(raw_dir: Path, mapping_path: Path | None = None, settings: str = "") -> str:
    """SHA-256 over the raw files (names and bytes), the mapping file, the package's reference
    data and the reading ``settings``: when it is unchanged, the processed tables need not be
    rebuilt."""
    return fingerprint_of(raw_digests(raw_dir, mapping_path), settings)


#: the stages :func:`run_clean` reports to its ``timings`` hook (``timings(stage, seconds)``,
#: :mod:`hwb_kpis.timings`); ``fingerprint`` runs on a background thread beside the cleaning
STAGES = ("read", "parse/validate", "pseudonymise", "code", "contract", "write", "fingerprint")


def run_clean(
    raw_dir: Path | str,
    out_dir: Path | str,
    *,
    mapping_path: Path | str | None = None,
    key_file: Path | str | None = None,
    today: dt.date | None = None,
    echo: Callable[[str], Any] = print,
    timings: Timings | None = None,
    fmt: str = formats.AUTO,
    link_days: int = DEFAULT_LINK_DAYS,
) -> CleanResult:
    """Clean and code the raw extract in ``raw_dir`` and write the processed tables to ``out_dir``.

    ``fmt`` is the source format (``auto``: detected, and the run says which); ``link_days`` the
    window in which a referral of the child makes a contact's derived outcome a referral (used
    only when the extract has no outcomes). Writes ``contacts.parquet``, ``referrals.parquet``,
    ``looked_after.parquet`` (a table the extract lacks is written empty), ``quarantine.csv``,
    ``recoding_audit.csv`` and ``ingest_summary.json`` (atomically: into a temporary folder, then
    moved). Prints the reconciliation; raises ``ReconciliationError`` if it does not hold.
    ``timings(stage, seconds)`` is called as each of :data:`STAGES` ends (some more than once).
    """
    clock = Clock(timings)
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    check_out_dir(raw_dir, out_dir)
    mapping = load_mapping(mapping_path)
    source = formats.choose(raw_dir, mapping, fmt)
    found = source.describe(raw_dir, mapping)  # fail on a missing file before any work (and before asking for a key)
    how = "detected" if fmt == formats.AUTO else "as asked"
    echo(f"format: {source.description} ({source.name}, {how}): {found}")
    key = _configured_key(raw_dir, key_file)  # a real extract without a key stops here, before any work
    mapping_file = Path(mapping_path) if mapping_path else None
    settings = reading_settings(fmt, link_days)
    with ThreadPoolExecutor(max_workers=1) as background:
        # the fingerprint reads every raw byte again, on a thread (hashlib releases the GIL): while
        # cleaning, which is mostly single-threaded, rather than during the reads, which use every
        # core -- unless the demo key waits for it (the synthetic files' SHA-256, checked after the read)
        fingerprint = None
        if key is None:
            fingerprint = background.submit(_timed, clock, "fingerprint", raw_digests, raw_dir, mapping_file)
        with clock.stage("read"):
            raws = formats.read_extract(source, raw_dir, mapping, link_days=link_days, today=today)
        if key is None:
            key = resolve_key(synthetic=is_synthetic(raw_dir, fingerprint.result()))
        else:
            fingerprint = background.submit(_timed, clock, "fingerprint", raw_digests, raw_dir, mapping_file)
        is_demo = key.source == "demo"
        echo("pseudonymising with the public DEMO key: allowed only because this extract is synthetic" if is_demo
             else f"pseudonymising with the key from {key.source.split(':')[0]}")
        spaces = {"child_id": IdSpace()}  # one id space for children across tables: collisions between tables
        tables = {name: clean_table(raws.pop(name), mapping, key, today=today, timings=timings, id_spaces=spaces)
                  for name in list(raws)}
        fingerprint.result()
    processed, audit = _processed(tables, clock)
    quarantine = pd.concat([t.quarantine for t in tables.values()], ignore_index=True)
    digests = fingerprint.result()
    summary = _summary(tables, processed, source, synthetic=is_demo or is_synthetic(raw_dir, digests), key=key,
                       fingerprint=fingerprint_of(digests, settings), mapping_path=mapping_path, fmt=fmt,
                       link_days=link_days)
    with clock.stage("write"):
        _write_atomically(out_dir, processed, quarantine, audit, summary)
    _echo_outcome(summary, quarantine, out_dir, echo)
    return CleanResult(out_dir, processed["contacts"], processed["looked_after"], quarantine, audit, summary,
                       processed["referrals"])


def reading_settings(fmt: str, link_days: int) -> str:
    """The reading settings that change the processed tables, for the fingerprint (empty for the
    defaults, so that a folder cleaned with them is not cleaned again)."""
    parts = []
    if fmt != formats.AUTO:
        parts.append(f"format={fmt}")
    if link_days != DEFAULT_LINK_DAYS:
        parts.append(f"link_days={link_days}")
    return ";".join(parts)


def check_out_dir(raw_dir: Path, out_dir: Path) -> None:
    """Refuse an output folder that is the raw folder or inside it (the processed files would
    be mixed with, and later read as, the extract) or that is a file."""
    raw, out = Path(raw_dir).resolve(), Path(out_dir).resolve()
    if out == raw:
        raise HwbKpisError(f"{out_dir}: the output folder must not be the raw folder; use data/processed")
    if raw in out.parents:
        raise HwbKpisError(f"{out_dir}: the output folder must not be inside the raw folder {raw_dir}")
    if out.exists() and not out.is_dir():
        raise HwbKpisError(f"{out_dir}: the output folder is a file")


def _configured_key(raw_dir: Path, key_file: Path | str | None) -> PseudonymKey | None:
    """The configured key; None when there is none but the raw folder may hold the synthetic
    extract (its marker names every table file: the files' SHA-256 decide, once read); a
    ``PseudonymKeyError`` when there is none and it cannot."""
    key = configured_key(Path(key_file) if key_file else None)
    if key is None and not synthetic.names_match(raw_dir):
        resolve_key(synthetic=False)  # raises: real data needs a key
    return key


def _timed(clock: Clock, stage: str, func: Callable[..., Any], *args: Any) -> Any:
    with clock.stage(stage):
        return func(*args)


def _processed(tables: dict[str, CleanTable], clock: Clock) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """``({table: processed frame}, audit)``: contacts coded and without free text; referrals
    coded (or made from the contacts whose outcome is a referral, when the extract lists none);
    every table in its processed columns (empty when the extract lacks it) and checked against
    its pandera contract."""
    from hwb_kpis.coding import AUDIT_COLUMNS, code_contacts
    from hwb_kpis.coding.referrals import code_referrals

    out: dict[str, pd.DataFrame] = {}
    audit = pd.DataFrame({c: pd.Series(dtype="string") for c in AUDIT_COLUMNS})
    if "contacts" in tables:
        contacts_clean = tables["contacts"].clean
        with clock.stage("code"):
            coded, audit = code_contacts(contacts_clean)
        if len(coded) != len(contacts_clean):
            raise ReconciliationError("coding changed the number of contacts; this is a bug")
        contacts = coded.drop(columns=[c for c in FREE_TEXT if c in coded.columns])
        out["contacts"] = contacts[list(schemas.PROCESSED_CONTACTS.columns)]
    if "referrals" in tables:
        out["referrals"] = code_referrals(tables["referrals"].clean)[list(schemas.PROCESSED_REFERRALS.columns)]
    elif _referrals_made_from_contacts(tables):
        out["referrals"] = referrals_from_contacts(out["contacts"])[list(schemas.PROCESSED_REFERRALS.columns)]
    if "looked_after" in tables:
        out["looked_after"] = tables["looked_after"].clean[list(schemas.PROCESSED_LOOKED_AFTER.columns)]
    for name, schema in schemas.PROCESSED.items():
        if name not in out:
            out[name] = schemas.empty_frame(schema)
    # referrals made from contacts are rows and values of the contacts just checked: their columns
    # are checked, not every value again (that would cost as much as the contacts' own check)
    made = _referrals_made_from_contacts(tables)
    with clock.stage("contract"):
        try:
            for name, schema in schemas.PROCESSED.items():
                if name == "referrals" and made:
                    if list(out[name].columns) != list(schema.columns):
                        raise ValueError(f"referrals made from contacts have columns {list(out[name].columns)}")
                    continue
                schema.validate(out[name], inplace=True)
        except Exception as exc:  # pandera SchemaError: a bug, not user input
            raise HwbKpisError(f"processed tables break their contract ({_schema_failure(exc)}); this is a bug: "
                               "please report it") from None
    return {name: out[name] for name in schemas.PROCESSED}, audit


def _schema_failure(exc: Exception) -> str:
    """Which column and check of a processed schema failed, never the failing values (pandera's
    own message lists them, and they come from the extract)."""
    column = getattr(exc, "column_name", None) or getattr(getattr(exc, "schema", None), "name", None)
    check = getattr(exc, "check", None)
    check = getattr(check, "name", None) or (str(check) if check is not None else None)
    parts = [f"column {column}" if column else "", f"check {check}" if check else ""]
    return ", ".join(p for p in parts if p) or type(exc).__name__


def _referrals_made_from_contacts(tables: dict[str, CleanTable]) -> bool:
    """True when the extract lists no referrals but its contacts have outcomes to find them by."""
    return "referrals" not in tables and "contacts" in tables and "outcome" in tables["contacts"].summary["columns"]


def _provided(tables: dict[str, CleanTable], made_from: dict[str, str]) -> dict[str, list[str]]:
    """Per table the extract holds (or the pipeline made), the contract columns it holds."""
    from hwb_kpis.kpis.capabilities import referrals_from_contacts_provide

    provided = {name: list(t.summary["columns"]) for name, t in tables.items()}
    if made_from.get("referrals") == "contacts":
        provided["referrals"] = list(referrals_from_contacts_provide(provided["contacts"]) or ())
    return {name: provided[name] for name in SPECS if name in provided}


def _first_last(processed: dict[str, pd.DataFrame]) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The earliest and latest date of the extract's events (contacts, referrals, periods of care)."""
    dates = []
    for name, column in (("contacts", "contact_date"), ("referrals", "referral_date"), ("looked_after", "period_start")):
        frame = processed[name]
        if len(frame):
            dates += [frame[column].min(), frame[column].max()]
    dates = [d for d in dates if pd.notna(d)]
    return (min(dates), max(dates)) if dates else (None, None)


def _day(value) -> str | None:
    return value.strftime("%Y-%m-%d") if value is not None and pd.notna(value) else None


def _summary(tables: dict[str, CleanTable], processed: dict[str, pd.DataFrame], source, *, synthetic: bool,
             key: PseudonymKey, fingerprint: str, mapping_path: Path | str | None, fmt: str,
             link_days: int) -> dict[str, Any]:
    """``ingest_summary.json``: the format read, each table's reconciliation and columns, how
    what the extract lacks was derived, which KPIs it can answer (and why not the others), the
    extract's dates, how it was pseudonymised and coded, and the fingerprint that says when it
    must be cleaned again."""
    from hwb_kpis.kpis.capabilities import assess, reasons

    contacts, looked_after = processed["contacts"], processed["looked_after"]
    made_from = {"referrals": "contacts"} if _referrals_made_from_contacts(tables) else {}
    provided = _provided(tables, made_from)
    capabilities = assess(provided, reasons(source.absent, made_from))
    derivations = [{"table": name, "column": column, "note": note}
                   for name, t in tables.items() for column, note in t.summary["derived"].items()]
    for name in made_from:
        derivations.append({"table": name, "column": None, "note": str(SPECS[name].when_absent["note"])})
    dates = [contacts["contact_date"].max(), processed["referrals"]["referral_date"].max()]
    dates += [looked_after[c].max() for c in LOOKED_AFTER.dates]
    extract_date = max((d for d in dates if pd.notna(d)), default=None)
    first, last = _first_last(processed)
    return {
        "format": {"name": source.name, "description": source.description,
                   "chosen": "detected" if fmt == formats.AUTO else "asked"},
        "tables": {name: t.summary for name, t in tables.items()},
        "made_from": made_from,
        "provided": provided,
        "derivations": derivations,
        "link_days": link_days,
        "kpis": capabilities.as_dict(),
        "extract_date": _day(extract_date),
        "first_date": _day(first),
        "last_date": _day(last),
        "first_contact_date": _day(contacts["contact_date"].min()) if len(contacts) else None,
        "last_contact_date": _day(contacts["contact_date"].max()) if len(contacts) else None,
        "months_without_contacts": months_without_contacts(contacts),
        "synthetic": synthetic,
        "pseudonym_key_source": key.source if not key.source.startswith("file:") else "file",
        "pseudonym_key_fingerprint": key_fingerprint(key),
        "raw_fingerprint": fingerprint,
        "mapping": str(Path(mapping_path).resolve()) if mapping_path else None,
        "coding": {
            "recoded": int(contacts["recode_rule"].notna().sum()),
            "unknown_source": int((contacts["source_code"] == config.UNKNOWN_CODE).sum()),
        },
        "cleaned_at": dt.datetime.now().isoformat(timespec="seconds"),
        "hwb_kpis_version": __version__,
    }


def _echo_outcome(summary: dict[str, Any], quarantine: pd.DataFrame, out_dir: Path, echo: Callable[[str], Any]) -> None:
    """What ``hwb-kpis clean`` prints once the tables are written: the reconciliation of each
    table and its reader's notes, warnings, and where to look."""
    for name, s in summary["tables"].items():
        filtered = f" + left out by filters {s['filtered_out']:,}" if s.get("filtered_out") else ""
        folded = f" + {s['folded_note']} {s['folded']:,}" if s.get("folded") else ""
        echo(
            f"{name}: raw {s['raw_rows']:,} = clean {s['clean_rows']:,} + quarantined {s['quarantined']:,}"
            f" + duplicates dropped {s['duplicates_dropped']:,}{filtered}{folded}  (reconciled)"
        )
        if s.get("raw_lines", s["raw_rows"]) != s["raw_rows"]:
            echo(f"  {s['raw_lines']:,} lines = {s['raw_rows']:,} rows + {s['blank_lines']:,} blank"
                 f" + {s['continuation_lines']:,} inside quoted fields that hold line breaks")
        for note in s["notes"]:
            echo(f"  note: {note}")
    for d in summary["derivations"]:
        echo(f"  derived: {d['table']}{'.' + d['column'] if d['column'] else ''}: {d['note']}")
    unavailable = summary["kpis"]["unavailable"]
    if unavailable:
        echo(f"KPIs this extract cannot give ({len(unavailable)}):")
        for kpi, reason in unavailable.items():
            echo(f"  {kpi}: {reason}")
    for month in summary["months_without_contacts"]:
        echo(f"WARNING: no contacts in {month}, a month inside the extract's range: is the extract complete?")
    if len(quarantine):
        echo(f"quarantined rows and reasons: {out_dir / 'quarantine.csv'}")
    echo(f"source codes changed by recoding rules: {summary['coding']['recoded']:,} (see recoding_audit.csv);"
         f" unknown source: {summary['coding']['unknown_source']:,}")
    if summary["synthetic"]:
        echo("NOTE: this extract is SYNTHETIC (generated by `hwb-kpis synth`), not real children")


def months_without_contacts(contacts: pd.DataFrame) -> list[str]:
    """Calendar months between the first and last contact that have no contact at all."""
    if contacts.empty:
        return []
    span = pd.period_range(contacts["contact_date"].min(), contacts["contact_date"].max(), freq="M")
    present = set(contacts["month"].unique())
    return [str(p) for p in span if str(p) not in present]


def _write_atomically(out_dir: Path, processed: dict[str, pd.DataFrame], quarantine, audit, summary) -> None:
    """Write the set into ``.clean-<pid>-…`` beside it, then move each file into place (the
    summary last); folders left by a clean that was killed are removed first."""
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out_dir, ".clean-")
    tmp_path = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".clean-{os.getpid()}-"))
    try:
        for name, frame in processed.items():
            frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
        write_csv(quarantine, tmp_path / "quarantine.csv")  # formulas neutralised (hwb_kpis.safe_files)
        write_csv(audit, tmp_path / "recoding_audit.csv")
        (tmp_path / "ingest_summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
        # the summary goes last: its presence means the set is complete
        for name in PROCESSED_FILES:
            os.replace(tmp_path / name, out_dir / name)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def is_current(processed_dir: Path, raw_dir: Path, mapping_path: Path | None = None, settings: str = "") -> bool:
    """True when ``processed_dir`` was built from exactly these raw files, mapping, reference data
    and reading settings."""
    summary_path = Path(processed_dir) / "ingest_summary.json"
    if not summary_path.is_file() or not all((Path(processed_dir) / f).is_file() for f in PROCESSED_FILES):
        return False
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return False
    return summary.get("raw_fingerprint") == raw_fingerprint(raw_dir, mapping_path, settings)


def refresh_processed(
    processed_dir: Path | str = "data/processed",
    raw_dir: Path | str = "data/raw",
    *,
    mapping_path: Path | str | None = None,
    key_file: Path | str | None = None,
    echo: Callable[[str], Any] = print,
    write_demo: Callable[[Path], Any] | None = None,
    fmt: str | None = None,
    link_days: int | None = None,
) -> str:
    """Make ``processed_dir`` current for ``raw_dir``; the one place that decides whether to clean
    (used by ``hwb-kpis report`` and, through :func:`hwb_kpis.report.data.ensure_processed`, by
    every notebook).

    * ``raw_dir`` holds no extract: the tables already in ``processed_dir`` are used as they are
      (``"kept"``: an analyst may remove the raw files once cleaned); when there are none either,
      ``write_demo(raw_dir)`` writes an extract there first (the synthetic demonstration extract;
      without ``write_demo`` that is an error).
    * ``processed_dir`` was built from exactly these raw files, mapping and reference data (same
      :func:`raw_fingerprint`): nothing to do (``"reused"``); otherwise :func:`run_clean`
      (``"cleaned"``).

    Without ``mapping_path`` (``fmt``, ``link_days``) the mapping (format asked for, link window)
    recorded by the last clean of ``processed_dir`` is used.
    Relative paths are resolved against the current folder. A file lock makes concurrent callers
    (notebooks run in parallel) wait for one build. Returns ``"kept"``, ``"reused"`` or ``"cleaned"``.
    """
    processed = Path(processed_dir).resolve()
    raw = Path(raw_dir).resolve()
    processed.mkdir(parents=True, exist_ok=True)
    try:
        previous = json.loads((processed / "ingest_summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    if mapping_path is None:  # keep using the mapping the folder was last cleaned with
        mapping_path = previous.get("mapping")
    if fmt is None:  # ... and the format it was asked to read
        fmt = previous["format"]["name"] if previous.get("format", {}).get("chosen") == "asked" else formats.AUTO
    if link_days is None:
        link_days = int(previous.get("link_days", DEFAULT_LINK_DAYS))
    mapping_file = Path(mapping_path) if mapping_path else None
    with locked(processed / ".build.lock"):
        if not has_raw_extract(raw):
            if (processed / "ingest_summary.json").is_file():
                _check_same_version(processed, raw)
                if _key_changed(processed, raw, key_file, configured_only=True):
                    raise HwbKpisError(
                        f"{processed} was cleaned with another pseudonymisation key than the one configured now, and "
                        f"{raw} holds no extract to clean again from: put the raw extract back (or use the key "
                        "it was cleaned with); pseudonyms made with two keys never link"
                    )
                echo(f"{raw} holds no extract: using the tables already cleaned in {processed}")
                return "kept"
            if write_demo is None:
                raise HwbKpisError(f"{raw}: no raw extract (and no cleaned tables in {processed})")
            write_demo(raw)
        if is_current(processed, raw, mapping_file, reading_settings(fmt, link_days)):
            if not _key_changed(processed, raw, key_file):
                echo(f"raw files unchanged since the last clean: reusing {processed}")
                return "reused"
            echo("the tables were cleaned with another pseudonymisation key than this run's: cleaning again")
        echo(f"cleaning {raw} -> {processed}")
        run_clean(raw, processed, mapping_path=mapping_file, key_file=key_file, echo=echo, fmt=fmt,
                  link_days=link_days)
        return "cleaned"


def _key_changed(processed: Path, raw: Path, key_file: Path | str | None, *, configured_only: bool = False) -> bool:
    """Whether this run's pseudonymisation key differs from the one the processed tables were
    cleaned with (``pseudonym_key_fingerprint`` of their summary). False when this run has no
    key to compare (none configured, and the demo key not allowed or, ``configured_only``, not
    considered): cleaning would need one anyway."""
    try:
        key = configured_key(Path(key_file) if key_file else None)
        if key is None and not configured_only and is_synthetic(raw):
            key = resolve_key(synthetic=True)
    except PseudonymKeyError:
        return False  # a key that breaks a rule: the clean, if one is needed, says so
    if key is None:
        return False
    try:
        summary = json.loads((processed / "ingest_summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return summary.get("pseudonym_key_fingerprint") != key_fingerprint(key)


def _check_same_version(processed: Path, raw: Path) -> None:
    """Tables kept without their raw files must come from this version of the package: another
    version may pseudonymise or code differently, and its tables would not link with new months."""
    try:
        built_by = json.loads((processed / "ingest_summary.json").read_text(encoding="utf-8")).get("hwb_kpis_version")
    except (OSError, ValueError):
        built_by = None
    if built_by != __version__:
        raise HwbKpisError(
            f"{processed} was cleaned by hwb-kpis {built_by or 'before 0.2.0'}, not {__version__}, and {raw} "
            "holds no extract to rebuild it from: put the raw extract back in the raw folder (pseudonyms and "
            "coding may differ between versions, so old tables would not link with new months)"
        )
