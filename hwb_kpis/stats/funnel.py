"""Funnel plot limits: which agencies' or teams' rates differ from the pooled rate beyond chance.

Limits are exact binomial quantiles around the pooled rate (Spiegelhalter 2005, "Funnel plots for
comparing institutional performance", Stat Med 24:1185), at 95% and 99.8% by default, with
Spiegelhalter's interpolation between the discrete binomial steps. When the units differ among
themselves by more than binomial chance (over-dispersion: phi, the mean squared Winsorised
z-score, tested as I phi against chi-square on I - 1 degrees of freedom), the limits can be
widened by the multiplicative factor phi (sec. 6.1) or by the additive between-unit variance
tau^2 of a random-effects model (sec. 6.2, DerSimonian-Laird), which is what ``"auto"`` uses.
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


def funnel_tau2(denominators: np.ndarray, pooled: float, phi: float) -> float:
    """Spiegelhalter's (2005, sec. 6.2) additive between-unit variance on the rate scale:
    tau^2 = (I phi - (I - 1)) / (sum w_i - sum w_i^2 / sum w_i), w_i = 1 / s_i^2 with
    s_i^2 = p0 (1 - p0) / n_i; 0 when I phi <= I - 1 (no over-dispersion)."""
    den = np.asarray(denominators, dtype=float)
    k = len(den)
    if k < 2 or not 0 < pooled < 1:
        return 0.0
    w = den / (pooled * (1 - pooled))
    excess = k * phi - (k - 1)
    return float(max(0.0, excess / (w.sum() - (w**2).sum() / w.sum())))


def funnel_curve(
    pooled: float,
    n_max: float,
    *,
    n_min: float = 1,
    levels: Sequence[float] = DEFAULT_LEVELS,
    phi: float = 1.0,
    tau2: float = 0.0,
    interpolate: bool = True,
    points: int = 200,
) -> pd.DataFrame:
    """The funnel lines on a grid of denominators (for plotting): columns ``n``,
    ``lower_<tag>``, ``upper_<tag>`` per level (proportions 0-1). With ``phi`` > 1 the limits are
    the normal approximation p0 +/- z_q sqrt(phi p0 (1 - p0) / n), with ``tau2`` > 0
    p0 +/- z_q sqrt(p0 (1 - p0) / n + tau2) (Spiegelhalter 2005, sec. 6)."""
    n = np.unique(np.round(np.geomspace(max(n_min, 1), max(n_max, 2), points)))
    return _limits_at(pooled, n, levels, phi, interpolate, tau2).assign(n=n)[
        ["n", *[c for c in _limit_columns(levels)]]
    ]


def _limit_columns(levels: Sequence[float]) -> list[str]:
    cols = []
    for lv in levels:
        cols += [f"lower_{level_tag(lv)}", f"upper_{level_tag(lv)}"]
    return cols


def _limits_at(pooled: float, n: np.ndarray, levels: Sequence[float], phi: float,
               interpolate: bool, tau2: float = 0.0) -> pd.DataFrame:
    out = {}
    for lv in levels:
        lo_q, hi_q = (1 - lv) / 2, 1 - (1 - lv) / 2
        tag = level_tag(lv)
        if phi > 1 or tau2 > 0:
            var = max(phi, 1.0) * pooled * (1 - pooled) / n + tau2
            half = sps.norm.ppf(hi_q) * np.sqrt(var)
            out[f"lower_{tag}"] = np.clip(pooled - half, 0, 1)
            out[f"upper_{tag}"] = np.clip(pooled + half, 0, 1)
        else:
            out[f"lower_{tag}"] = binomial_limit(pooled, n, lo_q, interpolate=interpolate)
            out[f"upper_{tag}"] = binomial_limit(pooled, n, hi_q, interpolate=interpolate)
    return pd.DataFrame(out)


#: the ways :func:`funnel_limits` allows for over-dispersion
METHODS = ("none", "multiplicative", "additive")


def _method(overdispersion: bool | str, overdispersed: bool, auto_method: str) -> str:
    if overdispersion is True:
        return "multiplicative"
    if overdispersion is False or overdispersion == "none":
        return "none"
    if overdispersion == "auto":
        return auto_method if overdispersed else "none"
    if overdispersion in METHODS:
        return str(overdispersion)
    raise ValueError(f"overdispersion must be True, False, 'auto' or one of {METHODS}, got {overdispersion!r}")


def funnel_limits(
    numerators: Sequence[float] | np.ndarray | pd.Series,
    denominators: Sequence[float] | np.ndarray | pd.Series,
    *,
    labels: Sequence[Any] | None = None,
    levels: Sequence[float] = DEFAULT_LEVELS,
    target: float | None = None,
    overdispersion: bool | str = False,
    auto_method: str = "additive",
    winsorise: float = 0.1,
    interpolate: bool = True,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Funnel-plot limits at each unit's own denominator, and whether the unit lies outside.

    ``numerators``/``denominators``: counts per unit (agency, team); the centre is ``target`` or
    the pooled rate sum(numerators) / sum(denominators). Returns one row per unit: ``label,
    numerator, denominator, rate, pooled, z`` (binomial), ``z_adjusted`` (allowing for the
    over-dispersion used), ``p_value`` (two-sided, from ``z_adjusted``), ``q_value``
    (Benjamini–Hochberg over the units), ``lower_95, upper_95, lower_99_8, upper_99_8``,
    ``flag`` (``above 99.8%``, ``above 95%``, ``within``, ``below 95%``, ``below 99.8%`` for the
    default levels) and ``outside`` (beyond the widest limits). ``attrs``: ``pooled``, ``phi``
    (estimated over-dispersion, reported even when not used), ``phi_p_value`` (I phi against
    chi-square on I - 1 df), ``overdispersed`` (that p-value below ``alpha``), ``method``
    (``none``, ``multiplicative``, ``additive``), ``phi_used``, ``tau2``, ``levels``.

    ``overdispersion``: False (binomial limits), True or ``"multiplicative"`` (limits widened by
    sqrt(phi), normal approximation), ``"additive"`` (p0 +/- z sqrt(s_i^2 + tau^2)), or
    ``"auto"``: ``auto_method`` when the units are over-dispersed, else binomial.

    Assumes the units' events are independent binomial counts (plus, with over-dispersion
    allowed, a between-unit spread that is not any unit's doing). Do not use when units overlap
    (a contact counted in two units) or for units with a denominator of 0 (drop them); do not
    read it as a ranking: units inside the funnel are indistinguishable.
    """
    from hwb_kpis.stats.multiplicity import bh_adjust

    num = pd.to_numeric(pd.Series(numerators)).to_numpy(dtype=float, na_value=np.nan)
    den = pd.to_numeric(pd.Series(denominators)).to_numpy(dtype=float, na_value=np.nan)
    if len(num) != len(den) or (den <= 0).any() or np.isnan(num).any() or (num > den).any():
        raise ValueError("funnel_limits needs matching counts with 0 <= numerator <= denominator > 0")
    pooled = float(target) if target is not None else float(num.sum() / den.sum())
    phi = funnel_phi(num, den, pooled, winsorise=winsorise)
    k = len(num)
    dof = k if target is not None else k - 1
    phi_p = float(sps.chi2.sf(k * phi, dof)) if dof > 0 and np.isfinite(phi) else float("nan")
    overdispersed = bool(phi_p < alpha)
    method = _method(overdispersion, overdispersed, auto_method)
    phi_used = phi if (method == "multiplicative" and phi > 1) else 1.0
    tau2 = funnel_tau2(den, pooled, phi) if method == "additive" else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(pooled * (1 - pooled) / den)
        z = (num / den - pooled) / se
        z_adj = (num / den - pooled) / np.sqrt(phi_used * se**2 + tau2)
    p_value = 2 * sps.norm.sf(np.abs(z_adj))
    q_value, _ = bh_adjust(p_value)
    df = pd.DataFrame({
        "label": list(labels) if labels is not None else list(range(len(num))),
        "numerator": num, "denominator": den, "rate": num / den, "pooled": pooled,
        "z": z, "z_adjusted": z_adj, "p_value": p_value, "q_value": q_value,
    })
    lim = _limits_at(pooled, den, levels, phi_used, interpolate, tau2)
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
    df.attrs.update({"pooled": pooled, "phi": phi, "phi_p_value": phi_p, "overdispersed": overdispersed,
                     "method": method, "phi_used": phi_used, "tau2": tau2, "levels": tuple(levels),
                     "interpolate": interpolate})
    return df
