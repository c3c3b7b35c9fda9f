"""Initial health assessments of children starting to be looked after: the share done within the
limit (:func:`iha_within`, KPI ``iha_within_28_days``) and the median days of each step of the
process (:func:`iha_steps`), by month of becoming looked after."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis import config
from hwb_kpis.coding.codes import view_columns
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.kpis.arrays import NAT, days, month_labels, month_of_days, parse_day, require
from hwb_kpis.kpis.rows import ALL, empty_rows, rows_from_counts
from hwb_kpis.kpis.workdays import add_working_days

IHA_STEPS = (
    ("start_to_consent", "period_start", "consent_date"),
    ("consent_to_notified", "consent_date", "health_notified_date"),
    ("notified_to_iha", "health_notified_date", "iha_date"),
    ("start_to_iha", "period_start", "iha_date"),
)


def latest_la_day(looked_after: pd.DataFrame) -> int | None:
    """The day number of the latest date anywhere in the looked-after table (None when none)."""
    values = [days(looked_after[c]) for c in config.LOOKED_AFTER_DATES if c in looked_after.columns]
    values = np.concatenate(values) if values else np.zeros(0, np.int64)
    values = values[values != NAT]
    return int(values.max()) if len(values) else None


def _deadlines(start: np.ndarray, limit: str) -> np.ndarray:
    """Day numbers of the IHA deadline: ``start + 28`` (``28d``) or the 20th working day after
    ``start`` (``20wd``)."""
    if limit == "28d":
        return start + 28
    return add_working_days(start.astype("datetime64[D]"), 20).astype(np.int64)


def _period_starts(looked_after: pd.DataFrame) -> np.ndarray:
    require(looked_after, ("period_start", "iha_date"), "looked_after")
    start = days(looked_after["period_start"])
    if (start == NAT).any():
        raise HwbKpisError("looked_after: rows without period_start; run `hwb-kpis clean`")
    return start


def iha_within(looked_after: pd.DataFrame, as_of=None, limit: str = config.DEFAULT_IHA_LIMIT,
               view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """% initial health assessments within the limit, by month of becoming looked after.

    kpi ``iha_within_28_days`` (for either limit; the ``limit`` column says which), group ``all``.

    * cohort of month m: periods of care with ``period_start`` in m;
    * deadline: ``period_start + 28`` days (``limit="28d"``), or the 20th working day after
      ``period_start`` (``"20wd"``: Monday–Friday less England bank holidays; ``period_start`` is
      day 0 and never counted, see :mod:`hwb_kpis.kpis.workdays`);
    * numerator: an IHA dated on or before the deadline;
    * denominator: the cohort less those not yet due (no IHA by ``as_of`` and ``as_of`` before the
      deadline); a child past the deadline without an IHA counts in the denominator only.

    An IHA dated after ``as_of`` is treated as not (yet) done. ``as_of`` defaults to the latest
    date in the table (:func:`kpi_table` uses the latest date of the whole extract). The extra
    column ``not_yet_due`` counts the children left out.
    """
    view_columns(view)
    if limit not in config.IHA_LIMITS:
        raise ValueError(f"limit must be one of {', '.join(config.IHA_LIMITS)}, not {limit!r}")
    start = _period_starts(looked_after)
    if len(start) == 0:
        out = empty_rows()
        out["not_yet_due"] = pd.Series(dtype="int64")
        return out
    as_of_day = parse_day(as_of, "as_of")
    if as_of_day is None:
        as_of_day = latest_la_day(looked_after)
    iha = days(looked_after["iha_date"])
    done = (iha != NAT) & (iha <= as_of_day)
    deadline = _deadlines(start, limit)
    met = done & (iha <= deadline)
    not_due = ~done & (as_of_day < deadline)
    months = month_of_days(start)
    first = int(months.min())
    idx = months - first
    n_m = int(idx.max()) + 1
    num = np.bincount(idx[met], minlength=n_m)
    den = np.bincount(idx[~not_due], minlength=n_m)
    out = rows_from_counts("iha_within_28_days", [ALL], month_labels(first, n_m), num[:, None], den[:, None],
                           limit=limit)
    out["not_yet_due"] = np.bincount(idx[not_due], minlength=n_m).astype(np.int64)
    return out


def iha_steps(looked_after: pd.DataFrame) -> pd.DataFrame:
    """Median days of each step of the IHA process by month of becoming looked after.

    Columns ``month``, ``step`` (``start_to_consent``, ``consent_to_notified``, ``notified_to_iha``,
    ``start_to_iha``), ``n`` (periods with both dates) and ``median_days`` (NaN when ``n`` is 0).
    Only completed steps are measured, so a month with many children still waiting looks quicker
    than it is: read ``n`` beside the median.
    """
    require(looked_after, [c for _, a, b in IHA_STEPS for c in (a, b)], "looked_after")
    if len(looked_after) == 0:
        return pd.DataFrame({"month": pd.Series(dtype="string"), "step": pd.Series(dtype="string"),
                             "n": pd.Series(dtype="int64"), "median_days": pd.Series(dtype="float64")})
    start = days(looked_after["period_start"])
    months = month_of_days(start)
    first = int(months.min())
    labels = month_labels(first, int(months.max()) - first + 1)
    frames = []
    for step, a, b in IHA_STEPS:
        da, db = days(looked_after[a]), days(looked_after[b])
        ok = (da != NAT) & (db != NAT)
        d = pd.DataFrame({"m": months[ok] - first, "days": (db[ok] - da[ok]).astype(float)})
        g = d.groupby("m")["days"].agg(["size", "median"]).reindex(range(len(labels)))
        frames.append(pd.DataFrame({
            "month": pd.array(labels, dtype="string"),
            "step": pd.array([step] * len(labels), dtype="string"),
            "n": g["size"].fillna(0).astype("int64").to_numpy(),
            "median_days": g["median"].to_numpy(dtype=float),
        }))
    out = pd.concat(frames, ignore_index=True)
    order = {s: i for i, (s, _, _) in enumerate(IHA_STEPS)}
    out["_o"] = out["step"].map(order)
    return out.sort_values(["month", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
