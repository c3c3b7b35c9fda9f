"""Is a rate changing over time: the trend model of a KPI over recent months
(:func:`hwb_kpis.stats.glm_trend`) and the step at a known break
(:func:`hwb_kpis.stats.interrupted_time_series`), in plain words with their 95% intervals. The
trend is linear on the log-odds scale, so it is described by the model's fitted values at the
first and last month observed and by the change in odds a month — never as points a year, which
would extrapolate a curve as a straight line (docs/style-guide.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hwb_kpis import stats
from hwb_kpis.report.kpi_charts import series
from hwb_kpis.report.words import missing as _missing
from hwb_kpis.report.words import month_name, shift_month


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a model result, whether a dataclass or a mapping."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


#: fewer months than this give no trend sentence
MIN_MONTHS = 3


@dataclass(frozen=True)
class RateTrend:
    """A :class:`hwb_kpis.stats.TrendResult` (its fields read through) with the first and last
    month it was fitted on."""

    result: Any
    first: str
    last: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.result, name)


def rate_trend(kpi_df: pd.DataFrame, kpi: str, month: str, *, group: str = "all",
               months: int = 12) -> RateTrend | dict[str, str]:
    """:func:`hwb_kpis.stats.glm_trend` of a rate KPI over the ``months`` to ``month``; for fewer
    than :data:`MIN_MONTHS` months with figures (a short extract), or figures the model cannot
    fit (every month 0% or 100%), a result holding only a sentence saying so."""
    rows = series(kpi_df, kpi, group, month, start=shift_month(month, -(months - 1)))
    rows = rows[pd.to_numeric(rows["denominator"], errors="coerce") > 0]
    if len(rows) < MIN_MONTHS:
        return {"sentence": f"Too few months with figures ({len(rows)}) to estimate a trend."}
    try:
        result = stats.glm_trend(rows["numerator"], rows["denominator"], rows["month"], measure=kpi)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return {"sentence": "No trend could be estimated: the monthly figures leave the model nothing to fit "
                            "(for example every month at 0% or 100%)."}
    return RateTrend(result, str(rows["month"].min()), str(rows["month"].max()))


def _fitted_ends(trend) -> tuple[float, float] | None:
    """The model's fitted rate at the first and last month (None when not available)."""
    result = _attr(trend, "result")
    while result is not None and not hasattr(result, "fittedvalues"):  # a RateTrend holds a TrendResult
        result = getattr(result, "result", None)
    fitted = getattr(result, "fittedvalues", None)
    if fitted is None or len(fitted) < 2:
        return None
    values = [float(v) for v in fitted]
    return values[0], values[-1]


def trend_sentence(trend, measure: str = "the rate") -> str:
    """Plain words for a :func:`hwb_kpis.stats.glm_trend` result (or :func:`rate_trend`): is the
    rate rising or falling over the months observed, described by the model's fitted rate at the
    first and last month and the change in odds a month with its 95% interval — not extrapolated
    beyond those months. A change whose interval includes zero is reported as no clear trend."""
    pp, ci = _attr(trend, "pp_per_month"), _attr(trend, "pp_ci")
    n = _attr(trend, "n_months")
    if pp is None or ci is None or _missing(pp):
        text = _attr(trend, "sentence")
        return text if isinstance(text, str) else f"No trend could be estimated for {measure}."
    if n is not None and int(n) < MIN_MONTHS:
        return f"Too few months ({int(n)}) to estimate a trend in {measure}."
    lo, hi = float(ci[0]), float(ci[1])
    over = f" over {n} months" if n else ""
    first, last = _attr(trend, "first"), _attr(trend, "last")
    span = f" from {month_name(first)} to {month_name(last)}" if first and last and first != last else over
    extra = " The model allows for month-to-month variation beyond chance." if _attr(trend, "quasi") else ""
    if lo <= 0 <= hi:
        return (f"**No clear trend:** {measure} changed by {float(pp):+.1f} percentage points a month{span} "
                f"(95% interval {lo:+.1f} to {hi:+.1f}), which is consistent with no change.{extra}")
    verb = "rose" if pp > 0 else "fell"
    odds, odds_ci = _attr(trend, "odds_ratio"), _attr(trend, "or_ci")
    ends = _fitted_ends(trend)
    if ends is not None:
        level = (f"the trend model puts it at about {ends[0]:.0%} in the first of these months and {ends[1]:.0%} "
                 "in the last")
    else:
        level = f"by about {abs(float(pp)):.1f} percentage points a month around its average"
    pace = ""
    if odds is not None and odds_ci is not None:
        pace = (f"; the odds {verb} by about {abs(float(odds) - 1):.0%} a month (95% interval "
                f"{abs(float(odds_ci[0]) - 1) if pp > 0 else abs(float(odds_ci[1]) - 1):.0%} to "
                f"{abs(float(odds_ci[1]) - 1) if pp > 0 else abs(float(odds_ci[0]) - 1):.0%})")
    else:
        pace = (f" (95% interval {abs(lo) if pp > 0 else abs(hi):.1f} to {abs(hi) if pp > 0 else abs(lo):.1f} "
                "percentage points a month)")
    return (f"**{measure[:1].upper() + measure[1:]} {verb}{span}:** {level}{pace}. This describes the months "
            f"observed; it is not a forecast.{extra}")


def _slope_words(its, step_unclear: bool) -> str:
    """The change of the monthly trend after the break (an odds ratio per month), or ``""``."""
    slope, slope_ci = _attr(its, "slope_change"), _attr(its, "slope_ci")
    if slope is None or slope_ci is None:
        return ""
    slo, shi = float(slope_ci[0]), float(slope_ci[1])
    if slo <= 1 <= shi:
        return ("; the month-to-month trend did not clearly change after it either" if step_unclear else
                "; the month-to-month trend did not clearly change after it")
    pace = (f"the odds changed by {(float(slope) - 1) * 100:+.0f}% a month compared with the trend before "
            f"(95% interval {(slo - 1) * 100:+.0f}% to {(shi - 1) * 100:+.0f}%)")
    better = float(slope) > 1
    if step_unclear:
        return f". Instead, the trend {'improved' if better else 'worsened'} month by month after it: {pace}"
    return f"; the trend {'kept improving' if better else 'worsened'} month by month after it as well: {pace}"


def its_sentence(its, *, measure: str = "the rate", at: str | None = None) -> str:
    """Plain words for :func:`hwb_kpis.stats.interrupted_time_series` (binomial): the step at the
    change in percentage points and the change in the monthly trend, each with its interval."""
    pp, pp_ci = _attr(its, "level_change_pp"), _attr(its, "level_pp_ci")
    if pp is None or _missing(pp):
        text = _attr(its, "sentence")
        return text if isinstance(text, str) else "The interrupted time series could not be fitted."
    when = f" from {month_name(at)}" if at else ""
    lo, hi = float(pp_ci[0]), float(pp_ci[1])
    unclear = lo <= 0 <= hi
    if unclear:
        step = (f"there is no clear step in {measure}{when} ({float(pp):+.0f} percentage points, "
                f"95% interval {lo:+.0f} to {hi:+.0f})")
    else:
        step = (f"{measure} {'jumped up' if pp > 0 else 'dropped'} by about {abs(float(pp)):.0f} percentage points"
                f"{when} (95% interval {min(abs(lo), abs(hi)):.0f} to {max(abs(lo), abs(hi)):.0f}) — "
                "more than its earlier trend would explain")
    return step[:1].upper() + step[1:] + _slope_words(its, unclear) + "."
