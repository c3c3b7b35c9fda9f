"""Is a rate really changing over time: the trend model of a KPI over recent months
(:func:`hwb_kpis.stats.glm_trend`) and the step at a known break
(:func:`hwb_kpis.stats.interrupted_time_series`), in plain words with their 95% intervals."""

from __future__ import annotations

from collections.abc import Mapping
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


#: the fewest months with figures a trend model is fitted on
MIN_TREND_MONTHS = 3


def rate_trend(kpi_df: pd.DataFrame, kpi: str, month: str, *, group: str = "all", months: int = 12):
    """:func:`hwb_kpis.stats.glm_trend` of a rate KPI over the ``months`` to ``month``; for fewer
    than :data:`MIN_TREND_MONTHS` months with figures, or figures the model cannot fit (every
    month 0% or 100%), a result holding only a sentence saying so."""
    rows = series(kpi_df, kpi, group, month, start=shift_month(month, -(months - 1)))
    rows = rows[pd.to_numeric(rows["denominator"], errors="coerce") > 0]
    if len(rows) < MIN_TREND_MONTHS:
        return {"sentence": f"There are too few months with figures ({len(rows)}) to estimate a trend."}
    try:
        return stats.glm_trend(rows["numerator"], rows["denominator"], rows["month"], measure=kpi)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return {"sentence": "No trend could be estimated: the monthly figures leave the model nothing to fit "
                            "(for example every month at 0% or 100%)."}


def trend_sentence(trend, measure: str = "the rate") -> str:
    """Plain words for a :func:`hwb_kpis.stats.glm_trend` result: is the rate really rising or
    falling, by how many percentage points a month and a year, with the 95% interval. A change
    whose interval includes zero is reported as no clear trend."""
    pp, ci = _attr(trend, "pp_per_month"), _attr(trend, "pp_ci")
    n = _attr(trend, "n_months")
    if pp is None or ci is None or _missing(pp):
        text = _attr(trend, "sentence")
        return text if isinstance(text, str) else f"No trend could be estimated for {measure}."
    lo, hi = float(ci[0]), float(ci[1])
    over = f" over {n} months" if n else ""
    extra = " The model allows for month-to-month variation beyond chance." if _attr(trend, "quasi") else ""
    if lo <= 0 <= hi:
        return (f"**No clear trend:** {measure} changed by {float(pp):+.1f} percentage points a month{over} "
                f"(95% interval {lo:+.1f} to {hi:+.1f}), which is consistent with no change.{extra}")
    verb = "rising" if pp > 0 else "falling"
    return (f"**Yes, {measure} is really {verb}:** by about {abs(float(pp)):.1f} percentage points a month{over} "
            f"(95% interval {abs(lo) if pp > 0 else abs(hi):.1f} to {abs(hi) if pp > 0 else abs(lo):.1f}), "
            f"about {abs(float(pp)) * 12:.0f} points a year.{extra}")


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
