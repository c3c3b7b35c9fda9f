"""The verdicts as HTML for the pages: the Making Data Count summary matrix of page 00 (per KPI
the latest month's figure, target, mean, process limits, a sparkline, the variation and assurance
icons), the list of verdict sentences each with its icon (the same on the summary and on the
detail pages), and the icon key. Figures pass the small-number rule of
:mod:`hwb_kpis.privacy.disclosure`, and the matrix declares its count column like every published
table; words are escaped, drawings are :mod:`hwb_kpis.report.icons`' SVG."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import pandas as pd

from hwb_kpis.privacy.disclosure import SUPPRESSED_RATE, count_cell, is_small, published_html
from hwb_kpis.report import icons
from hwb_kpis.report import verdict as words
from hwb_kpis.report.kpi_verdicts import Verdict
from hwb_kpis.report.words import missing as _missing
from hwb_kpis.report.words import month_name, percent, value_text

#: the matrix's columns, in order
COLUMNS = ("measure", "month", "latest", "target", "mean", "lower limit", "upper limit", "trend", "variation",
           "assurance")
#: the column holding counts (the latest figure of a count KPI), for the disclosure check
COUNT_COLUMNS = ("latest",)
_TOKEN = "HWBSVG{}HWBSVG"


def latest_cell(v: Verdict, *, internal: bool) -> str:
    """The judged month's figure for a table: a count through the small-number rule, a rate as
    ``*`` when it rests on a count of 1 to 4 (unless ``internal``)."""
    if _missing(v.value):
        return ""
    if not v.is_rate:
        return count_cell(v.value, internal)
    if not internal and is_small(v.numerator, v.denominator):
        return SUPPRESSED_RATE
    return percent(v.value)


def _level(v: Verdict, value: float) -> str:
    return "" if _missing(value) else value_text(value, is_rate=v.is_rate)


def matrix_table(verdicts: Iterable[Verdict], *, internal: bool = False) -> pd.DataFrame:
    """The matrix as a display-ready table (text; the drawings are left out): one row per verdict
    with :data:`COLUMNS` but ``trend``, ``variation`` and ``assurance`` holding their words."""
    rows = []
    for v in verdicts:
        rows.append({
            "measure": v.label, "month": month_name(v.latest_month) if v.latest_month else "",
            "latest": latest_cell(v, internal=internal),
            "target": "" if v.target is None else value_text(v.target.value, is_rate=v.is_rate),
            "mean": _level(v, v.mean), "lower limit": _level(v, v.lpl), "upper limit": _level(v, v.upl),
            "trend": "", "variation": words.VARIATION_ICON_WORDS[v.variation_icon],
            "assurance": words.ASSURANCE_LABELS[v.assurance or "none"],
        })
    return pd.DataFrame(rows, columns=list(COLUMNS))


def matrix_html(verdicts: Iterable[Verdict], *, internal: bool = False) -> str:
    """The matrix as an HTML table: :func:`matrix_table` with the sparkline and the two icons
    drawn inline, declaring its count column (``data-hwb-counts``)."""
    verdicts = list(verdicts)
    table = matrix_table(verdicts, internal=internal)
    drawings: list[str] = []

    def token(svg: str) -> str:
        drawings.append(svg)
        return _TOKEN.format(len(drawings) - 1)

    table["trend"] = [token(icons.sparkline(v)) for v in verdicts]
    table["variation"] = [token(icons.variation_icon(v.variation_icon)) for v in verdicts]
    table["assurance"] = [token(icons.assurance_icon(v.assurance)) for v in verdicts]
    markup = published_html(table, count_columns=list(COUNT_COLUMNS))
    for i, svg in enumerate(drawings):
        markup = markup.replace(_TOKEN.format(i), svg, 1)
    head = markup[:markup.index(">") + 1]
    marked = re.sub(r'class="([^"]*)"', r'class="\1 hwb-matrix"', head, count=1) if 'class="' in head \
        else head.replace("<table", '<table class="hwb-matrix"', 1)
    return marked + markup[len(head):]


def verdict_list_html(verdicts: Iterable[Verdict]) -> str:
    """The verdict sentences as an HTML list, each after its variation icon and marked with its
    KPI and group (``data-kpi``, ``data-group``): every page shows a KPI's verdict this way."""
    items = []
    for v in verdicts:
        sentence = v.sentence
        label, rest = (v.label, sentence[len(v.label):]) if sentence.startswith(v.label) else ("", sentence)
        words_html = f"<strong>{html.escape(label)}</strong>{html.escape(rest)}" if label else html.escape(rest)
        items.append(f'<li class="hwb-verdict" data-kpi="{html.escape(v.kpi, quote=True)}" '
                     f'data-group="{html.escape(v.group, quote=True)}">{icons.variation_icon(v.variation_icon)} '
                     f'<span>{words_html}</span></li>')
    return f'<ul class="hwb-verdicts">{"".join(items)}</ul>' if items else ""
