"""The processed folder (``data/processed/``): which files make a complete set, what
``ingest_summary.json`` holds, and reading it back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from hwb_kpis.errors import HwbKpisError

#: the files of a complete processed set; ``ingest_summary.json`` is written last
PROCESSED_FILES = ("contacts.parquet", "referrals.parquet", "looked_after.parquet", "quarantine.csv",
                   "recoding_audit.csv", "ingest_summary.json")
#: the processed tables, by name (a table the extract lacks is written with no rows)
TABLE_FILES = {"contacts": "contacts.parquet", "referrals": "referrals.parquet", "looked_after": "looked_after.parquet"}

#: the keys of ``ingest_summary.json`` and what each holds (``coding.recoded``: key ``recoded``
#: inside ``coding``); ``tables`` holds one :data:`TABLE_SUMMARY_FIELDS` dict per raw table;
#: ``made_from`` and ``provided`` are keyed by table
SUMMARY_FIELDS = {
    "format.name": "the source format read: `contract`, `annex-a`",
    "format.description": "the source format in words",
    "format.chosen": "`detected` (`--format auto`) or `asked`",
    "tables": "one summary per raw table the extract holds (below), by table name",
    "made_from": "tables the pipeline made from another, e.g. `{\"referrals\": \"contacts\"}` when the extract lists no referrals",
    "provided": "per table the extract holds (or the pipeline made), the contract columns it holds",
    "derivations": "what ingest derived because the extract lacks it: `table`, `column` (null: the whole table), `note` in plain words",
    "link_days": "days after a contact within which a referral of the child makes its derived outcome `referral`",
    "kpis.available": "the KPIs the extract can answer (ids, registry order)",
    "kpis.unavailable": "the KPIs it cannot answer: KPI id -> the reason, in plain words",
    "extract_date": "latest date in the extract, `YYYY-MM-DD`",
    "first_date": "earliest contact, referral or period-of-care start, `YYYY-MM-DD` (null for an empty extract)",
    "last_date": "latest contact, referral or period-of-care start, `YYYY-MM-DD`",
    "first_contact_date": "earliest contact date, `YYYY-MM-DD` (null without contacts)",
    "last_contact_date": "latest contact date, `YYYY-MM-DD` (null without contacts)",
    "months_without_contacts": "months between the first and last contact with no contact at all",
    "synthetic": "true when the raw folder holds exactly the files `hwb-kpis synth` wrote (their SHA-256 in its `SYNTHETIC` marker)",
    "pseudonym_key_source": "`demo`, `env` or `file` (never the key)",
    "pseudonym_key_fingerprint": "keyed hash of a constant with the pseudonymisation key (never the key): a change of key cleans again",
    "raw_fingerprint": "SHA-256 of the raw files, the mapping and the reference data",
    "mapping": "the mapping file used (absolute path), or null",
    "coding.recoded": "contacts whose source code a recoding rule changed",
    "coding.unknown_source": "contacts whose source code is unknown (`10`) after coding",
    "cleaned_at": "when the tables were cleaned (local time, ISO)",
    "hwb_kpis_version": "the package version that cleaned them",
}

#: the keys of each table's summary in ``ingest_summary.json``
TABLE_SUMMARY_FIELDS = {
    "file": "the raw file read",
    "raw_lines": "physical lines (or sheet rows) below the header: raw rows + blank lines + continuation lines",
    "blank_lines": "blank lines (or entirely blank sheet rows), ignored",
    "continuation_lines": "second and later lines of rows whose quoted field holds line breaks (and of a stray quote's stretch)",
    "raw_rows": "data rows in the file (for an SSDA903 or SSD return: episodes)",
    "clean_rows": "rows written to the processed table",
    "quarantined": "rows written to `quarantine.csv`",
    "duplicates_dropped": "exact copies of an earlier row, dropped",
    "filtered_out": "rows the mapping's row filters left out",
    "folded": "rows folded into another row (SSDA903 and SSD episodes continuing a period of care)",
    "folded_note": "what the folded rows are, in words (empty when none)",
    "reconciled": "raw rows = clean + quarantined + duplicates dropped + filtered out + folded, and raw lines = "
                  "raw rows + blank + continuation lines (always true: cleaning stops otherwise)",
    "quarantine_by_reason": "quarantined rows by `column: reason`",
    "notes": "what the reader noticed (encoding, delimiter, header row, sheet)",
    "columns": "the contract columns the file holds (or ingest derived)",
    "derived": "column -> how ingest derived it (plain words)",
}


def load_processed(directory: Path | str) -> dict[str, Any]:
    """Read the processed tables written by ``hwb-kpis clean``.

    Returns ``{"contacts": DataFrame, "referrals": DataFrame, "looked_after": DataFrame, "summary":
    dict}`` (the summary is ``ingest_summary.json``; a table the extract lacks has no rows, and the
    summary's ``kpis`` says what can be computed). Raises ``HwbKpisError`` naming the folder when a
    file is missing; ``referrals.parquet`` alone may be (a folder written by hand for the contacts
    and looked-after tables): the KPIs then take the referrals from the contacts.
    """
    folder = Path(directory)
    names = {**TABLE_FILES, "summary": "ingest_summary.json"}
    if not (folder / TABLE_FILES["referrals"]).is_file():
        names.pop("referrals")
    missing = [f for f in names.values() if not (folder / f).is_file()]
    if missing:
        what = "folder not found" if not folder.is_dir() else f"missing {', '.join(missing)}"
        raise HwbKpisError(f"{folder}: no processed tables ({what}); run `hwb-kpis clean` first")
    out: dict[str, Any] = {}
    for key in (k for k in TABLE_FILES if k in names):
        path = folder / names[key]
        try:
            out[key] = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise HwbKpisError(f"{path}: cannot read the processed table ({exc}); run `hwb-kpis clean` again") from exc
    path = folder / names["summary"]
    try:
        out["summary"] = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HwbKpisError(f"{path}: not valid JSON ({exc}); run `hwb-kpis clean` again") from exc
    return out
