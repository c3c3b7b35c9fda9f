"""The source of each referral of a list of referrals: the recorded code normalised
(:func:`~hwb_kpis.coding.codes.normalise_code`: ``q) 6: Police``, DfE's own label texts...) and
its group. A list of referrals has no free text, so the recoding rules have nothing to read: the
recoded code is the recorded one, ``10`` (unknown) when it is blank or not a code."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.coding.codes import load_reference, normalise_code
from hwb_kpis.config import UNKNOWN_CODE


def code_referrals(referrals: pd.DataFrame) -> pd.DataFrame:
    """``referrals`` with the raw ``source_code`` replaced by ``source_code_recorded``,
    ``source_group_recorded`` (``unknown`` when NA), ``source_code`` (never NA) and
    ``source_group``."""
    ref = load_reference()
    group_of = dict(zip(ref["code"], ref["group"], strict=True))
    raw = referrals["source_code"] if "source_code" in referrals.columns else pd.Series(pd.NA, index=referrals.index)
    recorded = normalise_code(raw).astype("string")
    coded = recorded.fillna(UNKNOWN_CODE)
    out = referrals.drop(columns=["source_code"], errors="ignore")
    pos = list(referrals.columns).index("source_code") if "source_code" in referrals.columns else len(out.columns)
    for offset, (name, values) in enumerate({
        "source_code_recorded": recorded,
        "source_group_recorded": recorded.map(group_of).fillna("unknown").astype("string"),
        "source_code": coded.astype("string"),
        "source_group": coded.map(group_of).astype("string"),
    }.items()):
        out.insert(pos + offset, name, values.to_numpy())
        out[name] = out[name].astype("string")
    return out
