"""How complete what agencies send is: the share of a month's contacts with no usable source
code, still unknown after the free text was read, without a recorded MARF, and corrected by the
recoding rules (the board's third recommendation, and the data-quality page)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from hwb_kpis.config import UNKNOWN_CODE
from hwb_kpis.report.words import month_name, percent


def completeness(contacts: pd.DataFrame, month: str) -> dict:
    """How complete the month's contacts are as agencies send them: shares with no usable source
    code as recorded, MARF not recorded, and source code changed by the recoding rules."""
    c = contacts[contacts["month"].astype(str) == str(month)]
    n = len(c)
    if n == 0:
        return {"n": 0, "no_source": float("nan"), "marf_unknown": float("nan"), "recoded": float("nan")}
    return {
        "n": n,
        "no_source": float(c["source_code_recorded"].isna().mean()),
        "unknown_after_coding": float((c["source_code"].astype(str) == UNKNOWN_CODE).mean()),
        "marf_unknown": float(c["marf"].isna().mean()) if "marf" in c else float("nan"),
        "recoded": float(c["recode_rule"].notna().mean()),
    }


def completeness_sentence(stats_: Mapping, month: str, *, marf_in_extract: bool = True) -> str:
    """:func:`completeness` in one sentence (``marf_in_extract``: False when the extract has no
    MARF column at all, which is the extract's gap, not the agencies')."""
    if not stats_["n"]:
        return f"There were no contacts in {month_name(month)}."
    marf = (f"{percent(stats_['marf_unknown'])} did not record whether a MARF was used" if marf_in_extract
            else "the extract does not say whether a MARF was used")
    return (f"In {month_name(month)}, {percent(stats_['no_source'])} of contacts arrived with no usable source code, "
            f"{percent(stats_['unknown_after_coding'])} still had no known source after the free text was read, "
            f"{marf}, and {percent(stats_['recoded'])} had their source corrected by the recoding rules.")
