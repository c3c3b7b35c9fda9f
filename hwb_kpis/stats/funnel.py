"""Funnel plot limits: which agencies' or teams' rates differ from the pooled rate beyond chance.

Limits are exact binomial quantiles around the pooled rate (Spiegelhalter 2005, "Funnel plots for
comparing institutional performance", Stat Med 24:1185), at 95% and 99.8% by default, with
Spiegelhalter's interpolation between the discrete binomial steps; optionally widened for
over-dispersion by a multiplicative factor phi estimated from Winsorised z-scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

DEFAULT_LEVELS = (0.95, 0.998)


def level_tag(level: float) -> str:
    """Column suffix for a coverage level: 0.95 -> ``95``, 0.998 -> ``99_8``."""
    pct = f"{level * 100:.10g}"
    return pct.replace(".", "_")


def binomial_limit(p: float, n: np.ndarray | float, q: float, *, interpolate: bool = True) -> np.ndarray:
    """The q-quantile of a binomial(n, p) proportion (0-1).

    Without interpolation: r_q / n with r_q the smallest r where P(Y <= r) >= q (scipy
    ``binom.ppf``). With interpolation (Spiegelhalter 2005, appendix):
    (r_q - a) / n with a = (P(Y <= r_q) - q) / P(Y = r_q), which makes the funnel smooth.
    """
    n = np.asarray(n, dtype=float)
    r = sps.binom.ppf(q, n, p)
    if not interpolate:
        return r / n
    a = (sps.binom.cdf(r, n, p) - q) / sps.binom.pmf(r, n, p)
    return np.clip((r - a) / n, 0.0, 1.0)


def funnel_phi(
    numerators: np.ndarray, denominators: np.ndarray, pooled: float, *, winsorise: float = 0.1
) -> float:
    """Spiegelhalter's multiplicative over-dispersion factor phi = mean of squared z-scores,
    z_i = (p_i - p0) / sqrt(p0 (1 - p0) / n_i), after Winsorising z at the ``winsorise`` and
    1 - ``winsorise`` quantiles (0 = no Winsorising). phi near 1 means binomial variation."""
    z = (numerators / denominators - pooled) / np.sqrt(pooled * (1 - pooled) / denominators)
    if winsorise > 0 and len(z) > 2:
        lo, hi = np.quantile(z, [winsorise, 1 - winsorise])
        z = np.clip(z, lo, hi)
    return float(np.mean(z**2))


def funnel_curve(
    pooled: float,
    n_max: float,
    *,
    n_min: float = 1,
    levels: Sequence[float] = DEFAULT_LEVELS,
    phi: float = 1.0,
    interpolate: bool = True,
    points: int = 200,
) -> pd.DataFrame:
    """The funnel lines on a grid of denominators (for plotting): columns ``n``,
    ``lower_<tag>``, ``upper_<tag>`` per level (proportions 0-1). With ``phi`` > 1 the limits are
    the normal approximation p0 +/- z_q sqrt(phi p0 (1 - p0) / n) (Spiegelhalter 2005, sec. 6)."""
    n = np.unique(np.round(np.geomspace(max(n_min, 1), max(n_max, 2), points)))
    return _limits_at(pooled, n, levels, phi, interpolate).assign(n=n)[
        ["n", *[c for c in _limit_columns(levels)]]
    ]


def _limit_columns(levels: Sequence[float]) -> list[str]:
    cols = []
    for lv in levels:
        cols += [f"lower_{level_tag(lv)}", f"upper_{level_tag(lv)}"]
    return cols


def _limits_at(pooled: float, n: np.ndarray, levels: Sequence[float], phi: float,
               interpolate: bool) -> pd.DataFrame:
    out = {}
    for lv in levels:
        lo_q, hi_q = (1 - lv) / 2, 1 - (1 - lv) / 2
        tag = level_tag(lv)
        if phi > 1:
            half = sps.norm.ppf(hi_q) * np.sqrt(phi * pooled * (1 - pooled) / n)
            out[f"lower_{tag}"] = np.clip(pooled - half, 0, 1)
            out[f"upper_{tag}"] = np.clip(pooled + half, 0, 1)
        else:
            out[f"lower_{tag}"] = binomial_limit(pooled, n, lo_q, interpolate=interpolate)
            out[f"upper_{tag}"] = binomial_limit(pooled, n, hi_q, interpolate=interpolate)
    return pd.DataFrame(out)


def funnel_limits(
    numerators: Sequence[float] | np.ndarray | pd.Series,
    denominators: Sequence[float] | np.ndarray | pd.Series,
    *,
    labels: Sequence[Any] | None = None,
    levels: Sequence[float] = DEFAULT_LEVELS,
    target: float | None = None,
    overdispersion: bool = False,
    winsorise: float = 0.1,
    interpolate: bool = True,
) -> pd.DataFrame:
    """Funnel-plot limits at each unit's own denominator, and whether the unit lies outside.

    ``numerators``/``denominators``: counts per unit (agency, team); the centre is ``target`` or
    the pooled rate sum(numerators) / sum(denominators). Returns one row per unit: ``label,
    numerator, denominator, rate, pooled, z, lower_95, upper_95, lower_99_8, upper_99_8``,
    ``flag`` (``above 99.8%``, ``above 95%``, ``within``, ``below 95%``, ``below 99.8%`` for the
    default levels) and ``outside`` (beyond the widest limits). ``attrs``: ``pooled``, ``phi``
    (estimated over-dispersion, reported even when not used), ``phi_used``, ``levels``.

    Assumes the units' events are independent binomial counts. With ``overdispersion=True`` and
    phi > 1 the limits are widened by sqrt(phi) (normal approximation). Do not use when units
    overlap (a contact counted in two units) or for units with a denominator of 0 (drop them);
    do not read it as a ranking: units inside the funnel are indistinguishable.
    """
    num = pd.to_numeric(pd.Series(numerators)).to_numpy(dtype=float, na_value=np.nan)
    den = pd.to_numeric(pd.Series(denominators)).to_numpy(dtype=float, na_value=np.nan)
    if len(num) != len(den) or (den <= 0).any() or np.isnan(num).any() or (num > den).any():
        raise ValueError("funnel_limits needs matching counts with 0 <= numerator <= denominator > 0")
    pooled = float(target) if target is not None else float(num.sum() / den.sum())
    phi = funnel_phi(num, den, pooled, winsorise=winsorise)
    phi_used = phi if (overdispersion and phi > 1) else 1.0
    df = pd.DataFrame({
        "label": list(labels) if labels is not None else list(range(len(num))),
        "numerator": num, "denominator": den, "rate": num / den, "pooled": pooled,
        "z": (num / den - pooled) / np.sqrt(pooled * (1 - pooled) / den),
    })
    lim = _limits_at(pooled, den, levels, phi_used, interpolate)
    df = pd.concat([df, lim], axis=1)
    flag = np.full(len(df), "within", dtype=object)
    for lv in sorted(levels):  # wider levels overwrite narrower ones
        tag = level_tag(lv)
        pct = f"{lv * 100:.10g}%"
        flag = np.where(df["rate"] > df[f"upper_{tag}"], f"above {pct}", flag)
        flag = np.where(df["rate"] < df[f"lower_{tag}"], f"below {pct}", flag)
    df["flag"] = pd.array(flag, dtype="string")
    widest = level_tag(max(levels))
    df["outside"] = ((df["rate"] > df[f"upper_{widest}"]) | (df["rate"] < df[f"lower_{widest}"])).to_numpy(bool)
    df["label"] = df["label"].astype("string")
    df.attrs.update({"pooled": pooled, "phi": phi, "phi_used": phi_used, "levels": tuple(levels),
                     "interpolate": interpolate})
    return df
