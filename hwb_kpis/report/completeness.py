"""How complete what agencies send is: the share of a month's contacts with no usable source
code, still unknown after the free text was read, without a recorded MARF, and corrected by the
recoding rules (the board's third recommendation, and the data-quality page). Each share rests
on a count, published through the pack's disclosure decisions."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from hwb_kpis.config import UNKNOWN_CODE
from hwb_kpis.privacy.disclosure import SMALL, Decisions, decisions_for
from hwb_kpis.report.published import code_key, count_key, no_code_key
from hwb_kpis.report.words import month_name, percent

#: each share: (its count in :func:`completeness`, the plan's key of that count or None)
SHARES = ("no_source", "unknown_after_coding", "marf_unknown", "recoded")


def completeness(contacts: pd.DataFrame, month: str) -> dict:
    """How complete the month's contacts are as agencies send them: shares (and counts, ``n_…``)
    with no usable source code as recorded, still unknown after coding, MARF not recorded, and
    source code changed by the recoding rules; ``n`` contacts."""
    c = contacts[contacts["month"].astype(str) == str(month)]
    n = len(c)
    counts = {
        "no_source": int(c["source_code_recorded"].isna().sum()),
        "unknown_after_coding": int((c["source_code"].astype(str) == UNKNOWN_CODE).sum()),
        "marf_unknown": int(c["marf"].isna().sum()) if "marf" in c else 0,
        "recoded": int(c["recode_rule"].notna().sum()),
    }
    out: dict = {"n": n, "month": str(month)}
    for k, v in counts.items():
        out[k] = v / n if n else float("nan")
        out[f"n_{k}"] = v
    if "marf" not in c:
        out["marf_unknown"] = float("nan")
    return out


def _keys(month: str) -> dict[str, object]:
    """The plan's key of each count (None: a count only this sentence gives, judged by the rule)."""
    return {"no_source": no_code_key(month), "unknown_after_coding": code_key("recoded", UNKNOWN_CODE, month),
            "marf_unknown": None, "recoded": None}


#: what each share counts, as the sentence says it
WORDS = {"no_source": "arrived with no usable source code",
         "unknown_after_coding": "still had no known source after the free text was read",
         "marf_unknown": "did not record whether a MARF was used",
         "recoded": "had their source corrected by the recoding rules"}


def completeness_sentence(stats_: Mapping, month: str, *, decisions: Decisions | None = None,
                          internal: bool = False, marf_in_extract: bool = True) -> str:
    """:func:`completeness` in one sentence; a share resting on a count from 1 to 4, or on a month's
    contacts not shown, is not given (the sentence says which). ``marf_in_extract``: False when
    the extract has no MARF column at all, which is the extract's gap, not the agencies' (said so). A share of a count the pack
    withholds (``c``) is given: rounded to whole percent of the month's contacts it is one of the
    relations the pack's plan protects against (:mod:`hwb_kpis.report.published`)."""
    decisions = decisions or decisions_for(internal)
    if not stats_["n"]:
        return f"There were no contacts in {month_name(month)}."
    total = (count_key("contacts", "any", "all", month), stats_["n"])
    keys = _keys(month)
    shown, hidden = [], []
    for name in SHARES:
        if name == "marf_unknown" and not marf_in_extract:
            continue
        count = stats_.get(f"n_{name}")
        if count is not None and (decisions.status(keys[name], count) == SMALL or not decisions.shown(total)):
            hidden.append(WORDS[name])
            continue
        shown.append(f"{percent(stats_[name])} {WORDS[name]}")
    text = f"In {month_name(month)}, "
    gap = "" if marf_in_extract else " The extract does not say whether a MARF was used."
    if not shown:
        return text + ("how complete the contacts were (source code, MARF, recoding) is not shown, to protect "
                       "children's privacy.") + gap
    if shown:
        shown[0] = shown[0].replace(" ", " of contacts ", 1)
        text += (", ".join(shown[:-1]) + ", and " + shown[-1]) if len(shown) > 2 else " and ".join(shown)
        text += "."
    if hidden:
        text += " The share that " + " / ".join(hidden) + (" is" if len(hidden) == 1 else " are") + \
            " not shown, to protect children's privacy."
    return text + gap
