"""Keeping the clean rows: one filter per column, with Arrow's filter for text (much faster than
pandas' take on Arrow strings), and never a full copy of the table beside the cleaned columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def filter_rows(data: pd.DataFrame | pd.Series, keep: np.ndarray) -> pd.DataFrame | pd.Series:
    """``data.loc[keep].reset_index(drop=True)``, with Arrow's filter for text columns."""
    if isinstance(data, pd.Series):
        return filter_rows(data.to_frame(name="values"), keep)["values"].rename(data.name)
    mask = pa.array(keep, type=pa.bool_())
    columns = {}
    for name, values in data.items():
        if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
            arrow = pa.array(values.array, type=pa.string())
            columns[name] = pd.array(pc.filter(arrow, mask), dtype=values.dtype)
        else:
            columns[name] = values.to_numpy()[keep] if values.dtype.kind in "biufcmM" else values[keep].array
    return pd.DataFrame(columns, index=pd.RangeIndex(int(keep.sum())))


class KeptRows:
    """The rows of ``data`` where ``keep`` is true, one column at a time (``rows[column]``), so that
    a full copy of the table never exists beside the cleaned columns built from it."""

    def __init__(self, data: pd.DataFrame, keep: np.ndarray) -> None:
        self.data, self.keep = data, keep

    def __getitem__(self, column: str) -> pd.Series:
        return filter_rows(self.data[column], self.keep)
