"""The one place the pack writes tables to files people open in a spreadsheet: :func:`write_csv`
and :func:`write_xlsx` (openpyxl). Every CSV and Excel file of the pack (``kpis.csv``,
``kpis.xlsx``, ``hwb-kpis kpis --format xlsx``) is written here, so that one change reaches all
of them (e.g. neutralising cell text a spreadsheet would read as a formula)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: text a spreadsheet would take for a formula (=, +, -, @ first, or a tab/carriage return)
_FORMULA = re.compile(r"^[=+\-@\t\r]")
#: a figure written as text: a (signed) number, optionally with thousands separators or a percent
_FIGURE = re.compile(r"^[-+−]?\d[\d,]*(?:\.\d+)?%?$")


def safe_text(value: str) -> str:
    """Cell text that no spreadsheet runs as a formula: text starting with ``= + - @`` (or a tab or
    carriage return) gets a leading apostrophe, unless it is a plain figure such as ``-2.5``."""
    if _FORMULA.match(value) and not _FIGURE.match(value.strip()):
        return "'" + value
    return value


def _atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(text: str, path: Path) -> Path:
    """Write ``text`` (UTF-8) to ``path``, atomically."""
    return _atomic_write(Path(path), text.encode("utf-8"))


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    """Write ``table`` (no index) to ``path`` as UTF-8 CSV with ``\\n`` line ends, text cells made
    safe for spreadsheets (:func:`safe_text`)."""
    out = table.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].map(lambda v: safe_text(v) if isinstance(v, str) else v).astype("object")
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return _atomic_write(path, buffer.getvalue().encode("utf-8"))


@dataclass
class Sheet:
    """One worksheet: its name (at most 31 characters), an optional title and lines of text above
    its tables, the table (or several ``blocks``: (caption, table) one under another), and the
    number format or width of some columns (e.g. ``{"Rate": "0.0%"}``)."""

    name: str
    table: pd.DataFrame | None = None
    title: str = ""
    notes: Sequence[str] = ()
    formats: dict[str, str] = field(default_factory=dict)
    widths: dict[str, float] = field(default_factory=dict)
    blocks: Sequence[tuple[str, pd.DataFrame]] = ()
    #: write text that is a plain figure (``1,380``, ``-2.5``, ``58%``) as a number, formatted alike
    numbers_from_text: bool = False


#: published markers that are figures all the same (right-aligned like numbers)
_MARKERS = re.compile(r"^(?:<\s?\d+|\*|–|-)$")


def _cell_value(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


_PLAIN_NUMBER = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.(\d+))?$|^-?\d+(?:\.(\d+))?$")
_PLAIN_PERCENT = re.compile(r"^-?\d+(?:\.(\d+))?%$")


def number_from_text(text: str) -> tuple[float | int, str] | None:
    """A figure written as text as a number and its Excel format: ``"1,380"`` → (1380, ``#,##0``),
    ``"58%"`` → (0.58, ``0%``), ``"12.3"`` → (12.3, ``0.0``); None for anything else."""
    text = text.strip()
    match = _PLAIN_NUMBER.match(text)
    if match:
        digits = match.group(1) or match.group(2) or ""
        value = float(text.replace(",", ""))
        return (int(value), "#,##0") if not digits else (value, "#,##0." + "0" * len(digits))
    match = _PLAIN_PERCENT.match(text)
    if match:
        digits = match.group(1) or ""
        return float(text[:-1]) / 100, "0" + ("." + "0" * len(digits) if digits else "") + "%"
    return None


def _rows(table: pd.DataFrame, sheet: Sheet, styles: dict) -> list[list]:
    """The cells of ``table`` (header first) for a write-only sheet: the header bold, numbers in
    their format, and published markers that stand for figures (``<5``, ``*``) right-aligned like
    the figures (plain values elsewhere: styling every cell costs seconds)."""
    from openpyxl.cell import WriteOnlyCell

    ws = styles["sheet"]

    def styled(value, **style):
        cell = WriteOnlyCell(ws, value=value)
        for key, setting in style.items():
            setattr(cell, key, setting)
        return cell

    rows = [[styled(safe_text(str(name)), font=styles["bold"]) for name in table.columns]]
    formats = [sheet.formats.get(str(c)) for c in table.columns]
    for values in table.itertuples(index=False):
        row = []
        for value, fmt in zip(values, formats, strict=True):
            if isinstance(value, str):
                as_number = number_from_text(value) if sheet.numbers_from_text else None
                if as_number:
                    row.append(styled(as_number[0], number_format=as_number[1]))
                elif _MARKERS.match(value.strip()):
                    row.append(styled(value, alignment=styles["right"]))
                else:
                    row.append(safe_text(value))
                continue
            value = _cell_value(value)
            if value is not None and fmt:
                row.append(styled(value, number_format=fmt))
            elif isinstance(value, dt.datetime | dt.date):
                row.append(styled(value, number_format="yyyy-mm-dd"))
            else:
                row.append(value)
        rows.append(row)
    return rows


def _widths(sheet: Sheet) -> dict[int, float]:
    """Column widths (characters) fitted to the text of the sheet's tables (first 200 rows)."""
    widths: dict[int, float] = {}
    tables = ([sheet.table] if sheet.table is not None else []) + [b for _, b in sheet.blocks]
    for table in tables:
        for j, name in enumerate(table.columns, start=1):
            texts = [str(name)] + [str(v) for v in table.iloc[:200, j - 1]]
            widths[j] = max(widths.get(j, 8), min(60, max(len(s) for s in texts) + 2))
    if sheet.table is not None:
        for j, name in enumerate(sheet.table.columns, start=1):
            if str(name) in sheet.widths:
                widths[j] = sheet.widths[str(name)]
    return widths


def write_xlsx(sheets: Sequence[Sheet], path: Path) -> Path:
    """Write ``sheets`` to an Excel workbook at ``path`` (openpyxl, streamed): per sheet a bold
    title, its notes, then its table (header row frozen in view, with filters) or its blocks, each
    under a bold caption; text cells made safe (:func:`safe_text`), column widths fitted to their
    text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        styles = {"sheet": ws, "bold": Font(bold=True), "right": Alignment(horizontal="right"),
                  "left": Alignment(horizontal="left")}
        for j, width in _widths(sheet).items():
            ws.column_dimensions[get_column_letter(j)].width = width
        lines: list[list] = []
        if sheet.title:
            title = WriteOnlyCell(ws, value=safe_text(sheet.title))
            title.font = Font(bold=True, size=13)
            lines.append([title])
        lines += [[safe_text(str(note))] for note in sheet.notes]
        if lines:
            lines.append([])
        table = sheet.table
        if table is not None and not table.columns.empty:
            header_row = len(lines) + 1
            ws.freeze_panes = f"A{header_row + 1}"
            if len(table):
                ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.columns))}{header_row + len(table)}"
            lines += _rows(table, sheet, styles) + [[]]
        for caption, block in sheet.blocks:
            if caption:
                cell = WriteOnlyCell(ws, value=safe_text(caption))
                cell.font = styles["bold"]
                lines.append([cell])
            lines += _rows(block, sheet, styles) + [[]]
        for line in lines:
            ws.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return _atomic_write(path, buffer.getvalue())
