"""This month against last month and the same month last year: one KPI for one group, in a
frame, a sentence and the board summary's table. Figures resting on a count of 1 to 4 are
withheld through :mod:`hwb_kpis.privacy.disclosure` unless the copy is internal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import pandas as pd

from hwb_kpis.kpis import registry
from hwb_kpis.privacy.disclosure import SUPPRESSED_RATE, SUPPRESSED_WORDS, is_small, suppress
from hwb_kpis.report.labels import measure_label
from hwb_kpis.report.words import count, month_name, percent, shift_month, value_text
from hwb_kpis.report.words import missing as _missing

PERIODS = ("this month", "last month", "same month last year")
#: the mark after a figure whose month is still maturing (its contacts not all decided yet)
MATURING_MARK = "\u2020"


def compare_periods(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None) -> pd.DataFrame:
    """One KPI for one group: this month, last month and the same month last year.

    Returns a frame indexed by period (``this month``, ``last month``, ``same month last year``)
    with ``month``, ``numerator``, ``denominator``, ``rate`` and ``value`` (the rate for a rate KPI,
    the numerator for a count KPI); a month absent from ``kpi_df``, or flagged
    ``incomplete_history`` (a repeat rate without a full year of history before it), gives a row
    of missing values.
    ``month`` defaults to the latest month of the KPI.
    """
    rows = kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["group"] == group)]
    if "period" in rows.columns:  # reporting-year rows (re-referrals) are not months
        rows = rows[rows["period"] == "month"]
    if month is None:
        if rows.empty:
            raise ValueError(f"no rows for kpi {kpi!r}, group {group!r}")
        month = str(rows["month"].max())
    rate_kpi = registry.is_rate(kpi)
    by_month = rows.assign(month=rows["month"].astype(str)).drop_duplicates("month", keep="last").set_index("month")
    incomplete = (by_month["incomplete_history"].astype("boolean").fillna(False)
                  if "incomplete_history" in by_month.columns else pd.Series(False, index=by_month.index))
    out = []
    for period, m in zip(PERIODS, [str(month), shift_month(month, -1), shift_month(month, -12)], strict=True):
        values = {c: float("nan") for c in ("numerator", "denominator", "rate")}
        if m in by_month.index and not bool(incomplete[m]):
            values = {c: pd.to_numeric(pd.Series([by_month.at[m, c]]), errors="coerce").iloc[0] for c in values}
        out.append({"period": period, "month": m, **values,
                    "value": values["rate"] if rate_kpi else values["numerator"]})
    frame = pd.DataFrame(out).set_index("period")
    frame.attrs["kpi"] = kpi
    frame.attrs["group"] = group
    frame.attrs["is_rate"] = rate_kpi
    return frame


def change_sentence(current, previous, *, is_rate: bool = True, previous_label: str = "last month",
                    tolerance: float | None = None) -> str:
    """How a value moved: ``"up 3 points from 55% last month"``, ``"down 120 from 1,520 last month"``,
    ``"the same as last month (55%)"``; ``"no comparable figure last month"`` when one is missing.

    Rates are compared as the pack prints them (whole percent); counts as whole numbers, or within
    ``tolerance`` (a share of the previous value) for "about the same".
    """
    if _missing(previous):
        return f"no comparable figure {previous_label}"
    if _missing(current):
        return f"no comparable figure this month ({value_text(previous, is_rate=is_rate)} {previous_label})"
    if is_rate:
        diff = round(float(current) * 100) - round(float(previous) * 100)
        if diff == 0:
            return f"the same as {previous_label} ({percent(previous)})"
        word = "up" if diff > 0 else "down"
        unit = "point" if abs(diff) == 1 else "points"
        return f"{word} {abs(diff)} {unit} from {percent(previous)} {previous_label}"
    diff = round(float(current)) - round(float(previous))
    if diff == 0 or (tolerance and previous and abs(diff) <= tolerance * abs(float(previous))):
        return f"about the same as {previous_label} ({count(previous)})"
    word = "up" if diff > 0 else "down"
    share = f", {abs(diff) / float(previous):.0%}" if previous else ""
    return f"{word} {count(abs(diff))}{share} from {count(previous)} {previous_label}"


def comparison_sentence(comparison: pd.DataFrame, label: str | None = None, *, internal: bool = False,
                        maturing: Mapping[str, float] | None = None, maturing_what: str = "contacts") -> str:
    """One sentence from :func:`compare_periods`: this month's value and how it compares with last
    month and the same month last year. A figure resting on a count of 1 to 4 is not given
    (unless ``internal``). When this month is still maturing (``maturing``: month -> share still
    pending) the figure is given but not compared: it will move as the decisions are made."""
    kpi = comparison.attrs.get("kpi", "")
    is_rate = bool(comparison.attrs.get("is_rate", True))
    label = label or registry.label(kpi)
    values = {}
    for p in PERIODS:
        r = comparison.loc[p]
        hidden = not internal and is_small(r["numerator"], r["denominator"] if is_rate else None)
        values[p] = float("nan") if hidden else r["value"]
    this = comparison.loc["this month"]
    if _missing(values["this month"]) and not _missing(this["value"]):
        return f"**{label}** in {month_name(this['month'])}: not shown, as it rests on {SUPPRESSED_WORDS}."
    head = f"**{label}** in {month_name(this['month'])}: {value_text(values['this month'], is_rate=is_rate)}"
    if is_rate and not _missing(this["denominator"]):
        head += f" ({count(this['numerator'])} of {count(this['denominator'])})"
    if maturing and str(this["month"]) in maturing:
        return (f"{head}. The month is still maturing (more of its {maturing_what} will be decided), so this figure "
                "will move and is not compared with earlier months.")
    last = change_sentence(values["this month"], values["last month"], is_rate=is_rate, previous_label="last month")
    year = change_sentence(values["this month"], values["same month last year"], is_rate=is_rate,
                           previous_label=f"in {month_name(comparison.loc['same month last year', 'month'])}")
    return f"{head}; {last}; {year}."


def compare_items(kpi_df: pd.DataFrame, items: Sequence[tuple[str, str]], month: str,
                  month_for: Mapping[tuple[str, str], str] | None = None,
                  ) -> Iterator[tuple[str, str, str, pd.DataFrame]]:
    """For each (kpi, group) present in ``kpi_df``: ``(kpi, group, own month, compare_periods(...))``,
    where ``own month`` is ``month_for``'s month for that item, else ``month``."""
    for kpi, group in items:
        if kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["group"] == group)].empty:
            continue
        own = (month_for or {}).get((kpi, group), month)
        yield kpi, group, own, compare_periods(kpi_df, kpi, group, own)


def comparison_table(kpi_df: pd.DataFrame, items: Sequence[tuple[str, str]], month: str, *,
                     internal: bool = False, month_for: Mapping[tuple[str, str], str] | None = None,
                     maturing: Mapping[tuple[str, str], Iterable[str]] | None = None) -> pd.DataFrame:
    """The board summary table: one row per (kpi, group) with this month, last month and the same
    month last year as printed text, and this month's counts.

    Every figure goes through :func:`hwb_kpis.privacy.suppress` (unless ``internal``): a count of 1
    to 4 prints as ``<5`` and a rate based on one as ``*``. Columns: ``measure``, ``this month``,
    ``last month``, ``same month last year``, ``count``, ``out of``. ``month_for`` gives an item
    its own month (e.g. the latest IHA cohort whose children are all due), named in its label;
    ``maturing`` the months still maturing of each item, whose figures get :data:`MATURING_MARK`.
    """
    long = []
    for kpi, group, own, comp in compare_items(kpi_df, items, month, month_for):
        label = measure_label(kpi, group)
        if own != month:
            label += f" ({month_name(own)})"
        still = {str(m) for m in (maturing or {}).get((kpi, group), ())}
        for period in PERIODS:
            r = comp.loc[period]
            long.append({"measure": label, "period": period, "is_rate": comp.attrs["is_rate"],
                         "maturing": str(r["month"]) in still,
                         "numerator": r["numerator"],
                         "denominator": r["denominator"] if comp.attrs["is_rate"] else float("nan"),
                         "rate": r["rate"]})
    columns = ["measure", *PERIODS, "count", "out of"]
    if not long:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(long)
    shown = suppress(frame, count_columns=["numerator", "denominator"], rate_columns=["rate"], internal=internal)
    if internal:
        for c in ("numerator", "denominator"):
            shown[c] = shown[c].map(count).astype("object")
    shown["value"] = [percent(r) if is_rate else num for r, num, is_rate in
                      zip(shown["rate"], shown["numerator"], shown["is_rate"], strict=True)]
    shown["value"] = shown["value"].map(lambda v: "n/a" if v in ("", None) else v)
    shown["value"] = [f"{v}{MATURING_MARK}" if still and v not in ("n/a", SUPPRESSED_RATE) else v
                      for v, still in zip(shown["value"], frame["maturing"], strict=True)]
    wide = shown.pivot(index="measure", columns="period", values="value")
    this = shown[shown["period"] == "this month"].set_index("measure")
    out = pd.DataFrame({"measure": list(dict.fromkeys(shown["measure"]))})
    for p in PERIODS:
        out[p] = out["measure"].map(wide[p])
    out["count"] = out["measure"].map(this["numerator"])
    out["out of"] = out["measure"].map(this["denominator"]).fillna("").replace({"n/a": ""})
    return out[columns]


def maturing_note(maturing: Mapping[tuple[str, str], Iterable[str]], share: float) -> str:
    """What :data:`MATURING_MARK` means in :func:`comparison_table` (empty when no month is marked)."""
    months = sorted({str(m) for ms in maturing.values() for m in ms})
    if not months:
        return ""
    names = ", ".join(month_name(m) for m in months)
    return (f"{MATURING_MARK} still maturing ({names}): more than {percent(share)} of the month's contacts still "
            "await a decision, so its figures will move as they are decided; they are shown but not judged.")
