"""The initial health assessment (IHA) measure as the pack frames it, for the summary and the IHA
page alike: which cohort months a report may quote (those no longer maturing: see
:mod:`hwb_kpis.report.maturing`), where the interrupted time series breaks (the change declared
for IHA in ``changes.yml``, else the start of the improvement year), and what each time limit is
called. The SPC verdict on the measure is :meth:`hwb_kpis.report.pages.base.PageData.verdict`."""

from __future__ import annotations

import pandas as pd

from hwb_kpis import config
from hwb_kpis.report.declared import Change, VerdictRules
from hwb_kpis.report.maturing import maturing_months

#: the KPI id of IHA timeliness (for either limit; ``kpis.iha_within`` says which in ``limit``)
IHA_KPI = "iha_within_28_days"
#: the IHA time limits (``hwb_kpis.config.IHA_LIMITS``) in words
LIMIT_WORDS = {"28d": "within 28 days", "20wd": "within 20 working days"}


def limit_words(limit: str) -> str:
    """``"28d"`` → ``"within 28 days"``."""
    return LIMIT_WORDS.get(limit, limit)


def quotable(iha: pd.DataFrame, month: str, share: float = config.DEFAULT_MATURING_SHARE) -> pd.DataFrame:
    """The cohort months up to ``month`` that have any children due, and of those the ones no
    longer maturing (at most ``share`` of the cohort not yet due) when there are any: the months
    a report may quote."""
    rows = iha[(iha["month"].astype(str) <= str(month)) & (pd.to_numeric(iha["denominator"], errors="coerce") > 0)]
    _, maturing = maturing_months(rows, IHA_KPI, "all", share)
    mature = rows[~rows["month"].astype(str).isin(maturing)]
    return mature if len(mature) else rows


def reporting_month(iha: pd.DataFrame, month: str, share: float = config.DEFAULT_MATURING_SHARE) -> str:
    """The latest cohort month up to ``month`` that is no longer maturing and has any children:
    the month a board report quotes (``month`` itself when there is none)."""
    rows = quotable(iha, month, share)
    return str(rows["month"].max()) if len(rows) else str(month)


def its_break_month(month: str, *, min_after: int = 3) -> str:
    """January of ``month``'s year — or of the year before when fewer than ``min_after`` months
    would follow it — as the interrupted time series' break when no change is declared."""
    y, m = int(str(month)[:4]), int(str(month)[5:7])
    return f"{y if m > min_after else y - 1}-01"


def its_break(rules: VerdictRules, month: str, *, first: str | None = None) -> tuple[str, Change | None]:
    """Where the interrupted time series of IHA timeliness up to ``month`` breaks: the latest
    change declared for IHA (``changes.yml``) after ``first`` (the first cohort month) and up to
    ``month``, with that change; else :func:`its_break_month` and None."""
    declared = [c for c in rules.changes_for(IHA_KPI, "all")
                if c.month <= str(month) and (first is None or c.month > str(first))]
    if declared:
        return declared[-1].month, declared[-1]
    return its_break_month(month), None
