"""A DfE comparison table as text for the ``hwb-kpis benchmark`` command (JSON or a table)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from hwb_kpis.errors import HwbKpisError


def _plain(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


def format_benchmark(df: pd.DataFrame, fmt: str = "table") -> str:
    """Render a benchmark table as ``json`` (a list of records, missing → null) or a plain ``table``."""
    if fmt == "json":
        records = [
            {k: _plain(v) for k, v in row.items()} for row in df.astype("object").to_dict("records")
        ]
        return json.dumps(records, indent=2)
    if fmt == "table":
        shown = df.copy()
        for c in ("rereferral_pct", "nfa_pct", "referral_rate", "rate_per_10000"):
            if c in shown.columns:
                shown[c] = shown[c].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
        for c in ("referrals", "starts"):
            if c in shown.columns:
                shown[c] = shown[c].map(lambda v: "suppressed" if pd.isna(v) else f"{int(v):,}")
        return shown.to_string(index=False)
    raise HwbKpisError(f"unknown format {fmt!r}: use json or table")
