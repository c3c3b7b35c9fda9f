"""A KPI's monthly series and the SPC chart that suits it: XmR on the count for a count KPI; for
a rate, a p-chart, or Laney's p′-chart when the over-dispersion test recommends it (and the
sentence that says which was chosen and why). The verdict on the chart, one per KPI per pack, is
:func:`hwb_kpis.report.kpi_verdicts.kpi_verdict`; which of its points may not be drawn,
:func:`point_hidden`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from hwb_kpis import config, stats
from hwb_kpis.kpis import registry
from hwb_kpis.privacy.disclosure import Decisions
from hwb_kpis.report.published import kpi_keys


def series(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None, *,
           start: str | None = None, complete_only: bool = True) -> pd.DataFrame:
    """One KPI's monthly rows for one group, in month order, up to ``month`` (and from ``start``),
    leaving out months flagged ``incomplete_history`` when ``complete_only``."""
    rows = kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["group"] == group)]
    if "period" in rows.columns:
        rows = rows[rows["period"] == "month"]
    if month is not None:
        rows = rows[rows["month"].astype(str) <= str(month)]
    if start is not None:
        rows = rows[rows["month"].astype(str) >= str(start)]
    if complete_only and "incomplete_history" in rows.columns:
        rows = rows[~rows["incomplete_history"].astype("boolean").fillna(False).to_numpy(bool)]
    return rows.sort_values("month").reset_index(drop=True)


def judged_rows(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None, *,
                start: str | None = None, exclude: Collection[str] = ()) -> pd.DataFrame:
    """The months an SPC chart of ``kpi`` is drawn from: :func:`series` without the ``exclude``
    months (those still maturing) and, for a rate, without months that have no denominator."""
    rows = series(kpi_df, kpi, group, month, start=start)
    if exclude:
        rows = rows[~rows["month"].astype(str).isin({str(m) for m in exclude})]
    if registry.kpi(kpi).chart != "xmr":
        rows = rows[pd.to_numeric(rows["denominator"], errors="coerce") > 0]
    return rows.reset_index(drop=True)


#: the columns of an SPC frame (:func:`hwb_kpis.stats.xmr`, :func:`hwb_kpis.stats.p_chart`)
SPC_COLUMNS = ("x", "y", "numerator", "denominator", "segment", "mean", "sigma", "lpl", "upl", "near_lower",
               "near_upper", "rule", "direction", "special_cause", "variation", "trial_limits", "target")


def empty_chart(chart: str, improvement_direction: str = "neutral") -> pd.DataFrame:
    """An SPC frame with no points (a KPI with no month to judge)."""
    frame = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "x" else "float64") for c in SPC_COLUMNS})
    frame.attrs.update(chart=chart, improvement_direction=improvement_direction)
    return frame


def kpi_spc(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None, *,
            start: str | None = None, improvement_direction: str | None = None,
            rebase_at: Sequence[str] | None = None, exclude: Collection[str] = (),
            target: float | None = None) -> tuple[pd.DataFrame, dict | None]:
    """The SPC chart that fits a KPI series (the registry's ``chart``): XmR on the count for a
    count KPI; for a rate, a p-chart, or Laney's p′-chart when
    :func:`hwb_kpis.stats.overdispersion_test` recommends it. The months of :func:`judged_rows`
    are charted (``exclude``: months left out, such as those still maturing); ``rebase_at``
    months start new limits; ``target`` (in the KPI's units) is carried for the assurance icon.

    Returns ``(chart, test)``: the SPC frame (``attrs["chart"]`` says which kind) and the
    over-dispersion test dict (None for a count KPI or fewer than 3 months).
    """
    rows = judged_rows(kpi_df, kpi, group, month, start=start, exclude=exclude)
    direction = improvement_direction or registry.direction(kpi)
    if rows.empty:  # nothing to chart: an empty frame with the chart's columns
        return empty_chart(registry.kpi(kpi).chart, direction), None
    if registry.kpi(kpi).chart == "xmr":
        return stats.xmr(rows["numerator"].astype(float), x=rows["month"], improvement_direction=direction,
                         rebase_at=rebase_at, target=target), None
    num, den = rows["numerator"].astype(float), rows["denominator"].astype(float)
    chart = stats.p_chart(num, den, x=rows["month"], improvement_direction=direction, rebase_at=rebase_at,
                          target=target)
    # judged around the trend of each segment: a trend or a declared step alone is not over-dispersion
    test = stats.overdispersion_test(num, den, segment=chart["segment"].to_numpy()) if len(rows) >= 3 else None
    if test and test["use_laney"]:
        chart = stats.p_chart(num, den, laney=True, x=rows["month"], improvement_direction=direction,
                              rebase_at=rebase_at, target=target)
    return chart, test


def point_hidden(rows: pd.DataFrame, kpi: str, group: str, decisions: Decisions,
                 view: str = config.DEFAULT_VIEW) -> np.ndarray:
    """Per row of a KPI series (``month``, ``numerator``, ``denominator``; ``limit`` for IHA):
    True when its point may not be drawn (its count, or a count its rate rests on, is not shown by
    ``decisions``: a count from 1 to 4, a count withheld to protect another, or a rate resting on
    either)."""
    is_rate = registry.is_rate(kpi)
    out = []
    for r in rows.itertuples(index=False):
        limit = getattr(r, "limit", None)
        num, den = kpi_keys(kpi, group, str(r.month), view, limit if isinstance(limit, str) else config.DEFAULT_IHA_LIMIT)
        cells = [(num, r.numerator)] + ([(den, r.denominator)] if is_rate else [])
        out.append(not decisions.shown(*cells))
    return np.array(out, dtype=bool)


def overdispersion_sentence(test: Mapping | None, *, what: str = "month to month") -> str:
    """Plain words for :func:`hwb_kpis.stats.overdispersion_test` (keys ``sigma_z``, ``phi``,
    ``p_value``, ``use_laney``): does the rate vary more than chance alone would give, and so
    which chart is used?"""
    if not test:
        return "The over-dispersion test could not be run."
    # the chart's own sigma_z when it uses Laney's limits; the spread around the trend otherwise
    sigma_z = float(test["sigma_z"] if test.get("use_laney") else test.get("sigma_z_trend", test["sigma_z"]))
    p = float(test["p_value"])
    pooled = float(test.get("p_value_pooled", p))
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    if test.get("use_laney"):
        return (f"The rate varies {what} more than chance alone would give, even allowing for its trend "
                f"(spread {sigma_z:.1f} times the chance level; {p_text}), so the chart uses Laney's p′ limits, "
                "which allow for this extra variation and flag only changes beyond it.")
    if p < 0.05:
        return ("The rate moves more than chance over the period, in a way a straight trend does not capture, but "
                f"from one month to the next it varies no more than chance would give (spread {sigma_z:.1f} times "
                "the chance level): a trend or shift rather than noise, so the ordinary p-chart is used and will "
                "show it.")
    if pooled < 0.05:
        return ("The rate moves more than chance over the whole period, but around its trend it varies no more "
                f"than chance would give ({p_text}): a trend or shift rather than noise, so the ordinary p-chart "
                "is used and will show it.")
    return (f"How much the rate varies {what} is consistent with chance alone ({p_text}), so ordinary p-chart "
            "limits are used.")
