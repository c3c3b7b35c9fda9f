"""Text normalisation at ingest: cleaning cell text (trim, fold whitespace) and the keys under
which headers and values are matched against a mapping."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def norm_header(name: Any) -> str:
    """Header matching ignores case, surrounding spaces and a BOM; inner spaces are folded."""
    return re.sub(r"\s+", " ", str(name).replace("\ufeff", "").strip()).lower()


def compact_header(name: Any) -> str:
    """A header reduced to its lower-case letters and digits: ``Date of Contact``,
    ``DateOfContact`` and ``date_of_contact`` are one header (``Referral NFA?`` -> ``referralnfa``)."""
    return re.sub(r"[^0-9a-z]", "", norm_header(name))


def norm_value(value: str) -> str:
    """Value matching ignores case and surrounding spaces; runs of spaces, hyphens and underscores
    are one space (``"Early_Help "`` -> ``"early help"``)."""
    return re.sub(r"[\s_\-]+", " ", str(value).strip().lower()).strip()


#: Python's ``\s`` (Unicode whitespace) except the plain space, for RE2: a value needs folding
#: only when it holds one of these or two spaces in a row
_FOLD_NEEDED = "  |[\t\n\v\f\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_WHITESPACE_RUN = re.compile(r"\s+")


def clean_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Strip surrounding whitespace and fold inner runs of whitespace to one space (as
    ``str.strip()`` then Python's ``re.sub(r"\\s+", " ", ...)``): Arrow kernels, a scan of the raw
    bytes to skip what cannot apply, and Python only for the few values that need folding."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    chars = _char_bytes(values)
    if chars.min(initial=0x20) >= 0x20 and chars.max(initial=0) < 0x80:
        # printable ASCII: the space is the only whitespace character there can be
        text = pc.ascii_trim_whitespace(values)
        if not _has_double_space(chars):
            return text
    else:
        text = pc.utf8_trim_whitespace(values)
    need = pc.fill_null(pc.match_substring_regex(text, _FOLD_NEEDED), False)
    if pc.any(need).as_py():
        folded = [None if v is None else _WHITESPACE_RUN.sub(" ", v) for v in pc.filter(text, need).to_pylist()]
        text = pc.replace_with_mask(text, need, pa.array(folded, type=pa.string()))
    return text


def _char_bytes(text: pa.Array) -> np.ndarray:
    """The character data of a string array as bytes (possibly with bytes of values outside a
    slice: fine for the conservative checks it is used for)."""
    buffer = text.buffers()[2]
    return np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, dtype=np.uint8)


def _has_double_space(chars: np.ndarray) -> bool:
    """True when two spaces follow each other somewhere in ``chars``."""
    for start in (0, 1):
        pairs = chars[start : start + (len(chars) - start) // 2 * 2]
        if (pairs.view(np.uint16) == 0x2020).any():
            return True
    return False
