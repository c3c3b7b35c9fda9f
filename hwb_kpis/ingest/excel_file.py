"""Reading one sheet of an Excel workbook (.xlsx) into the contract's text columns: the sheet is
streamed row by row (openpyxl's read-only mode), the header row is found below any title rows,
only the cells of the columns the contract (or the mapping's row filters) use are taken from each
row as it streams past — others, such as workers' names, are never kept or made text — cells
become text as a person reads them (dates as ISO, whole numbers without ``.0``), and entirely
blank rows are ignored (and counted). The workbook's unpacked size and the sheet's width are
checked first (:mod:`hwb_kpis.ingest.limits`)."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from collections.abc import Mapping as AnyMapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hwb_kpis.contract.tables import TableSpec
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.columns import HeaderNames, rename_headers, to_frame
from hwb_kpis.ingest.filters import filter_headers, kept_rows
from hwb_kpis.ingest.limits import limit
from hwb_kpis.ingest.lines import Lines
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable

#: the header is looked for in the first rows of the sheet
HEADER_SEARCH_ROWS = 20


def check_workbook_size(path: Path) -> None:
    """Refuse a workbook whose contents would unpack to more than ``max_xlsx_uncompressed_bytes``
    (an .xlsx is a zip file; a few MB can unpack to gigabytes of XML), before it is opened."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise InputFileError(f"{path}: not a readable Excel workbook (not a zip file)") from None
    most = limit("max_xlsx_uncompressed_bytes")
    if unpacked > most:
        raise InputFileError(f"{path}: the workbook unpacks to {unpacked / 1e6:,.0f} MB, over the {most / 1e6:,.0f} MB "
                             "allowed (reference/ingest_limits.yml); save the sheet as CSV instead")


def open_workbook(path: Path):
    """The workbook, read-only with cached formula values, or a one-line error naming the file."""
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputFileError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None
    except Exception as exc:  # openpyxl raises its own errors for damaged parts
        raise InputFileError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None


def sheet_names(path: Path) -> list[str]:
    """The names of the workbook's sheets, in order."""
    wb = open_workbook(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _worksheet(wb, path: Path, sheet: str | int):
    names = list(wb.sheetnames)
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        index = int(sheet)
        if not 0 <= index < len(names):
            raise InputFileError(f"{path}: Worksheet index {index} is invalid, {len(names)} worksheets found")
        return wb[names[index]]
    if sheet not in names:
        raise InputFileError(f"{path}: Worksheet named {sheet!r} not found (sheets: {', '.join(names)})")
    return wb[sheet]


def _rows(ws) -> Iterator[tuple]:
    return ws.iter_rows(values_only=True)


def read_excel(path: Path, spec: TableSpec, mapping: Mapping, aliases: AnyMapping[str, str] | None = None, *,
               sheet: str | int | None = None) -> RawTable:
    """One sheet (``sheet``, else the mapping's sheet for the table) as a :class:`RawTable`, as
    :func:`hwb_kpis.ingest.csv_file.read_csv` reads a text file (a sheet has no malformed rows);
    row numbers count from the top of the sheet; ``lines`` counts the sheet's rows below the header,
    the blank ones ignored."""
    check_workbook_size(path)
    wb = open_workbook(path)
    try:
        ws = _worksheet(wb, path, mapping.sheet_for(spec.name) if sheet is None else sheet)
        rows = _rows(ws)
        top = []
        for row in rows:
            top.append(row)
            if len(top) >= HEADER_SEARCH_ROWS:
                break
        if not top or not any(_cell_text(v) for row in top for v in row):
            raise InputFileError(f"{path}: file is empty (no cells on the sheet)")
        header_index = header_row(top, spec, mapping, aliases)
        headers = [_cell_text(v) for v in top[header_index]]
        if len(headers) > limit("max_columns"):
            raise InputFileError(f"{path}: the sheet has {len(headers):,} columns; at most {limit('max_columns'):,} are read")
        headers = [h if h.strip() else f"unnamed_{j}" for j, h in enumerate(headers)]
        renames = rename_headers(headers, path, spec, mapping, aliases)
        filters = filter_headers(headers, path, spec, mapping)
        wanted = [j for j, h in enumerate(headers) if h in renames or h in filters]
        body: list[list[str]] = []
        numbers: list[int] = []
        blank = 0

        def take(row: tuple, number: int) -> None:
            nonlocal blank
            cells = [_cell_text(row[j]) if j < len(row) else "" for j in wanted]
            if any(cells) or any(v is not None and not (isinstance(v, str) and not v.strip()) for v in row):
                body.append(cells)
                numbers.append(number)
            else:
                blank += 1

        for i, row in enumerate(top[header_index + 1:], start=header_index + 2):
            take(row, i)
        for i, row in enumerate(rows, start=len(top) + 1):
            take(row, i)
    finally:
        wb.close()
    notes = [f"header found on sheet row {header_index + 1}"] if header_index else []
    if blank:
        notes.append(f"{blank} entirely blank sheet rows ignored")
    names = [headers[j] for j in wanted]
    frame = pd.DataFrame(body, columns=names, dtype=object) if body else pd.DataFrame({h: [] for h in names}, dtype=object)
    line = np.asarray(numbers, dtype="int64")
    filtered_out = 0
    if filters:
        keep = kept_rows({h: frame[h] for h in filters}, filters, len(frame))
        frame, line, filtered_out = frame.loc[keep].reset_index(drop=True), line[keep], int((~keep).sum())
    columns = {h: frame[h] for h in reversed(names) if h in renames}
    empty = pd.DataFrame({"row": pd.Series(dtype="int64"), "reason": pd.Series(dtype="string")})
    return RawTable(spec=spec, path=path, data=to_frame(columns, renames, spec, line), malformed=empty, notes=notes,
                    present=tuple(renames.values()), filtered_out=filtered_out,
                    lines=Lines(len(body) + blank, blank=blank))


def header_row(top: list[tuple], spec: TableSpec, mapping: Mapping, aliases: AnyMapping[str, str] | None = None) -> int:
    """The first of the top rows naming every column the table must have, or at least three (and
    as many as there are required) contract columns; else the first row."""
    name_of = HeaderNames(spec, mapping, aliases)
    allowed = set(spec.columns)
    for i, row in enumerate(top):
        names = [name_of(v) for v in row if v is not None and str(v).strip()]
        if all(req in names for req in spec.must_have) or sum(n in allowed for n in names) >= max(3, len(spec.required)):
            return i
    return 0


def _cell_text(value: Any) -> str:
    """Text of one Excel cell: dates as ISO, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d") if (value.hour, value.minute, value.second) == (0, 0, 0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
