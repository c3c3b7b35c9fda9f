"""The limits applied while a raw extract is read and checked, as editable data
(``reference/ingest_limits.yml``): lines a quoted field may span, the longest line, the widest
header, the largest unpacked workbook, the window of plausible dates, and the codes an authority
column may hold.

:data:`LIMITS` is read once; tests change it with ``monkeypatch.setitem``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
import yaml

from hwb_kpis.config import REFERENCE_DIR

LIMITS_FILE = REFERENCE_DIR / "ingest_limits.yml"


def load_limits() -> dict[str, Any]:
    """``reference/ingest_limits.yml`` as a flat dict (the ``dates`` section as ``dates``)."""
    return yaml.safe_load(LIMITS_FILE.read_text(encoding="utf-8"))


LIMITS: dict[str, Any] = load_limits()


def limit(name: str) -> int:
    """One whole-number limit (``max_lines_in_quoted_field``, ``max_line_bytes``, ``max_columns``,
    ``max_xlsx_uncompressed_bytes``)."""
    return int(LIMITS[name])


def earliest_date() -> pd.Timestamp:
    """The earliest plausible date of an event (contact, decision, period of care, IHA step)."""
    value = LIMITS["dates"]["earliest"]
    return pd.Timestamp(value if isinstance(value, dt.date) else str(value))


def birth_window() -> tuple[int, int]:
    """``(years before, months after)`` the contact within which a date of birth is plausible."""
    dates = LIMITS["dates"]
    return int(dates["birth_years_before_contact"]), int(dates["birth_months_after_contact"])


def authority_pattern() -> re.Pattern[str]:
    """What an ``authority`` value must be (a local authority code), as one regular expression."""
    return re.compile("|".join(f"(?:{p})" for p in LIMITS["authority_codes"]), re.IGNORECASE)
