"""Regression models: monthly trend (binomial GLM), interrupted time series, re-contact drivers.

All models use statsmodels GLMs. For proportions the variance is binomial, or quasi-binomial
(scale = Pearson chi2 / residual df) when the months vary more than binomial chance allows,
which is the rule rather than the exception for council data.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps
from scipy.special import expit
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from hwb_kpis.stats.multiplicity import bh_adjust

Dispersion = Literal["auto", "binomial", "quasi"]


# --- helpers ---------------------------------------------------------------------------------
def month_index(x: Sequence[Any] | pd.Series) -> np.ndarray:
    """Whole months since the first period: ``YYYY-MM`` strings, dates or Periods -> 0, 1, ..."""
    s = pd.Series(list(x) if not isinstance(x, pd.Series) else x.to_numpy())
    if isinstance(s.dtype, pd.PeriodDtype):
        per = s
    else:
        per = pd.to_datetime(s.astype(str) if not pd.api.types.is_datetime64_any_dtype(s) else s).dt.to_period("M")
    ords = (per.dt.year * 12 + per.dt.month).to_numpy(dtype=float)
    return ords - ords.min()


def _month_of_year(x: Sequence[Any] | pd.Series) -> np.ndarray:
    s = pd.Series(list(x) if not isinstance(x, pd.Series) else x.to_numpy())
    if isinstance(s.dtype, pd.PeriodDtype):
        return np.array([p.month for p in s])
    dt = pd.to_datetime(s.astype(str) if not pd.api.types.is_datetime64_any_dtype(s) else s)
    return dt.dt.month.to_numpy()


def _season_dummies(x: Sequence[Any] | pd.Series) -> pd.DataFrame:
    moy = pd.Categorical(_month_of_year(x), categories=range(1, 13))
    d = pd.get_dummies(moy, prefix="month", drop_first=True, dtype=float)
    return d.loc[:, d.sum() > 0]


def _fit_binomial(endog: np.ndarray, exog: pd.DataFrame, dispersion: Dispersion,
                  cov_kwargs: dict[str, Any] | None = None) -> tuple[Any, float, bool]:
    """Fit a binomial GLM; refit quasi-binomial (scale = Pearson chi2/df) when asked or when
    ``auto`` and chi2/df > 1. Returns (result, phi, quasi)."""
    model = sm.GLM(endog, exog, family=sm.families.Binomial())
    res = model.fit(**(cov_kwargs or {}))
    phi = float(res.pearson_chi2 / res.df_resid) if res.df_resid > 0 else float("nan")
    quasi = dispersion == "quasi" or (dispersion == "auto" and phi > 1)
    if quasi:
        # explicit scale: statsmodels' scale="X2" mis-scales a two-column (successes, failures)
        # binomial endog, giving far too narrow CIs
        res = model.fit(scale=phi, **(cov_kwargs or {}))
    return res, phi, quasi


def _ci(res: Any, name: str, alpha: float) -> tuple[float, float, float, float]:
    est = float(res.params[name])
    lo, hi = (float(v) for v in res.conf_int(alpha).loc[name])
    return est, lo, hi, float(res.pvalues[name])


def _signed(v: float, digits: int = 1) -> str:
    return f"{v:+.{digits}f}".replace("-", "\u2212")


def _pct_conf(alpha: float) -> str:
    return f"{(1 - alpha) * 100:.0f}%"


def coefficient_table(res: Any, alpha: float = 0.05) -> pd.DataFrame:
    """Tidy coefficients of a statsmodels result on the link scale: term, estimate, ci_low,
    ci_high, p_value."""
    ci = res.conf_int(alpha)
    return pd.DataFrame({
        "term": pd.array(list(res.params.index), dtype="string"),
        "estimate": res.params.to_numpy(float), "ci_low": ci.iloc[:, 0].to_numpy(float),
        "ci_high": ci.iloc[:, 1].to_numpy(float), "p_value": res.pvalues.to_numpy(float),
    })


# --- trend ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrendResult:
    """Month-on-month change of a rate from :func:`glm_trend`.

    ``odds_ratio`` (per month) with ``or_ci``; ``pp_per_month``: change in percentage points per
    month at the pooled rate, beta x p(1 - p) x 100, with ``pp_ci``; ``p_value``; ``phi`` (Pearson
    chi2/df of the binomial fit); ``quasi`` (quasi-binomial variance used); ``sentence``.
    """

    odds_ratio: float
    or_ci: tuple[float, float]
    pp_per_month: float
    pp_ci: tuple[float, float]
    p_value: float
    phi: float
    quasi: bool
    n_months: int
    pooled_rate: float
    sentence: str
    coefficients: pd.DataFrame = field(repr=False)
    result: Any = field(repr=False, compare=False)


def glm_trend(
    numerators: Sequence[float] | np.ndarray | pd.Series,
    denominators: Sequence[float] | np.ndarray | pd.Series,
    x: Sequence[Any] | pd.Series | None = None,
    *,
    seasonality: bool = False,
    dispersion: Dispersion = "auto",
    alpha: float = 0.05,
    measure: str = "the rate",
) -> TrendResult:
    """Linear trend on the log-odds scale of a monthly proportion: binomial GLM
    logit(p_t) = b0 + b1 t (+ month-of-year terms), t in months.

    ``x``: the months (``YYYY-MM``, dates or Periods; gaps allowed), default 0..k-1.
    ``dispersion``: ``auto`` uses quasi-binomial standard errors (scale = Pearson chi2/df) when
    chi2/df > 1, ``binomial`` never, ``quasi`` always. ``seasonality`` adds 11 month-of-year
    dummies (needs 2+ years of data). The percentage-point change is the slope at the pooled
    rate, b1 p(1 - p) x 100, which is the average monthly change when p stays away from 0 and 1.

    Assumes a steady (log-odds-linear) change over the whole window and independent months.
    Do not use across a known break (use :func:`interrupted_time_series`), for fewer than about
    8 months, or when months are strongly autocorrelated (the CI is then too narrow).
    """
    num = np.asarray(pd.to_numeric(pd.Series(numerators)), dtype=float)
    den = np.asarray(pd.to_numeric(pd.Series(denominators)), dtype=float)
    t = month_index(x) if x is not None else np.arange(len(num), dtype=float)
    exog = pd.DataFrame({"const": 1.0, "month": t})
    if seasonality:
        if x is None:
            raise ValueError("seasonality needs x (the months)")
        exog = pd.concat([exog, _season_dummies(x)], axis=1)
    endog = np.column_stack([num, den - num])
    res, phi, quasi = _fit_binomial(endog, exog, dispersion)
    b, lo, hi, p = _ci(res, "month", alpha)
    pooled = float(num.sum() / den.sum())
    k = pooled * (1 - pooled) * 100
    pp, pp_lo, pp_hi = b * k, lo * k, hi * k
    sentence = _trend_sentence(measure, b, (lo, hi), p, (pp, pp_lo, pp_hi), len(num), seasonality, quasi, alpha)
    return TrendResult(
        odds_ratio=float(np.exp(b)), or_ci=(float(np.exp(lo)), float(np.exp(hi))),
        pp_per_month=pp, pp_ci=(pp_lo, pp_hi), p_value=p, phi=phi, quasi=quasi,
        n_months=len(num), pooled_rate=pooled, sentence=sentence,
        coefficients=coefficient_table(res, alpha), result=res,
    )


def _trend_sentence(measure: str, b: float, ci: tuple[float, float], p: float,
                    pp: tuple[float, float, float], n_months: int, seasonality: bool, quasi: bool,
                    alpha: float) -> str:
    """The :class:`TrendResult` sentence: the change in percentage points a month (``pp``: the
    estimate and its CI) when the CI of the slope ``b`` excludes 0, else "no clear trend"."""
    lo, hi = ci
    pp_est, pp_lo, pp_hi = pp
    conf = _pct_conf(alpha)
    if lo > 0 or hi < 0:
        verb = "rose" if b > 0 else "fell"
        head = (f"{measure.capitalize()} {verb} by about {abs(pp_est):.2f} percentage points a month "
                f"({conf} CI {_signed(pp_lo, 2)} to {_signed(pp_hi, 2)}; odds ratio {np.exp(b):.3f} per month, p = {p:.2g})")
    else:
        head = (f"There is no clear trend in {measure}: the estimated change is {_signed(pp_est, 2)} "
                f"percentage points a month ({conf} CI {_signed(pp_lo, 2)} to {_signed(pp_hi, 2)}), "
                "consistent with no change")
    sentence = f"{head}, over {n_months} months"
    if seasonality:
        sentence += ", adjusting for the time of year"
    if quasi:
        sentence += ", allowing for month-to-month variation beyond chance"
    return sentence + "."


# --- interrupted time series ------------------------------------------------------------------------
@dataclass(frozen=True)
class ITSResult:
    """Level and slope change at a break, from :func:`interrupted_time_series`.

    Binomial: ``level_change``/``slope_change`` are odds ratios (level: at the break; slope: per
    month), ``level_change_pp`` the fitted minus counterfactual proportion at the first month after
    the break, in percentage points (delta-method CI). Gaussian: changes in the units of y (level)
    and y per month (slope); ``level_change_pp`` is None. ``coefficients`` holds the link-scale
    terms ``const, month, post, month_after``.
    """

    family: str
    level_change: float
    level_ci: tuple[float, float]
    level_p: float
    slope_change: float
    slope_ci: tuple[float, float]
    slope_p: float
    level_change_pp: float | None
    level_pp_ci: tuple[float, float] | None
    pre_slope: float
    quasi: bool
    phi: float
    n_before: int
    n_after: int
    sentence: str
    coefficients: pd.DataFrame = field(repr=False)
    result: Any = field(repr=False, compare=False)


def _its_design(n: int, x: Sequence[Any] | pd.Series | None, at: Any,
                seasonality: bool) -> tuple[pd.DataFrame, np.ndarray, float]:
    """(design matrix ``const, month, post, month_after`` [+ month-of-year dummies], post, t0)."""
    if x is None:
        t = np.arange(n, dtype=float)
        post = (t >= int(at)).astype(float)
    else:
        t = month_index(x)
        xs = pd.Series(list(x) if not isinstance(x, pd.Series) else x.to_numpy())
        if isinstance(xs.dtype, pd.PeriodDtype):
            xd = xs.dt.to_timestamp()
        else:
            xd = pd.to_datetime(xs.astype(str) if not pd.api.types.is_datetime64_any_dtype(xs) else xs)
        post = (xd >= pd.Timestamp(str(at))).to_numpy(dtype=float)
    if post.sum() == 0 or post.sum() == len(post):
        raise ValueError(f"break {at!r} leaves no months on one side")
    t0 = t[post == 1].min()
    exog = pd.DataFrame({"const": 1.0, "month": t, "post": post, "month_after": (t - t0) * post})
    if seasonality:
        if x is None:
            raise ValueError("seasonality needs x (the months)")
        exog = pd.concat([exog, _season_dummies(x)], axis=1)
    return exog, post, t0


def _fit_family(fam: str, y: np.ndarray, denominators: Any, exog: pd.DataFrame, dispersion: Dispersion,
                cov: dict[str, Any] | None) -> tuple[Any, float, bool]:
    """(result, phi, quasi) of the binomial (counts ``y`` out of ``denominators``) or gaussian GLM."""
    if fam == "binomial":
        if denominators is None:
            raise ValueError("the binomial family needs denominators")
        den = np.asarray(pd.to_numeric(pd.Series(denominators)), dtype=float)
        return _fit_binomial(np.column_stack([y, den - y]), exog, dispersion, cov)
    if fam == "gaussian":
        res = sm.GLM(y, exog, family=sm.families.Gaussian()).fit(**(cov or {}))
        return res, float(res.scale), False
    raise ValueError("family must be 'binomial' or 'gaussian'")


def _level_change_pp(res: Any, exog: pd.DataFrame, t0: float, alpha: float) -> tuple[float, tuple[float, float]]:
    """The fitted minus the counterfactual proportion at ``t0``, in percentage points, with its
    delta-method CI (seasonal terms held at their average)."""
    b2 = float(res.params["post"])
    season_cols = [c for c in exog.columns if c.startswith("month_") and c != "month_after"]
    xv = np.zeros(len(res.params))
    names = list(res.params.index)
    xv[names.index("const")] = 1.0
    xv[names.index("month")] = t0
    for c in season_cols:
        xv[names.index(c)] = exog[c].mean()
    eta = float(xv @ res.params.to_numpy())  # the counterfactual linear predictor
    pp = (expit(eta + b2) - expit(eta)) * 100
    grad = xv * (expit(eta + b2) * (1 - expit(eta + b2)) - expit(eta) * (1 - expit(eta)))
    grad[names.index("post")] = expit(eta + b2) * (1 - expit(eta + b2))
    se = float(np.sqrt(grad @ res.cov_params().to_numpy() @ grad)) * 100
    zq = sps.norm.ppf(1 - alpha / 2)
    return pp, (pp - zq * se, pp + zq * se)


def interrupted_time_series(
    numerators: Sequence[float] | np.ndarray | pd.Series,
    denominators: Sequence[float] | np.ndarray | pd.Series | None = None,
    x: Sequence[Any] | pd.Series | None = None,
    *,
    at: Any,
    family: Literal["binomial", "gaussian"] | None = None,
    seasonality: bool = False,
    dispersion: Dispersion = "auto",
    hac_lags: int | None = None,
    alpha: float = 0.05,
    measure: str = "the rate",
) -> ITSResult:
    """Segmented regression: g(mu_t) = b0 + b1 t + b2 post_t + b3 (t - t0) post_t, t in months,
    post_t = 1 from the break ``at`` (a month/date in ``x``, or an integer position without x),
    t0 = the first month after the break. b2 = level change, b3 = slope change.

    ``family``: ``binomial`` (counts ``numerators`` out of ``denominators``; logit link; quasi-
    binomial when over-dispersed, as :func:`glm_trend`) or ``gaussian`` (``numerators`` is the
    measure itself, identity link); default binomial when denominators are given. ``hac_lags``:
    Newey-West standard errors robust to autocorrelation up to that lag.

    Assumes a straight (log-odds) line before and after, no other change at the same time, and at
    least about 6 months either side. Do not use when the change was phased in over months (model
    the break at the end of the roll-out or leave the transition out), or for a break chosen by
    looking at the chart (the p-value is then too small).
    """
    y = np.asarray(pd.to_numeric(pd.Series(numerators)), dtype=float)
    fam = family or ("binomial" if denominators is not None else "gaussian")
    exog, post, t0 = _its_design(len(y), x, at, seasonality)
    cov = {"cov_type": "HAC", "cov_kwds": {"maxlags": hac_lags}} if hac_lags else None
    res, phi, quasi = _fit_family(fam, y, denominators, exog, dispersion, cov)
    b2, l2, h2, p2 = _ci(res, "post", alpha)
    b3, l3, h3, p3 = _ci(res, "month_after", alpha)
    conf = _pct_conf(alpha)
    if fam == "binomial":
        pp, pp_ci = _level_change_pp(res, exog, t0, alpha)
        level, level_ci = float(np.exp(b2)), (float(np.exp(l2)), float(np.exp(h2)))
        slope, slope_ci = float(np.exp(b3)), (float(np.exp(l3)), float(np.exp(h3)))
        sentence = (
            f"At the change, {measure} moved by {_signed(pp)} percentage points "
            f"({conf} CI {_signed(pp_ci[0])} to {_signed(pp_ci[1])}; odds ratio {level:.2f}, p = {p2:.2g}); "
            f"the monthly trend changed by an odds ratio of {slope:.3f} per month "
            f"({conf} CI {slope_ci[0]:.3f} to {slope_ci[1]:.3f}, p = {p3:.2g})"
        )
    else:
        pp, pp_ci = None, None
        level, level_ci, slope, slope_ci = b2, (l2, h2), b3, (l3, h3)
        sentence = (
            f"At the change, {measure} moved by {_signed(b2, 2)} ({conf} CI {_signed(l2, 2)} to "
            f"{_signed(h2, 2)}, p = {p2:.2g}); its monthly slope changed by {_signed(b3, 3)} "
            f"({conf} CI {_signed(l3, 3)} to {_signed(h3, 3)}, p = {p3:.2g})"
        )
    sentence += (", allowing for month-to-month variation beyond chance." if quasi else ".")
    return ITSResult(
        family=fam, level_change=level, level_ci=level_ci, level_p=p2, slope_change=slope,
        slope_ci=slope_ci, slope_p=p3, level_change_pp=pp, level_pp_ci=pp_ci,
        pre_slope=float(res.params["month"]), quasi=quasi, phi=phi, n_before=int((post == 0).sum()),
        n_after=int(post.sum()), sentence=sentence, coefficients=coefficient_table(res, alpha), result=res,
    )


# --- odds ratios of a yes/no outcome (the re-contact drivers) -------------------------------------
#: the terms of :func:`recontact_drivers`: key (the default column's name) -> label in the table
_TERM_NAMES = {
    "source_group": "Source",
    "marf": "MARF",
    "age_band": "Age band",
    "previous_outcome": "Earlier outcome",
    "previous_marf": "Earlier contact on a MARF",
}
_OPTIONAL_TERMS = ("previous_outcome", "previous_marf")
_OTHER_SMALL = "other (small)"
_COLUMNS = ["term", "level", "label", "odds_ratio", "ci_low", "ci_high", "p_value", "q_value", "n", "is_reference"]
#: the columns of a :func:`recontact_drivers` table
ODDS_COLUMNS = tuple(_COLUMNS)


def _as_category(s: pd.Series) -> pd.Series:
    """Strings for a categorical term; booleans -> yes/no; missing -> unknown."""
    if pd.api.types.is_bool_dtype(s) or str(s.dtype) == "boolean":
        out = s.astype("boolean").map({True: "yes", False: "no"}, na_action="ignore")
    else:
        out = s
    return out.astype("string").fillna("unknown")


def _present_terms(frame: pd.DataFrame, cols: dict[str, str | None], outcome_col: str) -> dict[str, str]:
    """key -> column of the terms asked for (a column name of None leaves the term out; an
    optional term whose column is absent is left out, any other absent column is a KeyError)."""
    terms: dict[str, str] = {}
    for key, col in cols.items():
        if col is None:
            continue
        if col not in frame.columns:
            if key in _OPTIONAL_TERMS:
                continue
            raise KeyError(f"recontact_drivers: column {col!r} not in the contacts frame")
        terms[key] = col
    if outcome_col not in frame.columns:
        raise KeyError(f"recontact_drivers: column {outcome_col!r} not in the contacts frame")
    return terms


def _model_data(frame: pd.DataFrame, terms: dict[str, str], outcome_col: str, month_col: str | None,
                min_level_n: int) -> pd.DataFrame:
    """``y`` (0/1), one categorical column per term (levels with fewer than ``min_level_n`` rows
    pooled into ``other (small)``) and ``time`` in years since the first month."""
    data = pd.DataFrame({"y": frame[outcome_col].astype("boolean").fillna(False).to_numpy(dtype=float)},
                        index=frame.index)
    for key, col in terms.items():
        s = _as_category(frame[col])
        counts = s.value_counts()
        small = counts.index[counts < min_level_n]
        if len(small):
            s = s.where(~s.isin(small), _OTHER_SMALL)
        data[key] = s
    if month_col is not None and month_col in frame.columns:
        data["time"] = month_index(frame[month_col]) / 12.0
    return data


def _leave_out_separated(data: pd.DataFrame, terms: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Leave out levels in which the outcome does not vary (perfect separation), and terms whose
    every level is like that, until nothing changes; each leaving-out is described."""
    terms = dict(terms)
    excluded: list[str] = []
    changed = True
    while changed:
        changed = False
        for key in list(terms):
            share = data.groupby(key, observed=True)["y"].mean()
            bad = share.index[(share == 0) | (share == 1)]
            if len(share) > 1 and len(bad) == len(share):
                excluded.append(f"{_TERM_NAMES[key]}: left out, it determines the repeat flag "
                                "(every level is all or no repeats)")
                del terms[key]
                changed = True
            elif len(bad) and len(bad) < len(share):
                for lvl in bad:
                    n_lvl = int((data[key] == lvl).sum())
                    excluded.append(f"{_TERM_NAMES[key]}: {lvl} ({n_lvl} contacts, "
                                    f"{'all' if share[lvl] == 1 else 'none'} repeats)")
                data = data[~data[key].isin(bad)]
                changed = True
    return data, terms, excluded


def _design(data: pd.DataFrame, terms: dict[str, str],
            reference: dict[str, str]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """(design matrix, one record per table row): a constant, a dummy per non-reference level of
    each term (reference: ``reference[column]``, else the most frequent level) and ``time``."""
    exog_parts = [pd.Series(1.0, index=data.index, name="const")]
    levels_info: list[dict[str, Any]] = []
    for key in terms:
        s = data[key]
        counts = s.value_counts()
        if len(counts) < 2:
            continue
        ref = reference.get(terms[key])
        if ref is None or ref not in counts.index:
            ref = sorted(counts.index[counts == counts.max()])[0]
        name = _TERM_NAMES[key]
        levels_info.append({"term": key, "level": ref, "label": f"{name}: {ref} (reference)",
                            "col": None, "n": int(counts[ref])})
        for lvl in sorted(counts.index):
            if lvl == ref:
                continue
            c = f"{key}[{lvl}]"
            exog_parts.append(pd.Series((s == lvl).to_numpy(dtype=float), index=data.index, name=c))
            levels_info.append({"term": key, "level": lvl, "label": f"{name}: {lvl} vs {ref}",
                                "col": c, "n": int(counts[lvl])})
    if "time" in data.columns:
        exog_parts.append(data["time"].rename("time"))
        levels_info.append({"term": "time", "level": "per 12 months",
                            "label": "Time: per 12 months", "col": "time", "n": len(data)})
    return pd.concat(exog_parts, axis=1), levels_info


def _odds_ratio_rows(res: Any, levels_info: list[dict[str, Any]], alpha: float,
                     excluded: list[str]) -> pd.DataFrame:
    """The odds-ratio table of a fitted logistic GLM; a coefficient that is not estimable
    (quasi-separation) gets NaN and is added to ``excluded``."""
    ci = res.conf_int(alpha)
    not_estimable = {c for c in res.params.index if c != "const" and (
        abs(res.params[c]) > 15 or not np.isfinite(ci.loc[c].to_numpy(float)).all())}
    rows = []
    for info in levels_info:
        c = info["col"]
        if c in not_estimable:
            excluded.append(f"{info['label']}: not estimable (quasi-complete separation)")
            rows.append({**info, "odds_ratio": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                         "p_value": np.nan, "is_reference": False})
        elif c is None:
            rows.append({**info, "odds_ratio": 1.0, "ci_low": np.nan, "ci_high": np.nan,
                         "p_value": np.nan, "is_reference": True})
        else:
            rows.append({**info, "odds_ratio": float(np.exp(res.params[c])),
                         "ci_low": float(np.exp(ci.loc[c].iloc[0])),
                         "ci_high": float(np.exp(ci.loc[c].iloc[1])),
                         "p_value": float(res.pvalues[c]), "is_reference": False})
    out = pd.DataFrame(rows, columns=[c for c in _COLUMNS if c != "q_value"])
    out.insert(_COLUMNS.index("q_value"), "q_value", bh_adjust(out["p_value"])[0])
    for c in ("term", "level", "label"):
        out[c] = out[c].astype("string")
    out["n"] = out["n"].astype("int64")
    out["is_reference"] = out["is_reference"].astype(bool)
    return out


def recontact_drivers(
    contacts: pd.DataFrame,
    *,
    is_repeat_col: str = "is_repeat",
    source_col: str | None = "source_group",
    marf_col: str | None = "marf",
    age_col: str | None = "age_band",
    previous_outcome_col: str | None = "previous_outcome",
    previous_marf_col: str | None = "previous_marf",
    month_col: str | None = "month",
    reference: dict[str, str] | None = None,
    min_level_n: int = 20,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Logistic regression of "this contact is a repeat" on source group, MARF, age band, the
    outcome (and MARF) of the child's earlier contact, and time; a tidy odds-ratio table.

    ``contacts``: the processed contacts table with the boolean ``is_repeat_col`` and the earlier-
    contact columns already added by the KPI module. A term whose column name is None (or absent
    from the frame, for the two earlier-contact columns) is left out. Categorical terms use
    ``reference[column]`` as baseline, else their most frequent level; booleans become yes/no
    and missing values ``unknown``; levels with fewer than ``min_level_n`` contacts are pooled
    into ``other (small)``. Levels in which every or no contact is a repeat (e.g. "no earlier
    contact", which is never a repeat by definition) cannot be estimated: their contacts are left
    out and listed in ``attrs["excluded"]``, so the model describes the remaining contacts; a
    term whose every level is like that (it determines the repeat flag) is left out instead, and
    any coefficient still not estimable (quasi-separation) is reported with NaN odds ratio.
    Time is months since the first month, reported per 12 months.

    Returns rows ``term, level, label, odds_ratio, ci_low, ci_high, p_value, q_value, n,
    is_reference`` (reference rows have odds ratio 1 and no CI; ``q_value``: Benjamini-Hochberg
    over every estimated non-reference row, the model's family of tests); ``attrs``: ``n`` (contacts fitted), ``events``,
    ``excluded`` and ``formula``.

    Assumes contacts are independent given the terms. They are not (the same child appears
    several times), so the CIs are somewhat too narrow; do not read the odds ratios as causal, and
    remember that the earlier outcome enters the repeat definition itself (a threshold-not-met
    earlier outcome is what makes a repeat), so its odds ratio mostly restates the definition.
    """
    cols = {"source_group": source_col, "marf": marf_col, "age_band": age_col,
            "previous_outcome": previous_outcome_col, "previous_marf": previous_marf_col}
    terms = _present_terms(contacts, cols, is_repeat_col)
    data = _model_data(contacts, terms, is_repeat_col, month_col, min_level_n)
    data, terms, excluded = _leave_out_separated(data, terms)
    exog, levels_info = _design(data, terms, reference or {})
    if data["y"].nunique() < 2:
        raise ValueError("recontact_drivers: after leaving out levels that cannot be estimated, "
                         "every remaining contact is (or none is) a repeat")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        res = sm.GLM(data["y"].to_numpy(float), exog, family=sm.families.Binomial()).fit()
    out = _odds_ratio_rows(res, levels_info, alpha, excluded)
    out.attrs.update({"n": len(data), "events": int(data["y"].sum()), "excluded": excluded,
                      "formula": "is_repeat ~ " + " + ".join([*terms, *(["time"] if "time" in data else [])])})
    return out
