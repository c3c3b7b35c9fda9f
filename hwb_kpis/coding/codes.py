"""The DfE CIN census source-of-referral code list (``reference/referral_sources.csv``): codes,
their groups and labels, the health codes, a recorded code normalised, and which columns hold
the code and group of each view (:func:`view_columns`, the one home of that rule)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from hwb_kpis.config import REFERENCE_DIR, VIEWS

REFERENCE_FILE = REFERENCE_DIR / "referral_sources.csv"
STR = pd.StringDtype(na_value=np.nan)  # pandas 3 default string dtype ("str")
#: the group of codes 3A-3F
HEALTH_GROUP = "health"

#: a code at the start of the text, after an Annex A letter prefix (``k) 3E: ...``, ``P1) 5D: ...``)
_CODE_RE = r"^(?:[A-Z][0-9]?\) *)?0?(10|[1-9][A-F]?)(?:\.0+)?(?:$|[^A-Z0-9])"


def label_key(text: str) -> str:
    """A label reduced to its lower-case words (every other character folded to one space), so
    that ``Health services – other primary health services`` matches the code list's label."""
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def load_reference(path: Path | str | None = None) -> pd.DataFrame:
    """The DfE CIN census source-of-referral code list: ``code, group, label, short_label,
    health_breakdown`` (``health_breakdown`` is the board report's health category, NA outside
    health)."""
    ref = pd.read_csv(path or REFERENCE_FILE, dtype="str", keep_default_na=False)
    ref["health_breakdown"] = ref["health_breakdown"].replace("", np.nan)
    return ref


def source_groups(path: Path | str | None = None) -> pd.DataFrame:
    """Alias of :func:`load_reference`: the code list with each code's group."""
    return load_reference(path)


def health_codes(path: Path | str | None = None) -> tuple[str, ...]:
    """Codes whose group is ``health`` (3A–3F)."""
    ref = load_reference(path)
    return tuple(ref.loc[ref["group"] == HEALTH_GROUP, "code"])


def view_columns(view: str) -> tuple[str, str]:
    """``(code column, group column)`` of a view: ``recoded`` (default downstream) →
    ``source_code, source_group``; ``recorded`` → ``source_code_recorded, source_group_recorded``."""
    if view == "recoded":
        return "source_code", "source_group"
    if view == "recorded":
        return "source_code_recorded", "source_group_recorded"
    raise ValueError(f"unknown view {view!r}: expected one of {', '.join(VIEWS)}")


def normalise_code(series: pd.Series) -> pd.Series:
    """Recorded source codes → valid CIN census codes (upper case), NA when blank or invalid.

    Accepts ``3e``, `` 3E ``, ``k) 3E: Health services``, ``p1) 5D: LA services``, ``e) 2A:
    Schools``, ``3E - A&E``, ``06`` and Excel's ``6.0``; the code must be followed by the end, a
    space or punctuation. A label without its code (DfE's ``Health services - other primary
    health services``) is not a recorded code: the free-text lookup reads it
    (:func:`hwb_kpis.coding.lookup.label_patterns`).
    """
    valid = set(load_reference()["code"])
    text = series.astype(STR)
    codes, uniques = pd.factorize(text)  # NA → -1
    extracted = pd.Series(uniques, dtype=STR).str.strip().str.upper().str.extract(_CODE_RE)[0]
    extracted = extracted.where(extracted.isin(valid))
    values = pd.array(extracted.to_numpy(dtype=object, na_value=None), dtype=STR)
    out = values.take(codes, allow_fill=True) if len(codes) else pd.array([], dtype=STR)
    return pd.Series(out, index=series.index, name=series.name)
