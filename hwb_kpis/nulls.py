"""What counts as a missing value anywhere in the package (``None``, NaN, NaT, ``pd.NA``)."""

from __future__ import annotations

import pandas as pd


def missing(x: object) -> bool:
    """True for ``None``, NaN, NaT and ``pd.NA``; False for anything else, text included."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False
