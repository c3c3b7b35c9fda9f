"""The processed folder (``data/processed/``): which files make a complete set, what
``ingest_summary.json`` holds, and reading it back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from hwb_kpis.errors import HwbKpisError

#: the files of a complete processed set; ``ingest_summary.json`` is written last
PROCESSED_FILES = ("contacts.parquet", "looked_after.parquet", "quarantine.csv", "recoding_audit.csv",
                   "ingest_summary.json")

#: the keys of ``ingest_summary.json`` and what each holds (``coding.recoded``: key ``recoded``
#: inside ``coding``); ``tables`` holds one :data:`TABLE_SUMMARY_FIELDS` dict per raw table
SUMMARY_FIELDS = {
    "tables": "one summary per raw table (below), by table name",
    "extract_date": "latest date in the extract, `YYYY-MM-DD`",
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
    "raw_rows": "data rows in the file",
    "clean_rows": "rows written to the processed table",
    "quarantined": "rows written to `quarantine.csv`",
    "duplicates_dropped": "exact copies of an earlier row, dropped",
    "reconciled": "raw rows = clean + quarantined + duplicates dropped, and raw lines = raw rows + blank + "
                  "continuation lines (always true: cleaning stops otherwise)",
    "quarantine_by_reason": "quarantined rows by `column: reason`",
    "notes": "what the reader noticed (encoding, delimiter, header row)",
}


def load_processed(directory: Path | str) -> dict[str, Any]:
    """Read the processed tables written by ``hwb-kpis clean``.

    Returns ``{"contacts": DataFrame, "looked_after": DataFrame, "summary": dict}`` (the summary is
    ``ingest_summary.json``). Raises ``HwbKpisError`` naming the folder when a file is missing.
    """
    folder = Path(directory)
    names = {"contacts": "contacts.parquet", "looked_after": "looked_after.parquet",
             "summary": "ingest_summary.json"}
    missing = [f for f in names.values() if not (folder / f).is_file()]
    if missing:
        what = "folder not found" if not folder.is_dir() else f"missing {', '.join(missing)}"
        raise HwbKpisError(f"{folder}: no processed tables ({what}); run `hwb-kpis clean` first")
    out: dict[str, Any] = {}
    for key in ("contacts", "looked_after"):
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
