"""The re-contact model in plain words: what each odds ratio of
:func:`hwb_kpis.stats.recontact_drivers` says, which factors go with more repeat contacts (found
from the numbers, whichever level the model took as reference), what would help, and how the
model's table is labelled and explained on the page."""

from __future__ import annotations

import math
import re

import pandas as pd

from hwb_kpis.privacy.disclosure import rests_on_small, say_rate
from hwb_kpis.report.labels import group_label
from hwb_kpis.report.words import count, join_words
from hwb_kpis.report.words import missing as _missing

#: the decisions on a contact (``hwb_kpis.config.OUTCOMES``) in plain words
OUTCOME_WORDS = {
    "referral": "a referral to social care",
    "nfa": "no further action",
    "advice": "advice only",
    "early_help": "early help",
    "pending": "still pending",
    "not_referred": "no referral within the link window (threshold taken as not met)",
}

#: plain words for a level of a re-contact model term (``hwb_kpis.stats.recontact_drivers``)
LEVEL_WORDS: dict[str, dict[str, str]] = {
    "previous_marf": {"no": "the earlier contact was not on a MARF", "yes": "the earlier contact was on a MARF",
                      "unknown": "it is not recorded whether the earlier contact was on a MARF"},
    "marf": {"no": "the contact is not on a MARF", "yes": "the contact is on a MARF",
             "unknown": "it is not recorded whether the contact is on a MARF"},
}

#: what a factor that goes with MORE repeats suggests doing (keyed by term, then level)
ACTIONS: dict[str, dict[str, str]] = {
    "previous_marf": {"no": "make sure agencies send contacts on a MARF, so the first decision is made "
                            "with full information and consent",
                      "unknown": "record whether each contact came on a MARF"},
    "marf": {"no": "make sure agencies send contacts on a MARF",
             "unknown": "record whether each contact came on a MARF"},
    "previous_outcome": {"advice": "review advice-only decisions and check the advice reached the family "
                                   "and the referrer",
                         "nfa": "review no-further-action decisions and the feedback given to the referring agency",
                         "early_help": "check that the early help offer reaches families before concerns return"},
    "source_group": {"*": "work with referrers from {level} on the Threshold document and on what to do before re-referring"},
    "age_band": {"*": "look at how the front door responds to children aged {level}"},
}


def term_words(term: str, level: str) -> str:
    """Plain words for one level of a model term: ``("previous_outcome", "advice")`` →
    ``"the earlier decision was advice only"``."""
    term, level = str(term), str(level)
    if term in LEVEL_WORDS and level in LEVEL_WORDS[term]:
        return LEVEL_WORDS[term][level]
    if term == "previous_outcome":
        return f"the earlier decision was {OUTCOME_WORDS.get(level, level.replace('_', ' '))}"
    if term == "source_group":
        return f"the contact came from {group_label(level)}"
    if term == "age_band":
        return "the child's age is not recorded" if level == "unknown" else f"the child is aged {level}"
    if term == "time":
        return "a year passes"
    return f"{term.replace('_', ' ')} is {level.replace('_', ' ')}"


def action_for(term: str, level: str) -> str:
    options = ACTIONS.get(str(term), {})
    text = options.get(str(level), options.get("*", ""))
    return text.format(level=group_label(level) if term == "source_group" else str(level).replace("_", " "))


#: what a term is about, for "no clear difference was found for …"
TERM_NAMES = {
    "previous_marf": "whether the earlier contact came on a MARF",
    "marf": "whether the contact came on a MARF",
    "previous_outcome": "which threshold-not-met decision the earlier contact got",
    "source_group": "the agency",
    "age_band": "the child's age",
}

#: the order findings are given in: what the partnership can change most directly first
TERM_PRIORITY = {"previous_marf": 0, "marf": 1, "previous_outcome": 2, "source_group": 3, "age_band": 4}

#: levels that are not something to act on (or, for an earlier referral, restate the definition:
#: a repeat needs an earlier threshold-not-met decision)
NOT_ACTIONABLE = {"unknown", "other (small)"}
DEFINITIONAL = {("previous_outcome", "referral"), ("previous_outcome", "pending")}


def _ci_text(lo: float, hi: float) -> str:
    return f"95% interval {lo:.2f} to {hi:.2f}"


def odds_sentence(term: str, level: str, odds_ratio: float, ci_low: float, ci_high: float,
                  reference: str | None = None) -> str:
    """One odds ratio in words: ``"When the earlier contact was not on a MARF, the odds that a
    contact is a repeat are 1.8 times as high as when the earlier contact was on a MARF (95%
    interval 1.60 to 2.00)."``"""
    words = term_words(term, level)
    orr = float(odds_ratio)
    ci = f"({_ci_text(ci_low, ci_high)})"
    if term == "time":
        if ci_low <= 1 <= ci_high:
            return f"Allowing for the other factors, the odds of a repeat show no clear change over time {ci}."
        return (f"Allowing for the other factors, the odds of a repeat {'rise' if orr > 1 else 'fall'} by about "
                f"{abs(orr - 1):.0%} a year {ci}.")
    if ci_low <= 1 <= ci_high:
        return f"Whether {words} makes no clear difference to repeats (odds ratio {orr:.2f}, {ci[1:-1]})."
    if reference is None:
        how = f"{orr:.1f} times as high" if orr >= 1 else f"{1 - orr:.0%} lower"
        return f"When {words}, the odds that a contact is a repeat are {how} {ci}."
    ref = term_words(term, reference)
    if orr >= 1:
        return f"When {words}, the odds that a contact is a repeat are {orr:.1f} times as high as when {ref} {ci}."
    return f"When {words}, the odds that a contact is a repeat are {1 - orr:.0%} lower than when {ref} {ci}."


def _term_finding(term: str, levels: pd.DataFrame, reference: str | None) -> tuple[str, float] | None:
    """The finding for one term (``levels``: its non-reference rows), or None when no level differs
    clearly from the reference. Returns the sentence and its effect size (|log odds ratio|)."""
    lv = levels[~levels["level"].astype(str).isin(NOT_ACTIONABLE)]
    lv = lv[[(term, str(x)) not in DEFINITIONAL for x in lv["level"]]]
    clear = lv[(lv["ci_low"] > 1) | (lv["ci_high"] < 1)]
    if clear.empty or reference is None or reference in NOT_ACTIONABLE:
        return None
    higher = clear[clear["odds_ratio"] > 1]
    if len(higher):  # a level goes with more repeats than the reference: it is the one to act on
        r = higher.loc[higher["odds_ratio"].idxmax()]
        worst = str(r["level"])
        s = odds_sentence(term, worst, r["odds_ratio"], r["ci_low"], r["ci_high"], reference)
        effect = math.log(r["odds_ratio"])
    elif len(clear) == 1 or term != "source_group":  # the reference is worse than a (the) clear level
        r = clear.loc[clear["odds_ratio"].idxmin()]
        worst = reference
        s = odds_sentence(term, reference, 1 / r["odds_ratio"], 1 / r["ci_high"], 1 / r["ci_low"], str(r["level"]))
        effect = -math.log(r["odds_ratio"])
    else:  # several agencies clearly below the reference agency
        worst = reference
        names = [group_label(x) for x in clear.sort_values("odds_ratio")["level"]]
        lo, hi = 1 - float(clear["odds_ratio"].max()), 1 - float(clear["odds_ratio"].min())
        s = (f"Contacts from {group_label(reference)} are the most likely to be repeats: for contacts from "
             f"{join_words(names)} the odds are between {lo:.0%} and {hi:.0%} lower (each clear of chance).")
        effect = -math.log(float(clear["odds_ratio"].min()))
    action = action_for(term, worst)
    if action:
        s += f" **What would help:** {action}."
    return s, effect


def repeat_reduction_findings(odds_table: pd.DataFrame, *, potential: pd.DataFrame | None = None,
                              internal: bool = False) -> list[str]:
    """Plain-words "what would reduce repeats", driven by the odds ratios of
    :func:`hwb_kpis.stats.recontact_drivers` (``term, level, odds_ratio, ci_low, ci_high,
    is_reference``).

    For each factor (MARF use, the earlier decision, agency, age) the level that goes with more
    repeats is found from the numbers, whichever level the model used as its reference: a finding
    is made only when a difference is clear of chance (its 95% interval excludes 1), states its
    size, and carries the action that fits the worse level. Factors are given in the order the
    partnership can act on them (MARF first). Levels that are unknown, and an earlier *referral*
    (which by definition cannot make a repeat), are not turned into findings. ``potential``
    (from :func:`hwb_kpis.report.pages.repeats.repeats_avoidable`) adds how many repeats a month would not happen if the
    higher-risk group had the lower group's rate (not when either rate rests on a count from 1 to 4,
    unless ``internal``). Never returns an empty list.
    """
    if odds_table is None or len(odds_table) == 0:
        return ["The re-contact model could not be fitted, so no driver of repeats can be named."]
    t = odds_table.copy()
    t["term"], t["level"] = t["term"].astype(str), t["level"].astype(str)
    refs = dict(zip(t.loc[t["is_reference"].astype(bool), "term"], t.loc[t["is_reference"].astype(bool), "level"],
                    strict=True))
    rows = t[~t["is_reference"].astype(bool)].dropna(subset=["odds_ratio", "ci_low", "ci_high"])
    findings: list[tuple[int, float, str]] = []
    unclear: list[str] = []
    for term, levels in rows[rows["term"] != "time"].groupby("term", sort=False):
        found = _term_finding(term, levels.astype({"odds_ratio": float, "ci_low": float, "ci_high": float}), refs.get(term))
        if found is None:
            unclear.append(TERM_NAMES.get(term, term.replace("_", " ")))
        else:
            findings.append((TERM_PRIORITY.get(term, 9), -found[1], found[0]))
    out = [f for _, _, f in sorted(findings)]
    if potential is not None:
        for _, r in potential.iterrows():
            counts = [r.get(k) for k in ("n_risk", "n_risk_repeats", "n_reference", "n_reference_repeats") if k in r]
            if rests_on_small(*counts, internal=internal):
                continue
            if not _missing(r["avoidable_per_month"]) and r["avoidable_per_month"] >= 1:
                out.append(
                    f"If contacts where {r['risk_words']} had the same repeat rate as those where "
                    f"{r['reference_words']} ({say_rate(r['rate_risk'], internal=True)} against "
                    f"{say_rate(r['rate_reference'], internal=True)}), "
                    f"about {count(r['avoidable_per_month'])} fewer repeat contacts a month would be expected. "
                    "This is an upper bound: the link may not be wholly cause and effect."
                )
    if unclear:
        out.append(f"No clear difference to repeats was found for {join_words(unclear)}.")
    for _, r in rows[rows["term"] == "time"].iterrows():
        out.append(odds_sentence("time", "", r["odds_ratio"], float(r["ci_low"]), float(r["ci_high"])))
    if not findings:
        out.insert(0, "None of the factors in the model is clearly linked to repeat contacts.")
    return out


def without_definitional(odds_table: pd.DataFrame) -> pd.DataFrame:
    """A ``recontact_drivers`` table without the levels that only restate the repeat definition
    (an earlier *referral* or *pending* contact cannot make a later one a repeat), for display."""
    keep = [(str(t), str(lv)) not in DEFINITIONAL for t, lv in zip(odds_table["term"], odds_table["level"], strict=True)]
    out = odds_table.loc[pd.Series(keep, index=odds_table.index, dtype=bool)].copy()
    out.attrs = dict(odds_table.attrs)
    return out


def definitional_note(odds_table: pd.DataFrame) -> str:
    """Why the earlier-referral level is not shown, when the model has it."""
    levels = [str(lv) for t, lv in zip(odds_table["term"], odds_table["level"], strict=True)
              if (str(t), str(lv)) in DEFINITIONAL]
    if not levels:
        return ""
    names = join_words(OUTCOME_WORDS.get(lv, lv) for lv in levels)
    return (f"Not shown: an earlier decision of {names}. A repeat needs an earlier decision that the threshold "
            "was not met, so that comparison only restates the definition.")


#: a level ``recontact_drivers`` left out, as it describes it: ``"(12 contacts, all repeats)"``
_LEFT_OUT = re.compile(r"\((\d+) contacts, (all|none) repeats\)")


def excluded_note(odds_table: pd.DataFrame, *, internal: bool = False) -> str:
    """The groups ``recontact_drivers`` left out (``attrs["excluded"]``: every or no contact in them
    is a repeat, so there is nothing to compare), in plain words; empty when none. A group of 1 to
    4 contacts is not described (its count, and that all or none are repeats, rest on it)."""

    def describe(match: re.Match) -> str:
        if rests_on_small(int(match.group(1)), internal=internal):
            return "(too few contacts to describe)"
        return f"({int(match.group(1)):,} contacts, {'all are' if match.group(2) == 'all' else 'none are'} repeats)"

    items = [_LEFT_OUT.sub(describe, str(x)).replace("Earlier outcome: unknown", "no earlier contact")
             for x in odds_table.attrs.get("excluded", [])]
    if not items:
        return ""
    return ("Left out of the model, because every or no contact in them is a repeat (so there is nothing to "
            f"compare): {'; '.join(items)}.")


def odds_table_labels(odds_table: pd.DataFrame) -> pd.Series:
    """Plain labels for the rows of a ``recontact_drivers`` table: ``"Agency: LA services vs police"``."""
    names = {"source_group": "Agency", "marf": "On a MARF", "age_band": "Age", "previous_outcome": "Earlier decision",
             "previous_marf": "Earlier contact on a MARF", "time": "Time"}
    refs = {str(r["term"]): str(r["level"]) for _, r in odds_table[odds_table["is_reference"].astype(bool)].iterrows()}

    def level(term: str, value: str) -> str:
        if term == "source_group":
            return group_label(value)
        if term == "previous_outcome":
            return OUTCOME_WORDS.get(value, value)
        return value.replace("_", " ")

    labels = []
    for _, r in odds_table.iterrows():
        term, lv = str(r["term"]), str(r["level"])
        if term == "time":
            labels.append("Time: per 12 months")
        elif bool(r["is_reference"]):
            labels.append(f"{names.get(term, term)}: {level(term, lv)} (reference)")
        else:
            labels.append(f"{names.get(term, term)}: {level(term, lv)} vs {level(term, refs.get(term, ''))}")
    return pd.Series(labels, index=odds_table.index, dtype="string")
