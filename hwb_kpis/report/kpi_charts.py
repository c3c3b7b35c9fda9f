"""A KPI's monthly series and the SPC chart that suits it: XmR on the count for a count KPI; for
a rate, a p-chart, or Laney's p′-chart when the over-dispersion test recommends it (and the
sentence that says which was chosen and why). :class:`KpiChart` carries the chart with its
verdict, title and sentence, so every page that shows a KPI shows the same verdict for it, and
which of its points may not be drawn (:func:`hidden_points`: a count from 1 to 4, a count
withheld to protect another, or a rate resting on either)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from hwb_kpis import config, stats
from hwb_kpis.kpis import registry
from hwb_kpis.privacy.disclosure import Decisions
from hwb_kpis.report import verdict as verdicts
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


def kpi_spc(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None, *,
            start: str | None = None, improvement_direction: str | None = None,
            rebase_at: Sequence[str] | None = None) -> tuple[pd.DataFrame, dict | None]:
    """The SPC chart that fits a KPI series (the registry's ``chart``): XmR on the count for a
    count KPI; for a rate, a p-chart, or Laney's p′-chart when
    :func:`hwb_kpis.stats.overdispersion_test` recommends it. Months with no denominator and
    months with incomplete history are left out; ``rebase_at`` months start new limits.

    Returns ``(chart, test)``: the SPC frame (``attrs["chart"]`` says which kind) and the
    over-dispersion test dict (None for a count KPI or fewer than 3 months).
    """
    rows = chart_rows(kpi_df, kpi, group, month, start=start)
    direction = improvement_direction or registry.direction(kpi)
    if registry.kpi(kpi).chart == "xmr":
        return stats.xmr(rows["numerator"].astype(float), x=rows["month"], improvement_direction=direction,
                         rebase_at=rebase_at), None
    num, den = rows["numerator"].astype(float), rows["denominator"].astype(float)
    test = stats.overdispersion_test(num, den) if len(rows) >= 3 else None
    chart = stats.p_chart(num, den, laney=bool(test and test["use_laney"]), x=rows["month"],
                          improvement_direction=direction, rebase_at=rebase_at)
    return chart, test


def chart_rows(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None, *,
               start: str | None = None) -> pd.DataFrame:
    """The rows :func:`kpi_spc` charts, one per point in order (a rate: months with a denominator)."""
    rows = series(kpi_df, kpi, group, month, start=start)
    if registry.kpi(kpi).chart != "xmr":
        rows = rows[pd.to_numeric(rows["denominator"], errors="coerce") > 0].reset_index(drop=True)
    return rows


@dataclass
class KpiChart:
    """One KPI's SPC chart for one group, with the verdict on its latest month."""

    kpi: str
    group: str
    label: str
    frame: pd.DataFrame
    test: dict | None = None
    #: the rows behind the points (``month``, ``numerator``, ``denominator``), one per point
    rows: pd.DataFrame | None = None
    #: per point: not drawn (:func:`hidden_points`); None draws every point
    hidden: np.ndarray | None = None

    @property
    def is_rate(self) -> bool:
        return registry.is_rate(self.kpi)

    @cached_property
    def verdict(self) -> dict:
        """:func:`hwb_kpis.report.verdict.spc_verdict` of the latest month."""
        return verdicts.spc_verdict(self.frame)

    @property
    def title(self) -> str:
        """A chart title that states the verdict."""
        return verdicts.chart_title(self.verdict, self.label)

    @property
    def sentence(self) -> str:
        """The verdict, its reason, the average and the range of normal variation in words."""
        return verdicts.spc_sentence(self.verdict, self.label, is_rate=self.is_rate)

    @property
    def chart_choice_sentence(self) -> str:
        """Why this kind of chart (:func:`overdispersion_sentence`); empty for a count KPI."""
        return overdispersion_sentence(self.test) if self.is_rate else ""

    def figure(self, *, y_label: str, as_of: str | None = None) -> Any:
        """The SPC chart (:func:`hwb_kpis.report.plots.spc_chart`) titled with the verdict."""
        from hwb_kpis.report import plots  # imported when drawn: the summary page draws nothing

        return plots.spc_chart(self.frame, title=self.title, y_label=y_label, percent=self.is_rate, as_of=as_of,
                               hidden=self.hidden)


def kpi_chart(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None, *,
              label: str | None = None, start: str | None = None,
              rebase_at: Sequence[str] | None = None) -> KpiChart:
    """:func:`kpi_spc` as a :class:`KpiChart` (``label`` defaults to the registry's)."""
    frame, test = kpi_spc(kpi_df, kpi, group, month, start=start, rebase_at=rebase_at)
    rows = chart_rows(kpi_df, kpi, group, month, start=start)
    return KpiChart(kpi, group, label or registry.label(kpi), frame, test, rows)


def point_hidden(rows: pd.DataFrame, kpi: str, group: str, decisions: Decisions,
                 view: str = config.DEFAULT_VIEW) -> np.ndarray:
    """Per row of a KPI series: True when its point may not be drawn (its count, or a count its
    rate rests on, is not shown by ``decisions``)."""
    is_rate = registry.is_rate(kpi)
    out = []
    for r in rows.itertuples(index=False):
        limit = getattr(r, "limit", None)
        num, den = kpi_keys(kpi, group, str(r.month), view, limit if isinstance(limit, str) else config.DEFAULT_IHA_LIMIT)
        cells = [(num, r.numerator)] + ([(den, r.denominator)] if is_rate else [])
        out.append(not decisions.shown(*cells))
    return np.array(out, dtype=bool)


def hidden_points(chart: KpiChart, decisions: Decisions, view: str = config.DEFAULT_VIEW) -> KpiChart:
    """``chart`` with the points it may not draw marked (:func:`point_hidden`); its verdict and
    limits still use every month (they are statistics on many months, not a month's figure)."""
    if chart.rows is None or decisions.internal:
        return chart
    return replace(chart, hidden=point_hidden(chart.rows, chart.kpi, chart.group, decisions, view))


def overdispersion_sentence(test: Mapping | None, *, what: str = "month to month") -> str:
    """Plain words for :func:`hwb_kpis.stats.overdispersion_test` (keys ``sigma_z``, ``phi``,
    ``p_value``, ``use_laney``): does the rate vary more than chance alone would give, and so
    which chart is used?"""
    if not test:
        return "The over-dispersion test could not be run."
    sigma_z, p = float(test["sigma_z"]), float(test["p_value"])
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    if test.get("use_laney"):
        return (f"The rate varies {what} more than chance alone would give (spread {sigma_z:.1f} times "
                f"the chance level; {p_text}), so the chart uses Laney's p′ limits, which allow for this "
                "extra variation and flag only changes beyond it.")
    if p < 0.05:
        return (f"The rate varies more than chance over the whole period ({p_text}) but not from one month "
                f"to the next (spread {sigma_z:.1f} times the chance level): a trend or shift rather than noise, "
                "so the ordinary p-chart is used and will show it.")
    return f"The rate varies {what} no more than chance would give ({p_text}), so ordinary p-chart limits are used."
