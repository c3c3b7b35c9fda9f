"""The one way the project writes CSV and Excel files (``quarantine.csv``, ``recoding_audit.csv``,
``hwb-kpis kpis --format csv``, the pack's tables): cells a spreadsheet would run as a formula
are neutralised first.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (``=cmd|' /C calc'!A0``, ``=HYPERLINK(...)``); as OWASP
advises ("CSV injection"), such a cell is prefixed with an apostrophe, which the spreadsheet shows
as text. Numbers are never changed: numeric columns are left alone, and a text cell that is a
plain number (``-5``, ``+0.25``) is kept, since it cannot run. In Excel files every text cell is
written as text (openpyxl would otherwise store ``=...`` as a formula).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: what a spreadsheet reads as the start of a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: a plain number written as text: harmless, kept as it is
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_cell(value: Any) -> Any:
    """``value`` with an apostrophe in front when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (:func:`neutralise_cell`); numeric,
    boolean and date columns are left alone. The cells to look at are found with Arrow, so the
    Python work is for those cells only."""
    out = frame.copy()
    out.columns = [neutralise_cell(c) for c in out.columns]
    for name in out.columns:
        at = _matching(out[name], r"^[=+\-@\t\r]")
        if at is not None and at.any():
            out.loc[at, name] = out.loc[at, name].map(neutralise_cell)
    return out


def _matching(column: pd.Series, pattern: str) -> np.ndarray | None:
    """Where the text cells of ``column`` match ``pattern`` (None for a column of numbers,
    booleans or dates, which hold no text)."""
    if column.dtype.kind in "biufcmM" or isinstance(column.dtype, (pd.BooleanDtype, pd.Int64Dtype, pd.Float64Dtype)):
        return None
    try:
        text = column if isinstance(column.dtype, pd.StringDtype) else column.astype("string[pyarrow]")
        return text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    except (TypeError, ValueError):  # cells that are not text (lists, objects): judged one by one
        return column.map(lambda v: isinstance(v, str) and re.search(pattern, v) is not None).to_numpy(dtype=bool)


def csv_text(frame: pd.DataFrame, **kwargs: Any) -> str:
    """``frame`` as CSV text (no index, ``\\n`` line ends unless given), neutralised. A carriage
    return inside a cell becomes ``\\n`` (which is quoted; a bare ``\\r`` would not be, and would
    split the row for a reader)."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    safe = neutralise(frame)
    for name in safe.columns:
        at = _matching(safe[name], "\r")
        if at is not None and at.any():
            safe.loc[at, name] = safe.loc[at, name].map(lambda v: v.replace("\r\n", "\n").replace("\r", "\n")
                                                        if isinstance(v, str) else v)
    buf = io.StringIO()
    safe.to_csv(buf, **kwargs)
    return buf.getvalue()


def write_csv(frame: pd.DataFrame, path: Path | str, **kwargs: Any) -> Path:
    """Write ``frame`` as a UTF-8 CSV file (no index), neutralised."""
    path = Path(path)
    path.write_text(csv_text(frame, **kwargs), encoding="utf-8", newline="")
    return path


def write_excel(sheets: Mapping[str, pd.DataFrame], path: Path | str) -> Path:
    """Write one sheet per frame (sheet names cut to Excel's 31 characters), neutralised, every
    text cell stored as text: no cell of the workbook is a formula."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=_sheet_name(str(name)))
        safe = neutralise(frame)
        sheet.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False):
            sheet.append([_excel_value(v) for v in row])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, even when it looks like a formula
    path = Path(path)
    book.save(path)
    return path


def _sheet_name(name: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", name).strip("'") or "Sheet"
    return cleaned[:31]


def _excel_value(value: Any) -> Any:
    """A value openpyxl can store: missing values blank, numpy scalars as Python ones."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value
