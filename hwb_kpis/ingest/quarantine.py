"""The quarantine table of one raw table: file, row, column, reason and the offending value, the
reader's malformed rows included. The value is shown only when it is a code or a date (an unknown
outcome ``TBC``, an impossible date ``31/02/2015``); anything else, and every value of a column
that may identify a child, is masked: a name typed into any column never reaches the file."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from hwb_kpis.ingest.raw import RawTable
from hwb_kpis.privacy.redact import is_known_text, load_redaction

QUARANTINE_COLUMNS = ["table", "file", "row", "column", "reason", "value"]
MASKED = "[masked]"
WHOLE_ROW = "(whole row)"
#: longest value copied into the quarantine
VALUE_CHARS = 80


def quarantine_frame(raw: RawTable, rows: pd.DataFrame, reasons: np.ndarray, columns: np.ndarray) -> pd.DataFrame:
    """The quarantine rows: file, row, column, reason and the offending value (masked where the
    column may identify a child), with the reader's malformed rows, in row order."""
    values = np.full(len(rows), "", dtype=object)
    redaction = load_redaction() if len(rows) else None
    for col in np.unique(columns.astype(str)):
        at = columns == col
        if col in raw.spec.masked:
            values[at] = MASKED
        elif col in rows.columns:
            is_date = col in raw.spec.dates
            values[at] = [shown_value(str(v), is_date=is_date, redaction=redaction) for v in rows.loc[at, col]]
    q = pd.DataFrame(
        {
            "table": raw.spec.name,
            "file": raw.path.name,
            "row": rows["source_row"].to_numpy(),
            "column": columns.astype(str),
            "reason": reasons.astype(str),
            "value": values,
        }
    )
    if len(raw.malformed):
        m = pd.DataFrame(
            {
                "table": raw.spec.name,
                "file": raw.path.name,
                "row": raw.malformed["row"].to_numpy(),
                "column": WHOLE_ROW,
                "reason": raw.malformed["reason"].to_numpy(),
                "value": MASKED,
            }
        )
        q = pd.concat([q, m], ignore_index=True)
    return q.sort_values("row", kind="stable").reset_index(drop=True)[QUARANTINE_COLUMNS]


_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
#: a date as it may be written, right or wrong (digits, separators, month names, a time)
_DATE_LIKE = re.compile(
    rf"(?:\d{{1,5}}(?:[/.\- ](?:\d{{1,4}}|{_MONTH})){{0,2}}|{_MONTH}[ \-]\d{{4}})(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d{1,4}")


def shown_value(value: str, *, is_date: bool, redaction=None) -> str:
    """The value as the quarantine shows it: a date-like text in a date column, or a code (a
    short number, or known words only: ``TBC``, ``See case notes``) elsewhere; else masked."""
    value = value.strip()
    if value == "":
        return ""
    if len(value) > VALUE_CHARS:
        return MASKED
    if is_date:
        return value if _DATE_LIKE.fullmatch(value) else MASKED
    if _NUMBER.fullmatch(value) or is_known_text(value, redaction):
        return value
    return MASKED
