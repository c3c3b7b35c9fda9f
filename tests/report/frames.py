"""Small hand-made frames shaped like the package's KPI, SPC and model outputs, shared by the
report tests (``from tests.report.frames import ...``)."""

from __future__ import annotations

import pandas as pd


def kpi_frame() -> pd.DataFrame:
    """Repeat contacts (a rate) and contacts (a count) for November 2014, October and November 2015."""
    rows = []
    for month, num, den in [("2014-11", 600, 1300), ("2015-10", 700, 1400), ("2015-11", 714, 1400)]:
        rows.append({"kpi": "repeat_contacts", "group": "all", "month": month, "numerator": num,
                     "denominator": den, "rate": num / den})
    for month, n in [("2014-11", 1350), ("2015-10", 1520), ("2015-11", 1400)]:
        rows.append({"kpi": "contacts", "group": "all", "month": month, "numerator": n,
                     "denominator": pd.NA, "rate": pd.NA})
    return pd.DataFrame(rows)


def monthly(kpi, group, values, start="2014-01", den=1000) -> pd.DataFrame:
    """One KPI for one group, one row per value from ``start`` (``kpi_table``'s columns)."""
    months = pd.period_range(start, periods=len(values), freq="M").astype(str)
    rows = [{"kpi": kpi, "group": group, "month": m, "period": "month", "numerator": v,
             "denominator": den if kpi != "contacts" else v, "rate": v / den if kpi != "contacts" else 1.0,
             "incomplete_history": False} for m, v in zip(months, values, strict=True)]
    return pd.DataFrame(rows)


def spc(ys, special_last=False, mean=None) -> pd.DataFrame:
    """An SPC frame (``y, mean, lpl, upl, special_cause, rule``) with limits 0.1 either side of the mean."""
    mean = sum(ys) / len(ys) if mean is None else mean
    frame = pd.DataFrame({"y": ys, "mean": mean, "lpl": mean - 0.1, "upl": mean + 0.1,
                          "special_cause": False, "rule": ""})
    if special_last:
        frame.loc[frame.index[-1], "special_cause"] = True
        frame.loc[frame.index[-1], "rule"] = "beyond_limit"
    return frame


def odds_table() -> pd.DataFrame:
    """A table shaped like hwb_kpis.stats.recontact_drivers' output (reference = most frequent level)."""
    rows = [
        ("source_group", "police", 1.0, None, None, True),
        ("source_group", "health", 0.45, 0.38, 0.54, False),
        ("source_group", "schools", 0.68, 0.58, 0.80, False),
        ("source_group", "housing", 0.89, 0.60, 1.30, False),
        ("marf", "no", 1.0, None, None, True),
        ("marf", "yes", 1.14, 0.99, 1.32, False),
        ("age_band", "10-15", 1.0, None, None, True),
        ("age_band", "16+", 1.05, 0.9, 1.2, False),
        ("previous_outcome", "nfa", 1.0, None, None, True),
        ("previous_outcome", "advice", 1.3, 1.1, 1.5, False),
        ("previous_outcome", "referral", 0.02, 0.01, 0.03, False),
        ("previous_marf", "no", 1.0, None, None, True),
        ("previous_marf", "yes", 0.8, 0.7, 0.9, False),
        ("previous_marf", "unknown", 1.5, 1.2, 1.9, False),
        ("time", "per 12 months", 0.9, 0.85, 0.95, False),
    ]
    return pd.DataFrame(rows, columns=["term", "level", "odds_ratio", "ci_low", "ci_high", "is_reference"])
