"""Repeated records: exact copies of a row (dropped and counted) and rows that share a key but
differ in content (conflicts, quarantined), found among the few rows whose key repeats."""

from __future__ import annotations

import numpy as np
import pandas as pd


def exact_duplicates(data: pd.DataFrame, content: list[str], key: str,
                     key_numbers: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(data.duplicated(subset=content, keep="first"), rows whose key column is not unique)``.

    Rows are compared in full only among the second set: exact copies share every column.
    ``key_numbers`` (one integer per row, equal for equal keys, such as the keys' digests) narrow
    the search: only rows whose number repeats have their key compared as text."""
    if key_numbers is None:
        repeated_key = data[key].duplicated(keep=False).to_numpy()
    else:
        ordered = np.sort(key_numbers)
        repeats = ordered[1:][ordered[1:] == ordered[:-1]]
        repeated_key = np.zeros(len(data), dtype=bool)
        if len(repeats):
            candidates = np.isin(key_numbers, repeats)
            repeated_key[candidates] = data.loc[candidates, key].duplicated(keep=False).to_numpy()
    dup = np.zeros(len(data), dtype=bool)
    if repeated_key.any():
        dup[repeated_key] = data.loc[repeated_key].duplicated(subset=content, keep="first").to_numpy()
    return dup, repeated_key


def repeated(key_text: pd.Series, among: np.ndarray) -> np.ndarray:
    """For each row, whether its key (``key_text``, given for the rows ``among`` only) is shared
    with another of those rows."""
    out = np.zeros(len(among), dtype=bool)
    if among.any():
        out[among] = key_text.duplicated(keep=False).to_numpy()
    return out
