"""Privacy: keyed pseudonymisation of identifiers at ingest, and small-number suppression
of every table that leaves the machine.

Pseudonyms are ``HMAC-SHA256(key, id)`` truncated to 16 hex characters (64 bits): stable for a
given key, so repeat contacts link across monthly extracts; unlinkable without the key.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hwb_kpis.config import PSEUDONYM_KEY_ENV, PSEUDONYM_KEY_FILE_ENV, project_root
from hwb_kpis.errors import PseudonymKeyError

#: Publicly known key, used ONLY for the synthetic demonstration extract.
DEMO_KEY = b"hwb-kpis demo key - synthetic data only - not secret"

SUPPRESSED_COUNT = "<5"
SUPPRESSED_RATE = "*"
INTERNAL_BANNER = "INTERNAL – not for circulation"


@dataclass(frozen=True)
class PseudonymKey:
    """A pseudonymisation key and where it came from (``env``, ``file:<path>`` or ``demo``).
    ``repr`` never shows the key itself."""

    value: bytes
    source: str

    def __repr__(self) -> str:  # pragma: no cover - trivial
        return f"PseudonymKey(source={self.source!r})"


def resolve_key(*, synthetic: bool, key_file: Path | None = None) -> PseudonymKey:
    """Find the pseudonymisation key.

    Order: ``$HWB_KPIS_PSEUDONYM_KEY``; a key file (``key_file`` argument or
    ``$HWB_KPIS_PSEUDONYM_KEY_FILE``), which must lie outside the project folder; the public demo
    key, only when ``synthetic`` is true. Real data without a key raises ``PseudonymKeyError``.
    """
    env_value = os.environ.get(PSEUDONYM_KEY_ENV, "")
    if env_value.strip():
        return PseudonymKey(env_value.strip().encode("utf-8"), "env")
    path = key_file or (Path(os.environ[PSEUDONYM_KEY_FILE_ENV]) if os.environ.get(PSEUDONYM_KEY_FILE_ENV) else None)
    if path is not None:
        path = Path(path).expanduser().resolve()
        root = project_root().resolve()
        if path == root or root in path.parents:
            raise PseudonymKeyError(
                f"{path}: the pseudonymisation key file must live outside the project folder "
                f"({root}) so it can never be committed"
            )
        if not path.is_file():
            raise PseudonymKeyError(f"{path}: pseudonymisation key file not found")
        value = path.read_bytes().strip()
        if len(value) < 16:
            raise PseudonymKeyError(f"{path}: pseudonymisation key is shorter than 16 bytes")
        return PseudonymKey(value, f"file:{path}")
    if synthetic:
        return PseudonymKey(DEMO_KEY, "demo")
    raise PseudonymKeyError(
        "no pseudonymisation key configured for real data: set the environment variable "
        f"{PSEUDONYM_KEY_ENV} (or {PSEUDONYM_KEY_FILE_ENV} to a key file outside the project); "
        "keep the same key every month so pseudonyms link across extracts"
    )


def pseudonymise(ids: pd.Series, key: PseudonymKey | bytes, *, prefix: str = "") -> pd.Series:
    """Replace each id by ``prefix`` + 16 hex characters of HMAC-SHA256(key, id).

    Ids are stripped of surrounding spaces first, so ``" 123 "`` and ``"123"`` match. Missing ids
    stay missing. Each distinct id is hashed once (on two processes for large inputs).
    """
    raw_key = key.value if isinstance(key, PseudonymKey) else key
    text = pa.array(ids.astype("string").array, type=pa.string())
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    encoded = pc.dictionary_encode(pc.utf8_trim_whitespace(text))  # missing -> missing index
    messages = encoded.dictionary.cast(pa.binary())  # utf-8 bytes of each distinct id
    hexed = _hex(_hmac_digests(raw_key, messages), prefix)
    return pd.Series(pd.array(hexed.take(encoded.indices), dtype="string"), index=ids.index)


#: below this many distinct ids, hashing stays in this process
_PARALLEL_MIN = 200_000


def _hmac_digests(key: bytes, messages: pa.BinaryArray) -> bytes:
    """The first 8 bytes of HMAC-SHA256(key, m) for each message, concatenated.

    For many messages on a machine with two or more CPUs, a forked child hashes the second half
    while this process hashes the first (the child sees the messages without copying them)."""
    if len(messages) < _PARALLEL_MIN or not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2:
        return _hmac_digests_serial(key, messages)
    half = len(messages) // 2
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # Python >= 3.12 warns about forking a threaded process;
        warnings.simplefilter("ignore", DeprecationWarning)  # the child only hashes and exits
        pid = os.fork()
    if pid == 0:  # child: hash, send, leave without running any clean-up of the parent's state
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                out.write(_hmac_digests_serial(key, messages[half:]))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    first = _hmac_digests_serial(key, messages[:half])
    with os.fdopen(read_end, "rb") as pipe:
        second = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or len(second) != 8 * (len(messages) - half):
        return first + _hmac_digests_serial(key, messages[half:])  # the child failed: do its half here
    return first + second


def _hmac_digests_serial(key: bytes, messages: pa.BinaryArray) -> bytes:
    """HMAC(k, m) = H((k ^ opad) || H((k ^ ipad) || m)): the hash states after the two key blocks
    are computed once and copied per message (same result as ``hmac.new``, about 3x faster).
    Messages become Python bytes a slice at a time, to bound memory."""
    if len(key) > 64:  # HMAC hashes a long key first (RFC 2104)
        key = hashlib.sha256(key).digest()
    block = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block)).copy
    out = bytearray()
    for start in range(0, len(messages), _SLICE):
        for message in messages.slice(start, _SLICE).to_pylist():
            i = inner()
            i.update(message)
            o = outer()
            o.update(i.digest())
            out += o.digest()[:8]
    return bytes(out)


_SLICE = 250_000


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _hex(digests: bytes, prefix: str) -> pa.Array:
    """``prefix`` + lower-case hex of each 8-byte digest, as an Arrow string array."""
    raw = np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8)
    width = len(prefix.encode("utf-8")) + 16
    chars = np.empty((len(raw), width), dtype=np.uint8)
    chars[:, : width - 16] = np.frombuffer(prefix.encode("utf-8"), dtype=np.uint8)
    chars[:, width - 16 :: 2] = _HEX[raw >> 4]
    chars[:, width - 15 :: 2] = _HEX[raw & 15]
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), len(raw), [None, pa.py_buffer(chars.tobytes())])
    return fixed.cast(pa.binary()).cast(pa.string())


def suppress(
    table: pd.DataFrame,
    *,
    count_columns: list[str] | tuple[str, ...] = ("numerator", "denominator"),
    rate_columns: list[str] | tuple[str, ...] = ("rate",),
    rate_basis: dict[str, list[str]] | None = None,
    internal: bool = False,
) -> pd.DataFrame:
    """Small-number suppression for a published table (returns a new, display-ready table).

    A count from 1 to 4 becomes ``"<5"``; 0 stays 0. A rate becomes ``"*"`` when any count it is
    based on was suppressed (by default every count column of the row; ``rate_basis`` maps a rate
    column to its own count columns). Counts are printed with thousands separators, rates are
    left as numbers for the caller to format. ``internal=True`` returns the table unchanged (for
    analysts' own use; the pack then carries the INTERNAL banner).
    """
    if internal:
        return table.copy()
    out = table.copy()
    count_columns = [c for c in count_columns if c in out.columns]
    small = pd.DataFrame(
        {c: pd.to_numeric(out[c], errors="coerce").between(1, 4) for c in count_columns},
        index=out.index,
    )
    for c in count_columns:
        values = pd.to_numeric(out[c], errors="coerce")
        shown = values.map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
        out[c] = shown.where(~small[c], SUPPRESSED_COUNT).astype("object")
    for r in [c for c in rate_columns if c in out.columns]:
        basis = (rate_basis or {}).get(r, count_columns)
        basis = [c for c in basis if c in small.columns]
        hit = small[basis].any(axis=1) if basis else pd.Series(False, index=out.index)
        out[r] = out[r].astype("object").where(~hit, SUPPRESSED_RATE)
    return out


def published_html(table: pd.DataFrame, *, count_columns: list[str] | tuple[str, ...] | None = None) -> str:
    """HTML of a display-ready (already suppressed) table, declaring which of its columns hold
    counts of children or contacts in a ``data-hwb-counts`` attribute, so that the disclosure
    test can check every published count. ``None`` declares every column but the first (row
    labels): a table must opt *out* of the check, column by column, never in."""
    import html
    import json

    if count_columns is None:
        count_columns = list(table.columns[1:])
    declared = [str(c) for c in count_columns if c in table.columns]
    markup = table.to_html(index=False, na_rep="", escape=True, border=0)
    return markup.replace("<table", f'<table data-hwb-counts="{html.escape(json.dumps(declared))}"', 1)


def is_suppressed_ok(values: pd.Series) -> bool:
    """True when no value in ``values`` is a bare count from 1 to 4 (used by disclosure tests)."""
    numeric = pd.to_numeric(values.astype("string").str.replace(",", ""), errors="coerce")
    return not bool(np.any(numeric.between(1, 4) & (numeric == numeric.round())))
