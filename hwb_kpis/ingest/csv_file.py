"""Reading a delimited text file (CSV, semicolon, tab or pipe separated; UTF-8, Windows-1252 or
UTF-16) into the contract's text columns, with pyarrow on every core, and accounting for every
physical line (:mod:`hwb_kpis.ingest.lines`). Only the columns the contract (or the mapping's row
filters) use are converted: others, such as workers' names, are never read into memory. Rows that
cannot be split into the header's number of fields are set apart with their line number (the
malformed-row rule), and so are quoted fields spanning more than a few lines or never closed (the
unbalanced-quote rule).

Sizes are checked before anything is parsed (:mod:`hwb_kpis.ingest.limits`): the longest line and
the number of columns."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from hwb_kpis.contract.tables import TableSpec
from hwb_kpis.errors import InputFileError, ReconciliationError
from hwb_kpis.ingest.checks.malformed_row import MALFORMED
from hwb_kpis.ingest.columns import rename_headers, to_frame
from hwb_kpis.ingest.filters import filter_headers, kept_rows
from hwb_kpis.ingest.limits import limit
from hwb_kpis.ingest.lines import UNBALANCED, Lines, count_lines, kept_bytes, split_records
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable

WINDOWS_1252_NOTE = "file is not UTF-8; read as Windows-1252"
UTF_16_NOTE = "file is UTF-16; read as Unicode text"

#: where the bytes come from: the file itself, or its text re-encoded as UTF-8 (UTF-16 files)
Source = Path | bytes


def read_csv(path: Path, spec: TableSpec, mapping: Mapping, aliases: dict[str, str] | None = None) -> RawTable:
    """The contract's text columns (only those the file has count as ``present``), the malformed
    rows (``row``, ``reason``), the rows the mapping's filters left out, what the reader noticed
    (encoding, delimiter, lines) and how the file's physical lines were used (``lines``)."""
    source, encoding, notes = _source(path)
    with _open(source) as fh:
        counted = count_lines(fh, max_line_bytes=limit("max_line_bytes"), name=str(path))
    delimiter = _sniff_delimiter(source, encoding)
    if delimiter != ",":
        notes.append(f"delimiter {delimiter!r} detected")
    header = _csv_header(path, source, encoding, delimiter)
    renames = rename_headers(header, path, spec, mapping, aliases)
    filters = filter_headers(header, path, spec, mapping)
    wanted = set(renames) | set(filters)
    bad: list[tuple[int, str]] = []
    table, encoding = _parse(path, source, encoding, delimiter, header, bad, notes, wanted)
    data_lines = max(counted.lines - 1, 0)
    if table is not None and counted.quotes % 2 == 0 and data_lines == table.num_rows + len(bad):
        rows = _row_numbers(table.num_rows, bad)  # every line is one record: lines are records
        lines = Lines(data_lines)
    else:
        table, rows, bad, lines = _split_by_lines(path, source, encoding, delimiter, header, table, bad, notes,
                                                  wanted)
    # only the columns kept, so that each is freed once cleaned (first of equal names)
    columns = {h: table.column(i) for i, h in reversed(list(enumerate(table.column_names))) if h in wanted}
    n = table.num_rows
    bad.sort()
    malformed = pd.DataFrame({"row": pd.Series([r for r, _ in bad], dtype="int64"),
                              "reason": pd.Series([m for _, m in bad], dtype="object")})
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
                    present=tuple(renames.values()), filtered_out=filtered_out, lines=lines)


def pc_filter(values: pa.ChunkedArray | pa.Array, keep: np.ndarray) -> pa.Array:
    """``values`` at the rows where ``keep`` is true."""
    import pyarrow.compute as pc

    return pc.filter(values, pa.array(keep, type=pa.bool_()))


def _split_by_lines(path: Path, source: Source, encoding: str, delimiter: str, header: list[str],
                    table: pa.Table | None, bad: list[tuple[int, str]], notes: list[str], wanted: set[str]):
    """Records that do not match lines one to one (blank lines, line breaks inside quotes, a
    stray quote): split the bytes as Arrow does (:func:`~hwb_kpis.ingest.lines.split_records`),
    read again without the stretches set apart for an unbalanced quote, and number every row by
    the line it starts on. Returns ``(table, rows, bad, lines)``."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    split = split_records(data, delimiter, max_lines=limit("max_lines_in_quoted_field"))
    if split.header_lines != 1 or (split.unbalanced and split.unbalanced[0][0] == 1):
        raise InputFileError(f"{path}: the header row has a quote that is never closed or a line break inside quotes")
    if split.unbalanced or table is None:
        table, encoding = _parse(path, kept_bytes(data, split), encoding, delimiter, header, bad, [], wanted)
        if table is None:
            raise InputFileError(f"{path}: a row is too long to read (over 16 MB)")
    records = split.starts[1:]  # the header is record 0
    if table.num_rows + len(bad) != len(records):
        raise ReconciliationError(
            f"{path}: {len(records):,} records found in the lines but {table.num_rows + len(bad):,} read; "
            "this is a bug: please report it"
        )
    at = np.array([number - 2 for number, _ in bad], dtype=np.int64)
    rows = np.delete(records, at)
    bad[:] = [(int(records[i]), reason) for i, (_, reason) in zip(at, bad, strict=True)]
    bad.extend((first, UNBALANCED) for first, _ in split.unbalanced)
    lines = split.data_lines()
    parts = [f"{lines.blank:,} blank line(s) ignored" if lines.blank else "",
             f"{lines.continuation:,} line(s) inside quoted fields that hold line breaks" if lines.continuation else "",
             f"{len(split.unbalanced):,} unbalanced quote(s) set apart" if split.unbalanced else ""]
    notes.extend(p for p in parts if p)
    return table, rows, bad, lines


# --- encodings -----------------------------------------------------------------------------------


def _source(path: Path) -> tuple[Source, str, list[str]]:
    """``(source, encoding, notes)``: the file with its encoding (UTF-8, or Windows-1252 when the
    first 64 KB hold a byte that UTF-8 cannot), or for a UTF-16 file its text as UTF-8 bytes.
    Binary content is refused."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    utf16 = _utf16(head)
    if utf16:
        try:
            text = path.read_bytes().decode(utf16)
        except UnicodeDecodeError:
            raise InputFileError(f"{path}: not readable text (it looks like UTF-16 but is not)") from None
        return text.lstrip("\ufeff").encode("utf-8"), "utf-8", [UTF_16_NOTE]
    if b"\x00" in head:
        raise InputFileError(f"{path}: not a text table (binary content; is it an Excel file renamed .csv?)")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a genuine non-UTF-8 byte, not a cut multi-byte char
            return path, "cp1252", [WINDOWS_1252_NOTE]
    return path, "utf-8", []


def _utf16(head: bytes) -> str | None:
    """The UTF-16 codec of a file starting with ``head`` (a byte-order mark, or text whose every
    other byte is zero), else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[: len(head) // 2 * 2][:4096]
    if len(sample) >= 8:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) == len(odd) and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) == len(even) and odd.count(0) == 0:
            return "utf-16-be"
    return None


def _open(source: Source):
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def _text(source: Source, encoding: str):
    """The source as text, for Python's csv module (a UTF-8 byte-order mark dropped)."""
    enc = "utf-8-sig" if encoding == "utf-8" else encoding
    return io.TextIOWrapper(_open(source), encoding=enc, errors="replace", newline="")


def _sniff_delimiter(source: Source, encoding: str) -> str:
    """The most frequent of ``, ; tab |`` in the header line (a comma when none is there)."""
    with _text(source, encoding) as fh:
        header = fh.readline(limit("max_line_bytes"))
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _csv_header(path: Path, source: Source, encoding: str, delimiter: str) -> list[str]:
    """The header row, read with Python's csv module; too many columns is a one-line error."""
    try:
        with _text(source, encoding) as fh:
            header = next(csv.reader(fh, delimiter=delimiter), [])
    except csv.Error as exc:
        raise InputFileError(f"{path}: the header row cannot be read ({exc})") from None
    most = limit("max_columns")
    if len(header) > most:
        raise InputFileError(f"{path}: the header row has {len(header):,} columns; at most {most:,} are read "
                             "(is it the right file?)")
    return [h if h.strip() else f"unnamed_{j}" for j, h in enumerate(header)]


# --- parsing -------------------------------------------------------------------------------------


def _parse(path: Path, source: Source, encoding: str, delimiter: str, header: list[str],
           bad: list[tuple[int, str]], notes: list[str], wanted: set[str]) -> tuple[pa.Table | None, str]:
    """``(table, encoding)``; UTF-8 that turns out not to be is read again as Windows-1252 (with a
    note). ``table`` is None when a record is longer than Arrow's block (the caller splits the
    lines and sets the culprit apart); any other failure is a one-line error."""
    try:
        try:
            return _read(source, encoding, delimiter, header, bad, wanted), encoding
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            not_utf8 = "UTF8" in str(exc) or "utf-8" in str(exc).lower() or isinstance(exc, UnicodeDecodeError)
            if encoding == "utf-8" and not_utf8 and not isinstance(source, bytes):
                notes.append(WINDOWS_1252_NOTE)
                return _read(source, "cp1252", delimiter, header, bad, wanted), "cp1252"
            raise
    except pa.ArrowInvalid as exc:
        if "straddl" in str(exc):
            return None, encoding
        message = str(exc).splitlines()[0]
        if "CSV parse error" in message:
            message = "CSV parse error"  # Arrow's message quotes the row: never echo cell values
        raise InputFileError(f"{path}: not a readable CSV table ({message})") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not readable text (neither UTF-8 nor Windows-1252)") from None


def _read(source: Source, encoding: str, delimiter: str, header: list[str], bad: list[tuple[int, str]],
          wanted: set[str]) -> pa.Table:
    """Multi-threaded first; when a row is malformed, again on one thread, the only way Arrow
    reports the row's number. ``bad`` receives ``(record number, reason)`` of each malformed row."""
    table = _read_with(source, encoding, delimiter, header, bad, wanted, threads=True)
    return _read_with(source, encoding, delimiter, header, bad, wanted, threads=False) if bad else table


def _read_with(source: Source, encoding: str, delimiter: str, header: list[str], bad: list[tuple[int, str]],
               wanted: set[str], *, threads: bool) -> pa.Table:
    """The ``wanted`` columns as text (all of them when a wanted name is not unique in the
    header), no value read as null; the header is read by Python's csv module."""
    bad.clear()

    def on_invalid(row) -> str:
        bad.append((int(row.number) if row.number is not None else -1,
                    f"{MALFORMED}: {row.actual_columns} fields, expected {row.expected_columns}"))
        return "skip"

    include = [h for h in dict.fromkeys(header) if h in wanted]
    if len(set(header)) != len(header) and any(header.count(h) > 1 for h in include):
        include = []  # Arrow cannot tell equal names apart: read every column
    return pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(source)) if isinstance(source, bytes) else source,
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


def _row_numbers(kept: int, bad: list[tuple[int, str]]) -> np.ndarray:
    """Spreadsheet row numbers (header = 1) of the ``kept`` rows read, the malformed rows skipped
    (when every line is one record)."""
    bad_rows = np.array(sorted(r for r, _ in bad if r >= 0), dtype="int64")
    all_rows = np.arange(2, kept + len(bad) + 2, dtype="int64")
    return np.setdiff1d(all_rows, bad_rows, assume_unique=True)[:kept]
