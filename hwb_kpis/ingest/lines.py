"""Physical lines of a delimited text file, and the records they hold.

Arrow splits a file into records, not lines: a quoted field may hold line breaks, so one record can
span several lines, and a stray quote can swallow hundreds of lines into one field. This module

* counts the physical lines with a cheap pass over the bytes (:func:`count_lines`; it also stops at a
  line longer than ``max_line_bytes``), so that the reader can see whether every line is one record;
* when they are not, splits the bytes into records exactly as Arrow does (:func:`split_records`: a
  quote opens a field only at the field's start; inside, a doubled quote is a quote), and treats a
  quoted field spanning more than ``max_lines`` lines, or never closed, as a stray quote: its line is
  set apart as an *unbalanced quote* and splitting goes on at the next line.

Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (as for Arrow). Line numbers are spreadsheet
numbering: the file's first line (the header) is line 1.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np

from hwb_kpis.errors import InputFileError

UNBALANCED = "unbalanced quote"
_LF, _CR, _QUOTE = 10, 13, 34


@dataclass(frozen=True)
class Lines:
    """How the physical lines below the header were used:
    ``lines = records + blank + continuation``, where records are every row read (kept,
    quarantined or dropped as a copy) and continuation lines are the second and later lines of a
    record whose quoted field holds line breaks."""

    lines: int
    blank: int = 0
    continuation: int = 0

    @property
    def records(self) -> int:
        return self.lines - self.blank - self.continuation


@dataclass(frozen=True)
class LineCount:
    """What one pass over a file's bytes found: physical lines (all of them, the header's
    included) and quote characters."""

    lines: int
    quotes: int


def count_lines(stream: BinaryIO, *, max_line_bytes: int | None = None, name: str = "") -> LineCount:
    """Count the physical lines and quotes of ``stream`` (read in blocks; no copy of the file).
    A line holding ``max_line_bytes`` bytes without a line end (checked in windows of that size,
    so any line of twice that length is always found) raises a one-line ``InputFileError``."""
    window = int(max_line_bytes) if max_line_bytes else 0
    block = window * max(1, (16 << 20) // window) if window else 16 << 20  # whole windows per block
    ends = quotes = 0
    pending_cr = False  # the previous block ended with \r
    tail = b""
    any_cr = False
    while chunk := stream.read(block):
        lf = chunk.count(b"\n")
        has_cr = b"\r" in chunk
        cr = chunk.count(b"\r") if has_cr else 0
        crlf = chunk.count(b"\r\n") if has_cr else 0
        if pending_cr and chunk[:1] == b"\n":
            crlf += 1  # a \r\n split between blocks is one line end
        any_cr = any_cr or has_cr
        if window:
            _check_windows(chunk, window, ends, any_cr, name)
        ends += lf + cr - crlf
        quotes += chunk.count(b'"')
        pending_cr = chunk.endswith(b"\r")
        tail = chunk[-1:]
    unterminated = 1 if tail and tail not in (b"\n", b"\r") else 0
    return LineCount(lines=ends + unterminated, quotes=quotes)


def _check_windows(chunk: bytes, window: int, ends_before: int, cr: bool, name: str) -> None:
    """Raise when a whole window of ``chunk`` holds no line end (a few calls per block: each
    search stops at the first line end)."""
    for start in range(0, len(chunk) - window + 1, window):
        stop = start + window
        if chunk.find(b"\n", start, stop) < 0 and not (cr and chunk.find(b"\r", start, stop) >= 0):
            lone_cr = chunk.count(b"\r", 0, start) - chunk.count(b"\r\n", 0, start) if cr else 0
            line = ends_before + chunk.count(b"\n", 0, start) + lone_cr + 1
            raise InputFileError(f"{name}: line {line:,} is longer than {window:,} bytes (a field that long is "
                                 "not an extract value; is it the right file?)")


@dataclass
class Split:
    """The records of a file's bytes (header included, as record 0).

    ``starts``: line number of each record's first line; ``unbalanced``: ``(first line, lines)``
    of each stretch set apart for an unbalanced quote; ``keep``: the byte ranges that hold the
    records (everything but the unbalanced stretches); ``lines``, ``blank`` and ``continuation``
    count the file's lines (continuation: the second and later lines of a record or stretch)."""

    starts: np.ndarray
    unbalanced: list[tuple[int, int]]
    keep: list[tuple[int, int]]
    lines: int
    blank: int
    continuation: int
    header_lines: int = 1
    _size: int = field(default=0, repr=False)

    def data_lines(self) -> Lines:
        """The :class:`Lines` below the header."""
        return Lines(self.lines - self.header_lines, self.blank, self.continuation)


def split_records(data: bytes | memoryview, delimiter: str, *, max_lines: int) -> Split:
    """Split ``data`` (a whole file, header first) into records as Arrow does
    (``newlines_in_values``, double quotes escape a quote), setting apart as an unbalanced quote
    every quoted field that spans more than ``max_lines`` lines or is never closed (see the
    module docstring). Vectorised except for a loop over runs of quote characters."""
    arr = np.frombuffer(data, dtype=np.uint8)
    n = len(arr)
    ends = _line_ends(arr)
    starts = np.concatenate(([0], ends + 1)).astype(np.int64)
    if n == 0 or starts[-1] >= n:
        starts = starts[:-1]  # the file ends with a line end: no line after it
    n_lines = len(starts)
    line_of = _quoted_field_lines(arr, starts, ord(delimiter), max_lines)
    spans, unbalanced = line_of
    # lines after the first of a record whose quoted field runs over them
    cont = np.zeros(n_lines + 1, dtype=np.int64)
    for first, last in spans:
        cont[first + 1] += 1
        cont[last + 1] -= 1
    continuation = np.cumsum(cont[:-1]) > 0
    apart = np.zeros(n_lines + 1, dtype=np.int64)
    for first, count in unbalanced:
        apart[first] += 1
        apart[first + count] -= 1
    set_apart = np.cumsum(apart[:-1]) > 0
    content_end = np.append(ends, n)[:n_lines]
    crlf = (content_end > starts) & (content_end < n)
    crlf[crlf] = (arr[content_end[crlf] - 1] == _CR) & (arr[content_end[crlf]] == _LF)
    blank = (content_end - starts - crlf == 0) & ~continuation & ~set_apart
    record = ~continuation & ~set_apart & ~blank
    keep = _keep_ranges(starts, n, unbalanced)
    header_lines = 1
    while header_lines < n_lines and continuation[header_lines]:
        header_lines += 1
    return Split(starts=np.flatnonzero(record) + 1, unbalanced=[(f + 1, c) for f, c in unbalanced], keep=keep,
                 lines=n_lines, blank=int(blank.sum()),
                 continuation=int(continuation.sum()) + sum(c - 1 for _, c in unbalanced) - (header_lines - 1),
                 header_lines=header_lines, _size=n)


def _line_ends(arr: np.ndarray) -> np.ndarray:
    """Positions of the byte that ends each line: ``\\n`` (of ``\\n`` or ``\\r\\n``) or a lone ``\\r``."""
    lf = np.flatnonzero(arr == _LF)
    cr = np.flatnonzero(arr == _CR)
    if not len(cr):
        return lf
    after = cr + 1
    lone = cr[(after >= len(arr)) | (arr[np.minimum(after, len(arr) - 1)] != _LF)]
    return np.union1d(lf, lone)


def _quoted_field_lines(arr: np.ndarray, starts: np.ndarray, delimiter: int,
                        max_lines: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """``(spans, unbalanced)`` (0-based lines): ``(first, last)`` line of every quoted field that
    holds line breaks, and ``(first line, lines)`` of every stretch set apart for a stray quote.

    The loop runs over runs of consecutive quotes (few, next to the bytes). Outside a quoted field
    a run opens one only at a field's start (else its quotes are characters); inside, pairs of
    quotes are escaped quotes and an odd run closes the field."""
    quotes = np.flatnonzero(arr == _QUOTE)
    if not len(quotes):
        return [], []
    breaks = np.flatnonzero(np.diff(quotes) != 1) + 1
    run_start = quotes[np.concatenate(([0], breaks))]
    run_len = np.diff(np.concatenate(([0], breaks, [len(quotes)])))
    before = arr[np.maximum(run_start - 1, 0)]
    at_field_start = ((run_start == 0) | (before == delimiter) | (before == _LF) | (before == _CR)).tolist()
    odd = (run_len % 2 == 1).tolist()
    line = (np.searchsorted(starts, run_start, side="right") - 1).tolist()
    spans: list[tuple[int, int]] = []
    unbalanced: list[tuple[int, int]] = []
    record_start = {}  # line -> first line of the record a multi-line field ending there began on
    i, runs = 0, len(line)
    inside, opened = False, -1
    while True:
        if i >= runs:
            if not inside:
                break
            # never closed: set apart from the record's first line to the opening line
            i = _set_apart(opened, record_start, spans, unbalanced, line)
            inside = False
            continue
        if not inside:
            if at_field_start[i] and odd[i]:  # an even run at a field's start opens and closes
                inside, opened = True, line[i]
            i += 1
            continue
        if not odd[i]:  # escaped quotes
            i += 1
            continue
        closed = line[i]
        inside = False
        if closed - opened + 1 > max_lines:
            i = _set_apart(opened, record_start, spans, unbalanced, line)
            continue
        if closed > opened:
            spans.append((opened, closed))
            record_start[closed] = record_start.get(opened, opened)
        i += 1
    return spans, unbalanced


def _set_apart(opened: int, record_start: dict[int, int], spans: list[tuple[int, int]],
               unbalanced: list[tuple[int, int]], line: list[int]) -> int:
    """Set apart the lines from the start of the record holding line ``opened`` to ``opened``
    (forgetting the multi-line fields among them); the index of the first quote run after them."""
    first = record_start.get(opened, opened)
    while spans and spans[-1][1] >= first:
        spans.pop()
    unbalanced.append((first, opened - first + 1))
    return bisect.bisect_right(line, opened)


def _keep_ranges(starts: np.ndarray, size: int, unbalanced: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Byte ranges of the file without the stretches set apart."""
    keep, at = [], 0
    for first, count in unbalanced:
        cut_from = int(starts[first])
        cut_to = int(starts[first + count]) if first + count < len(starts) else size
        if cut_from > at:
            keep.append((at, cut_from))
        at = cut_to
    if at < size:
        keep.append((at, size))
    return keep


def kept_bytes(data: bytes | memoryview, split: Split) -> bytes:
    """``data`` without the stretches :func:`split_records` set apart."""
    view = memoryview(data)
    if len(split.keep) == 1 and split.keep[0] == (0, len(view)):
        return bytes(view)
    return b"".join(view[a:b] for a, b in split.keep)
