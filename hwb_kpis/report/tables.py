"""Tables in the pack's HTML: columns of figures right-aligned (class ``hwb-num``), words left
as they are, so that a reader compares figures down a column; every table with a caption that
says what it holds, and every header cell with the scope it heads (a column, or a row), so that
a screen reader reads each figure with its headings."""

from __future__ import annotations

import html as _html
import re

from hwb_kpis.privacy import disclosure

_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_ROW = re.compile(r"<tr\b.*?</tr>", re.S | re.I)
_CELL = re.compile(r"<(t[dh])\b([^>]*)>(.*?)</\1>", re.S | re.I)
#: what a figure looks like in a published table: 1,380 / 34% / -2.5 / <5 / * / – / £1,200 / 58%† (a
#: figure still maturing, :data:`hwb_kpis.report.comparisons.MATURING_MARK`)
_NUMBER = re.compile(r"^(?:[<>≤≥~≈]\s?)?[-+−–]?[£$]?\d[\d,]*(?:\.\d+)?\s?%?†?$|^[*–—-]$|^nan$|^"
                     + re.escape(disclosure.SUPPRESSED_COUNT) + "$", re.I)


def _cell_text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&nbsp;", " ").strip()


def _numeric_columns(table: str, rows: list[tuple[int, int, list[re.Match]]]) -> set[int]:
    """Positions of the columns whose every non-empty body cell is a figure (a ``th`` in the
    body is a row label; the header row says nothing about the column's content)."""
    body_start = table.lower().find("<tbody")
    numeric: dict[int, bool] = {}
    for start, _end, cells in rows:
        if body_start != -1 and start < body_start:
            continue
        for i, cell in enumerate(cells):
            text = _cell_text(cell.group(3))
            if cell.group(1).lower() == "th":
                numeric[i] = False
            elif text:
                numeric[i] = numeric.get(i, True) and bool(_NUMBER.match(text))
    return {i for i, is_number in numeric.items() if is_number}


def _with_class(cell: re.Match) -> str:
    tag, attrs = cell.group(1), cell.group(2)
    if re.search(r'\bclass="', attrs):
        attrs = re.sub(r'\bclass="', 'class="hwb-num ', attrs, count=1)
    else:
        attrs = f'{attrs} class="hwb-num"'
    return f"<{tag}{attrs}>{cell.group(3)}</{tag}>"


def _align_table(match: re.Match) -> str:
    table = match.group(0)
    if "colspan" in table.lower():
        return table
    rows = [(m.start(), m.end(), list(_CELL.finditer(m.group(0)))) for m in _ROW.finditer(table)]
    columns = _numeric_columns(table, rows)
    if not columns:
        return table
    out, last = [], 0
    for start, end, cells in rows:
        row = table[start:end]
        pieces, pos = [], 0
        for i, cell in enumerate(cells):
            if i in columns:
                pieces.append(row[pos:cell.start()] + _with_class(cell))
                pos = cell.end()
        out.append(table[last:start] + "".join(pieces) + row[pos:])
        last = end
    out.append(table[last:])
    return "".join(out)


def align_tables(html: str) -> str:
    """Right-align the columns of figures in every table (class ``hwb-num`` on their cells) and
    leave words left-aligned: a column is numeric when every non-empty body cell is a figure.
    Tables with merged cells (colspan) are left as they are."""
    return _TABLE.sub(_align_table, html)


_OPEN_TABLE = re.compile(r"<table\b[^>]*>", re.I)
_TH = re.compile(r"<th\b(?![^>]*\bscope=)([^>]*)>", re.I)


def with_caption(markup: str, caption: str | None) -> str:
    """``markup`` with ``<caption>caption</caption>`` in its first table (escaped), unless the table
    already has one or ``caption`` is empty."""
    if not caption or not caption.strip():
        return markup
    match = _OPEN_TABLE.search(markup)
    if match is None or re.search(r"<caption\b", markup[match.end():match.end() + 200], re.I):
        return markup
    text = _html.escape(" ".join(caption.split()), quote=False)
    return f"{markup[:match.end()]}\n<caption>{text}</caption>{markup[match.end():]}"


def _scoped_table(match: re.Match) -> str:
    table = match.group(0)
    body_start = table.lower().find("<tbody")
    if body_start == -1:
        body_start = len(table)
    head = _TH.sub(lambda m: f'<th scope="col"{m.group(1)}>', table[:body_start])
    body = _TH.sub(lambda m: f'<th scope="row"{m.group(1)}>', table[body_start:])
    return head + body


def scope_headers(markup: str) -> str:
    """Every ``th`` of every table with a ``scope``: ``col`` in the table's head, ``row`` in its
    body (a row label); cells that already have one are left alone."""
    return _TABLE.sub(_scoped_table, markup)


