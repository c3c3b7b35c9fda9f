"""Keyed pseudonymisation of identifiers at ingest (the key, the hash, the pseudonym text).

Pseudonyms are the keyed BLAKE2b hash of the id (RFC 7693 keyed mode, a MAC like HMAC) with an
8-byte digest, written as 16 hex characters (64 bits): stable for a given key, so repeat contacts
link across monthly extracts; unlinkable without the key. Two different ids with one digest (a
collision: about one chance in ten million for a county's children, so more likely a forged id)
are found at cleaning (:class:`IdCollision`, :class:`IdSpace`), which then stops.
"""

from __future__ import annotations

import hashlib
import os
import signal
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hwb_kpis.arrow import text_array
from hwb_kpis.config import PSEUDONYM_KEY_ENV, PSEUDONYM_KEY_FILE_ENV, project_roots
from hwb_kpis.errors import PseudonymKeyError

#: Publicly known key, used ONLY for the synthetic demonstration extract.
DEMO_KEY = b"hwb-kpis demo key - synthetic data only - not secret"
#: the shortest key accepted, from the environment or a file alike
MIN_KEY_BYTES = 16
#: what :func:`key_fingerprint` hashes with the key
_FINGERPRINT_MESSAGE = b"hwb-kpis pseudonymisation key fingerprint, v1"


@dataclass(frozen=True)
class PseudonymKey:
    """A pseudonymisation key and where it came from (``env``, ``file:<path>`` or ``demo``).
    ``repr`` never shows the key itself."""

    value: bytes
    source: str

    def __repr__(self) -> str:  # pragma: no cover - trivial
        return f"PseudonymKey(source={self.source!r})"


def configured_key(key_file: Path | None = None) -> PseudonymKey | None:
    """The key the analyst configured: ``$HWB_KPIS_PSEUDONYM_KEY``, else a key file (``key_file``
    or ``$HWB_KPIS_PSEUDONYM_KEY_FILE``), which must lie outside the project folder (judged from
    the project, whatever the current folder) and be readable by its owner only; None when there
    is none. Every key must have at least 16 bytes; a key breaking a rule raises
    ``PseudonymKeyError``."""
    env_value = os.environ.get(PSEUDONYM_KEY_ENV, "")
    if env_value.strip():
        return PseudonymKey(_long_enough(env_value.strip().encode("utf-8"), f"${PSEUDONYM_KEY_ENV}"), "env")
    path = key_file or (Path(os.environ[PSEUDONYM_KEY_FILE_ENV]) if os.environ.get(PSEUDONYM_KEY_FILE_ENV) else None)
    if path is None:
        return None
    path = Path(path).expanduser().resolve()
    for root in project_roots():
        if path == root or root in path.parents:
            raise PseudonymKeyError(
                f"{path}: the pseudonymisation key file must live outside the project folder "
                f"({root}) so it can never be committed"
            )
    if not path.is_file():
        raise PseudonymKeyError(f"{path}: pseudonymisation key file not found")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        what = "readable" if mode & 0o044 else "writable"
        raise PseudonymKeyError(f"{path}: the pseudonymisation key file is {what} by others (mode {mode:04o}); "
                                f"run chmod 600 {path}")
    return PseudonymKey(_long_enough(path.read_bytes().strip(), str(path)), f"file:{path}")


def resolve_key(*, synthetic: bool, key_file: Path | None = None) -> PseudonymKey:
    """Find the pseudonymisation key: the configured one (:func:`configured_key`), else the
    public demo key, only when ``synthetic`` is true (:func:`hwb_kpis.synthetic.is_synthetic`).
    Real data without a key raises ``PseudonymKeyError``."""
    key = configured_key(key_file)
    if key is not None:
        return key
    if synthetic:
        return PseudonymKey(DEMO_KEY, "demo")
    raise PseudonymKeyError(
        "no pseudonymisation key configured for real data: set the environment variable "
        f"{PSEUDONYM_KEY_ENV} (or {PSEUDONYM_KEY_FILE_ENV} to a key file outside the project); "
        "keep the same key every month so pseudonyms link across extracts"
    )


def _long_enough(value: bytes, where: str) -> bytes:
    if len(value) < MIN_KEY_BYTES:
        raise PseudonymKeyError(f"{where}: pseudonymisation key is shorter than {MIN_KEY_BYTES} bytes")
    return value


def key_fingerprint(key: PseudonymKey | bytes) -> str:
    """A fingerprint of the key, safe to store: the keyed BLAKE2b (8 bytes, hex) of a fixed message.
    Equal keys give equal fingerprints; it reveals nothing of the key (it is a MAC of a constant)."""
    return hashlib.blake2b(_FINGERPRINT_MESSAGE, key=mac_key(_raw_key(key)), digest_size=_DIGEST).hexdigest()


class IdCollision(Exception):
    """Two different ids share one digest: ``positions`` of the first row of each in the ids
    hashed (one position when the other id was hashed earlier, in another table)."""

    def __init__(self, positions: tuple[int, ...]) -> None:
        super().__init__(f"keyed-hash collision at {positions}")
        self.positions = positions


class IdSpace:
    """The distinct ids of one identifier space (a child's id, in every table of an extract)
    hashed so far, to find a digest shared by two different ids across tables. Each table's ids
    are kept as they came, with their digests sorted (no merging: an extract has few tables)."""

    def __init__(self) -> None:
        self.tables: list[tuple[np.ndarray, np.ndarray, pa.Array]] = []  # (sorted digests, order, ids)

    def add(self, numbers: np.ndarray, texts: pa.Array, order: np.ndarray | None = None) -> int | None:
        """Record distinct ids ``texts`` and their digests ``numbers`` (``order``: the argsort of
        ``numbers``, when known); the index (in ``texts``) of one whose digest a different id of an
        earlier table has, else None."""
        order = np.argsort(numbers, kind="stable") if order is None else order
        for earlier, earlier_order, earlier_texts in self.tables:
            if not len(earlier) or not len(numbers):
                continue
            at = np.minimum(np.searchsorted(earlier, numbers), len(earlier) - 1)
            same = np.flatnonzero(earlier[at] == numbers)
            if len(same):
                old = earlier_texts.take(pa.array(earlier_order[at[same]]))
                differ = pc.not_equal(old, texts.take(pa.array(same))).to_numpy(zero_copy_only=False)
                if differ.any():
                    return int(same[np.argmax(differ)])
        self.tables.append((numbers[order], order, texts))
        return None


def _check_distinct(numbers: np.ndarray, encoded: pa.DictionaryArray, space: IdSpace | None) -> None:
    """Raise :class:`IdCollision` when two distinct ids (``encoded.dictionary``) share a digest
    (``numbers``, one per distinct id), or one shares the digest of a different id of ``space``."""
    order = np.argsort(numbers, kind="stable")
    ordered = numbers[order]
    clash = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(clash):
        pair = sorted(int(pc.index(encoded.indices, int(order[i])).as_py()) for i in (clash[0], clash[0] + 1))
        raise IdCollision(tuple(pair))
    if space is not None:
        found = space.add(numbers, encoded.dictionary, order)
        if found is not None:
            raise IdCollision((int(pc.index(encoded.indices, found).as_py()),))


def pseudonymise(ids: pd.Series, key: PseudonymKey | bytes, *, prefix: str = "", distinct: bool = True,
                 space: IdSpace | None = None) -> pd.Series:
    """Replace each id by ``prefix`` + 16 hex characters of the keyed BLAKE2b hash of the id.

    Ids are stripped of surrounding spaces first, so ``" 123 "`` and ``"123"`` match. Missing ids
    stay missing. With ``distinct`` (for ids that repeat, such as child ids) each distinct id is
    hashed once; without it every row is hashed, which is cheaper for ids that are (nearly) unique
    per row, such as contact ids, since it needs no hash table of the ids. The result is the same.
    Large inputs are hashed on two processes. With ``distinct``, two different ids sharing a
    digest raise :class:`IdCollision` (also against the ids of ``space``, hashed earlier).
    """
    if not distinct:
        return pseudonyms_from_digests(keyed_digests(ids, key), prefix=prefix, missing=ids.isna().to_numpy(),
                                       index=ids.index)
    encoded = pc.dictionary_encode(_id_text(ids))  # missing -> missing index
    digests = _digests(_raw_key(key), encoded.dictionary.cast(pa.binary()))
    _check_distinct(np.frombuffer(digests, dtype="<u8"), encoded, space)
    hexed = _hex(digests, prefix).take(encoded.indices)
    return pd.Series(pd.array(hexed, dtype="string"), index=ids.index)


def keyed_digests(ids: pd.Series, key: PseudonymKey | bytes) -> np.ndarray:
    """The 8-byte keyed BLAKE2b digest of every id (stripped of surrounding spaces; a missing id
    is hashed as ``""``), as an ``n x 8`` uint8 array: the pseudonym before it is written as hex.
    Equal ids give equal digests, so the digests can stand in for the ids when looking for
    repeats (a different pair of ids shares a digest with probability 2**-64)."""
    messages = pc.fill_null(_id_text(ids), "").cast(pa.binary())
    return np.frombuffer(_digests(_raw_key(key), messages), dtype=np.uint8).reshape(-1, _DIGEST)


def pseudonyms_from_digests(digests: np.ndarray, *, prefix: str = "", missing: np.ndarray | None = None,
                            index: pd.Index | None = None) -> pd.Series:
    """``prefix`` + the hex of each row of :func:`keyed_digests` (NA where ``missing``)."""
    validity = None
    if missing is not None and len(missing) != len(digests):
        raise ValueError(f"missing has {len(missing)} values for {len(digests)} digests")
    if missing is not None and missing.any():
        validity = pa.array(~np.asarray(missing, dtype=bool)).buffers()[1]
    hexed = _hex(np.ascontiguousarray(digests).tobytes(), prefix, validity=validity)
    return pd.Series(pd.array(hexed, dtype="string"), index=index)


def _raw_key(key: PseudonymKey | bytes) -> bytes:
    return key.value if isinstance(key, PseudonymKey) else key


def _id_text(ids: pd.Series) -> pa.StringArray:
    return pc.utf8_trim_whitespace(text_array(ids))


#: below this many ids, hashing stays in this process
_PARALLEL_MIN = 200_000

#: BLAKE2b takes keys of at most 64 bytes; a longer key is first hashed to 64 bytes
_MAX_KEY = 64
_DIGEST = 8  # bytes of pseudonym (16 hex characters, 64 bits)


def mac_key(key: bytes) -> bytes:
    """The BLAKE2b key for a pseudonymisation key: the key itself, or BLAKE2b-512 of it when it
    is longer than 64 bytes (as HMAC does with a long key, RFC 2104)."""
    return key if len(key) <= _MAX_KEY else hashlib.blake2b(key, digest_size=_MAX_KEY).digest()


def _cpus() -> int:
    """CPUs this process may use (``os.sched_getaffinity`` where it exists, as on Linux)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _digests(key: bytes, messages: pa.BinaryArray) -> bytes:
    """BLAKE2b(m, key, digest_size=8) of each message, concatenated (8 bytes each).

    For many messages on a machine with two or more CPUs, a forked child hashes the second half
    while this process hashes the first (the child sees the messages without copying them)."""
    if len(messages) < _PARALLEL_MIN or not hasattr(os, "fork") or _cpus() < 2:
        return _digests_serial(key, messages)
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
                out.write(_digests_serial(key, messages[half:]))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        first = _digests_serial(key, messages[:half])
    except BaseException:  # e.g. Ctrl-C: do not leave the child blocked on a full pipe
        os.close(read_end)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    with os.fdopen(read_end, "rb") as pipe:
        second = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or len(second) != _DIGEST * (len(messages) - half):
        return first + _digests_serial(key, messages[half:])  # the child failed: do its half here
    return first + second


def _digests_serial(key: bytes, messages: pa.BinaryArray) -> bytes:
    """Keyed BLAKE2b (RFC 7693 keyed mode, a MAC/PRF like HMAC, about twice as fast as HMAC-SHA256
    from Python since it is one call per message). Messages become Python bytes a slice at a time,
    to bound memory."""
    key = mac_key(key)
    blake2b = hashlib.blake2b
    out = bytearray()
    for start in range(0, len(messages), _SLICE):
        out += b"".join([blake2b(m, key=key, digest_size=_DIGEST).digest()
                         for m in messages.slice(start, _SLICE).to_pylist()])
    return bytes(out)


_SLICE = 250_000

#: lower-case hex of every byte value, two characters as one little-endian uint16
_HEX_PAIRS = np.frombuffer(b"".join(f"{b:02x}".encode() for b in range(256)), dtype="<u2")


def _hex(digests: bytes, prefix: str, *, validity: pa.Buffer | None = None) -> pa.Array:
    """``prefix`` + lower-case hex of each 8-byte digest, as an Arrow string array built straight
    from its buffers (``validity``: an Arrow validity bitmap, for missing values)."""
    raw = np.frombuffer(digests, dtype=np.uint8)
    n = len(raw) // _DIGEST
    head = prefix.encode("utf-8")
    width = len(head) + 2 * _DIGEST
    if head:
        chars = np.empty((n, width), dtype=np.uint8)
        chars[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
        chars[:, len(head):] = _HEX_PAIRS[raw].view(np.uint8).reshape(n, 2 * _DIGEST)
        data = pa.py_buffer(chars)
    else:
        data = pa.py_buffer(_HEX_PAIRS[raw])
    if n * width < 2**31:
        offsets = pa.py_buffer(np.arange(0, (n + 1) * width, width, dtype=np.int32))
        return pa.StringArray.from_buffers(n, offsets, data, validity)
    offsets = pa.py_buffer(np.arange(0, (n + 1) * width, width, dtype=np.int64))  # over 2 GB of text
    return pa.LargeStringArray.from_buffers(n, offsets, data, validity)
