"""Reading one sheet of an Excel workbook (.xlsx) into the contract's text columns: the header
row is found below any title rows, cells become text as a person reads them (dates as ISO, whole
numbers without ``.0``), and entirely blank rows are ignored (and counted). The workbook's
unpacked size and the sheet's width are checked first (:mod:`hwb_kpis.ingest.limits`)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hwb_kpis.contract.tables import TableSpec
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.columns import contract_name, rename_headers, to_frame
from hwb_kpis.ingest.limits import limit
from hwb_kpis.ingest.lines import Lines
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import FileRead

#: the header is looked for in the first rows of the sheet
HEADER_SEARCH_ROWS = 20


def read_excel(path: Path, spec: TableSpec, mapping: Mapping) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """``(frame, malformed, notes)`` as :func:`hwb_kpis.ingest.csv_file.read_csv` (a sheet has no
    malformed rows); row numbers count from the top of the sheet. See :func:`read_sheet`."""
    got = read_sheet(path, spec, mapping)
    return got.frame, got.malformed, got.notes


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


def read_sheet(path: Path, spec: TableSpec, mapping: Mapping) -> FileRead:
    """One sheet read into the contract's text columns, its rows below the header accounted for
    (``lines``: sheet rows, the blank ones ignored)."""
    check_workbook_size(path)
    try:
        sheet = pd.read_excel(path, sheet_name=mapping.sheet, header=None, dtype=object, engine="openpyxl")
    except ValueError as exc:
        raise InputFileError(f"{path}: {str(exc).splitlines()[0]}") from None
    except Exception as exc:  # zip/openpyxl errors for files that are not workbooks
        raise InputFileError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None
    if sheet.empty:
        raise InputFileError(f"{path}: file is empty (no cells on the sheet)")
    if sheet.shape[1] > limit("max_columns"):
        raise InputFileError(f"{path}: the sheet has {sheet.shape[1]:,} columns; at most {limit('max_columns'):,} are read")
    header_index = _header_row(sheet, spec, mapping)
    headers = [("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)) for v in sheet.iloc[header_index]]
    headers = [h if h.strip() else f"unnamed_{j}" for j, h in enumerate(headers)]
    body = sheet.iloc[header_index + 1 :].reset_index(drop=True)
    body.columns = headers
    body = body.map(_cell_text)
    rows = np.arange(len(body), dtype="int64") + header_index + 2
    # drop rows that are entirely blank (trailing formatting); they carry no record
    nonblank = (body != "").any(axis=1).to_numpy()
    notes = [f"header found on sheet row {header_index + 1}"] if header_index else []
    if (~nonblank).any():
        notes.append(f"{int((~nonblank).sum())} entirely blank sheet rows ignored")
    lines = Lines(len(body), blank=int((~nonblank).sum()))
    body, rows = body.loc[nonblank].reset_index(drop=True), rows[nonblank]
    renamed = rename_headers(headers, path, spec, mapping)
    empty = pd.DataFrame({"row": pd.Series(dtype="int64"), "reason": pd.Series(dtype="string")})
    columns = {h: body.iloc[:, j] for j, h in reversed(list(enumerate(headers)))}
    return FileRead(to_frame(columns, renamed, spec, rows), empty, notes, lines)


def _header_row(sheet: pd.DataFrame, spec: TableSpec, mapping: Mapping) -> int:
    """The first of the top rows naming every required column, or at least three (and as many as
    there are required) contract columns; else the first row."""
    renames = mapping.columns.get(spec.name, {})
    allowed = set(spec.columns)
    for i in range(min(len(sheet), HEADER_SEARCH_ROWS)):
        names = [contract_name(v, renames) for v in sheet.iloc[i] if v is not None and str(v).strip()]
        if all(req in names for req in spec.required) or sum(n in allowed for n in names) >= max(3, len(spec.required)):
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
