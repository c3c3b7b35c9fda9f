"""The free text that rules and the lookup match: which fields (:data:`TEXT_FIELDS`), how it is
cleaned before matching, and case-insensitive regular expressions on it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from hwb_kpis.coding.codes import STR
from hwb_kpis.errors import HwbKpisError

#: free-text fields rules may look at; ``source_code`` is the recorded text as exported
TEXT_FIELDS = ("source_code", "source_detail", "referrer_role", "referrer_org")

_ASCII = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
          "\u00a0": " "}


def check_pattern(pattern: object, where: str) -> str:
    """``pattern`` when it is a valid regular expression, else an error naming ``where``."""
    if not isinstance(pattern, str) or not pattern:
        raise HwbKpisError(f"{where}: pattern must be a non-empty text")
    try:
        re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise HwbKpisError(f"{where}: invalid regular expression {pattern!r} ({exc})") from None
    return pattern


def clean_text(s: pd.Series) -> pd.Series:
    """NA → ``""``; typographic dashes/quotes → ASCII, other non-ASCII → space; white space
    folded to one space and stripped (keeps matching on pyarrow's fast regex engine)."""
    s = s.astype(STR).fillna("")
    for old, new in _ASCII.items():
        s = s.str.replace(old, new, regex=False)
    s = s.str.replace(r"[^\x00-\x7f]", " ", regex=True)
    return s.str.replace(r"[ \t\r\n\f\v]+", " ", regex=True).str.strip()


def contains(s: pd.Series, pattern: str) -> np.ndarray:
    """Whether each text matches ``pattern`` anywhere, ignoring case."""
    return np.array(s.str.contains(pattern, case=False, regex=True), dtype=bool)
