"""Months still maturing: a month in which more than a set share of contacts still await a
decision (for initial health assessments: of the children are not yet due one) is shown, marked
"still maturing", and never judged — no SPC verdict, comparison or "what changed" rests on it,
because its figure will move as the decisions are made."""

from __future__ import annotations

import pandas as pd

from hwb_kpis import config
from hwb_kpis.kpis import registry

#: the KPI whose rate is the share of a month's contacts still awaiting a decision
PENDING_KPI = "pending"
#: what is still pending in a maturing month, by the kind of KPI
KINDS = ("decisions", "due")


def matures_with_decisions(kpi: str) -> bool:
    """Whether a KPI reads the decision on a contact (its ``needs`` include the contacts'
    ``outcome``): its recent months move until their contacts are decided."""
    return "outcome" in registry.kpi(kpi).needs.get("contacts", ())


def pending_shares(kpi_df: pd.DataFrame, kpi: str, group: str = "all") -> tuple[str | None, pd.Series]:
    """What is still pending, month by month, for ``kpi``: ``("decisions", share of all
    contacts awaiting a decision)`` for a KPI that reads decisions (the ``pending`` rows of
    ``kpi_df``, group ``all``: every KPI of a month agrees on whether it is maturing);
    ``("due", share of the cohort not yet due)`` for rows with a ``not_yet_due`` column (IHA);
    ``(None, empty)`` otherwise. The series is indexed by month (``YYYY-MM``)."""
    if matures_with_decisions(kpi):
        rows = kpi_df[(kpi_df["kpi"] == PENDING_KPI) & (kpi_df["group"] == "all")]
        if "period" in rows.columns:
            rows = rows[rows["period"] == "month"]
        share = pd.to_numeric(rows["rate"], errors="coerce").fillna(0.0)
        return "decisions", pd.Series(share.to_numpy(float), index=rows["month"].astype(str).to_numpy())
    rows = kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["group"] == group)]
    if "not_yet_due" in rows.columns:
        waiting = pd.to_numeric(rows["not_yet_due"], errors="coerce").fillna(0).to_numpy(float)
        cohort = pd.to_numeric(rows["denominator"], errors="coerce").fillna(0).to_numpy(float) + waiting
        share = [w / c if c > 0 else 0.0 for w, c in zip(waiting, cohort, strict=True)]
        return "due", pd.Series(share, index=rows["month"].astype(str).to_numpy(), dtype=float)
    return None, pd.Series(dtype=float)


def maturing_months(kpi_df: pd.DataFrame, kpi: str, group: str = "all",
                    share: float = config.DEFAULT_MATURING_SHARE) -> tuple[str | None, dict[str, float]]:
    """``(kind, {month: share pending})`` for the months of ``kpi`` whose pending share (see
    :func:`pending_shares`) is above ``share``: the months still maturing."""
    kind, shares = pending_shares(kpi_df, kpi, group)
    return kind, {str(m): float(s) for m, s in shares.items() if s > share}
