"""Processed identifiers as the contract writes them (``prefix`` + 16 lower-case hex characters,
see :mod:`hwb_kpis.privacy.pseudonym`), read back as integers for fast sorting and comparing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from hwb_kpis.arrow import backing_array


def pseudonym_numbers(values: pd.Series, prefix: str = "") -> np.ndarray | None:
    """Pseudonyms (``prefix`` + 16 lower-case hex digits, as :func:`pseudonymise` writes them) as
    their 64-bit value (uint64), decoded straight from the Arrow buffer eight characters at a time;
    None when the column is not Arrow-backed text, has a missing value, or any value is not exactly
    a pseudonym. Sorting or comparing these numbers is several times faster than the text."""
    words = pseudonym_words(values, prefix)
    return None if words is None else _hex_words_to_u64(words.ravel())


def pseudonym_words(values: pd.Series, prefix: str = "") -> np.ndarray | None:
    """The 16 characters after ``prefix`` of each value as two little-endian uint64 words (an
    ``n x 2`` array read straight from the Arrow buffer); None unless the column is Arrow-backed
    text without missing values and every value is ``prefix`` + 16 bytes (not checked to be hex)."""
    arr = backing_array(values)
    if arr is None or len(arr) == 0 or arr.null_count or not (
            pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    head = np.frombuffer(prefix.encode("utf-8"), dtype=np.uint8)
    width = len(head) + 16
    n = len(arr)
    bufs = arr.buffers()
    off = np.frombuffer(bufs[1], dtype=np.int64 if pa.types.is_large_string(arr.type) else np.int32)
    off = off[arr.offset: arr.offset + n + 1]
    if int(off[-1] - off[0]) != width * n or np.any(np.diff(off) != width):
        return None
    if len(head):
        rows = np.frombuffer(bufs[2], dtype=np.uint8, count=width * n, offset=int(off[0])).reshape(n, width)
        if not np.array_equal(rows[:, : len(head)], np.broadcast_to(head, (n, len(head)))):
            return None
        return np.ascontiguousarray(rows[:, len(head):]).view("<u8")
    return np.frombuffer(bufs[2], dtype="<u8", count=2 * n, offset=int(off[0])).reshape(n, 2)


def _u64(value: int) -> np.uint64:
    return np.uint64(value)


def _hex_words_to_u64(words: np.ndarray) -> np.ndarray | None:
    """Pairs of little-endian uint64 words holding 16 hex characters -> one uint64 each (SWAR);
    None unless every character is a lower-case hex digit."""
    ones = 0x0101010101010101
    # in place on two scratch arrays: fresh memory is costly at 10 million rows
    nib = np.bitwise_and(words, _u64(0x0F * ones))
    tmp = np.right_shift(words, _u64(6))
    tmp &= _u64(ones)
    tmp *= _u64(9)
    nib += tmp  # one nibble per byte for '0'-'9' and 'a'-'f'
    np.bitwise_and(nib, _u64(0xF0 * ones), out=tmp)
    if tmp.any():
        return None
    # exact check: re-encoding the nibbles as lower-case hex gives the text back
    np.add(nib, _u64(0x06 * ones), out=tmp)
    tmp &= _u64(0x10 * ones)
    tmp >>= _u64(4)
    tmp *= _u64(0x27)
    tmp += nib
    tmp += _u64(0x30 * ones)
    if not np.array_equal(tmp, words):
        return None
    # little-endian word: character i is byte i; pair (2i, 2i+1) -> one byte, first char high
    np.left_shift(nib, _u64(4), out=tmp)
    nib >>= _u64(8)
    tmp |= nib
    tmp &= _u64(0x00FF00FF00FF00FF)
    np.bitwise_and(tmp, _u64(0xFF), out=nib)
    nib <<= _u64(24)
    for shift_in, shift_out in ((16, 16), (32, 8), (48, 0)):
        part = (tmp >> _u64(shift_in)) & _u64(0xFF)
        part <<= _u64(shift_out)
        nib |= part
    half = nib.reshape(-1, 2)
    return (half[:, 0] << _u64(32)) | half[:, 1]
