"""How a page shows things: the only way a notebook puts a table, a figure or a sentence on a page.

Tables pass through disclosure control (:mod:`hwb_kpis.privacy.disclosure`: small numbers
suppressed unless the copy is internal) and are shown as HTML that declares their count columns,
so the pack's disclosure check can hold every published count to the rule; figures are shown as
small static PNGs (the pack is opened from an e-mail) with alt text that states their finding and
the table of their figures collapsed under them (:mod:`hwb_kpis.report.chart_data`); sentences as
markdown. What a page could not show is said on the page and told to the build
(:func:`report_gap`), which then does not call the page "ok".
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence

import pandas as pd

from hwb_kpis.privacy.disclosure import Decisions, published_html, suppress
from hwb_kpis.report import chart_data
from hwb_kpis.report.escape import without_html
from hwb_kpis.report.tables import with_caption
from hwb_kpis.report.unavailable import Unavailable
from hwb_kpis.report.words import bullets, count, percent

#: where a published table keeps the names of its count columns (read by :func:`show_published`)
COUNTS_ATTR = "hwb_count_columns"
#: where a table may keep its caption (read by :func:`show_published`)
CAPTION_ATTR = "hwb_caption"
#: the output a page sends the build when it could not show something (never shown to readers;
#: the renderer, hwb_kpis.report.render, drops it and reads it)
GAP_MIME = "application/vnd.hwb-kpis.gap+json"


def format_rates(table: pd.DataFrame, columns: Sequence[str] = ("rate",)) -> pd.DataFrame:
    """Rates as whole percent text (suppressed ``"*"`` kept) for display."""
    out = table.copy()
    for c in columns:
        if c in out.columns:
            out[c] = out[c].map(percent).astype("object")
    return out


def publish(table: pd.DataFrame, *, internal: bool = False, count_columns: Sequence[str] = ("numerator", "denominator"),
            rate_columns: Sequence[str] = ("rate",), rate_basis: dict[str, list[str]] | None = None,
            decisions: Decisions | None = None, keys: Callable[[int, str], Hashable | None] | None = None,
            ) -> pd.DataFrame:
    """A table ready to show in the pack: every count through disclosure control
    (:func:`hwb_kpis.privacy.disclosure.suppress`: ``<5``, ``c`` for a count the pack's ``decisions``
    withhold — ``keys`` names each cell's count —, ``*`` for a rate resting on either; skipped when
    ``internal``), counts with thousands separators, rates as whole percent. The count columns are
    remembered (``attrs``) for :func:`show_published`."""
    internal = internal or (decisions is not None and decisions.internal)
    shown = suppress(table, count_columns=list(count_columns), rate_columns=list(rate_columns),
                     rate_basis=rate_basis, internal=internal, decisions=decisions, keys=keys)
    if internal:  # suppress() leaves the table as it is: format the counts the same way
        for c in count_columns:
            if c in shown.columns:
                shown[c] = shown[c].map(count).astype("object")
    out = format_rates(shown, rate_columns)
    return declare_counts(out, count_columns)


def declare_counts(table: pd.DataFrame, counts: Iterable[str]) -> pd.DataFrame:
    """``table`` marked as display-ready with ``counts`` as its count columns (an empty list for a
    table of rates or medians only)."""
    table.attrs[COUNTS_ATTR] = [str(c) for c in counts]
    return table


def show_table(table: pd.DataFrame, **kwargs) -> None:
    """Display :func:`publish` (``table``, ``**kwargs``) as an HTML table without the index,
    declaring its count columns for the disclosure check."""
    show_published(publish(table, **kwargs))


def show_published(table: pd.DataFrame, counts: Sequence[str] | None = None, caption: str | None = None) -> None:
    """Display a table that is already display-ready (:func:`publish`, or a table that suppresses
    its own figures such as :func:`hwb_kpis.report.comparisons.comparison_table`) as HTML without
    the index. ``counts`` names its count columns; by default those :func:`publish` or
    :func:`declare_counts` recorded, else every column but the first, which the disclosure check
    then holds to the small-number rule. ``caption`` (default the table's ``attrs`` caption, else
    the heading above it when the page is rendered) says what the table holds."""
    from IPython.display import HTML, display

    if isinstance(table, Unavailable):
        show_markdown(table)
        return
    if counts is None:
        counts = table.attrs.get(COUNTS_ATTR)
    markup = published_html(table, count_columns=None if counts is None else list(counts))
    display(HTML(with_caption(markup, caption or table.attrs.get(CAPTION_ATTR))))


def chart_table_html(fig) -> str:
    """The collapsed table of a chart's figures (:mod:`hwb_kpis.report.chart_data`), as HTML; empty
    for a chart without one."""
    import html

    data = chart_data.of(fig)
    if data is None or not len(data.table):
        return ""
    finding = chart_data.finding(fig)
    caption = f"{chart_data.TABLE_NAME}: {finding}" if finding else chart_data.TABLE_NAME
    table = with_caption(published_html(data.table, count_columns=data.counts), caption)
    return (f'<details class="hwb-chart-data"><summary>{html.escape(chart_data.TABLE_NAME)}</summary>\n'
            f"{table}\n</details>")


def show_figure(fig, *, dpi: int = 100, alt: str | None = None) -> None:
    """Display a matplotlib figure as a PNG (static, small: the pack opens from an e-mail) with alt
    text (``alt`` when given, else the finding in its title and what it shows:
    :func:`hwb_kpis.report.chart_data.alt_text`), then the table of its figures, collapsed, and
    release its memory. Works for figures made without pyplot, as ``hwb_kpis.report.plots`` makes
    them."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML, Image, display

    from hwb_kpis.report.plots import figure_png

    if isinstance(fig, Unavailable):
        show_markdown(fig)
        return
    display(Image(data=figure_png(fig, dpi=dpi), metadata={"alt": chart_data.alt_text(fig, alt)}))
    table = chart_table_html(fig)
    if table:
        display(HTML(table))
    plt.close(fig)


def report_gap(what: str, why: str) -> None:
    """Tell the build (not the board) that this page could not show ``what``, and ``why`` (for the
    analyst: where it looked, what to do). The build's progress line then names the gap instead
    of saying "ok"; the rendered page carries nothing of it, so the page must say in its own
    words what it cannot show."""
    from IPython.display import display

    display({GAP_MIME: {"what": what, "why": why}}, raw=True)


def show_markdown(text: str | Unavailable) -> None:
    """Display markdown (nothing for an empty text; for a part the extract cannot give, why); raw
    HTML in it is shown as text, never run (:func:`hwb_kpis.report.escape.without_html`: values
    are escaped where sentences are made, this is the second line of defence)."""
    from IPython.display import Markdown, display

    if isinstance(text, Unavailable):
        text = text.markdown
    if text:
        display(Markdown(without_html(text)))


def show_html(markup: str | Unavailable) -> None:
    """Display HTML the pack built itself (for example :mod:`hwb_kpis.report.verdict_html`'s
    matrix, verdict list and icon key: escaped words, SVG drawings, figures already through
    disclosure control); nothing for an empty text."""
    from IPython.display import HTML, display

    if isinstance(markup, Unavailable):
        show_markdown(markup)
        return
    if markup:
        display(HTML(markup))


def show_verdicts(verdicts) -> None:
    """Display verdicts (:class:`hwb_kpis.report.kpi_verdicts.Verdict`) as the list every page
    shows them in: each sentence after its variation icon."""
    from hwb_kpis.report.verdict_html import verdict_list_html

    if isinstance(verdicts, Unavailable):
        show_markdown(verdicts)
        return
    show_html(verdict_list_html(verdicts))


def show_bullets(sentences: Iterable[str] | Unavailable) -> None:
    """Display sentences as a markdown bullet list."""
    if isinstance(sentences, Unavailable):
        show_markdown(sentences)
        return
    show_markdown(bullets(sentences))
