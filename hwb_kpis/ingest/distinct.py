"""Per-value work done once per distinct value: factorise a column, compute on its distinct
values, expand the result back to every row (dates, value maps, months and age bands repeat a
lot, so this is where cleaning saves most of its time)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``(codes, uniques)`` with ``uniques.take(codes)`` equal to ``values`` (NA is a value too):
    per-value work is then done once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, pd.Series(uniques)


def expand(uniques: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The value of each code, as a Series on ``index``."""
    return pd.Series(uniques.array.take(codes), index=index)


def on_distinct(values: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``func(values)`` for an element-wise ``func``, computed once per distinct value."""
    codes, uniques = factorize(values)
    return expand(func(uniques), codes, values.index)
