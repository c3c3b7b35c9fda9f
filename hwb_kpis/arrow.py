"""Arrow views of pandas text columns, for the modules that hand text to pyarrow kernels
(pseudonymisation, the pandera contract, the KPIs)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def backing_array(values: pd.Series) -> pa.Array | None:
    """The Arrow array behind an Arrow-backed text column, as one chunk (no copy when it is one
    already); None for any other column."""
    dtype = values.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    arr = pa.array(values.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    return arr


def text_array(values: pd.Series) -> pa.Array:
    """Any column as one Arrow string array (converted to text first; missing stays missing)."""
    arr = pa.array(values.astype("string").array, type=pa.string())
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
