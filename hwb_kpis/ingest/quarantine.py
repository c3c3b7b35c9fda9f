"""The quarantine table of one raw table: file, row, column, reason and the offending value
(masked where the column may identify a child), the reader's malformed rows included."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis.ingest.raw import RawTable

QUARANTINE_COLUMNS = ["table", "file", "row", "column", "reason", "value"]
MASKED = "[masked]"
WHOLE_ROW = "(whole row)"
#: longest value copied into the quarantine
VALUE_CHARS = 80


def quarantine_frame(raw: RawTable, rows: pd.DataFrame, reasons: np.ndarray, columns: np.ndarray) -> pd.DataFrame:
    """The quarantine rows: file, row, column, reason and the offending value (masked where the
    column may identify a child), with the reader's malformed rows, in row order."""
    values = np.full(len(rows), "", dtype=object)
    for col in np.unique(columns.astype(str)):
        at = columns == col
        if col in raw.spec.masked:
            values[at] = MASKED
        elif col in rows.columns:
            values[at] = [str(v)[:VALUE_CHARS] for v in rows.loc[at, col]]
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
