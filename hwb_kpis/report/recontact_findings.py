"""The re-contact model in plain words: what each odds ratio of
:func:`hwb_kpis.stats.recontact_drivers` says, which factors go with more repeat contacts (found
from the numbers, whichever level the model took as reference), what would help, and how the
model's table is labelled and explained on the page."""

from __future__ import annotations

import math
import re

import pandas as pd

from hwb_kpis import stats
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
    clear = lv[((lv["ci_low"] > 1) | (lv["ci_high"] < 1)) & _found(lv)]
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


def _found(rows: pd.DataFrame) -> pd.Series:
    """Which rows survive the model's Benjamini–Hochberg control (``found``; all rows when the
    table carries no p-values, so the 95% interval alone decides)."""
    if "found" in rows.columns:
        return rows["found"].astype(bool)
    return pd.Series(True, index=rows.index)


def _with_found(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``found``: the non-reference rows whose Benjamini–Hochberg adjusted p-value
    (``q_value``, else computed from ``p_value`` over the table's non-reference rows: the family)
    is at most :data:`hwb_kpis.stats.FDR`."""
    t = table.copy()
    if "q_value" in t.columns:
        q = pd.to_numeric(t["q_value"], errors="coerce")
    elif "p_value" in t.columns:
        p = pd.to_numeric(t["p_value"], errors="coerce").where(~t["is_reference"].astype(bool))
        q = pd.Series(stats.bh_adjust(p)[0], index=t.index)
    else:
        t["found"] = True
        return t
    t["found"] = (q <= stats.FDR).fillna(False).to_numpy(bool)
    return t


#: the terms of the re-contact model that the Cox model of the episodes answers instead, when it
#: is given: how soon a child comes back after a decision is a time-to-event question
ANSWERED_BY_HAZARDS = {"previous_marf": "marf", "previous_outcome": "outcome"}


def repeat_reduction_findings(odds_table: pd.DataFrame, *, potential: pd.DataFrame | None = None,
                              hazards: pd.DataFrame | None = None, trend: str | None = None,
                              internal: bool = False) -> list[str]:
    """Plain-words "what would reduce repeats", driven by the odds ratios of
    :func:`hwb_kpis.stats.recontact_drivers` (``term, level, odds_ratio, ci_low, ci_high,
    is_reference`` and ``q_value`` or ``p_value``) and, when given, the hazard ratios of
    :func:`hwb_kpis.stats.recontact_hazards` on the threshold-not-met decisions (``hazards``).

    For each factor (MARF use, the earlier decision, agency, age) the level that goes with more
    repeats is found from the numbers, whichever level the model used as its reference: a finding
    is made only when a difference is clear of chance — its 95% interval excludes 1 *and* it
    survives Benjamini–Hochberg control over the model's terms (false discovery rate 5%) — states
    its size, and carries the action that fits the worse level. With ``hazards``, what goes with a
    child coming back sooner after a decision (whether that contact was on a MARF, the decision,
    the agency) is said as a hazard ratio from the Cox model, not as an odds ratio. Factors are
    given in the order the partnership can act on them (MARF first). Levels that are unknown, and
    an earlier *referral* (which by definition cannot make a repeat), are not turned into findings.
    ``potential`` (from :func:`hwb_kpis.report.pages.repeats.repeats_avoidable`) adds how many
    repeats a month would not happen if the higher-risk group had the lower group's rate, with
    its assumption. ``trend`` is the unadjusted trend of the repeat rate in words (the headline
    trend); without it the model's adjusted time term is said, as adjusted. The avoidable repeats
    are not given when either rate rests on a count from 1 to 4, unless ``internal``. Never empty.
    """
    if odds_table is None or len(odds_table) == 0:
        return ["The re-contact model could not be fitted, so no driver of repeats can be named."]
    t = _with_found(odds_table)
    t["term"], t["level"] = t["term"].astype(str), t["level"].astype(str)
    refs = dict(zip(t.loc[t["is_reference"].astype(bool), "term"], t.loc[t["is_reference"].astype(bool), "level"],
                    strict=True))
    rows = t[~t["is_reference"].astype(bool)].dropna(subset=["odds_ratio", "ci_low", "ci_high"])
    use_hazards = hazards is not None and len(hazards) > 0
    if use_hazards:
        rows = rows[~rows["term"].isin(list(ANSWERED_BY_HAZARDS))]
    findings: list[tuple[int, float, str]] = []
    unclear: list[str] = []
    for term, levels in rows[rows["term"] != "time"].groupby("term", sort=False):
        found = _term_finding(term, levels.astype({"odds_ratio": float, "ci_low": float, "ci_high": float}), refs.get(term))
        if found is None:
            unclear.append(TERM_NAMES.get(term, term.replace("_", " ")))
        else:
            findings.append((TERM_PRIORITY.get(term, 9), -found[1], found[0]))
    hazard_unclear: list[str] = []
    if use_hazards:
        found_h, hazard_unclear = hazard_findings(hazards)
        findings += found_h
    out = [f for _, _, f in sorted(findings)]
    if potential is not None:
        for _, r in potential.iterrows():
            counts = [r.get(k) for k in ("n_risk", "n_risk_repeats", "n_reference", "n_reference_repeats") if k in r]
            if rests_on_small(*counts, internal=internal):
                continue
            if not _missing(r["avoidable_per_month"]) and r["avoidable_per_month"] >= 1:
                out.append(avoidable_sentence(r))
    if unclear:
        out.append(f"No clear difference to repeats was found for {join_words(unclear)}.")
    if hazard_unclear:
        out.append(f"No clear difference to how soon children are contacted about again was found for "
                   f"{join_words(hazard_unclear)}.")
    if trend:
        out.append(trend)
    else:
        for _, r in rows[rows["term"] == "time"].iterrows():
            out.append(odds_sentence("time", "", r["odds_ratio"], float(r["ci_low"]), float(r["ci_high"])))
    if not findings:
        out.insert(0, "None of the factors in the model is clearly linked to repeat contacts.")
    out.append(FAMILY_NOTE)
    return out


#: how the re-contact findings were controlled for multiple comparisons (said on the page)
FAMILY_NOTE = ("Each model's factors were tested together, and a factor is named above only when its difference is "
               "clear of chance after allowing for how many were tested (Benjamini–Hochberg false discovery rate "
               "of 5%), so that, on average, no more than 1 in 20 of the factors named would be a false alarm.")

#: what adjusting for the other factors means (the note under the odds-ratio table)
ADJUSTED_NOTE = ("Each odds ratio in the table is adjusted: it compares contacts that are alike in the model's other "
                 "factors (agency, MARF, age, the earlier decision and the date). The time row is adjusted too, so it "
                 "can differ from, and even point the other way to, the repeat rate month by month: the headline "
                 "trend is the unadjusted one.")


def avoidable_sentence(r: pd.Series) -> str:
    """How many repeat contacts a month a row of
    :func:`hwb_kpis.report.pages.repeats.repeats_avoidable` would avoid, with its assumption."""
    about = f" ({r['about']})" if "about" in r.index and isinstance(r["about"], str) and r["about"] else ""
    return (f"Among contacts whose earlier decision was that the threshold was not met{about}: if those where "
            f"{r['risk_words']} had the same repeat rate as those where {r['reference_words']} "
            f"({say_rate(r['rate_risk'], internal=True)} against {say_rate(r['rate_reference'], internal=True)}), about "
            f"{count(r['avoidable_per_month'])} fewer repeat contacts a month would be expected. This assumes the "
            "difference is wholly caused by the MARF and that nothing else about those contacts would change; "
            "it is an estimate, not a promise.")


# --- time to re-contact (Cox model) ---------------------------------------------------------------
#: plain words for a level of a :func:`hwb_kpis.stats.recontact_hazards` term (the decision's contact)
HAZARD_LEVEL_WORDS: dict[str, dict[str, str]] = {
    "marf": {"no": "the contact was not on a MARF", "yes": "the contact was on a MARF"},
}
#: the Cox model's terms: what each is about, and the earlier-contact term whose action fits it
HAZARD_TERMS = {"marf": ("whether the decided contact came on a MARF", "previous_marf"),
                "outcome": ("which threshold-not-met decision was made", "previous_outcome"),
                "group": ("the agency whose contact was decided", "source_group"),
                "age_band": ("the child's age", "age_band")}


#: levels of the Cox model that restate how the data work rather than what the front door does: a
#: child aged 16 or 17 soon turns 18 and leaves children's services, so is contacted about again less
HAZARD_DEFINITIONAL = {("age_band", "16+")}


def hazard_words(term: str, level: str) -> str:
    """Plain words for one level of a Cox-model term: ``("marf", "no")`` →
    ``"the contact was not on a MARF"``."""
    term, level = str(term), str(level)
    if term in HAZARD_LEVEL_WORDS and level in HAZARD_LEVEL_WORDS[term]:
        return HAZARD_LEVEL_WORDS[term][level]
    if term == "outcome":
        return f"the decision was {OUTCOME_WORDS.get(level, level.replace('_', ' '))}"
    if term == "group":
        return f"the contact came from {group_label(level)}"
    if term == "age_band":
        return f"the child was aged {level}"
    return f"{term.replace('_', ' ')} was {level.replace('_', ' ')}"


def hazard_sentence(term: str, worse: str, better: str, ratio: float, lo: float, hi: float) -> str:
    """A hazard ratio in words: children come back sooner after decisions where ``worse`` than
    where ``better`` (``ratio`` > 1, with its 95% interval)."""
    return (f"After a decision that the threshold was not met, children were contacted about again sooner when "
            f"{hazard_words(term, worse)} than when {hazard_words(term, better)}: at any time since the decision, "
            f"at about {ratio:.1f} times the rate (hazard ratio, 95% interval {lo:.2f} to {hi:.2f}).")


def hazard_findings(hazards: pd.DataFrame) -> tuple[list[tuple[int, float, str]], list[str]]:
    """The findings of a :func:`hwb_kpis.stats.recontact_hazards` table: ``(findings, unclear)``,
    findings as ``(priority, -effect, sentence)`` for each term with a level clearly different
    from its reference (95% interval excluding 1 and surviving Benjamini–Hochberg over the model),
    said for the level that goes with coming back sooner; ``unclear`` names the other terms."""
    t = _with_found(hazards)
    t["term"], t["level"] = t["term"].astype(str), t["level"].astype(str)
    refs = dict(zip(t.loc[t["is_reference"].astype(bool), "term"], t.loc[t["is_reference"].astype(bool), "level"],
                    strict=True))
    rows = t[~t["is_reference"].astype(bool) & (t["term"] != "time")].dropna(subset=["hazard_ratio", "ci_low", "ci_high"])
    findings: list[tuple[int, float, str]] = []
    unclear: list[str] = []
    for term, levels in rows.groupby("term", sort=False):
        about, action_term = HAZARD_TERMS.get(term, (term.replace("_", " "), term))
        ref = refs.get(term)
        lv = levels[~levels["level"].isin(NOT_ACTIONABLE)]
        lv = lv[[(term, str(x)) not in HAZARD_DEFINITIONAL for x in lv["level"]]]
        clear = lv[((lv["ci_low"].astype(float) > 1) | (lv["ci_high"].astype(float) < 1)) & _found(lv)]
        if clear.empty or ref is None or ref in NOT_ACTIONABLE:
            unclear.append(about)
            continue
        higher = clear[clear["hazard_ratio"].astype(float) > 1]
        if len(higher):
            r = higher.loc[higher["hazard_ratio"].astype(float).idxmax()]
            worse, better = str(r["level"]), ref
            ratio, lo, hi = float(r["hazard_ratio"]), float(r["ci_low"]), float(r["ci_high"])
        else:
            r = clear.loc[clear["hazard_ratio"].astype(float).idxmin()]
            worse, better = ref, str(r["level"])
            ratio, lo, hi = 1 / float(r["hazard_ratio"]), 1 / float(r["ci_high"]), 1 / float(r["ci_low"])
        sentence = hazard_sentence(term, worse, better, ratio, lo, hi)
        action = action_for(action_term, worse)
        if action:
            sentence += f" **What would help:** {action}."
        findings.append((TERM_PRIORITY.get(action_term, 9), -math.log(ratio), sentence))
    return findings, unclear


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


def hazard_label(term: str, level: str, hazards: pd.DataFrame) -> str:
    """A plain label for a row of a :func:`hwb_kpis.stats.recontact_hazards` table:
    ``"Decided contact on a MARF: no vs yes"``."""
    names = {"marf": "Decided contact on a MARF", "outcome": "Decision", "group": "Agency", "age_band": "Age",
             "time": "Time"}
    term, level = str(term), str(level)
    if term == "time":
        return "Time: per 12 months"
    refs = {str(r["term"]): str(r["level"]) for _, r in hazards[hazards["is_reference"].astype(bool)].iterrows()}

    def words(v: str) -> str:
        if term == "group":
            return group_label(v)
        if term == "outcome":
            return OUTCOME_WORDS.get(v, v)
        return v.replace("_", " ")

    return f"{names.get(term, term)}: {words(level)} vs {words(refs.get(term, ''))}"
