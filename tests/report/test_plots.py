"""House-style plots: each returns a Figure with the finding as title, labelled axes, a note."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from hwb_kpis.report import plots
from hwb_kpis.report.palette import contrast_ratio  # noqa: E402
from hwb_kpis.stats import funnel_limits, km_curves, p_chart, xmr  # noqa: E402

MONTHS = pd.period_range("2014-04", periods=20, freq="M").strftime("%Y-%m").tolist()


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.texts]


def _png_size(fig: Figure) -> tuple[int, int]:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    buf.seek(0)
    from matplotlib.image import imread

    img = imread(buf)
    return img.shape[1], img.shape[0]


def _check(fig: Figure, title: str, note_part: str = "Source") -> None:
    assert isinstance(fig, Figure)
    assert fig.get_suptitle() == title
    assert any(note_part in t for t in _texts(fig))
    assert fig.dpi == plots.DPI
    w, h = _png_size(fig)
    assert 400 < w <= 1100 and 250 < h <= 900  # modest PNG for e-mail


def test_apply_house_style_sets_dpi_and_palette():
    plots.apply_house_style()
    assert matplotlib.rcParams["savefig.dpi"] == 100
    assert matplotlib.rcParams["axes.titlelocation"] == "left"
    assert len(plots.OKABE_ITO) == 8


def test_spc_chart_xmr_and_p():
    y = [11.0, 9.0] * 6 + [16.0, 10.0]
    df = xmr(y, x=MONTHS[:14], improvement_direction="increase", target=14, fix_after_n_points=12)
    fig = plots.spc_chart(df, title="Contacts rose above the usual range in May 2015",
                          y_label="Contacts per month", note="Source: test extract.", as_of="May 2015")
    _check(fig, "Contacts rose above the usual range in May 2015", "Data to May 2015")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Contacts per month" and ax.get_xlabel() == "Month"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Improvement" in labels and "Common cause" in labels and "Target" in labels
    badges = [t.get_text() for t in ax.texts]
    assert "?" in badges  # assurance: target 14 inside the limits -> inconsistent
    pc = p_chart(np.full(20, 40), np.full(20, 100), x=MONTHS)
    fig = plots.spc_chart(pc, title="MARF use is stable", y_label="Contacts on a MARF (%)", percent=True)
    _check(fig, "MARF use is stable")
    assert fig.axes[0].yaxis.get_major_formatter().format_pct(0.4, 1).startswith("40")


def test_spc_chart_mentions_trial_limits():
    fig = plots.spc_chart(xmr([1.0, 2.0, 3.0, 2.0]), title="Too early to say", y_label="Count")
    assert any("Trial limits" in t for t in _texts(fig))


def test_funnel_plot():
    df = funnel_limits([10, 60, 50, 80, 5], [100, 200, 300, 400, 60],
                       labels=["GP", "Police", "Schools", "LA", "Other"])
    fig = plots.funnel_plot(df, title="Police contacts convert more often than others",
                            y_label="Contacts progressed to referral (%)")
    _check(fig, "Police contacts convert more often than others")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Number of contacts (denominator)"
    assert {"GP", "Police"} <= {t.get_text() for t in ax.texts}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["95% limits", "99.8% limits",
                                                                   "Overall rate", "Outside 95% only (hollow)"]


def _edge_colours(fig) -> list[str]:
    """The edge colour of every drawn point, lowest first (the points may be drawn one shape at a time)."""
    from matplotlib.colors import to_hex

    points = []
    for collection in fig.axes[0].collections:
        offsets, edges = collection.get_offsets(), collection.get_edgecolors()
        for i, (_, y) in enumerate(offsets):
            points.append((float(y), to_hex(edges[i % len(edges)])))
    return [colour for _, colour in sorted(points)]


def test_funnel_colours_follow_the_improvement_direction():
    # rates 0.1 (far below the pooled 0.34), 0.33 (inside), 0.6 (far above) on large denominators
    df = funnel_limits([100, 330, 600], [1000, 1000, 1000], labels=["low", "mid", "high"])
    fig = plots.funnel_plot(df, title="t", y_label="y", improvement_direction="decrease")
    assert _edge_colours(fig) == [plots.SPC_COLOURS["improvement"], plots.SPC_COLOURS["common_cause"],
                                  plots.SPC_COLOURS["concern"]]
    # status by shape as well as colour: the three points are drawn with three different markers
    drawn = [c for c in fig.axes[0].collections if len(c.get_offsets())]
    assert len({c.get_paths()[0].vertices.tobytes() for c in drawn}) == 3
    fig = plots.funnel_plot(df, title="t", y_label="y", improvement_direction="increase")
    assert _edge_colours(fig)[0] == plots.SPC_COLOURS["concern"]
    fig = plots.funnel_plot(df, title="t", y_label="y")
    assert _edge_colours(fig)[2] == plots.SPC_COLOURS["neither"]


def test_small_multiples():
    rng = np.random.default_rng(1)
    frames = [p_chart(rng.binomial(100, 0.3, 20), [100] * 20, x=MONTHS).assign(agency=a)
              for a in ["Health", "Police", "Schools", "LA"]]
    df = pd.concat(frames, ignore_index=True)
    fig = plots.small_multiples(df, x="x", y="y", group="agency", title="No agency stands out",
                                y_label="Repeat contacts (%)", percent=True, reference=0.3)
    _check(fig, "No agency stands out")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in visible] == ["Health", "Police", "Schools", "LA"]
    assert fig.get_supylabel() == "Repeat contacts (%)"
    for ax in visible:  # every panel has the same month ticks (shared x axis)
        assert list(ax.xaxis.get_major_formatter().seq) == ["Jul 2014", "Jan 2015", "Jul 2015"]


@pytest.mark.parametrize(("first", "last", "max_ticks", "expected"), [
    ("2015-01", "2015-06", 8, ["Jan 2015", "Feb 2015", "Mar 2015", "Apr 2015", "May 2015", "Jun 2015"]),
    ("2014-04", "2015-11", 8, ["Apr 2014", "Jul 2014", "Oct 2014", "Jan 2015", "Apr 2015", "Jul 2015", "Oct 2015"]),
    ("2014-05", "2015-11", 8, ["Jul 2014", "Oct 2014", "Jan 2015", "Apr 2015", "Jul 2015", "Oct 2015"]),
    ("2014-04", "2015-11", 4, ["Jul 2014", "Jan 2015", "Jul 2015"]),
    ("2010-01", "2015-12", 8, ["Jan 2010", "Jan 2011", "Jan 2012", "Jan 2013", "Jan 2014", "Jan 2015"]),
    ("2015-11", "2015-11", 8, ["Nov 2015"]),
])
def test_month_ticks(first, last, max_ticks, expected):
    dates = pd.Series(pd.to_datetime([first + "-01", last + "-01"]))
    positions, labels = plots.month_ticks(dates, max_ticks=max_ticks)
    assert labels == expected
    assert len(positions) <= max_ticks and all(p.day == 1 for p in positions)


def test_spc_chart_labels_months_with_fixed_ticks():
    from matplotlib.ticker import FixedLocator

    fig = plots.spc_chart(p_chart(np.full(20, 40), np.full(20, 100), x=MONTHS), title="t", y_label="y")
    ax = fig.axes[0]
    assert isinstance(ax.xaxis.get_major_locator(), FixedLocator)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["Apr 2014", "Jul 2014"]


def test_before_after_bars():
    df = pd.DataFrame({"group": ["Health", "Police"], "b": [0.4, 0.5], "a": [0.6, 0.55],
                       "b_lo": [0.35, 0.45], "b_hi": [0.45, 0.55], "a_lo": [0.55, 0.5],
                       "a_hi": [0.65, 0.6]})
    fig = plots.before_after_bars(df, group="group", before="b", after="a",
                                  title="MARF use rose after the training",
                                  y_label="Contacts on a MARF (%)", percent=True,
                                  ci={"b": ("b_lo", "b_hi"), "a": ("a_lo", "a_hi")})
    _check(fig, "MARF use rose after the training")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Contacts on a MARF (%)"
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.4, 0.5, 0.6, 0.55])
    assert "60%" in [t.get_text() for t in ax.texts]


def test_km_plot():
    eps = pd.DataFrame({"duration_days": [10, 20, 20, 50, 100, 200, 400] * 2,
                        "event": [True, True, False, True, False, True, False] * 2,
                        "group": ["health"] * 7 + ["police"] * 7})
    fig = plots.km_plot(km_curves(eps), title="A third re-contacted within six months")
    _check(fig, "A third re-contacted within six months")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Days since the threshold-not-met decision"
    assert ax.get_ylabel() == "Children re-contacted (%)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["health", "police", "all"]


def test_odds_ratio_plot():
    df = pd.DataFrame({
        "term": ["source_group"] * 3, "level": ["health", "police", "schools"],
        "label": ["Source: health (reference)", "Source: police vs health", "Source: schools vs health"],
        "odds_ratio": [1.0, 2.0, 0.9], "ci_low": [np.nan, 1.5, 0.7], "ci_high": [np.nan, 2.6, 1.2],
        "p_value": [np.nan, 0.001, 0.4], "n": [100, 80, 60], "is_reference": [True, False, False],
    })
    fig = plots.odds_ratio_plot(df, title="Police contacts are twice as likely to be repeats")
    _check(fig, "Police contacts are twice as likely to be repeats")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Source: schools vs health",
                                                           "Source: police vs health"]


def test_benchmark_figure_draws_one_line_per_area_in_the_house_colours():
    rows = []
    for year in (2013, 2014, 2015):
        for area, level, rate in (("Buckinghamshire", "authority", 400.0), ("England", "england", 550.0),
                                  ("South East", "region", 500.0), ("Oxfordshire", "comparator", 450.0)):
            rows.append({"year": year, "area": area, "level": level, "referral_rate": rate + year - 2013,
                         "rereferral_pct": 25.0, "nfa_pct": 10.0})
    fig = plots.benchmark_figure(pd.DataFrame(rows), highlight_year=2015)
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "Referrals per 10,000 children", "Re-referrals within 12 months, %", "Closed with no further action, %"]
    colours = {line.get_label(): matplotlib.colors.to_hex(line.get_color()) for line in fig.legends[0].get_lines()}
    assert colours["Buckinghamshire"] == "#0072b2" and colours["England"] == "#000000"
    assert colours["South East"] == "#009e73" and colours["Oxfordshire"] == plots.COMPARATOR_COLOURS[0].lower()
    for colour in colours.values():  # every line at least 3:1 against the white plot (WCAG 1.4.11)
        assert contrast_ratio(colour, "#ffffff") >= 3.0, colour
    assert any(line.get_linestyle() == ":" and list(line.get_xdata()) == [2015, 2015] for line in fig.axes[0].lines)
    png = plots.figure_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) < 300_000


def test_spc_chart_leaves_out_hidden_points_and_says_so():
    """A month of 2 contacts is not drawn (nor its dot), and the note says a point was left out."""
    df = xmr([140.0, 150.0, 2.0, 145.0], x=MONTHS[:4])
    fig = plots.spc_chart(df, title="t", y_label="Contacts", hidden=[False, False, True, False])
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    assert np.isnan(np.asarray(line.get_ydata(), dtype=float)[2])
    dots = np.vstack([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    assert 2.0 not in dots[:, 1]
    assert any("1 point is not drawn" in t for t in _texts(fig))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the pooled rate of no agency is undefined
def test_funnel_plot_with_no_agency_to_draw():
    empty = funnel_limits([], [], labels=[])
    fig = plots.funnel_plot(empty, title="Too few", y_label="y")
    assert any("No agency can be drawn" in t.get_text() for t in fig.axes[0].texts)


def test_a_chart_is_whole_inside_its_figure_and_drawn_once_as_an_opaque_png() -> None:
    """Title and note are the figure's own (suptitle, supxlabel), wrapped to its width, so the PNG
    is the figure's size (no crop) and nothing is drawn outside it; RGB, no alpha channel."""
    from PIL import Image

    long_note = " ".join(["November 2015 is still maturing and is shown as a hollow point, not judged."] * 3)
    df = xmr([140.0, 150.0, 130.0, 145.0], x=MONTHS[:4])
    fig = plots.spc_chart(df, title="Contacts: " + "a finding stated at some length " * 4, y_label="Contacts",
                          note=long_note, as_of="30 November 2015")
    png = plots.figure_png(fig)
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGB"
    assert image.size == (round(fig.get_figwidth() * plots.DPI), round(fig.get_figheight() * plots.DPI))
    note = fig._supxlabel
    assert note is fig.texts[-1] and "\n" in note.get_text() and "Data to 30 November 2015." in note.get_text()
    assert "\n" in fig.get_suptitle()
    renderer = fig.canvas.get_renderer()
    whole = fig.bbox
    for text in (note, fig._suptitle):
        box = text.get_window_extent(renderer)
        assert box.x0 >= whole.x0 and box.x1 <= whole.x1 and box.y0 >= whole.y0 and box.y1 <= whole.y1
    assert all(ax.get_window_extent(renderer).y0 > note.get_window_extent(renderer).y1 for ax in fig.axes)


def test_wrapped_keeps_short_text_and_breaks_long_text_between_words() -> None:
    assert plots.wrapped("Short note.", 8.0, 8) == "Short note."
    text = "word " * 60
    lines = plots.wrapped(text.strip(), 4.0, 8).split("\n")
    assert len(lines) > 1 and " ".join(lines) == text.strip()
