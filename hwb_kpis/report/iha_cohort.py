"""The initial health assessment (IHA) measure as the pack frames it, for the summary and the IHA
page alike: which cohort month a report quotes (the latest whose children are all due), where
the improvement year breaks the series, what each time limit is called, and the one SPC chart of
the measure (a p-chart with its own limits from the break)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.report.kpi_charts import KpiChart, kpi_chart, series

#: the KPI id of IHA timeliness (for either limit; ``kpis.iha_within`` says which in ``limit``)
IHA_KPI = "iha_within_28_days"
#: the IHA time limits (``hwb_kpis.config.IHA_LIMITS``) in words
LIMIT_WORDS = {"28d": "within 28 days", "20wd": "within 20 working days"}


def limit_words(limit: str) -> str:
    """``"28d"`` → ``"within 28 days"``."""
    return LIMIT_WORDS.get(limit, limit)


def quotable(iha: pd.DataFrame, month: str) -> pd.DataFrame:
    """The cohort months up to ``month`` that have any children due, and of those the ones whose
    children are all due an IHA (no ``not_yet_due``) when there are any: the months a report may
    quote."""
    rows = iha[(iha["month"].astype(str) <= str(month)) & (pd.to_numeric(iha["denominator"], errors="coerce") > 0)]
    if "not_yet_due" in rows.columns:
        due = rows[rows["not_yet_due"] == 0]
        rows = due if len(due) else rows
    return rows


def reporting_month(iha: pd.DataFrame, month: str) -> str:
    """The latest cohort month up to ``month`` whose children are all due an IHA (no
    ``not_yet_due``) and that has any children: the month a board report quotes."""
    rows = quotable(iha, month)
    return str(rows["month"].max()) if len(rows) else str(month)


def its_break_month(month: str, *, min_after: int = 3) -> str:
    """January of ``month``'s year — or of the year before when fewer than ``min_after`` months
    would follow it — as the interrupted time series' break (the start of the improvement year)."""
    y, m = int(str(month)[:4]), int(str(month)[5:7])
    return f"{y if m > min_after else y - 1}-01"


def iha_chart(iha: pd.DataFrame, month: str, *, label: str | None = None) -> KpiChart:
    """The SPC chart of IHA timeliness (``iha``: :func:`hwb_kpis.kpis.iha_within`) up to the
    reporting month of ``month``, with new limits from its break (:func:`its_break_month`)."""
    reporting = reporting_month(iha, month)
    brk = its_break_month(reporting)
    months = series(iha, IHA_KPI, "all", reporting)
    months = months.loc[pd.to_numeric(months["denominator"], errors="coerce") > 0, "month"].astype(str)
    # limits start again at the break only when the chart has months on both sides of it
    rebase = [brk] if (months < brk).any() and (months >= brk).any() else None
    return kpi_chart(iha, IHA_KPI, "all", reporting, label=label, rebase_at=rebase)
