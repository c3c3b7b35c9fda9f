"""Reading a delimited text file (CSV, semicolon, tab or pipe separated; UTF-8 or Windows-1252)
into the contract's text columns, with pyarrow on every core. Only the columns the contract (or
the mapping's row filters) use are converted: others, such as workers' names, are never read
into memory. Rows that cannot be split into the header's number of fields are set apart with
their row number (the malformed-row rule)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from hwb_kpis.contract.tables import TableSpec
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.checks.malformed_row import MALFORMED
from hwb_kpis.ingest.columns import rename_headers, to_frame
from hwb_kpis.ingest.filters import filter_headers, kept_rows
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable

WINDOWS_1252_NOTE = "file is not UTF-8; read as Windows-1252"


def read_csv(path: Path, spec: TableSpec, mapping: Mapping, aliases: dict[str, str] | None = None) -> RawTable:
    """The contract's text columns (only those the file has count as ``present``), the malformed
    rows (``row``, ``reason``), the rows the mapping's filters left out and what the reader
    noticed (encoding, delimiter)."""
    encoding, notes = _encoding(path)
    delimiter = _sniff_delimiter(path, encoding)
    if delimiter != ",":
        notes.append(f"delimiter {delimiter!r} detected")
    header = _header(path, encoding, delimiter)
    renames = rename_headers(header, path, spec, mapping, aliases)
    filters = filter_headers(header, path, spec, mapping)
    wanted = set(renames) | set(filters)
    bad: list[tuple[int, str]] = []
    try:
        try:
            table = _read(path, encoding, delimiter, bad, wanted)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            if encoding == "utf-8" and ("UTF8" in str(exc) or "utf-8" in str(exc).lower() or isinstance(exc, UnicodeDecodeError)):
                encoding = "cp1252"
                notes.append(WINDOWS_1252_NOTE)
                table = _read(path, encoding, delimiter, bad, wanted)
            else:
                raise
    except pa.ArrowInvalid as exc:
        message = str(exc).splitlines()[0]
        raise InputFileError(f"{path}: not a readable CSV table ({message})") from None
    # only the columns kept, so that each is freed once cleaned (first of equal names)
    names = table.column_names
    columns = {h: table.column(i) for i, h in reversed(list(enumerate(names))) if h in wanted}
    rows = _row_numbers(table.num_rows, bad)
    malformed = pd.DataFrame({"row": [r for r, _ in bad], "reason": [m for _, m in bad]})
    n = table.num_rows
    del table
    filtered_out = 0
    if filters:
        keep = kept_rows({h: pd.Series(columns[h].to_pandas(types_mapper=pd.ArrowDtype)) for h in filters}, filters, n)
        for h in filters:
            if h not in renames:
                columns.pop(h)
        columns = {h: pc_filter(values, keep) for h, values in columns.items()}
        rows, filtered_out = rows[keep], int((~keep).sum())
    frame = to_frame(columns, renames, spec, rows)
    pa.default_memory_pool().release_unused()  # return the raw text's memory to the system
    return RawTable(spec=spec, path=path, data=frame, malformed=malformed, notes=notes,
                    present=tuple(renames.values()), filtered_out=filtered_out)


def pc_filter(values: pa.ChunkedArray | pa.Array, keep: np.ndarray) -> pa.Array:
    """``values`` at the rows where ``keep`` is true."""
    import pyarrow.compute as pc

    return pc.filter(values, pa.array(keep, type=pa.bool_()))


def _header(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The header as the reader names it (blank headers become ``unnamed_<position>``)."""
    try:
        header = _csv_header(path, encoding, delimiter)
    except UnicodeDecodeError:
        header = _csv_header(path, "cp1252", delimiter)
    return [h if h.strip() else f"unnamed_{j}" for j, h in enumerate(header)]


def _encoding(path: Path) -> tuple[str, list[str]]:
    """UTF-8, or Windows-1252 when the first 64 KB hold a byte that UTF-8 cannot (with a note);
    binary content is refused."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if b"\x00" in head:
        raise InputFileError(f"{path}: not a text table (binary content; is it an Excel file renamed .csv?)")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a genuine non-UTF-8 byte, not a cut multi-byte char
            return "cp1252", [WINDOWS_1252_NOTE]
    return "utf-8", []


def _sniff_delimiter(path: Path, encoding: str) -> str:
    """The most frequent of ``, ; tab |`` in the header line (a comma when none is there)."""
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        header = fh.readline()
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read(path: Path, encoding: str, delimiter: str, bad: list[tuple[int, str]], wanted: set[str]) -> pa.Table:
    """Multi-threaded first; when a row is malformed, again on one thread, the only way Arrow
    reports the row's number. ``bad`` receives ``(row number, reason)`` of each malformed row."""
    table = _read_with(path, encoding, delimiter, bad, wanted, threads=True)
    return _read_with(path, encoding, delimiter, bad, wanted, threads=False) if bad else table


def _read_with(path: Path, encoding: str, delimiter: str, bad: list[tuple[int, str]], wanted: set[str], *,
               threads: bool) -> pa.Table:
    """The ``wanted`` columns as text (all of them when a wanted name is not unique in the
    header), no value read as null; the header is read by Python's csv module."""
    bad.clear()

    def on_invalid(row) -> str:
        bad.append((int(row.number) if row.number is not None else -1,
                    f"{MALFORMED}: {row.actual_columns} fields, expected {row.expected_columns}"))
        return "skip"

    header = _header(path, encoding, delimiter)
    include = [h for h in dict.fromkeys(header) if h in wanted]
    if len(set(header)) != len(header) and any(header.count(h) > 1 for h in include):
        include = []  # Arrow cannot tell equal names apart: read every column
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(
            use_threads=threads, encoding=encoding, block_size=(16 if threads else 64) << 20,
            column_names=header, skip_rows=1,
        ),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header}, strings_can_be_null=False,
            quoted_strings_can_be_null=False, null_values=[], include_columns=include,
        ),
    )


def _csv_header(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The header row, read with Python's csv module (a UTF-8 byte-order mark is dropped)."""
    enc = "utf-8-sig" if encoding == "utf-8" else encoding
    with open(path, encoding=enc, errors="strict", newline="") as fh:
        return next(csv.reader(fh, delimiter=delimiter), [])


def _row_numbers(kept: int, bad: list[tuple[int, str]]) -> np.ndarray:
    """Spreadsheet row numbers (header = 1) of the ``kept`` rows read, the malformed rows skipped."""
    bad_rows = np.array(sorted(r for r, _ in bad if r >= 0), dtype="int64")
    all_rows = np.arange(2, kept + len(bad) + 2, dtype="int64")
    return np.setdiff1d(all_rows, bad_rows, assume_unique=True)[:kept]
