"""Agencies (source groups) compared with each other: whose monthly rate varies beyond chance,
who lies outside the funnel, and which agencies get a panel of their own in a small-multiples
chart (the largest, the rest named) — with the sentences that say so. A point resting on a count
from 1 to 4, or on one the pack withholds, is not drawn (nor named in a sentence)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from hwb_kpis import config, stats
from hwb_kpis.privacy.disclosure import Decisions, decisions_for, hidden_points_note
from hwb_kpis.report import words
from hwb_kpis.report.kpi_charts import judged_rows, kpi_spc, point_hidden
from hwb_kpis.report.labels import group_label
from hwb_kpis.report.published import kpi_keys
from hwb_kpis.report.words import join_words, shift_month

#: small multiples beyond this many panels cannot be read at a glance
MAX_PANELS = 9


def _group_rows(kpi_df: pd.DataFrame, kpi: str, month: str, months: int) -> pd.DataFrame:
    """A KPI's monthly rows per source group (not ``all``, not single codes) over the ``months``
    to ``month``, without months of incomplete history."""
    start = shift_month(month, -(months - 1))
    rows = kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["group"] != "all") & ~kpi_df["group"].astype(str).str.startswith("code:")]
    if "period" in rows.columns:
        rows = rows[rows["period"] == "month"]
    rows = rows[(rows["month"] >= start) & (rows["month"] <= month)]
    if "incomplete_history" in rows.columns:
        rows = rows[~rows["incomplete_history"].astype("boolean").fillna(False).to_numpy(bool)]
    return rows


def group_fluctuation(kpi_df: pd.DataFrame, kpi: str, month: str, *, months: int = 12,
                      min_denominator: int = 100) -> pd.DataFrame:
    """Which agencies' monthly rate varies beyond chance over the ``months`` to ``month``:
    :func:`hwb_kpis.stats.overdispersion_test` per source group with at least ``min_denominator``
    in the period (judged around each agency's own trend, so a rate that rises steadily is not
    "varying beyond chance"), with Benjamini–Hochberg control over the agencies tested (the
    family): an agency varies beyond chance only when its test survives it (``q_value`` at most
    :data:`hwb_kpis.stats.FDR`) and its spread around the trend exceeds chance (sigma_z > 1).
    Largest first. Returns ``group, numerator, denominator, rate, sigma_z, p_value, q_value,
    verdict``."""
    out = []
    for group, g in _group_rows(kpi_df, kpi, month, months).groupby("group", sort=True):
        g = g[pd.to_numeric(g["denominator"], errors="coerce") > 0]
        num, den = g["numerator"].astype(float), g["denominator"].astype(float)
        if den.sum() < min_denominator or len(g) < 3:
            continue
        test = stats.overdispersion_test(num, den)
        out.append({"group": str(group), "numerator": int(num.sum()), "denominator": int(den.sum()),
                    "rate": float(num.sum() / den.sum()), "sigma_z": test["sigma_z_trend"],
                    "p_value": test["p_value"]})
    cols = ["group", "numerator", "denominator", "rate", "sigma_z", "p_value", "q_value", "verdict"]
    table = pd.DataFrame(out, columns=[c for c in cols if c not in ("q_value", "verdict")])
    q, found = stats.bh_adjust(table["p_value"])
    table["q_value"] = q
    beyond = found & (table["sigma_z"].to_numpy(float) > 1)
    table["verdict"] = np.where(beyond, "varies beyond chance", "within chance")
    table["verdict"] = table["verdict"].astype(object)
    return table[cols].sort_values("denominator", ascending=False).reset_index(drop=True)


def fluctuation_sentence(table: pd.DataFrame, *, what: str = "conversion rate", months: int = 12,
                         until: str | None = None) -> str:
    """Which agencies' rate (a :func:`group_fluctuation` table) varied beyond chance around its own
    trend, which did not (over the ``months`` to ``until``, a month name, when given), and how
    the agencies were tested together."""
    if table.empty:
        return "No agency had enough contacts to test."
    beyond = [group_label(g) for g in table.loc[table["verdict"] == "varies beyond chance", "group"]]
    within = [group_label(g) for g in table.loc[table["verdict"] != "varies beyond chance", "group"]]
    span = f"Over the {months} months to {until}" if until else f"Over the last {months} months"
    family = words.family_note(len(table), "agencies", named=bool(beyond))
    if not beyond:
        return (f"{span} no agency's {what} varied from month to month, around its own trend, more than "
                f"chance alone would give. {family}")
    s = (f"{span} the {what} of {join_words(beyond)} varied from month to month, around its own trend, more "
         "than chance alone would give")
    if within:
        s += f"; for {join_words(within)} the ups and downs are consistent with chance alone"
    return s + f". {family}"


def largest_groups(table: pd.DataFrame, n: int = MAX_PANELS) -> tuple[list[str], list[str]]:
    """``(shown, rest)``: the ``n`` groups of ``table`` (a frame with ``group`` and
    ``denominator``, such as :func:`group_fluctuation`'s) with the largest denominators, largest
    first, to draw as small multiples; and the others, to be named under the chart."""
    ordered = table.sort_values("denominator", ascending=False, kind="stable")["group"].astype(str).tolist()
    return ordered[:n], ordered[n:]


def left_out_sentence(shown: Sequence[str], rest: Sequence[str], *, where: str) -> str:
    """Says which groups a chart of :func:`largest_groups` leaves out and ``where`` they are."""
    if not rest:
        return ""
    names = join_words([group_label(g) for g in rest])
    verb = "is" if len(rest) == 1 else "are"
    return (f"The chart shows the {len(shown)} agencies with the most contacts; {names} "
            f"(fewer contacts) {verb} in {where}.")


def agency_panels(kpi_df: pd.DataFrame, kpi: str, groups: Sequence[str], month: str, *,
                  start: str | None = None, decisions: Decisions | None = None,
                  view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Each group's own SPC chart (:func:`hwb_kpis.report.kpi_charts.kpi_spc`) of ``kpi``, stacked
    with an ``agency`` column (its label), for :func:`hwb_kpis.report.plots.small_multiples`; a
    point ``decisions`` do not let it show has ``y`` missing (``attrs["hidden"]`` counts them)."""
    decisions = decisions or decisions_for(False)
    panels, hidden = [], 0
    for group in groups:
        chart, _ = kpi_spc(kpi_df, kpi, group, month, start=start)
        hide = point_hidden(judged_rows(kpi_df, kpi, group, month, start=start), kpi, group, decisions, view)
        if len(hide) == len(chart):
            chart = chart.assign(y=chart["y"].astype(float).where(~hide))
            hidden += int(hide.sum())
        panels.append(chart.assign(agency=group_label(group)))
    if not panels:  # no agency with enough figures: an empty frame the chart says so about
        out = pd.DataFrame({"x": pd.Series(dtype="datetime64[ns]"), "y": pd.Series(dtype="float64"),
                            "agency": pd.Series(dtype="string")})
    else:
        out = pd.concat(panels, ignore_index=True)
    out.attrs["hidden"] = hidden
    return out


def panels_note(panels: pd.DataFrame) -> str | None:
    """The source note of a chart of :func:`agency_panels` with what it leaves out (None: default)."""
    from hwb_kpis.report.plots import DEFAULT_NOTE

    text = hidden_points_note(int(panels.attrs.get("hidden", 0)))
    return f"{DEFAULT_NOTE} {text}" if text else None


def kpi_funnel(kpi_df: pd.DataFrame, kpi: str, month: str, *, months: int = 1, min_denominator: int = 10,
               decisions: Decisions | None = None, view: str = config.DEFAULT_VIEW) -> pd.DataFrame:
    """Funnel-plot limits (:func:`hwb_kpis.stats.funnel_limits`) of a KPI across source groups,
    pooled over the ``months`` to ``month``; groups with fewer than ``min_denominator`` are left
    out (listed in ``attrs["left_out"]``), and so are groups whose rate rests on a count
    ``decisions`` do not show (``attrs["not_drawn"]``: neither drawn nor named; the limits still
    use them). When the agencies differ among themselves by more than chance (Spiegelhalter's
    over-dispersion test), the limits allow for it with the additive between-agency variance
    tau^2 (``attrs["method"] == "additive"``)."""
    decisions = decisions or decisions_for(False)
    agg = _group_rows(kpi_df, kpi, month, months).groupby("group", sort=True)[["numerator", "denominator"]].sum()
    keep = agg[agg["denominator"] >= min_denominator]
    with np.errstate(all="ignore"), warnings.catch_warnings():  # no agency large enough: an empty funnel
        warnings.simplefilter("ignore", RuntimeWarning)
        funnel = stats.funnel_limits(keep["numerator"], keep["denominator"], labels=[str(g) for g in keep.index],
                                     overdispersion="auto")
    funnel.attrs["left_out"] = [str(g) for g in agg.index.difference(keep.index)]
    shown = []
    for g, n, d in zip(keep.index, keep["numerator"], keep["denominator"], strict=True):
        num, den = kpi_keys(kpi, str(g), month, view) if months == 1 else (None, None)
        shown.append(decisions.shown((num, n), (den, d)))
    attrs = dict(funnel.attrs)
    funnel = funnel.loc[np.asarray(shown, dtype=bool)].reset_index(drop=True)
    funnel.attrs = attrs
    funnel.attrs["not_drawn"] = [str(g) for g, ok in zip(keep.index, shown, strict=True) if not ok]
    return funnel


def funnel_note(funnel: pd.DataFrame) -> str | None:
    """The source note of a funnel plot with what it leaves out (None: the default note)."""
    from hwb_kpis.report.plots import DEFAULT_NOTE

    text = hidden_points_note(len(funnel.attrs.get("not_drawn", [])))
    return f"{DEFAULT_NOTE} {text}" if text else None


def funnel_sentence(funnel: pd.DataFrame, *, what: str = "rate", name_col: str = "label") -> str:
    """Which units lie outside the funnel limits (:func:`hwb_kpis.stats.funnel_limits` frame with
    ``label``, ``flag`` such as ``above 99.8%`` / ``below 95%`` / ``within`` and ``q_value``), and
    whether the limits allow for over-dispersion. A unit is named as well above or below the
    average only when it is beyond the 99.8% limits *and* survives Benjamini–Hochberg control
    over the units (q at most :data:`hwb_kpis.stats.FDR`)."""
    if funnel is None or len(funnel) == 0:
        return "No agency had enough contacts for a funnel plot."
    flag = funnel["flag"].astype("string").fillna("within")
    q = funnel["q_value"].astype(float) if "q_value" in funnel.columns else pd.Series(0.0, index=funnel.index)
    survives = (q <= stats.FDR).to_numpy(bool)
    wide_mask = flag.str.endswith("99.8%").to_numpy(bool) & survives
    above = [group_label(x) for x in funnel.loc[wide_mask & flag.str.startswith("above").to_numpy(bool), name_col]]
    below = [group_label(x) for x in funnel.loc[wide_mask & flag.str.startswith("below").to_numpy(bool), name_col]]
    narrow = [group_label(x) for x in funnel.loc[flag.str.endswith("%").to_numpy(bool) & ~wide_mask, name_col]]
    allowance = words.funnel_allowance(funnel.attrs.get("method", "none"), funnel.attrs.get("overdispersed", False))
    if not above and not below and not narrow:
        return (f"Every agency's {what} lies inside the funnel: the differences between agencies could be "
                f"chance alone (which does not show that they are). {allowance}").strip()
    parts = []
    if above:
        parts.append(f"well above the average: {join_words(above)}")
    if below:
        parts.append(f"well below the average: {join_words(below)}")
    s = ""
    if parts:
        s = (f"{'; '.join(parts)} (beyond the 99.8% limits: further from the average than chance alone would "
             "usually put an agency of that size; the funnel does not allow for differences in the kind of "
             "contacts each agency sends). ")
    if narrow:
        s += ("Outside" if parts else "outside") + \
            f" the 95% limits, worth watching but possibly chance: {join_words(narrow)}."
    s = s.strip()
    family = words.family_note(len(funnel), "agencies") if parts else ""
    return " ".join(x for x in (f"For the {what}, {s}", allowance, family) if x)
