"""What stands beside every chart of the pack: the table of the figures it draws and what it
shows in words, so that a reader who cannot see the chart (or prints the pack in greyscale)
gets the same finding and the same figures.

Each house-style chart of :mod:`hwb_kpis.report.plots` attaches a :class:`ChartData` to its
figure (:func:`attach`); :func:`hwb_kpis.report.display.show_figure` gives the image alt text
(:func:`alt_text`: the finding in the chart's title, what the chart shows, where its figures are)
and shows the table, collapsed, under the chart. The tables are display-ready and always follow
the small-number rule (:func:`published`, through :mod:`hwb_kpis.privacy.disclosure`), in an
internal copy too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hwb_kpis.periods import year_ending_label
from hwb_kpis.privacy.disclosure import SUPPRESSED_RATE, WITHHELD_COUNT, suppress
from hwb_kpis.report.words import count, join_words, missing

#: the attribute of a matplotlib Figure that carries its ChartData
ATTRIBUTE = "hwb_chart_data"
#: the name of the collapsed table under every chart (the alt text points to it)
TABLE_NAME = "Figures behind this chart"


@dataclass
class ChartData:
    """A chart's figures as a display-ready table (``counts`` names its count columns, for the
    pack's disclosure check) and what it shows in words (``summary``: one or two sentences)."""

    table: pd.DataFrame
    summary: str
    counts: list[str] = field(default_factory=list)


def attach(fig, data: ChartData):
    """Attach ``data`` to ``fig`` and return ``fig``."""
    setattr(fig, ATTRIBUTE, data)
    return fig


def of(fig) -> ChartData | None:
    """The :class:`ChartData` attached to ``fig``, if any."""
    return getattr(fig, ATTRIBUTE, None)


def finding(fig) -> str:
    """The finding a house-style chart states in its title (the figure's suptitle), or ``""``."""
    title = getattr(fig, "_suptitle", None)
    text = title.get_text().strip() if title is not None else ""
    return " ".join(text.split())


def alt_text(fig, alt: str | None = None) -> str:
    """Alt text for a chart: ``alt`` when given, else the finding in its title and what it shows;
    then where its figures are (the collapsed table under it, when it has one)."""
    data = of(fig)
    if alt:
        text = alt.strip()
    else:
        parts = [finding(fig), data.summary if data else ""]
        text = " ".join(p if p.endswith((".", "?", "!")) else p + "." for p in parts if p)
    if data is not None and len(data.table):
        text += f" The figures are in the table “{TABLE_NAME}” under the chart."
    return text or "Chart."


# --- formatting ------------------------------------------------------------------------------------


def month_label(value) -> str:
    """``"2015-11"`` or a timestamp → ``"Nov 2015"``; anything else as text."""
    try:
        return pd.Timestamp(str(value) if not isinstance(value, pd.Timestamp) else value).strftime("%b %Y")
    except (ValueError, TypeError):
        return str(value)


def _rate(value, digits: int = 1) -> str:
    if isinstance(value, str):
        return value
    return "" if missing(value) else f"{float(value) * 100:.{digits}f}%"


def _number(value, digits: int = 1) -> str:
    if isinstance(value, str):
        return value
    if missing(value):
        return ""
    value = float(value)
    return f"{value:,.0f}" if value == round(value) and abs(value) >= 100 else f"{value:,.{digits}f}"


def published(table: pd.DataFrame, *, counts: Sequence[str] = (), rates: Sequence[str] = (),
              rate_basis: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """A chart's table with the small-number rule applied (:func:`hwb_kpis.privacy.disclosure.suppress`:
    counts 1–4 as ``<5``, rates resting on them ``*``) and rates written as percentages with one
    decimal."""
    shown = suppress(table, count_columns=list(counts), rate_columns=list(rates),
                     rate_basis={k: list(v) for k, v in (rate_basis or {}).items()})
    for c in rates:
        if c in shown.columns:
            shown[c] = shown[c].map(_rate).astype("object")
    return shown


# --- one table builder per kind of chart -------------------------------------------------------------


def spc(spc_df: pd.DataFrame, *, percent: bool, status_names: Mapping[str, str],
        status_words: Mapping[str, str], hidden: Sequence[bool] | np.ndarray | None = None) -> ChartData:
    """An SPC chart's months: the value (with its count and denominator for a rate), the average,
    the process limits and each month's status; the summary gives the latest month's. A month the
    chart does not draw (``hidden``: the pack's plan withholds it) shows its count and value as
    withheld, as everywhere else in the pack."""
    has_counts = percent and {"numerator", "denominator"} <= set(spc_df.columns)
    table = pd.DataFrame({"Month": [month_label(x) for x in spc_df["x"]]})
    counts: list[str] = []
    if has_counts:
        table["Count"] = spc_df["numerator"].to_numpy()
        table["Out of"] = spc_df["denominator"].to_numpy()
        counts = ["Count", "Out of"]
    fmt = _rate if percent else _number
    table["Value"] = spc_df["y"].to_numpy() if percent else spc_df["y"].map(count).to_numpy()
    for name, column in (("Average", "mean"), ("Lower limit", "lpl"), ("Upper limit", "upl")):
        table[name] = spc_df[column].map(fmt).to_numpy()
    table["Status"] = [status_names.get(str(v), str(v)) for v in spc_df["variation"]]
    if percent:
        shown = published(table, counts=counts, rates=["Value"], rate_basis={"Value": counts})
    else:
        # a count chart's value is a count of contacts: held to the rule like any count
        shown = published(table.assign(Value=spc_df["y"].to_numpy()), counts=["Value"])
        counts = ["Value"]
    hide = np.zeros(len(spc_df), dtype=bool) if hidden is None else np.asarray(hidden, dtype=bool)
    if hide.any():
        shown = shown.astype({c: "object" for c in [*counts, "Value"]})
        for c in counts:
            shown.loc[hide, c] = WITHHELD_COUNT
        if percent:
            shown.loc[hide, "Value"] = SUPPRESSED_RATE
    summary = ""
    if len(spc_df):
        last = spc_df.iloc[-1]
        summary = (f"The chart shows {len(spc_df)} months from {month_label(spc_df['x'].iloc[0])} to "
                   f"{month_label(last['x'])}. The latest month is {shown['Value'].iloc[-1]} (average "
                   f"{fmt(last['mean'])}, normal range {fmt(last['lpl'])} to {fmt(last['upl'])}): "
                   f"{status_words.get(str(last['variation']), str(last['variation'])).lower()}")
    return ChartData(shown, summary, counts)


def funnel(funnel_df: pd.DataFrame, *, percent: bool = True) -> ChartData:
    """A funnel plot's units: count, denominator, rate and where each lies against the limits."""
    words = {"within": "within the limits"}
    table = pd.DataFrame({
        "Agency": funnel_df["label"].astype(str).to_numpy(),
        "Count": funnel_df["numerator"].to_numpy(),
        "Out of": funnel_df["denominator"].to_numpy(),
        "Rate": funnel_df["rate"].to_numpy(),
        "Against the funnel": [words.get(str(f), f"{f} limit") for f in funnel_df["flag"]],
    })
    shown = published(table, counts=["Count", "Out of"], rates=["Rate"] if percent else [],
                      rate_basis={"Rate": ["Count", "Out of"]})
    outside = [f"{a} ({f.split()[0]})" for a, f in zip(table["Agency"], funnel_df["flag"], strict=True)
               if str(f) != "within"]
    pooled = funnel_df.attrs.get("pooled")
    summary = (f"Each dot is one of {len(table)} agencies; the overall rate is {_rate(pooled)}. "
               if pooled is not None else "")
    summary += (f"Outside the funnel: {join_words(outside)}." if outside
                else "Every agency lies within the funnel.")
    return ChartData(shown, summary, ["Count", "Out of"])


def small_multiples(df: pd.DataFrame, *, x: str, y: str, group: str, percent: bool) -> ChartData:
    """Small multiples as one table: a row per month, a column per panel. Counts (``y`` is the
    ``numerator``) follow the rule; rates with their counts beside them get ``*`` when those are
    small."""
    groups = [str(g) for g in pd.unique(df[group])]
    long = pd.DataFrame({"group": df[group].astype(str).to_numpy(), "x": df[x].to_numpy(), "value": df[y].to_numpy()})
    counts, rates, basis = [], [], {}
    if y == "numerator":
        counts = ["value"]
    elif percent and {"numerator", "denominator"} <= set(df.columns):
        long["numerator"], long["denominator"] = df["numerator"].to_numpy(), df["denominator"].to_numpy()
        counts, rates, basis = ["numerator", "denominator"], ["value"], {"value": ["numerator", "denominator"]}
    elif percent:
        rates = ["value"]
    shown = published(long, counts=counts, rates=rates, rate_basis=basis)
    if not counts and not rates:
        shown["value"] = shown["value"].map(_number)
    order = list(dict.fromkeys(long["x"]))
    wide = shown.assign(x=long["x"].to_numpy()).pivot(index="x", columns="group", values="value")
    wide = wide.reindex(index=sorted(order), columns=groups).fillna("")
    table = wide.rename(index=month_label).rename_axis(index="Month", columns=None).reset_index()
    table_counts = groups if y == "numerator" else []
    summary = f"{len(groups)} panels, one for each of {join_words(groups)}"
    if len(order):
        summary += f", from {month_label(min(order))} to {month_label(max(order))}"
    if "variation" in df.columns:
        latest = df.sort_values(x).groupby(group, sort=False).tail(1)
        special = [str(g) for g, v in zip(latest[group], latest["variation"], strict=True)
                   if str(v) not in ("common_cause", "nan", "<NA>")]
        from hwb_kpis.report.verdict import panels_latest_clause

        summary += f". {panels_latest_clause(special)}"
    return ChartData(table, summary + ".", table_counts)


def before_after(df: pd.DataFrame, *, group: str, before: str, after: str, labels: tuple[str, str],
                 percent: bool) -> ChartData:
    """Paired bars as a table: a row per group, the value before and after. Values that are counts
    (not ``percent``) follow the rule."""
    table = pd.DataFrame({"": df[group].astype(str).to_numpy(), labels[0]: df[before].to_numpy(),
                          labels[1]: df[after].to_numpy()})
    if percent:
        shown = published(table, rates=list(labels))
        counts: list[str] = []
    else:
        shown = published(table, counts=list(labels))
        counts = list(labels)
    pairs = [f"{g}: {b} {labels[0].lower()}, {a} {labels[1].lower()}"
             for g, b, a in zip(shown[""], shown[labels[0]], shown[labels[1]], strict=True)]
    return ChartData(shown.rename(columns={"": "Group"}), "; ".join(pairs[:8]) + ("; …" if len(pairs) > 8 else ""), counts)


def recontact_curves(curves: pd.DataFrame, names: Sequence[str], horizons: Sequence[int]) -> ChartData:
    """Kaplan–Meier curves as a table: each group's share re-contacted by each horizon (days),
    ``*`` where fewer than 5 children were still followed."""
    rows = []
    for g in names:
        d = curves[curves["group"] == g].sort_values("time")
        row: dict[str, object] = {"Group": str(g)}
        for h in horizons:
            upto = d[d["time"] <= h]
            share = float(upto["recontacted"].iloc[-1]) if len(upto) else np.nan
            followed = upto["n_risk"].iloc[-1] if "n_risk" in upto.columns and len(upto) else np.nan
            row[f"Within {h} days"] = share
            row[f"_n{h}"] = followed
        rows.append(row)
    table = pd.DataFrame(rows)
    share_cols = [f"Within {h} days" for h in horizons]
    basis = {c: [f"_n{h}"] for c, h in zip(share_cols, horizons, strict=True)}
    shown = published(table, counts=[f"_n{h}" for h in horizons], rates=share_cols, rate_basis=basis)
    shown = shown[["Group", *share_cols]]
    last = share_cols[-1]
    summary = "Share re-contacted " + last.lower() + ": " + "; ".join(
        f"{g} {v}" for g, v in zip(shown["Group"], shown[last], strict=True))
    return ChartData(shown, summary + ".", [])


def odds_ratios(or_df: pd.DataFrame) -> ChartData:
    """A forest plot as a table: each factor's odds ratio and 95% interval."""
    d = or_df[~or_df["is_reference"].astype(bool)] if "is_reference" in or_df.columns else or_df
    table = pd.DataFrame({
        "Factor": d["label"].astype(str).to_numpy(),
        "Odds ratio": d["odds_ratio"].map(lambda v: _number(v, 2)).to_numpy(),
        "95% interval from": d["ci_low"].map(lambda v: _number(v, 2)).to_numpy(),
        "95% interval to": d["ci_high"].map(lambda v: _number(v, 2)).to_numpy(),
    })
    lo, hi = d["ci_low"].astype(float).to_numpy(), d["ci_high"].astype(float).to_numpy()
    clear = int(((lo > 1) | (hi < 1)).sum())
    summary = (f"{len(table)} factors; for {clear} of them the interval does not include one, so the "
               "difference is unlikely to be chance")
    return ChartData(table, summary + ".", [])


def benchmark(summary_df: pd.DataFrame, measures: Mapping[str, str]) -> ChartData:
    """The benchmarking lines as a table: each year and area with the published measures."""
    table = pd.DataFrame({"Year": [year_ending_label(int(y)) for y in summary_df["year"]],
                          "Area": summary_df["area"].astype(str).to_numpy()})
    for column, label in measures.items():
        table[label] = summary_df[column].map(lambda v: _number(v, 1)).to_numpy()
    areas = list(dict.fromkeys(table["Area"]))
    return ChartData(table, f"One line for each of {join_words(areas)}.", [])
