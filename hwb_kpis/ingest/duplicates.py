"""Repeated records: exact copies of a row (dropped and counted) and rows that share a key but
differ in content (conflicts, quarantined), found among the few rows whose key repeats."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis.privacy.pseudonym import IdCollision


def exact_duplicates(data: pd.DataFrame, content: list[str], key: str,
                     key_numbers: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(data.duplicated(subset=content, keep="first"), rows whose key column is not unique)``.

    Rows are compared in full only among the second set: exact copies share every column.
    ``key_numbers`` (one integer per row, equal for equal keys, such as the keys' digests) narrow
    the search: only rows whose number repeats have their key compared as text; two different
    keys with one number (a collision of the digests) raise :class:`IdCollision`."""
    if key_numbers is None:
        repeated_key = data[key].duplicated(keep=False).to_numpy()
    else:
        ordered = np.sort(key_numbers)
        repeats = ordered[1:][ordered[1:] == ordered[:-1]]
        repeated_key = np.zeros(len(data), dtype=bool)
        if len(repeats):
            candidates = np.isin(key_numbers, repeats)
            texts = data.loc[candidates, key]
            repeated_key[candidates] = texts.duplicated(keep=False).to_numpy()
            _check_one_text_per_number(key_numbers[candidates], texts, np.flatnonzero(candidates))
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


def _check_one_text_per_number(numbers: np.ndarray, texts: pd.Series, positions: np.ndarray) -> None:
    """Raise :class:`IdCollision` (with the positions of the first row of two of them) when rows
    with one number hold different texts."""
    firsts = pd.DataFrame({"number": numbers, "text": texts.to_numpy()}).drop_duplicates()
    clash = firsts["number"].duplicated(keep=False).to_numpy()
    if clash.any():
        number = firsts["number"].to_numpy()[np.argmax(clash)]
        pair = positions[firsts.index[(firsts["number"] == number).to_numpy()][:2]]
        raise IdCollision(tuple(int(p) for p in pair))
