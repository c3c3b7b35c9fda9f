"""This month against last month and the same month last year: one KPI for one group, in a
frame, a sentence and the board summary's table. Every figure is published through the pack's
disclosure decisions (:mod:`hwb_kpis.privacy.disclosure`; the rule alone when none are given):
a count from 1 to 4 as ``<5`` (in words "fewer than 5"), a count withheld to protect another as
``c``, a rate resting on either as ``*`` — and no change is stated from or to a figure not shown."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import pandas as pd

from hwb_kpis import config
from hwb_kpis.kpis import registry
from hwb_kpis.privacy.disclosure import (
    SHOWN,
    SMALL,
    SUPPRESSED_RATE,
    SUPPRESSED_WORDS,
    Decisions,
    decisions_for,
)
from hwb_kpis.report.labels import measure_label
from hwb_kpis.report.published import kpi_keys
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
    limits = rows["limit"].dropna() if "limit" in rows.columns else pd.Series(dtype=object)
    frame.attrs["limit"] = str(limits.iloc[0]) if len(limits) else config.DEFAULT_IHA_LIMIT
    return frame


def period_status(comparison: pd.DataFrame, period: str, decisions: Decisions, view: str = config.DEFAULT_VIEW) -> str:
    """Whether a period's figure may be published: ``shown``, ``small`` (it is, or rests on, a
    count from 1 to 4) or ``withheld`` (it is, or rests on, a count withheld to protect another)."""
    r = comparison.loc[period]
    num, den = kpi_keys(comparison.attrs.get("kpi", ""), comparison.attrs.get("group", "all"), r["month"], view,
                        comparison.attrs.get("limit", config.DEFAULT_IHA_LIMIT))
    statuses = [decisions.status(num, r["numerator"])]
    if comparison.attrs.get("is_rate", True):
        statuses.append(decisions.status(den, r["denominator"]))
    if all(s == SHOWN for s in statuses):
        return SHOWN
    return SMALL if SMALL in statuses else "withheld"


def shown_values(comparison: pd.DataFrame, decisions: Decisions, view: str = config.DEFAULT_VIEW) -> dict[str, float]:
    """Each period's value as it may be published: missing where it may not be."""
    return {p: (comparison.loc[p, "value"] if period_status(comparison, p, decisions, view) == SHOWN else float("nan"))
            for p in PERIODS}


def hidden_words(comparison: pd.DataFrame, decisions: Decisions, view: str = config.DEFAULT_VIEW) -> str:
    """This month's figure when it may not be given: a count KPI's count in words (``"fewer than
    5"``), a rate's ``"not shown, as it rests on fewer than 5"``."""
    status = period_status(comparison, "this month", decisions, view)
    if comparison.attrs.get("is_rate", True):
        return f"not shown, {not_shown_words(status)}"
    r = comparison.loc["this month"]
    num, _ = kpi_keys(comparison.attrs.get("kpi", ""), comparison.attrs.get("group", "all"), r["month"], view)
    return decisions.words(num, r["numerator"])


def not_shown_words(status: str) -> str:
    """Why a figure is not given, as a clause: ``"as it rests on fewer than 5"``."""
    return (f"as it rests on {SUPPRESSED_WORDS}" if status == SMALL
            else f"as it would let a figure resting on {SUPPRESSED_WORDS} be worked out")


def change_sentence(current, previous, *, is_rate: bool = True, previous_label: str = "last month",
                    tolerance: float | None = None, previous_hidden: bool = False) -> str:
    """How a value moved: ``"up 3 points from 55% last month"``, ``"down 120 from 1,520 last month"``,
    ``"the same as last month (55%)"``; ``"no comparable figure last month"`` when one is missing.

    Rates are compared as the pack prints them (whole percent); counts as whole numbers, or within
    ``tolerance`` (a share of the previous value) for "about the same". Give a figure that may not
    be published as missing (``previous_hidden``: the previous one exists but is not shown).
    """
    if previous_hidden:
        return f"the figure {previous_label} is not shown"
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
                        decisions: Decisions | None = None, view: str = config.DEFAULT_VIEW,
                        maturing: Mapping[str, float] | None = None, maturing_what: str = "contacts") -> str:
    """One sentence from :func:`compare_periods`: this month's value and how it compares with last
    month and the same month last year, each figure published through ``decisions`` (the rule
    alone when None; everything when ``internal``). When this month is still maturing
    (``maturing``: month -> share still pending) the figure is given but not compared: it will
    move as the decisions are made."""
    decisions = decisions or decisions_for(internal)
    kpi = comparison.attrs.get("kpi", "")
    is_rate = bool(comparison.attrs.get("is_rate", True))
    label = label or registry.label(kpi)
    values = shown_values(comparison, decisions, view)
    this = comparison.loc["this month"]
    status = period_status(comparison, "this month", decisions, view)
    if status != SHOWN:
        return f"**{label}** in {month_name(this['month'])}: {hidden_words(comparison, decisions, view)}."
    head = f"**{label}** in {month_name(this['month'])}: {value_text(values['this month'], is_rate=is_rate)}"
    if is_rate and not _missing(this["denominator"]):
        num, den = kpi_keys(kpi, comparison.attrs.get("group", "all"), this["month"], view,
                            comparison.attrs.get("limit", config.DEFAULT_IHA_LIMIT))
        head += f" ({decisions.words(num, this['numerator'])} of {decisions.words(den, this['denominator'])})"
    if maturing and str(this["month"]) in maturing:
        return (f"{head}. The month is still maturing (more of its {maturing_what} will be decided), so this figure "
                "will move and is not compared with earlier months.")

    def change(period: str, previous_label: str) -> str:
        hidden = _missing(values[period]) and not _missing(comparison.loc[period, "value"])
        return change_sentence(values["this month"], values[period], is_rate=is_rate, previous_label=previous_label,
                               previous_hidden=hidden)

    last = change("last month", "last month")
    year = change("same month last year", f"in {month_name(comparison.loc['same month last year', 'month'])}")
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
                     decisions: Decisions | None = None, view: str = config.DEFAULT_VIEW,
                     maturing: Mapping[tuple[str, str], Iterable[str]] | None = None) -> pd.DataFrame:
    """The board summary table: one row per (kpi, group) with this month, last month and the same
    month last year as printed text, and this month's counts.

    Every figure is published through ``decisions`` (the rule alone when None; everything when
    ``internal``): a count of 1 to 4 prints as ``<5``, a count withheld to protect another as
    ``c``, and a rate resting on either as ``*``. Columns: ``measure``, ``this month``, ``last
    month``, ``same month last year``, ``count``, ``out of``. ``month_for`` gives an item its own
    month (e.g. the latest IHA cohort whose children are all due), named in its label;
    ``maturing`` the months still maturing of each item, whose figures get :data:`MATURING_MARK`.
    """
    decisions = decisions or decisions_for(internal)
    columns = ["measure", *PERIODS, "count", "out of"]
    rows = []
    for kpi, group, own, comp in compare_items(kpi_df, items, month, month_for):
        label = measure_label(kpi, group)
        if own != month:
            label += f" ({month_name(own)})"
        row = {"measure": label}
        still = {str(m) for m in (maturing or {}).get((kpi, group), ())}
        for period in PERIODS:
            r = comp.loc[period]
            num, den = kpi_keys(kpi, group, r["month"], view, comp.attrs["limit"])
            if comp.attrs["is_rate"]:
                shown = decisions.rate(r["rate"], (num, r["numerator"]), (den, r["denominator"]))
                row[period] = SUPPRESSED_RATE if shown == SUPPRESSED_RATE else percent(shown)
            else:
                row[period] = decisions.cell(num, r["numerator"]) or "n/a"
            if str(r["month"]) in still and row[period] not in ("n/a", SUPPRESSED_RATE):
                row[period] = f"{row[period]}{MATURING_MARK}"
            if period == "this month":
                row["count"] = decisions.cell(num, r["numerator"])
                row["out of"] = decisions.cell(den, r["denominator"]) if comp.attrs["is_rate"] else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def maturing_note(maturing: Mapping[tuple[str, str], Iterable[str]], share: float) -> str:
    """What :data:`MATURING_MARK` means in :func:`comparison_table` (empty when no month is marked)."""
    months = sorted({str(m) for ms in maturing.values() for m in ms})
    if not months:
        return ""
    names = ", ".join(month_name(m) for m in months)
    return (f"{MATURING_MARK} still maturing ({names}): more than {percent(share)} of the month's contacts still "
            "await a decision, so its figures will move as they are decided; they are shown but not judged.")
