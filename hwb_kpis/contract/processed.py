"""The processed folder (``data/processed/``): which files make a complete set, and reading it back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from hwb_kpis.errors import HwbKpisError

#: the files of a complete processed set; ``ingest_summary.json`` is written last
PROCESSED_FILES = ("contacts.parquet", "looked_after.parquet", "quarantine.csv", "recoding_audit.csv",
                   "ingest_summary.json")


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
