"""Multiple comparisons: Benjamini–Hochberg control of the false discovery rate over a family of
tests (statsmodels ``multipletests``), so that a page that runs many tests (the terms of a model,
eleven agencies, nine KPIs a month) writes as findings only those that survive the family."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

#: the false discovery rate the pack controls each family of findings at
FDR = 0.05


def bh_adjust(p_values: Sequence[float] | np.ndarray | pd.Series, *, alpha: float = FDR) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini–Hochberg over one family: ``(q, found)`` with ``q`` the adjusted p-values
    (NaN where the p-value is missing; missing p-values are not part of the family) and
    ``found`` True where q <= ``alpha``. Assumes the tests are independent or positively
    dependent (Benjamini and Hochberg 1995; Benjamini and Yekutieli 2001)."""
    p = pd.to_numeric(pd.Series(np.asarray(p_values, dtype=float)), errors="coerce").to_numpy(float)
    q = np.full(len(p), np.nan)
    found = np.zeros(len(p), dtype=bool)
    ok = np.isfinite(p)
    if ok.any():
        reject, adjusted, _, _ = multipletests(p[ok], alpha=alpha, method="fdr_bh")
        q[ok], found[ok] = adjusted, reject
    return q, found
