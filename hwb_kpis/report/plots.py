"""House-style charts for the board pack: one look, colour-blind safe, findings in the title.

Every function builds a :class:`matplotlib.figure.Figure` directly (no pyplot state, so it is
safe under the Agg backend, in threads and in notebooks) and returns it; the caller saves it
(``fig.savefig(path)``; PNG at 100 dpi keeps e-mail attachments small) or lets Jupyter show it.

House style: Okabe-Ito palette for categories; NHS "Making Data Count" colours on SPC charts
(grey common cause, blue improvement, orange concern, purple neither), darkened so that every
point and line keeps at least 3:1 against the white plot (WCAG 2.2 non-text contrast), and a
shape for each status as well (:data:`SPC_MARKERS`), so that a chart printed in greyscale still
says which months are signals; the title states the finding (the caller writes it); axis labels
carry units; a source/date note sits bottom left. Every chart carries the table of its figures
and what it shows in words (:mod:`hwb_kpis.report.chart_data`) for its alt text and data table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import (
    FixedFormatter,
    FixedLocator,
    FuncFormatter,
    NullFormatter,
    NullLocator,
    PercentFormatter,
)

from hwb_kpis.report import chart_data
from hwb_kpis.report.palette import (  # noqa: F401  (the chart status style lives with the house colours)
    SPC_COLOUR_WORDS,
    SPC_COLOURS,
    SPC_MARKER_WORDS,
    SPC_MARKERS,
    VARIATION_ICON_LETTERS,
)
from hwb_kpis.report.verdict import ASSURANCE_LETTERS, VARIATION_LABELS, VARIATION_NAMES

#: Okabe & Ito (2008) colour-blind-safe palette, black last
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
#: categories on a white plot with at least 3:1 contrast (Okabe-Ito, its light colours left out)
CATEGORY_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#767676")
#: DfE benchmarking chart: one colour per area level, then the comparators'
AREA_COLOURS = {"authority": "#0072B2", "region": "#009E73", "england": "#000000"}
COMPARATOR_COLOURS = ("#D55E00", "#CC79A7", "#767676", "#8F4F00", "#5C3C92", "#B3006B")
ASSURANCE_COLOURS = {"consistent_pass": "#0070c0", "consistent_fail": "#c55a11", "inconsistent": "#595959"}
FIGSIZE = (8.0, 4.5)  #: inches; at 100 dpi an 800 x 450 PNG
DPI = 100
NOTE_COLOUR = "#595959"
DEFAULT_NOTE = "Source: children's social care contacts extract; hwb-kpis analysis."

_RC = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.figsize": FIGSIZE,
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "savefig.bbox": "tight",
}


def apply_house_style() -> None:
    """Set the house style globally (seaborn whitegrid theme, Okabe-Ito palette, 100 dpi,
    8 x 4.5 in figures, left-aligned bold titles). Idempotent; the plot functions call it."""
    sns.set_theme(style="whitegrid", context="notebook", palette=OKABE_ITO, rc=_RC)
    mpl.rcParams.update(_RC)


def _figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] | None = None,
            **kw: Any) -> tuple[Figure, Any]:
    apply_house_style()
    fig = Figure(figsize=figsize or FIGSIZE, dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def _finish(fig: Figure, title: str, note: str | None, as_of: str | None) -> Figure:
    """Finding-as-title at the top left, source/date note at the bottom left. Both are the
    figure's own title and x label (``suptitle``, ``supxlabel``), which the constrained layout
    makes room for, so the chart is whole inside its figure: :func:`figure_png` draws it once,
    with no tight-bounding-box pass (a chart with a shared x label puts it on its axes)."""
    width = fig.get_figwidth() - _TEXT_MARGIN
    st = fig.suptitle(wrapped(title, width, 12, "bold"), fontsize=12, fontweight="bold")  # layout makes room
    st.set_x(0.01)
    st.set_horizontalalignment("left")
    parts = [note or DEFAULT_NOTE]
    if as_of:
        parts.append(f"Data to {as_of}.")
    fig.supxlabel(wrapped(" ".join(parts), width, 8), x=0.01, ha="left", fontsize=8, color=NOTE_COLOUR)
    return fig


#: inches of a figure's width a title or note does not use (the left offset and the layout's pads)
_TEXT_MARGIN = 0.25


def wrapped(text: str, width: float, size: float, weight: str = "normal") -> str:
    """``text`` broken between words into lines no wider than ``width`` inches in the house font
    at ``size`` points (measured, with 5% to spare for hinting); unchanged when it fits. A title
    or note is part of the figure, which is not widened to take in a long one."""
    import textwrap

    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(size=size, weight=weight)

    def inches(line: str) -> float:
        return text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0] / 72 / 0.95

    full = inches(text)
    if full <= width or not text.strip():
        return text
    chars = max(10, int(len(text) * width / full))
    while True:
        lines = textwrap.wrap(text, chars, break_long_words=False)
        if chars <= 10 or all(inches(line) <= width for line in lines):
            return "\n".join(lines)
        chars -= max(1, chars // 20)


#: what a chart says in place of points when there are none to draw
NOTHING_TO_DRAW = "Nothing to draw yet: no month of this extract has figures for this chart."


def empty_figure(title: str, *, message: str = NOTHING_TO_DRAW, note: str | None = None,
                 as_of: str | None = None) -> Figure:
    """A chart with nothing to draw (a short extract, a measure with no figures yet): the title
    and one line saying so, in the house style, so that the page still builds and reads."""
    fig, axes = _figure(figsize=(FIGSIZE[0], 2.0))
    ax = axes[0, 0]
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, color=NOTE_COLOUR, transform=ax.transAxes)
    return _finish(fig, title, note, as_of)


def _percent_axis(ax: Any, axis: str = "y", *, decimals: int = 0) -> None:
    fmt = PercentFormatter(xmax=1.0, decimals=decimals)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _x_values(x: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(x) or pd.api.types.is_numeric_dtype(x):
        return x
    try:
        return pd.to_datetime(x.astype(str))
    except (ValueError, TypeError):
        return x


#: month steps for date axes, smallest first (1, 2, 3, 6, 12 months between labels)
_MONTH_STEPS = (1, 2, 3, 6, 12)


def month_ticks(dates: pd.Series, *, max_ticks: int = 8) -> tuple[list[pd.Timestamp], list[str]]:
    """Tick positions and labels for a monthly date axis: the first of a month every 1, 2, 3, 6
    or 12 months (the smallest step giving at most ``max_ticks``), starting in January, April,
    July or October where the step allows; labels like ``Jan 2015``."""
    d = pd.to_datetime(pd.Series(dates)).dropna()
    if d.empty:
        return [], []
    first, last = d.min().to_period("M"), d.max().to_period("M")
    n_months = (last - first).n + 1
    step = next((s for s in _MONTH_STEPS if -(-n_months // s) <= max_ticks), 12 * -(-n_months // (12 * max_ticks)))
    start = first
    while (start.month - 1) % step:  # align on the calendar: Jan/Apr/Jul/Oct for quarters
        start += 1
    if start > last:
        start = first
    periods = pd.period_range(start, last, freq="M")[::step]
    positions = [p.to_timestamp() for p in periods]
    return positions, [p.strftime("%b %Y") for p in periods]


def _month_axis(ax: Any, dates: pd.Series, *, max_ticks: int = 8) -> None:
    """Fixed month ticks (:func:`month_ticks`) instead of matplotlib's automatic date locator,
    which re-computes on every draw: as readable, and several times faster to draw. For monthly
    series (ticks fall on the first of a month)."""
    if not pd.api.types.is_datetime64_any_dtype(dates):
        return
    positions, labels = month_ticks(dates, max_ticks=max_ticks)
    ax.xaxis.set_major_locator(FixedLocator(mdates.date2num(positions)))
    ax.xaxis.set_major_formatter(FixedFormatter(labels))
    ax.xaxis.set_minor_locator(NullLocator())


# --- SPC ---------------------------------------------------------------------------------------
def _icon(ax: Any, xy: tuple[float, float], colour: str, text: str) -> None:
    """A round Making Data Count-style badge (circle bboxes stay round whatever the aspect)."""
    ax.text(*xy, text, transform=ax.transAxes, ha="center", va="center", fontsize=10,
            fontweight="bold", color=colour, zorder=6, clip_on=False,
            bbox={"boxstyle": "circle,pad=0.45", "facecolor": "white", "edgecolor": colour,
                  "linewidth": 2.5})


def spc_chart(
    spc_df: pd.DataFrame,
    *,
    title: str,
    y_label: str,
    x_label: str = "Month",
    percent: bool = False,
    note: str | None = None,
    as_of: str | None = None,
    show_icons: bool = True,
    hidden: Sequence[bool] | np.ndarray | None = None,
    maturing: pd.DataFrame | None = None,
) -> Figure:
    """SPC chart of an :func:`hwb_kpis.stats.xmr` / :func:`~hwb_kpis.stats.p_chart` frame.

    Points coloured by ``variation``, mean (solid) and process limits (dashed) per rebased
    segment, target (red, dotted) when present, and the Making Data Count icons for the latest
    point (variation: letter H/L for high/low special cause; assurance: P pass, F fail,
    ? inconsistent) top right, with a legend below. ``percent``: y values are proportions 0-1,
    shown as %. Trial limits (< 12 points) are said in the note. ``maturing`` (columns ``x``,
    ``y``): months shown but not judged, drawn as hollow points after a dotted line.

    Needs the columns ``x, y, mean, lpl, upl, variation, segment`` of the stats functions; the
    icons read the latest point only. Not for a series with gaps (the line would join them).
    ``hidden`` (one flag per point) leaves points out — the disclosure rule's (a figure resting on
    a count from 1 to 4) — and says so in the note; limits and icons still use every point.
    """
    from hwb_kpis.privacy.disclosure import hidden_points_note
    from hwb_kpis.stats.spc import spc_summary

    if spc_df.empty:
        return empty_figure(title, note=note, as_of=as_of)
    fig, axes = _figure()
    ax = axes[0, 0]
    if spc_df.empty:
        ax.text(0.5, 0.5, "No month to chart yet", transform=ax.transAxes, ha="center", va="center",
                color=NOTE_COLOUR)
        ax.set_xticks([])
        ax.set_yticks([])
        return _finish(fig, title, note, as_of)
    x = _x_values(spc_df["x"])
    hide = np.zeros(len(spc_df), dtype=bool) if hidden is None else np.asarray(hidden, dtype=bool)
    drawn_y = spc_df["y"].astype(float).where(~hide)
    ax.plot(x, drawn_y, color=SPC_COLOURS["common_cause"], linewidth=1.5, zorder=2)
    has_maturing = maturing is not None and len(maturing) > 0
    if has_maturing:
        mx = pd.concat([x.iloc[-1:], _x_values(pd.Series(maturing["x"]))], ignore_index=True)
        my = pd.concat([drawn_y.iloc[-1:], pd.Series(maturing["y"], dtype=float)], ignore_index=True)
        ax.plot(mx, my, color=SPC_COLOURS["common_cause"], linewidth=1.2, linestyle=":", zorder=2)
        ax.scatter(mx.iloc[1:], my.iloc[1:], facecolor="white", edgecolor=NOTE_COLOUR, s=36, linewidth=1.3,
                   zorder=3)
    for _, idx in spc_df.groupby("segment").indices.items():
        xs = x.iloc[idx]
        seg = spc_df.iloc[idx]
        ax.plot(xs, seg["mean"], color=SPC_COLOURS["mean"], linewidth=1.2, zorder=1)
        for c in ("lpl", "upl"):
            ax.plot(xs, seg[c], color=SPC_COLOURS["limit"], linewidth=1.0, linestyle="--", zorder=1,
                    drawstyle="steps-mid" if seg[c].nunique() > 1 else "default")
    if "target" in spc_df and spc_df["target"].notna().any():
        ax.plot(x, spc_df["target"], color=SPC_COLOURS["target"], linewidth=1.2, linestyle=":")
    present = [v for v in VARIATION_NAMES if (spc_df["variation"] == v).any()]
    for v in present:
        m = (spc_df["variation"] == v).to_numpy(bool) & ~hide
        ax.scatter(x[m], spc_df["y"][m], color=SPC_COLOURS[v], marker=SPC_MARKERS[v],
                   s=36 if v == "common_cause" else 48, zorder=3, edgecolor="white", linewidth=0.5)
    handles = [Line2D([], [], marker=SPC_MARKERS[v], linestyle="", color=SPC_COLOURS[v], label=VARIATION_NAMES[v])
               for v in present]
    handles += [Line2D([], [], color=SPC_COLOURS["mean"], label="Mean"),
                Line2D([], [], color=SPC_COLOURS["limit"], linestyle="--", label="Process limits")]
    if "target" in spc_df and spc_df["target"].notna().any():
        handles.append(Line2D([], [], color=SPC_COLOURS["target"], linestyle=":", label="Target"))
    if has_maturing:
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor=NOTE_COLOUR,
                              color=NOTE_COLOUR, label="Still maturing"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=min(len(handles), 6))
    _month_axis(ax, pd.concat([x, _x_values(pd.Series(maturing["x"]))], ignore_index=True) if has_maturing else x)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if percent:
        _percent_axis(ax)
    summary = spc_summary(spc_df)
    if show_icons:
        v = summary["variation"]
        side = "common_cause" if v == "common_cause" else ("high" if summary["variation_icon"].endswith("high") else "low")
        _icon(ax, (0.92, 1.07), SPC_COLOURS[v], VARIATION_ICON_LETTERS[side])
        if summary["assurance"]:
            _icon(ax, (0.98, 1.07), ASSURANCE_COLOURS[summary["assurance"]], ASSURANCE_LETTERS[summary["assurance"]])
    ax.set_title(VARIATION_LABELS[summary["variation"]], fontsize=9, fontweight="normal", color=NOTE_COLOUR)
    if summary["trial_limits"]:
        extra = f"Trial limits: only {summary['n_points']} points."
        note = f"{note or DEFAULT_NOTE} {extra}"
    if hide.any():
        note = f"{note or DEFAULT_NOTE} {hidden_points_note(int(hide.sum()))}"
    return chart_data.attach(_finish(fig, title, note, as_of),
                             chart_data.spc(spc_df, percent=percent, status_names=VARIATION_NAMES,
                                            status_words=VARIATION_LABELS, hidden=hide))


# --- funnel --------------------------------------------------------------------------------------
def funnel_plot(
    funnel_df: pd.DataFrame,
    *,
    title: str,
    y_label: str,
    x_label: str = "Number of contacts (denominator)",
    percent: bool = True,
    note: str | None = None,
    as_of: str | None = None,
    label_points: bool = True,
    improvement_direction: str = "neutral",
) -> Figure:
    """Funnel plot of an :func:`hwb_kpis.stats.funnel_limits` frame: each unit's rate against
    its denominator, the pooled rate and the 95% (dashed) and 99.8% (solid) limits drawn from
    :func:`~hwb_kpis.stats.funnel_curve`. Units outside the 95% limits are coloured by what their
    side means (``improvement_direction``: ``"increase"`` or ``"decrease"`` is better; blue on the
    better side, orange on the worse; purple for ``"neutral"``), filled when outside 99.8% and
    hollow when only outside 95%; units inside are grey. ``percent``: rates are proportions
    shown as %. Not a league table: do not sort or rank units that lie inside the funnel.
    """
    from hwb_kpis.stats.funnel import funnel_curve, level_tag

    if funnel_df.empty:  # every agency left out (too few contacts, or resting on a count not published)
        return empty_figure(title, message="No agency can be drawn: none had enough contacts, or only figures "
                            "too small to publish.", note=note, as_of=as_of)
    fig, axes = _figure()
    ax = axes[0, 0]
    pooled = funnel_df.attrs.get("pooled", float(funnel_df["pooled"].iloc[0]))
    levels = funnel_df.attrs.get("levels", (0.95, 0.998))
    curve = funnel_curve(pooled, float(funnel_df["denominator"].max()) * 1.1,
                         n_min=max(1.0, float(funnel_df["denominator"].min()) * 0.5), levels=levels,
                         phi=funnel_df.attrs.get("phi_used", 1.0), tau2=funnel_df.attrs.get("tau2", 0.0),
                         interpolate=funnel_df.attrs.get("interpolate", True))
    styles = ["--", "-", ":"]
    for i, lv in enumerate(sorted(levels)):
        tag = level_tag(lv)
        ls = styles[i % len(styles)]
        ax.plot(curve["n"], curve[f"upper_{tag}"], color=SPC_COLOURS["limit"], linestyle=ls,
                linewidth=1, label=f"{lv * 100:.10g}% limits")
        ax.plot(curve["n"], curve[f"lower_{tag}"], color=SPC_COLOURS["limit"], linestyle=ls, linewidth=1)
    ax.axhline(pooled, color=SPC_COLOURS["mean"], linewidth=1, label="Overall rate")
    widest, narrowest = level_tag(max(levels)), level_tag(min(levels))
    rate = funnel_df["rate"]
    out_w = (rate > funnel_df[f"upper_{widest}"]) | (rate < funnel_df[f"lower_{widest}"])
    out_n = (rate > funnel_df[f"upper_{narrowest}"]) | (rate < funnel_df[f"lower_{narrowest}"])
    high = rate > pooled
    if improvement_direction == "neutral":
        side = np.full(len(rate), SPC_COLOURS["neither"], dtype=object)
    elif improvement_direction in ("increase", "decrease"):
        better = high if improvement_direction == "increase" else ~high
        side = np.where(better, SPC_COLOURS["improvement"], SPC_COLOURS["concern"])
    else:
        raise ValueError(f"improvement_direction must be increase, decrease or neutral, not {improvement_direction!r}")
    colours = np.where(out_n, side, SPC_COLOURS["common_cause"])
    faces = np.where(out_w | ~out_n, colours, "white")
    by_colour = {c: k for k, c in SPC_COLOURS.items() if k in SPC_MARKERS}
    shapes = np.array([SPC_MARKERS[by_colour[c]] for c in colours], dtype=object)
    for shape in dict.fromkeys(shapes):  # one shape per status (matplotlib draws one marker per call)
        m = shapes == shape
        ax.scatter(funnel_df["denominator"][m], rate[m], c=list(faces[m]), edgecolors=list(colours[m]),
                   linewidths=1.8, s=44, zorder=3, marker=shape)
    ax.scatter([], [], c="white", edgecolors=SPC_COLOURS["limit"], linewidths=1.8, s=44,
               label="Outside 95% only (hollow)")
    if label_points:
        for _, r in funnel_df.iterrows():
            ax.annotate(str(r["label"]), (r["denominator"], r["rate"]), xytext=(4, 3),
                        textcoords="offset points", fontsize=8, color="#333333")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if percent:
        _percent_axis(ax)
    ax.legend(loc="upper right")
    return chart_data.attach(_finish(fig, title, note, as_of), chart_data.funnel(funnel_df, percent=percent))


# --- small multiples ---------------------------------------------------------------------------------
def small_multiples(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    group: str,
    title: str,
    y_label: str,
    x_label: str = "Month",
    percent: bool = False,
    note: str | None = None,
    as_of: str | None = None,
    ncols: int = 3,
    sharey: bool = True,
    reference: float | None = None,
) -> Figure:
    """One small line chart per group (e.g. agency), same axes, in a grid of ``ncols``.

    ``df`` is long: one row per group and ``x``. If it has SPC columns (``mean``, ``lpl``,
    ``upl``, ``variation``, e.g. stacked :func:`~hwb_kpis.stats.p_chart` frames with a group
    column) the mean, limits and coloured points are drawn too. ``reference`` draws a horizontal
    line (e.g. the all-agency rate) on every panel. Best for up to about 9 groups; with shared
    y axes a small agency's noise looks large, so say its denominators in the note.
    """
    groups = list(pd.unique(df[group])) if group in df.columns and not df.empty else []
    if not groups:
        return empty_figure(title, note=note, as_of=as_of)
    ncols = max(1, min(ncols, len(groups)))
    nrows = int(np.ceil(len(groups) / ncols))
    fig, axes = _figure(nrows, ncols, figsize=(min(10.0, 3.2 * ncols), min(8.0, 2.2 * nrows + 1.0)),
                        sharex=True, sharey=sharey)
    has_spc = {"mean", "lpl", "upl", "variation"}.issubset(df.columns)
    for i, g in enumerate(groups):
        ax = axes[i // ncols, i % ncols]
        d = df[df[group] == g]
        xs = _x_values(d[x])
        ax.plot(xs, d[y], color=OKABE_ITO[4] if not has_spc else SPC_COLOURS["common_cause"],
                linewidth=1.4, marker=None if has_spc else "o", markersize=3)
        if has_spc:
            ax.plot(xs, d["mean"], color=SPC_COLOURS["mean"], linewidth=1)
            for c in ("lpl", "upl"):
                ax.plot(xs, d[c], color=SPC_COLOURS["limit"], linewidth=0.8, linestyle="--")
            for v, points in d.groupby(d["variation"].astype(str), sort=False):
                ax.scatter(_x_values(points[x]), points[y], color=SPC_COLOURS.get(v, SPC_COLOURS["common_cause"]),
                           marker=SPC_MARKERS.get(v, "o"), s=14 if v == "common_cause" else 22, zorder=3)
        if reference is not None:
            ax.axhline(reference, color=OKABE_ITO[5], linewidth=1, linestyle=":")
        ax.set_title(str(g), fontsize=10, loc="left")
        if percent:
            _percent_axis(ax)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    if len(groups) and pd.api.types.is_datetime64_any_dtype(_x_values(df[x])):
        _month_axis(axes[0, 0], _x_values(df[x]), max_ticks=4)  # shared x axes share the ticker
    for j in range(len(groups), nrows * ncols):
        axes[j // ncols, j % ncols].set_visible(False)
    bottom_left = axes[(len(groups) - 1) // ncols, 0]  # the lowest panel of the first column
    bottom_left.set_xlabel(x_label, fontsize=10)
    fig.supylabel(y_label, fontsize=10)
    return chart_data.attach(_finish(fig, title, note, as_of),
                             chart_data.small_multiples(df, x=x, y=y, group=group, percent=percent))


# --- before / after ------------------------------------------------------------------------------------
def before_after_bars(
    df: pd.DataFrame,
    *,
    group: str,
    before: str,
    after: str,
    title: str,
    y_label: str,
    x_label: str = "",
    labels: tuple[str, str] = ("Before", "After"),
    percent: bool = False,
    note: str | None = None,
    as_of: str | None = None,
    ci: dict[str, tuple[str, str]] | None = None,
) -> Figure:
    """Paired bars per group: the value before and after a change (columns ``before`` and
    ``after`` of a wide frame), with optional error bars ``ci={before: (low_col, high_col),
    after: (...)}``. Values are labelled on the bars. Two bars hide the variation in between:
    pair it with an SPC chart or :func:`~hwb_kpis.stats.interrupted_time_series` before claiming a
    change."""
    if df.empty:
        return empty_figure(title, note=note, as_of=as_of)
    fig, axes = _figure()
    ax = axes[0, 0]
    cats = [str(g) for g in df[group]]
    pos = np.arange(len(cats))
    w = 0.38
    for k, (col, lab, colour, hatch) in enumerate(zip((before, after), labels, (SPC_COLOURS["common_cause"], OKABE_ITO[4]),
                                                       ("///", None), strict=True)):
        vals = df[col].to_numpy(float)
        err = None
        if ci and col in ci:
            lo, hi = (df[c].to_numpy(float) for c in ci[col])
            err = np.vstack([vals - lo, hi - vals])
        bars = ax.bar(pos + (k - 0.5) * w, vals, width=w, color=colour, label=lab, yerr=err, hatch=hatch,
                      edgecolor="white", capsize=3, error_kw={"elinewidth": 1, "ecolor": "#333333"})
        fmt = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:,.3g}")
        ax.bar_label(bars, labels=[fmt(v) if np.isfinite(v) else "" for v in vals], fontsize=8,
                     padding=2)
    ax.set_xticks(pos, cats)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if percent:
        _percent_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return chart_data.attach(_finish(fig, title, note, as_of),
                             chart_data.before_after(df, group=group, before=before, after=after, labels=labels,
                                                     percent=percent))


# --- Kaplan-Meier ---------------------------------------------------------------------------------
def km_plot(
    curves: pd.DataFrame,
    *,
    title: str,
    y_label: str = "Children re-contacted (%)",
    x_label: str = "Days since the threshold-not-met decision",
    note: str | None = None,
    as_of: str | None = None,
    groups: Sequence[str] | None = None,
    horizons: Sequence[int] = (91, 182, 365),
    show_ci: bool = True,
) -> Figure:
    """Cumulative share re-contacted (1 - Kaplan-Meier) against days, one step line per group
    (from :func:`hwb_kpis.stats.km_curves`), with shaded pointwise CIs and dotted lines at the
    3, 6 and 12 month horizons. The tail, where few children are still followed, is unreliable:
    read the shares at the horizons from :func:`~hwb_kpis.stats.km_recontact` with ``at_risk``."""
    if curves.empty:
        return empty_figure(title, note=note, as_of=as_of)
    fig, axes = _figure()
    ax = axes[0, 0]
    names = list(groups) if groups is not None else list(pd.unique(curves["group"]))
    for i, g in enumerate(names):
        d = curves[curves["group"] == g]
        colour = "#000000" if g == "all" else CATEGORY_COLOURS[i % (len(CATEGORY_COLOURS) - 1)]
        ax.step(d["time"], d["recontacted"], where="post", color=colour, linewidth=1.6, label=str(g))
        if show_ci:
            ax.fill_between(d["time"], d["recontacted_ci_low"], d["recontacted_ci_high"], step="post",
                            color=colour, alpha=0.12, linewidth=0)
    for h in horizons:
        ax.axvline(h, color=SPC_COLOURS["limit"], linestyle=":", linewidth=0.8)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    _percent_axis(ax)
    ax.set_ylim(0, None)
    ax.set_xlim(0, None)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title=None)
    return chart_data.attach(_finish(fig, title, note, as_of), chart_data.recontact_curves(curves, names, horizons))


# --- odds ratios ------------------------------------------------------------------------------------
def odds_ratio_plot(
    or_df: pd.DataFrame,
    *,
    title: str,
    x_label: str = "Odds ratio (log scale; 1 = no difference)",
    note: str | None = None,
    as_of: str | None = None,
    show_reference: bool = False,
) -> Figure:
    """Forest plot of a :func:`hwb_kpis.stats.recontact_drivers` table: odds ratio and 95% CI
    per term on a log axis, labelled in plain words; ORs whose CI excludes 1 in colour
    (vermillion above 1, blue below). Odds ratios are associations, not causes."""
    d = or_df if show_reference or or_df.empty else or_df[~or_df["is_reference"].astype(bool)]
    if d.empty:
        return empty_figure(title, message="Nothing to draw: too few contacts to estimate what goes with a repeat.",
                            note=note, as_of=as_of)
    d = d.iloc[::-1]
    height = min(8.0, 1.2 + 0.3 * len(d))
    fig, axes = _figure(figsize=(8.0, max(3.0, height)))
    ax = axes[0, 0]
    pos = np.arange(len(d))
    lo = d["ci_low"].to_numpy(float)
    hi = d["ci_high"].to_numpy(float)
    orv = d["odds_ratio"].to_numpy(float)
    sig = (lo > 1) | (hi < 1)
    colours = np.where(sig, np.where(orv > 1, OKABE_ITO[5], OKABE_ITO[4]), SPC_COLOURS["common_cause"])
    ax.hlines(pos, lo, hi, color=list(colours), linewidth=2)
    # clear of chance: a filled diamond; not: a hollow circle (the difference is not colour alone)
    ax.scatter(orv[sig], pos[sig], color=list(colours[sig]), marker="D", s=34, zorder=3)
    ax.scatter(orv[~sig], pos[~sig], facecolors="white", edgecolors=list(colours[~sig]), marker="o", s=30,
               linewidths=1.5, zorder=3)
    ax.axvline(1, color="#000000", linewidth=0.8)
    ax.set_xscale("log")
    finite = np.concatenate([lo, hi, orv, [1.0]])
    finite = finite[np.isfinite(finite) & (finite > 0)]
    lo_lim, hi_lim = finite.min() / 1.15, finite.max() * 1.15
    ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10, 20, 50, 100)
             if lo_lim <= t <= hi_lim]
    ax.set_xlim(lo_lim, hi_lim)
    ax.set_xticks(ticks)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(pos, list(d["label"]))
    ax.set_xlabel(x_label)
    ax.grid(axis="y", visible=False)
    return chart_data.attach(_finish(fig, title, note, as_of), chart_data.odds_ratios(or_df))


# --- benchmarking (DfE published statistics) ----------------------------------------------------
def benchmark_figure(summary: pd.DataFrame, *, highlight_year: int | None = None) -> Figure:
    """Three small line charts (referral rate, re-referral %, NFA %) by year, one line per area
    of :func:`hwb_kpis.dfe.la_summary`'s frame: the authority in blue, England black, the
    region green, comparators in other Okabe-Ito colours; ``highlight_year`` gets a dotted line."""
    from matplotlib.ticker import MaxNLocator

    from hwb_kpis.dfe import LEVELS, MEASURES

    data = summary.copy()
    data["year"] = data["year"].astype(int)
    areas = data.sort_values("level", key=lambda s: s.map(LEVELS.index)).drop_duplicates("area")
    palette, comparator = {}, 0
    for area, level in zip(areas["area"], areas["level"], strict=True):
        if level in AREA_COLOURS:
            palette[area] = AREA_COLOURS[level]
        else:
            palette[area] = COMPARATOR_COLOURS[comparator % len(COMPARATOR_COLOURS)]
            comparator += 1
    fig, axes = _figure(1, 3, figsize=(11, 4))
    axes = axes[0]
    for ax, (column, title) in zip(axes, MEASURES.items(), strict=True):
        plot = data[["year", "area", column]].dropna().astype({column: "float64"})
        sns.lineplot(data=plot, x="year", y=column, hue="area", hue_order=list(palette), palette=palette,
                     marker="o", errorbar=None, ax=ax, legend=ax is axes[0])
        ax.set_title(title, fontsize=11, loc="left")
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if highlight_year is not None:
            ax.axvline(highlight_year, color="#7f7f7f", linestyle=":", linewidth=1)
    if axes[0].get_legend() is not None:
        handles, labels = axes[0].get_legend_handles_labels()
        axes[0].get_legend().remove()
        fig.legend(handles, labels, loc="outside upper center", ncol=min(len(labels), 6), frameon=False)
    fig.supxlabel(
        "Year ending 31 March. Source: DfE, Characteristics of children in need (table C1), "
        "Open Government Licence v3.0.",
        fontsize=9, color=NOTE_COLOUR,
    )
    return chart_data.attach(fig, chart_data.benchmark(summary, MEASURES))


def figure_png(fig: Figure, *, dpi: int = DPI) -> bytes:
    """PNG bytes of a figure at ``dpi`` (100 keeps the e-mailed pack small): laid out and drawn
    once by Agg (``savefig`` would lay it out, draw it again and measure it a third time for a
    tight crop, which a house-style chart does not need: :func:`_finish` keeps its title and
    note inside the figure) and saved opaque, as RGB (the pages are white; a PNG without an
    alpha channel is smaller and prints without the soft mask a PDF needs for one)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    kept = fig.dpi
    fig.set_dpi(dpi)
    try:
        canvas.draw()
        rgba = np.asarray(canvas.buffer_rgba())
    finally:
        fig.set_dpi(kept)
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgba[..., :3]), mode="RGB").save(buffer, format="png", dpi=(dpi, dpi))
    return buffer.getvalue()
