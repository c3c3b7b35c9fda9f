"""The tidy KPI rows every KPI function returns (:data:`COLUMNS`: one row per kpi, group and
period), built from count matrices."""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = (
    "kpi", "group", "month", "period", "numerator", "denominator", "rate",
    "incomplete_history", "partial_period", "limit",
)
#: the group of every contact of a period
ALL = "all"
#: the source group of codes 3A-3F (always shown, with zeros if need be)
HEALTH = "health"


def empty_rows() -> pd.DataFrame:
    """No rows, with the columns and dtypes of :data:`COLUMNS`."""
    return pd.DataFrame({
        "kpi": pd.Series(dtype="string"), "group": pd.Series(dtype="string"),
        "month": pd.Series(dtype="string"), "period": pd.Series(dtype="string"),
        "numerator": pd.Series(dtype="int64"), "denominator": pd.Series(dtype="int64"),
        "rate": pd.Series(dtype="float64"), "incomplete_history": pd.Series(dtype="bool"),
        "partial_period": pd.Series(dtype="bool"), "limit": pd.Series(dtype="string"),
    })


def rows_from_counts(kpi: str, groups: list[str], labels: np.ndarray, num: np.ndarray, den: np.ndarray, *,
                     period: str = "month", incomplete: np.ndarray | None = None,
                     partial: np.ndarray | None = None, limit: str | None = None) -> pd.DataFrame:
    """Tidy rows from count matrices ``num``/``den`` of shape (periods, groups), ordered by
    period, then by ``groups`` order; ``rate`` is NaN where the denominator is 0."""
    n_p, n_g = num.shape
    if n_p == 0:
        return empty_rows()
    num = num.astype(np.int64).ravel()
    den = den.astype(np.int64).ravel()
    rate = np.full(num.shape, np.nan)
    np.divide(num, den, out=rate, where=den > 0)
    flags_i = np.zeros(n_p, bool) if incomplete is None else incomplete
    flags_p = np.zeros(n_p, bool) if partial is None else partial
    return pd.DataFrame({
        "kpi": pd.array([kpi] * (n_p * n_g), dtype="string"),
        "group": pd.array(np.tile(np.asarray(groups, dtype=object), n_p), dtype="string"),
        "month": pd.array(np.repeat(np.asarray(labels, dtype=object), n_g), dtype="string"),
        "period": pd.array([period] * (n_p * n_g), dtype="string"),
        "numerator": num,
        "denominator": den,
        "rate": rate,
        "incomplete_history": np.repeat(flags_i, n_g),
        "partial_period": np.repeat(flags_p, n_g),
        "limit": pd.array([limit] * (n_p * n_g), dtype="string"),
    })
