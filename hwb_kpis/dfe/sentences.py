"""What the benchmarking page says in words: the measures' labels, the comparison of the
authority with its region and England, and the alt text of the benchmark figure. Area names come
from a downloaded file: sentences escape them for markdown (:mod:`hwb_kpis.report.escape`)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.dfe.compare import LEVELS
from hwb_kpis.dfe.read import year_label
from hwb_kpis.report.escape import markdown_text

MEASURES = {
    "referral_rate": "Referrals per 10,000 children",
    "rereferral_pct": "Re-referrals within 12 months, %",
    "nfa_pct": "Closed with no further action, %",
}


def comparison_sentences(summary: pd.DataFrame, year: int) -> list[str]:
    """Plain-words comparison of the authority with its region and England in ``year``."""
    rows = summary[summary["year"] == year]
    own = rows[rows["level"] == "authority"]
    if own.empty:
        return [f"DfE published no figures for the authority in {year_label(year)}."]
    name = markdown_text(own["area"].iloc[0])
    sentences = []
    for column, what, unit in (
        ("referral_rate", "referrals per 10,000 children", ""),
        ("rereferral_pct", "of referrals were re-referrals within 12 months", "%"),
        ("nfa_pct", "of referrals were closed with no further action", "%"),
    ):
        mine = own[column].iloc[0]
        if pd.isna(mine):
            continue
        others = []
        for level in ("region", "england"):
            other = rows.loc[rows["level"] == level, ["area", column]]
            if len(other) and pd.notna(other[column].iloc[0]):
                value = float(other[column].iloc[0])
                others.append(f"{markdown_text(other['area'].iloc[0])} {value:,.1f}{unit}")
        against = f" (compared with {' and '.join(others)})" if others else ""
        if unit:
            sentences.append(f"In {year_label(year)}, {mine:,.1f}% {what} in {name}{against}.")
        else:
            sentences.append(f"In {year_label(year)}, {name} had {mine:,.1f} {what}{against}.")
    return sentences


def figure_alt_text(summary: pd.DataFrame) -> str:
    """Alt text for :func:`hwb_kpis.report.plots.benchmark_figure`."""
    areas = list(dict.fromkeys(summary.sort_values("level", key=lambda s: s.map(LEVELS.index))["area"]))
    years = f"{int(summary['year'].min())} to {int(summary['year'].max())}"
    return (
        "Three line charts, years ending 31 March " + years + ": referrals per 10,000 children, "
        "re-referrals within 12 months (%) and referrals closed with no further action (%), "
        "one line each for " + ", ".join(areas) + ". The figures are in the table below."
    )
