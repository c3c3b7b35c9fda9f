"""Statistical process control (SPC) in the NHS England "Making Data Count" style.

The XmR calculations and special-cause rules follow the NHS-R community's NHSRplotthedots
(``ptd_spc_standard`` and ``ptd_calculate_point_type``) exactly:

* centre line = mean of the segment (or of its first *n* points, "fix after n points");
* moving ranges |y_t - y_{t-1}| within a segment; with screening on (the default) moving ranges
  >= 3.267 x the mean moving range are dropped and the mean moving range recomputed (off
  reproduces the Making Data Count Excel tool);
* process limits = mean +/- 2.66 x mean moving range; the near-limit ("2 sigma") lines are at
  mean +/- (2/3 x 2.66) x mean moving range, i.e. sigma = 2.66/3 x mean MR (= mean MR / 1.128);
* the four special-cause rules, one function each in :mod:`.spc_rules` (``beyond_limit``,
  ``trend``, ``two_of_three``, ``shift``, in priority order; the ``rule`` column names the first
  that fired);
* each rebased segment gets its own mean, limits and rules; a segment of fewer than 12 points has
  *trial limits* (column ``trial_limits``).

The p-chart uses the same rules with limits that vary with the denominator; the Laney p'-chart
widens them by sigma_z, the between-month variation of the z-scores.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from hwb_kpis.stats.spc_rules import (  # noqa: F401  (the rules are part of this module's API)
    RULES,
    RUN,
    beyond_limit,
    shift,
    special_causes,
    trend,
    two_of_three,
)

Direction = Literal["increase", "decrease", "neutral"]

LIMIT = 2.66  #: process limits = mean +/- LIMIT x mean moving range
NEAR_LIMIT = 2 * LIMIT / 3  #: near-limit (2 sigma) lines = mean +/- NEAR_LIMIT x mean MR
SCREEN = 3.267  #: moving ranges >= SCREEN x mean MR are screened out
D2 = 1.128  #: bias constant d2 for moving ranges of 2 (Laney sigma_z = mean MR(z) / D2)
TRIAL_POINTS = 12  #: fewer points than this in a segment -> trial limits

_DIRECTIONS = {"increase": 1, "decrease": -1, "neutral": 0}


# --- helpers ---------------------------------------------------------------------------------
def _direction_sign(improvement_direction: str) -> int:
    try:
        return _DIRECTIONS[improvement_direction]
    except KeyError:
        raise ValueError(
            f"improvement_direction must be one of {sorted(_DIRECTIONS)}, got {improvement_direction!r}"
        ) from None


def _as_float(values: Any, name: str) -> np.ndarray:
    if isinstance(values, pd.Series):
        s = values
    else:
        s = pd.Series(values if isinstance(values, np.ndarray) else list(values))
    try:
        return pd.to_numeric(s, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be numbers") from None


def _segments(n: int, x: pd.Series | None, rebase_at: Sequence[Any] | Any | None) -> np.ndarray:
    """Segment number (0, 1, ...) of each point. A segment starts at the point whose x equals a
    rebase value (or, without x, at the integer position given). A rebase value that is not one
    of the x values is an error (NHSRplotthedots rebases only at dates in x): moving it silently
    to the next point would start limits at a month nobody declared."""
    seg = np.zeros(n, dtype=int)
    if rebase_at is None:
        return seg
    if isinstance(rebase_at, str) or not isinstance(rebase_at, Sequence | np.ndarray | pd.Index | pd.Series):
        rebase_at = [rebase_at]
    for r in rebase_at:
        if x is None:
            start = int(r)
            if not 0 < start < n:
                raise ValueError(f"rebase position {r!r} is outside 1..{n - 1}")
            seg[start:] += 1
            continue
        if pd.api.types.is_datetime64_any_dtype(x):
            r = pd.Timestamp(r)
        elif isinstance(x.dtype, pd.PeriodDtype):
            r = pd.Period(r, freq=x.dtype.freq)
        hits = np.flatnonzero((x == r).to_numpy(dtype=bool, na_value=False))
        if len(hits) == 0:
            raise ValueError(f"rebase date {r!r} is not one of the chart's x values")
        if hits[0] == 0:
            raise ValueError(f"rebase date {r!r} is the first point: there is nothing before it to split off")
        seg[hits[0]:] += 1
    return seg


@dataclass(frozen=True)
class ChartOptions:
    """The options every chart shares, checked once when made (as NHSRplotthedots checks
    ``ptd_spc_options``): ``improvement_direction`` (increase, decrease or neutral) and
    ``fix_after_n_points`` (None, or a whole number of points of at least 1)."""

    improvement_direction: Direction = "neutral"
    fix_after_n_points: int | None = None

    def __post_init__(self) -> None:
        _direction_sign(self.improvement_direction)
        n = self.fix_after_n_points
        if n is not None:
            try:
                ok = not isinstance(n, bool) and int(n) == n and n >= 1
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise ValueError(f"fix_after_n_points must be a whole number of points, at least 1, got {n!r}")
            object.__setattr__(self, "fix_after_n_points", int(n))

    def baseline(self, n: int) -> int:
        """How many of a segment's ``n`` points set its centre line and limits."""
        return n if self.fix_after_n_points is None else min(n, self.fix_after_n_points)


def _classify(df: pd.DataFrame, improvement_direction: str) -> pd.DataFrame:
    """Add the rule columns of :func:`~hwb_kpis.stats.spc_rules.special_causes` (per segment),
    ``special_cause``, ``variation``, ``trial_limits`` and ``target``."""
    sign = _direction_sign(improvement_direction)
    parts = []
    for _, seg in df.groupby("segment", sort=True):
        lines = (seg[c].to_numpy(float) for c in ("y", "mean", "lpl", "upl", "near_lower", "near_upper"))
        parts.append(pd.DataFrame(special_causes(*lines), index=seg.index))
    if not parts:  # no points at all: the rule columns, empty
        parts.append(pd.DataFrame(special_causes(*(np.zeros(0),) * 6), index=df.index))
    rules = pd.concat(parts).loc[df.index]
    out = df.join(rules)
    out["rule"] = out["rule"].astype("string")
    out["special_cause"] = (out["rule"] != "").to_numpy(dtype=bool)
    oriented = out["direction"] * sign
    out["variation"] = np.select(
        [~out["special_cause"], sign == 0, oriented > 0, oriented < 0],
        ["common_cause", "neither", "improvement", "concern"], default="common_cause",
    )
    out["variation"] = out["variation"].astype("string")
    seg_size = out.groupby("segment")["y"].transform("size")
    out["trial_limits"] = seg_size < TRIAL_POINTS
    if "target" not in out.columns:
        out["target"] = np.nan
    out = out[[c for c in out.columns if c != "target"] + ["target"]]
    out.attrs["improvement_direction"] = improvement_direction
    return out


def _points(values: dict[str, Any], x: Any, target: Any = None) -> pd.DataFrame:
    """The points as a frame with ``x`` first, sorted by ``x`` (each target kept beside its point)."""
    df = pd.DataFrame(values)
    if target is not None:  # kept beside its point when sorting by x
        df["target"] = np.broadcast_to(np.asarray(target, dtype=float), (len(df),)).copy()
    if x is not None:
        xs = pd.Series(list(x) if not isinstance(x, pd.Series | pd.Index) else x.to_numpy())
        if len(xs) != len(df):
            raise ValueError(f"x has {len(xs)} values but y has {len(df)}")
        if pd.api.types.is_object_dtype(xs) or pd.api.types.is_string_dtype(xs):
            try:  # "YYYY-MM" months and date strings sort correctly as dates
                xs = pd.to_datetime(xs.astype(str))
            except (ValueError, TypeError):
                xs = xs.astype("string")
        df.insert(0, "x", xs.to_numpy())
        df = df.sort_values("x", kind="stable").reset_index(drop=True)
    else:
        df.insert(0, "x", np.arange(len(df)))
    return df


# --- XmR ---------------------------------------------------------------------------------------
def _xmr_segment(yy: np.ndarray, fix: int, screen_outliers: bool) -> tuple[float, np.ndarray, float, np.ndarray]:
    """(mean, moving ranges, mean moving range, screened) of one segment whose first ``fix``
    points set the lines; with ``screen_outliers`` moving ranges >= SCREEN x their mean are left
    out of the mean moving range."""
    base = yy[:fix]
    mr_fix = np.abs(np.diff(base))
    amr = mr_fix.mean() if len(mr_fix) else np.nan
    keep = np.ones(len(mr_fix), dtype=bool)
    if screen_outliers and len(mr_fix):
        keep = mr_fix < SCREEN * amr
        amr = mr_fix[keep].mean() if keep.any() else np.nan
    screened = np.zeros(len(yy), dtype=bool)
    screened[1: len(mr_fix) + 1] = ~keep
    return base.mean(), np.concatenate([[np.nan], np.abs(np.diff(yy))]), amr, screened


def xmr(
    y: Sequence[float] | np.ndarray | pd.Series,
    *,
    screen_outliers: bool = True,
    fix_after_n_points: int | None = None,
    improvement_direction: Direction = "neutral",
    rebase_at: Sequence[Any] | Any | None = None,
    target: float | Sequence[float] | None = None,
    x: Sequence[Any] | pd.Series | None = None,
) -> pd.DataFrame:
    """XmR (individuals) chart, calculated exactly as NHSRplotthedots.

    ``y``: the measure, one value per period, in time order (or ordered by ``x``). ``x``: the
    periods (dates, ``YYYY-MM`` strings are parsed as dates); ``rebase_at``: x values (or integer
    positions when ``x`` is None) where a new segment with its own limits starts.
    ``improvement_direction`` orients special causes as improvement / concern; ``target`` (in the
    units of y) is carried for :func:`spc_summary`'s assurance verdict.

    Returns one row per point: ``x, y, segment, mean, mr, mr_screened, amr, sigma, lpl, upl,
    near_lower, near_upper`` (sigma = 2.66/3 x amr; near lines = mean +/- 2 sigma), the rule
    booleans ``rule_beyond_limit, rule_trend, rule_two_of_three, rule_shift``, ``rule`` (first
    rule that fired in priority order, or ""), ``direction`` (+1 high / -1 low / 0),
    ``special_cause`` (bool), ``variation`` (common_cause / improvement / concern / neither),
    ``trial_limits`` (segment has < 12 points) and ``target``.

    Assumes consecutive, equally spaced periods with no gaps and values that are roughly
    continuous. Do not use for small counts or proportions with very different denominators
    (use :func:`p_chart`), nor for fewer than about 12 points without treating the limits as trial.
    """
    options = ChartOptions(improvement_direction, fix_after_n_points)
    df = _points({"y": _as_float(y, "y")}, x, target)
    if df["y"].isna().any():
        bad = df.index[df["y"].isna()].tolist()
        raise ValueError(f"y has missing values at positions {bad}: SPC needs a value for every period")
    df["segment"] = _segments(len(df), df["x"] if x is not None else None, rebase_at)
    cols = {k: np.full(len(df), np.nan) for k in ("mean", "mr", "amr")}
    screened = np.zeros(len(df), dtype=bool)
    for _, idx in df.groupby("segment").indices.items():
        yy = df["y"].to_numpy(float)[idx]
        mean, mr, amr, sc = _xmr_segment(yy, options.baseline(len(yy)), screen_outliers)
        cols["mean"][idx], cols["mr"][idx], cols["amr"][idx], screened[idx] = mean, mr, amr, sc
    for k, v in cols.items():
        df[k] = v
    df["mr_screened"] = screened
    df["sigma"] = df["amr"] * LIMIT / 3
    df["lpl"] = df["mean"] - LIMIT * df["amr"]
    df["upl"] = df["mean"] + LIMIT * df["amr"]
    df["near_lower"] = df["mean"] - NEAR_LIMIT * df["amr"]
    df["near_upper"] = df["mean"] + NEAR_LIMIT * df["amr"]
    out = _classify(df, options.improvement_direction)
    out.attrs["chart"] = "xmr"
    return out


# --- p-chart / Laney p' -----------------------------------------------------------------------
def _p_segment(nu: np.ndarray, de: np.ndarray, k: int, laney: bool,
               screen_outliers: bool) -> tuple[float, float]:
    """(p-bar, sigma_z) of one segment from its first ``k`` points; sigma_z is 1 unless ``laney``
    (then mean |z_i - z_{i-1}| / D2 of the z-scores, moving ranges >= 3.267 x their mean left
    out when ``screen_outliers``; NaN with one point)."""
    p = nu[:k].sum() / de[:k].sum()
    if not laney:
        return p, 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (nu[:k] / de[:k] - p) / np.sqrt(p * (1 - p) / de[:k])
    return p, _screened_sigma_z(z, screen_outliers)


def p_chart(
    numerators: Sequence[float] | np.ndarray | pd.Series,
    denominators: Sequence[float] | np.ndarray | pd.Series,
    *,
    laney: bool = False,
    improvement_direction: Direction = "neutral",
    rebase_at: Sequence[Any] | Any | None = None,
    target: float | Sequence[float] | None = None,
    x: Sequence[Any] | pd.Series | None = None,
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """p-chart (or Laney p'-chart) of a monthly proportion with varying denominators.

    Per segment: pooled p-bar = sum(numerators) / sum(denominators) (of the first n points when
    ``fix_after_n_points``); sigma_i = sqrt(p-bar (1 - p-bar) / n_i). Laney: z_i = (p_i - p-bar) /
    sigma_i, sigma_z = mean |z_i - z_{i-1}| / 1.128, and sigma_i is multiplied by sigma_z; moving
    ranges of z >= 3.267 x their mean are screened out first (``screen_outliers``, the default
    of qicharts2's p'-chart; False reproduces Laney's unscreened sigma_z). Limits p-bar +/- 3 sigma_i, near lines +/- 2 sigma_i, all clipped to [0, 1]; the
    same four special-cause rules as :func:`xmr` (the trend rule on the proportions).

    Returns the :func:`xmr` columns (``y`` = proportion, 0-1) plus ``numerator``, ``denominator``,
    ``z`` and ``sigma_z`` (1 for a plain p-chart).

    Assumes each numerator is a count of independent yes/no events out of its denominator. Use
    ``laney=True`` when :func:`overdispersion_test` says so (large denominators make plain p-chart
    limits too narrow, so almost every month looks special). Do not use with zero denominators
    (drop those months) or for rates that are not proportions (use :func:`xmr`).
    """
    options = ChartOptions(improvement_direction, fix_after_n_points)
    num = _as_float(numerators, "numerators")
    den = _as_float(denominators, "denominators")
    if len(num) != len(den):
        raise ValueError("numerators and denominators differ in length")
    if np.isnan(num).any() or np.isnan(den).any() or (den <= 0).any() or (num < 0).any() or (num > den).any():
        raise ValueError("p_chart needs 0 <= numerator <= denominator and denominator > 0 for every period")
    df = _points({"numerator": num, "denominator": den}, x, target)
    df["y"] = df["numerator"] / df["denominator"]
    df["segment"] = _segments(len(df), df["x"] if x is not None else None, rebase_at)
    pbar = np.full(len(df), np.nan)
    sigma_z = np.ones(len(df))
    for _, idx in df.groupby("segment").indices.items():
        nu, de = df["numerator"].to_numpy(float)[idx], df["denominator"].to_numpy(float)[idx]
        pbar[idx], sigma_z[idx] = _p_segment(nu, de, options.baseline(len(idx)), laney, screen_outliers)
    df["mean"] = pbar
    df["sigma_z"] = sigma_z
    base = np.sqrt(pbar * (1 - pbar) / df["denominator"].to_numpy(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        df["z"] = (df["y"] - pbar) / base
    df["sigma"] = base * sigma_z
    df["lpl"] = np.clip(pbar - 3 * df["sigma"], 0, 1)
    df["upl"] = np.clip(pbar + 3 * df["sigma"], 0, 1)
    df["near_lower"] = np.clip(pbar - 2 * df["sigma"], 0, 1)
    df["near_upper"] = np.clip(pbar + 2 * df["sigma"], 0, 1)
    out = _classify(df, options.improvement_direction)
    out.attrs["chart"] = "laney_p_prime" if laney else "p"
    return out


def _screened_sigma_z(z: np.ndarray, screen_outliers: bool) -> float:
    """Laney's sigma_z = mean |z_i - z_{i-1}| / 1.128 (NaN with fewer than 2 points); with
    ``screen_outliers`` moving ranges >= 3.267 x their mean are left out first (qicharts2's
    default for the p'-chart, as NHSRplotthedots does for XmR)."""
    mr = np.abs(np.diff(z))
    mr = mr[np.isfinite(mr)]
    if len(mr) == 0:
        return float("nan")
    if screen_outliers:
        kept = mr[mr < SCREEN * mr.mean()]
        mr = kept if len(kept) else mr
    return float(mr.mean() / D2)


def _trend_residuals(num: np.ndarray, den: np.ndarray, segment: np.ndarray | None) -> tuple[np.ndarray, int]:
    """Pearson residuals of a binomial GLM with a straight log-odds line in time (one intercept
    per segment) and its residual degrees of freedom; (NaN, 0) when it cannot be fitted."""
    import statsmodels.api as sm  # a heavy import, needed only here

    k = len(num)
    exog = pd.DataFrame({"const": np.ones(k), "t": np.arange(k, dtype=float)})
    if segment is not None:
        for s in np.unique(segment)[1:]:
            exog[f"segment_{s}"] = (segment == s).astype(float)
    dof = k - exog.shape[1]
    if dof < 1 or num.sum() <= 0 or num.sum() >= den.sum():
        return np.full(k, np.nan), 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.GLM(np.column_stack([num, den - num]), exog, family=sm.families.Binomial()).fit()
    except (ValueError, np.linalg.LinAlgError, ArithmeticError):
        return np.full(k, np.nan), 0
    return np.asarray(res.resid_pearson, dtype=float), dof


def overdispersion_test(
    numerators: Sequence[float] | np.ndarray | pd.Series,
    denominators: Sequence[float] | np.ndarray | pd.Series,
    *,
    alpha: float = 0.05,
    segment: Sequence[int] | np.ndarray | None = None,
    screen_outliers: bool = True,
) -> dict[str, float | bool | str]:
    """Does a proportion vary from month to month more than binomial chance allows *around its
    own trend*?

    A trend (or a step at a declared change) alone is not over-dispersion: the p-chart shows it.
    So the test is judged on the variation around a binomial GLM with a straight log-odds line in
    time (one intercept per ``segment``, the chart's rebased segments): the Pearson chi2 of that
    fit on k - 2 (- extra segments) degrees of freedom, its p-value and phi = chi2 / df, and
    sigma_z_trend = mean moving range of its Pearson residuals / 1.128. The Laney p'-chart is
    recommended (``use_laney``) when that chi2 test rejects binomial variation at ``alpha`` *and*
    sigma_z_trend > 1. Also reported: ``chi2_pooled``, ``p_value_pooled``, ``phi_pooled`` around
    the pooled rate (which a trend does inflate) and ``sigma_z``, Laney's sigma_z about the pooled
    rate as :func:`p_chart` uses it (moving ranges >= 3.267 x their mean screened out unless
    ``screen_outliers`` is False, as qicharts2).

    Assumes one proportion per period, in time order, with at least 3 periods. With the trend
    removed, a calibrated test: on binomial months following any straight log-odds line it
    recommends Laney in about ``alpha`` of series (tests/stats/test_overdispersion.py).
    """
    num = _as_float(numerators, "numerators")
    den = _as_float(denominators, "denominators")
    k = len(num)
    if k < 3:
        raise ValueError("overdispersion_test needs at least 3 periods")
    seg = None if segment is None else np.asarray(segment, dtype=int)
    p = num.sum() / den.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (num / den - p) / np.sqrt(p * (1 - p) / den)
    chi2_pooled = float((z**2).sum())
    p_pooled = float(sps.chi2.sf(chi2_pooled, k - 1))
    sigma_z = _screened_sigma_z(z, screen_outliers)
    resid, dof = _trend_residuals(num, den, seg)
    if dof > 0 and np.isfinite(resid).all():
        chi2 = float((resid**2).sum())
        pval = float(sps.chi2.sf(chi2, dof))
        sigma_trend = _screened_sigma_z(resid if seg is None else _within(resid, seg), screen_outliers)
    else:
        chi2, pval, sigma_trend = float("nan"), float("nan"), float("nan")
    use = bool(pval < alpha and sigma_trend > 1)
    phi = chi2 / dof if dof > 0 else float("nan")
    msg = (
        f"around its trend: phi = {phi:.2f} (p = {pval:.3g}), sigma_z = {sigma_trend:.2f}: "
        + ("use the Laney p'-chart." if use else "the plain p-chart is adequate.")
    )
    return {"pbar": float(p), "chi2": chi2, "df": dof, "p_value": pval, "phi": phi,
            "sigma_z_trend": sigma_trend, "chi2_pooled": chi2_pooled, "p_value_pooled": p_pooled,
            "phi_pooled": chi2_pooled / (k - 1), "sigma_z": sigma_z, "use_laney": use, "message": msg}


def _within(resid: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Residuals with the jump between segments removed: moving ranges across a segment boundary
    are not month-to-month variation (NaN there; :func:`_screened_sigma_z` drops them)."""
    out = resid.astype(float).copy()
    diffs_cross = np.flatnonzero(np.diff(seg) != 0) + 1
    # a NaN at the first point of each segment removes the moving range that crosses into it
    pad = np.insert(out, diffs_cross, np.nan)
    return pad


# --- reading a chart ---------------------------------------------------------------------------
def sustained_shift_start(spc_df: pd.DataFrame, run: int = RUN) -> Any | None:
    """Where a sustained shift that is still going on began: the ``x`` of the first point of the
    run of at least ``run`` points on one side of the centre line (none on it) that ends at the
    latest point of the latest segment, or None. A candidate change point to *propose* for
    rebasing; it is not applied (rebasing follows a known change, not the chart alone)."""
    if spc_df.empty:
        return None
    last = spc_df[spc_df["segment"] == spc_df["segment"].iloc[-1]]
    sides = np.sign(last["y"].to_numpy(float) - last["mean"].to_numpy(float))
    if sides[-1] == 0:
        return None
    differs = np.flatnonzero(sides != sides[-1])
    start = differs[-1] + 1 if len(differs) else 0
    if len(sides) - start < run or start == 0:
        return None  # too short, or the whole segment: nothing to split
    return last["x"].iloc[start]


def difference_test(spc_df: pd.DataFrame, later: int = -1, earlier: int = -2) -> dict[str, float]:
    """Is the difference between two points of an SPC frame (positions ``later`` and
    ``earlier``) more than the chart's own month-to-month variation gives? z = (y_later -
    y_earlier) / sqrt(sigma_later^2 + sigma_earlier^2), with each point's ``sigma`` (XmR: mean
    moving range / 1.128; p-chart: the binomial sigma of its denominator, times sigma_z for
    Laney's p'), and a two-sided normal p-value.

    Returns ``difference``, ``z`` and ``p_value`` (NaN when either point has no sigma). Assumes
    the two points come from one stable process; one test of many (a month's KPIs) needs a
    correction for multiple comparisons before it is called a finding."""
    a, b = spc_df.iloc[later], spc_df.iloc[earlier]
    diff = float(a["y"]) - float(b["y"])
    sd = float(np.hypot(float(a["sigma"]), float(b["sigma"])))
    if not np.isfinite(sd) or sd <= 0:
        return {"difference": diff, "z": float("nan"), "p_value": float("nan")}
    z = diff / sd
    return {"difference": diff, "z": float(z), "p_value": float(2 * sps.norm.sf(abs(z)))}


# --- summaries -------------------------------------------------------------------------------
def assurance(
    spc_df: pd.DataFrame, target: float | None = None, improvement_direction: Direction | None = None
) -> str | None:
    """Assurance against a target from the latest point's limits (NHSRplotthedots
    ``ptd_calculate_assurance_type``): for "increase", target > upper limit -> ``consistent_fail``,
    target < lower limit -> ``consistent_pass``, else ``inconsistent`` (mirrored for "decrease").
    None when there is no target or the direction is neutral.

    Assumes the process stays as it is: after a special cause, rebase before judging assurance.
    """
    direction = improvement_direction or spc_df.attrs.get("improvement_direction", "neutral")
    last = spc_df.iloc[-1]
    tgt = target if target is not None else last.get("target", np.nan)
    if tgt is None or pd.isna(tgt) or _direction_sign(direction) == 0:
        return None
    inc = direction == "increase"
    if tgt > last["upl"]:
        return "consistent_fail" if inc else "consistent_pass"
    if tgt < last["lpl"]:
        return "consistent_pass" if inc else "consistent_fail"
    return "inconsistent"


def spc_summary(
    spc_df: pd.DataFrame, *, target: float | None = None, improvement_direction: Direction | None = None
) -> dict[str, Any]:
    """The latest point's Making Data Count codes of an SPC frame (words for them:
    :mod:`hwb_kpis.report.verdict`).

    Returns ``x, y, variation`` (of the latest point), ``variation_icon`` (common_cause,
    improvement_high/low, concern_high/low, neither_high/low), ``assurance`` (consistent_pass /
    consistent_fail / inconsistent / None), ``trial_limits`` (bool), ``n_points`` (of the latest
    segment) and ``rule``.
    """
    direction = improvement_direction or spc_df.attrs.get("improvement_direction", "neutral")
    last = spc_df.iloc[-1]
    variation = str(last["variation"])
    side = "high" if last["direction"] > 0 else "low"
    icon = variation if variation == "common_cause" else f"{variation}_{side}"
    ass = assurance(spc_df, target, direction)
    seg_n = int((spc_df["segment"] == last["segment"]).sum())
    return {
        "x": last["x"], "y": float(last["y"]), "variation": variation, "variation_icon": icon,
        "assurance": ass, "trial_limits": bool(last["trial_limits"]), "n_points": seg_n,
        "rule": str(last["rule"]),
    }
