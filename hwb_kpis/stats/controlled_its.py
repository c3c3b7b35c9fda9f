"""Controlled interrupted time series: a segmented binomial GLM of one series' proportion around
a break, against a comparison series that shares every month's common shocks.

For months t (whole months, t0 = the first month at or after the break) and two series — the
series of interest (s = 1) and the comparison (s = 0) — the model is

    logit p_{s,t} = month_t + s (a + b t + c post_t + d (t - t0) post_t)

with one fixed effect per month (``month_t``: whatever moved every series that month, such as a
system-wide trend or a one-off), so ``c`` is the level change and ``d`` the slope change of the
series *relative to the comparison*: ``exp(c)`` the odds ratio at the break, ``exp(d)`` per month.
Without a comparison (``comparison`` None) it is the plain segmented regression
``logit p_t = a + b t + c post_t + d (t - t0) post_t`` of :func:`hwb_kpis.stats.models.interrupted_time_series`.
The variance is binomial, or quasi-binomial (scale = Pearson chi2 / residual df) when the months
vary more than binomial chance allows. Generic: no domain words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps
from scipy.special import expit

#: the link-scale terms of the series' level and slope change
LEVEL, SLOPE = "post", "month_after"


@dataclass(frozen=True)
class BreakResult:
    """Level and slope change at a break, with (1 - alpha) confidence intervals.

    ``level_log_odds`` / ``slope_log_odds``: ``c`` and ``d`` of the module docstring, with CIs and
    p-values; ``level_pp``: the series' fitted proportion at the first month after the break minus
    the same without the level change, in percentage points (delta-method CI); ``n_before`` /
    ``n_after``: months on each side; ``quasi`` / ``phi``: whether the scale was estimated, and it."""

    level_log_odds: float
    level_ci: tuple[float, float]
    level_p: float
    slope_log_odds: float
    slope_ci: tuple[float, float]
    slope_p: float
    level_pp: float
    level_pp_ci: tuple[float, float]
    n_before: int
    n_after: int
    quasi: bool
    phi: float
    controlled: bool

    @property
    def level_odds_ratio(self) -> float:
        return float(np.exp(self.level_log_odds))

    @property
    def slope_odds_ratio(self) -> float:
        return float(np.exp(self.slope_log_odds))


def _design(months: np.ndarray, t0: float, controlled: bool) -> tuple[pd.DataFrame, np.ndarray]:
    """(design, which rows are the series) for ``months`` (whole-month positions), stacked
    series-then-comparison when ``controlled``."""
    n = len(months)
    post = (months >= t0).astype(float)
    series = pd.DataFrame({"series": 1.0, "month": months, LEVEL: post, SLOPE: (months - t0) * post})
    if not controlled:
        return series.rename(columns={"series": "const"}), np.ones(n, dtype=bool)
    fixed = pd.get_dummies(pd.Categorical(np.concatenate([months, months])), prefix="m", dtype=float)
    terms = pd.concat([series, pd.DataFrame(0.0, index=range(n), columns=series.columns)], ignore_index=True)
    return pd.concat([fixed, terms], axis=1), np.r_[np.ones(n, dtype=bool), np.zeros(n, dtype=bool)]


def segmented_break(months, numerators, denominators, *, at: float, comparison: tuple | None = None,
                    alpha: float = 0.05) -> BreakResult:
    """Level and slope change of ``numerators / denominators`` at month position ``at`` (months:
    whole-month positions such as 0, 1, 2, ...), against ``comparison`` = (numerators,
    denominators) of the same months when given (see the module docstring). Months with a zero
    denominator are left out. Raises ValueError when a side of the break has no month."""
    t = np.asarray(months, dtype=float)
    y = np.asarray(numerators, dtype=float)
    n = np.asarray(denominators, dtype=float)
    controlled = comparison is not None
    if controlled:
        yc, nc = (np.asarray(v, dtype=float) for v in comparison)
        keep = (n > 0) & (nc > 0)
        t, y, n, yc, nc = t[keep], y[keep], n[keep], yc[keep], nc[keep]
    else:
        keep = n > 0
        t, y, n = t[keep], y[keep], n[keep]
    before, after = int((t < at).sum()), int((t >= at).sum())
    if before == 0 or after == 0:
        raise ValueError(f"break at {at!r} leaves no months on one side")
    exog, is_series = _design(t, float(at), controlled)
    num = np.r_[y, yc] if controlled else y
    den = np.r_[n, nc] if controlled else n
    model = sm.GLM(np.column_stack([num, den - num]), exog, family=sm.families.Binomial())
    res = model.fit()
    phi = float(res.pearson_chi2 / res.df_resid) if res.df_resid > 0 else float("nan")
    quasi = bool(np.isfinite(phi) and phi > 1)
    if quasi:  # explicit scale (see hwb_kpis.stats.models._fit_binomial)
        res = model.fit(scale=phi)
    zq = float(sps.norm.ppf(1 - alpha / 2))
    ci = res.conf_int(alpha)

    def term(name: str) -> tuple[float, tuple[float, float], float]:
        return float(res.params[name]), (float(ci.loc[name, 0]), float(ci.loc[name, 1])), float(res.pvalues[name])

    level, level_ci, level_p = term(LEVEL)
    slope, slope_ci, slope_p = term(SLOPE)
    # the series' linear predictor at the first month after the break, without the change
    first_after = int(np.flatnonzero(is_series & (exog["month"].to_numpy() >= at))[0]) if controlled else \
        int(np.flatnonzero(t >= at)[0])
    xv = exog.iloc[first_after].to_numpy(dtype=float).copy()
    names = list(exog.columns)
    xv[names.index(LEVEL)] = 0.0
    xv[names.index(SLOPE)] = 0.0
    eta = float(xv @ res.params.to_numpy())
    p1, p0 = expit(eta + level), expit(eta)
    grad = xv * (p1 * (1 - p1) - p0 * (1 - p0))
    grad[names.index(LEVEL)] = p1 * (1 - p1)
    se = float(np.sqrt(grad @ res.cov_params().to_numpy() @ grad))
    pp = (p1 - p0) * 100
    return BreakResult(level, level_ci, level_p, slope, slope_ci, slope_p, float(pp),
                       (float(pp - zq * se * 100), float(pp + zq * se * 100)), before, after, quasi, phi, controlled)
