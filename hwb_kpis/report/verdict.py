"""Making Data Count verdicts in words: the only place that names a variation ("special cause",
"common cause"), an assurance or an SPC rule for a reader. The statistics in
:mod:`hwb_kpis.stats.spc` return codes (``improvement``, ``beyond_limit``…) and
:func:`hwb_kpis.report.kpi_verdicts.kpi_verdict` one verdict per KPI; this module says what they
mean — in sentences, chart titles, icon titles and the icon key — following the sentence style
guide (docs/style-guide.md): a change is named only when an SPC rule or a test supports it, a
verdict quotes the current segment's mean and limits, uncertainty is said in words, and nothing
is extrapolated beyond the months observed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from hwb_kpis.privacy.disclosure import SUPPRESSED_WORDS, is_small
from hwb_kpis.report.words import missing as _missing
from hwb_kpis.report.words import month_name, value_text

if TYPE_CHECKING:  # the verdict object; this module only reads it
    from hwb_kpis.report.kpi_verdicts import Verdict

#: the variation codes of :mod:`hwb_kpis.stats.spc` as a verdict names them
VARIATION_WORDS: dict[str, str] = {
    "common_cause": "common cause variation, no signal of change",
    "improvement": "special cause variation, improving",
    "concern": "special cause variation, concerning",
    "neither": "special cause variation, in a direction that is neither better nor worse",
    "too_few": "too few months to judge",
}
#: short names of the variation codes (chart legends)
VARIATION_NAMES = {
    "common_cause": "Common cause",
    "improvement": "Improvement",
    "concern": "Concern",
    "neither": "Special cause (neither)",
}
#: NHS Making Data Count wording of each variation code (chart subtitles)
VARIATION_LABELS = {
    "common_cause": "Common cause variation: no significant change",
    "improvement": "Special cause variation: improvement",
    "concern": "Special cause variation: concern",
    "neither": "Special cause variation: neither improvement nor concern",
    "too_few": "Too few months to judge",
}
#: the Making Data Count variation icons (:attr:`Verdict.variation_icon`): the words of each
#: icon's title and of the key
VARIATION_ICON_WORDS = {
    "common_cause": "Common cause variation: no signal of change",
    "improvement_high": "Special cause variation, improving: higher than usual",
    "improvement_low": "Special cause variation, improving: lower than usual",
    "concern_high": "Special cause variation, concerning: higher than usual",
    "concern_low": "Special cause variation, concerning: lower than usual",
    "neither_high": "Special cause variation, higher than usual (neither better nor worse)",
    "neither_low": "Special cause variation, lower than usual (neither better nor worse)",
    "too_few": "Too few months to judge",
}
#: assurance codes (:func:`hwb_kpis.stats.assurance`) in words; ``none``: no target is set
ASSURANCE_LABELS = {
    "consistent_pass": "The target will consistently be met",
    "consistent_fail": "The target will consistently be missed",
    "inconsistent": "The target may or may not be met (it lies within the process limits)",
    "none": "No target is set",
}
ASSURANCE_LETTERS = {"consistent_pass": "P", "consistent_fail": "F", "inconsistent": "?"}
#: months in a row of one special cause after which a verdict says the process has changed
SUSTAINED = 3
#: the special-cause rules of :mod:`hwb_kpis.stats.spc`, as the method names them
RULE_LABELS = {
    "beyond_limit": "a point beyond a process limit",
    "trend": "7 points in a row rising or falling",
    "two_of_three": "2 of 3 points beyond the 2-sigma line",
    "shift": "7 points in a row on one side of the mean",
    "": "",
}


def summary_sentence(summary: Mapping) -> str:
    """One line on :func:`hwb_kpis.stats.spc_summary`'s codes: variation (and the rule that fired),
    assurance, and whether the limits are trial limits."""
    sentence = VARIATION_LABELS[summary["variation"]]
    if summary.get("rule"):
        sentence += f" ({RULE_LABELS[str(summary['rule'])]})"
    sentence += "."
    if summary.get("assurance"):
        sentence += f" {ASSURANCE_LABELS[summary['assurance']]}."
    if summary.get("trial_limits"):
        sentence += f" Limits are trial limits (only {summary['n_points']} points)."
    return sentence


# --- pieces of a verdict ------------------------------------------------------------------------------
def _months(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"


def _value(v: Verdict, value: float) -> str:
    return value_text(value, is_rate=v.is_rate)


def latest_value_text(v: Verdict) -> str:
    """The judged month's figure as a sentence may give it: withheld (``"fewer than 5 of 14"``)
    when a rate rests on a count of 1 to 4, unless the copy is internal."""
    if _missing(v.value):
        return "n/a"
    if not v.internal and v.is_rate and is_small(v.numerator, v.denominator):
        return f"{SUPPRESSED_WORDS} of {value_text(v.denominator, is_rate=False)}" \
            if not is_small(v.denominator) else "not shown (a small number)"
    if not v.internal and not v.is_rate and is_small(v.value):
        return SUPPRESSED_WORDS
    return _value(v, v.value)


def rule_reason(v: Verdict) -> str:
    """Why the latest judged month is a special cause, in words (``""`` for common cause)."""
    if not v.special:
        return ""
    month, above = month_name(v.latest_month), v.side == "high"
    run = v.signal_months
    if v.rule == "beyond_limit":
        reason = (f"{month} ({latest_value_text(v)}) is {'above the upper' if above else 'below the lower'} "
                  "process limit")
        if run > 1 and all(v.segment["rule"].iloc[-run:] == "beyond_limit"):
            reason += (f", as was {month_name(v.previous_month)}" if run == 2
                       else f", as were the {_months(run - 1)} before it")
        elif run > 1:
            reason += f"; the signal has lasted {_months(run)}, since {month_name(v.signal_since)}"
        return reason
    if v.rule == "shift":
        return (f"{_months(run)} in a row, {month_name(v.signal_since)} to {month}, are "
                f"{'above' if above else 'below'} the average")
    if v.rule == "trend":
        return f"{_months(run)} in a row, to {month}, have each {'risen' if above else 'fallen'}"
    if v.rule == "two_of_three":
        reason = f"two of the three months to {month} are close to the {'upper' if above else 'lower'} process limit"
        return reason if run == 1 else f"{reason} (a signal since {month_name(v.signal_since)})"
    return f"the '{v.rule}' rule fired"


def period_words(v: Verdict) -> str:
    """The months the current mean and limits rest on: ``"April 2013 to October 2015"``, or
    ``"January 2015 to October 2015, since the change declared for January 2015: IHA process
    redesigned"``."""
    span = f"{month_name(v.segment_start)} to {month_name(v.latest_month)}"
    change = v.segment_change
    return f"{span}, since the declared change: {change.what}" if change else span


def maturing_note(v: Verdict) -> str:
    """Which months are shown but not judged, and why (``""`` when none)."""
    if v.maturing is None or v.maturing.empty:
        return ""
    months = [month_name(m) for m in v.maturing["month"]]
    what = ("of its contacts still await a decision" if v.maturing_kind == "decisions"
            else "of its children are not yet due an assessment")
    shares = ", ".join(f"{round(float(s) * 100)}%" for s in v.maturing["share"])
    names = months[0] if len(months) == 1 else ", ".join(months[:-1]) + " and " + months[-1]
    verb, shown = ("is", "a hollow point") if len(months) == 1 else ("are", "hollow points")
    return f"{names} {verb} still maturing ({shares} {what}) and {verb} shown as {shown}, not judged."


def verdict_sentence(v: Verdict) -> str:
    """The verdict on a KPI in words: the variation (and the rule, in plain words), the current
    segment's average and process limits with the months they rest on, whether those limits
    describe the process now, trial limits, and the months still maturing."""
    if v.too_few:
        text = f"{v.label}: {VARIATION_WORDS['too_few']} ({_months(v.n_judged)} so far)."
        note = maturing_note(v)
        return f"{text} {note}" if note else text
    head = f"{v.label}: {VARIATION_WORDS[v.variation]}"
    if v.special:
        head += f" — {rule_reason(v)}"
    lpl, upl = _value(v, v.lpl), _value(v, v.upl)
    if v.special and (v.signal_months >= SUSTAINED or v.rule in ("shift", "trend")):
        level = (f"The average is {_value(v, v.mean)}, with process limits of {lpl} to {upl} "
                 f"({period_words(v)}); the months since {month_name(v.signal_since)} do not fit them, so these "
                 "limits describe the process before it changed, not a range to expect now.")
    elif v.special:
        level = (f"The average is {_value(v, v.mean)}, with process limits of {lpl} to {upl} "
                 f"({period_words(v)}): a signal to look into, but {_months(v.signal_months)} is too short a run "
                 "to say the process has changed.")
    else:
        level = (f"In {month_name(v.latest_month)} it was {latest_value_text(v)}, within the process limits of "
                 f"{lpl} to {upl} around an average of {_value(v, v.mean)} ({period_words(v)}): a month in that range "
                 "is what this process usually gives.")
    text = f"{head}. {level}"
    if v.trial:
        text += f" The limits are provisional: they rest on only {_months(v.n_points)}."
    note = maturing_note(v)
    return f"{text} {note}" if note else text


def assurance_sentence(v: Verdict) -> str:
    """Will the process meet its target? (``""`` without a target)."""
    if v.target is None:
        return ""
    target = _value(v, v.target.value)
    if v.assurance is None:
        return f"{v.label}: the target is {target}; too few months to say whether it will be met."
    words = {"consistent_pass": f"the target of {target} lies beyond the limits on the good side, so the process "
                                "as it stands will meet it month after month",
             "consistent_fail": f"the target of {target} lies beyond the limits on the wrong side, so the process "
                                "as it stands will miss it month after month",
             "inconsistent": f"the target of {target} lies within the process limits, so the process will meet it "
                             "in some months and miss it in others"}[v.assurance]
    text = f"{v.label}: {words}"
    if v.special:
        text += " (judged on limits the latest months do not fit: read it with care)"
    return text + "."


def proposal_sentence(v: Verdict) -> str:
    """A sustained shift the rules see, proposed (not applied) as a change point: for the
    internal copy only."""
    p = v.proposal
    if p is None:
        return ""
    return (f"{v.label}: the {_months(p.months)} from {month_name(p.month)} are all {p.side} the average. If the "
            f"process changed in {month_name(p.month)}, declare it in changes.yml (kpi: {v.kpi}, month: {p.month}, "
            "what: …) and the limits will be recalculated from then; until it is declared, it is not applied.")


def new_signal_sentence(v: Verdict) -> str:
    """A special cause that began with the latest judged month: what changed, in words."""
    return f"{v.label}: a new signal in {month_name(v.latest_month)} — {VARIATION_WORDS[v.variation]}: {rule_reason(v)}"


def continuing_clause(v: Verdict) -> str:
    """``"Contacts on a MARF (special cause variation, improving, since May 2015)"``."""
    return f"{v.label} ({VARIATION_WORDS[v.variation]}, since {month_name(v.signal_since)})"


def sparkline_title(v: Verdict) -> str:
    """The words of a verdict's sparkline (its title and accessible name)."""
    months = sorted([*(m.strftime("%Y-%m") for m in v.frame["x"]), *list(v.maturing["month"])])
    if not months:
        return f"{v.label}: no months to draw"
    text = (f"{v.label}, {month_name(months[0])} to {month_name(months[-1])}: each month as a point, with the average "
            "and the process limits")
    if v.target is not None:
        text += " and the target"
    if len(v.maturing):
        text += "; hollow points are still maturing"
    return text


def panels_latest_clause(special: list[str]) -> str:
    """The latest month of small-multiple panels in words (a chart's alt text): which panels show
    special cause variation, or that none does."""
    from hwb_kpis.report.words import join_words

    if special:
        return f"The latest month shows special cause variation for {join_words(special)}"
    return "In every panel the latest month shows common cause variation (no signal of change)"


def chart_title(variation: str, label: str) -> str:
    """A chart title that states the finding: ``"Repeat contacts: no signal of change"``."""
    words = {"common_cause": "no signal of change", "improvement": "a signal of improvement",
             "concern": "a signal of concern", "neither": "a signal of change",
             "too_few": "too few months to judge"}[variation]
    return f"{label}: {words}"


#: what a page says when no month of a measure is complete yet
NOT_JUDGED = ("No month of {what} is complete yet (the latest is still maturing, or there is none), so it is not "
              "judged and agencies are not compared.")
#: a clause for a page that found no signal
NO_SIGNAL_CLAUSE = "no measure shows a special cause"
#: the heading words of the icon key
ICON_KEY_INTRO = ("How to read the icons (after NHS England's Making Data Count): the variation icon says whether "
                  "the latest month is a signal of change (H: higher than usual, L: lower than usual; the outline "
                  "says whether that is better, worse or neither); the assurance icon says whether the process, as it "
                  "stands, will meet its target.")


# --- before and after a training date (hwb_kpis.report.training) ---------------------------------
def _pp(v: float) -> str:
    return f"{abs(v):.0f} percentage point{'' if round(abs(v)) == 1 else 's'}"


def _signed_points(v: float) -> str:
    return f"{v:+.0f}".replace("-", "\u2212")


def training_sentence(who: str, when: str, measure_words: str, row: Mapping) -> str:
    """What the interrupted time series says of one agency and measure around its training date
    (a row of :func:`hwb_kpis.report.training.fit_training`), in the style guide's words: a change
    is named ("rose", "fell") only when ``level_named``/``slope_named`` (its 95% interval excludes
    no change and it survives the false-discovery control); otherwise "no clear change ... consistent
    with no change". Always with the months it rests on; never a forecast."""
    status = row.get("status")
    months = f"{row['n_before']} months before and {row['n_after']} from {when} on"
    if status == "too few months":
        return (f"{who}: {measure_words} cannot yet be compared before and after the training in {when}: the "
                f"comparison needs at least {row['min_before']} months before and {row['min_after']} from it on, and has "
                f"{months}.")
    if status != "fitted":
        return f"{who}: the model of {measure_words} around the training in {when} could not be fitted ({months})."
    interval = f"95% interval {_signed_points(row['level_pp_low'])} to {_signed_points(row['level_pp_high'])} points"
    if row["level_named"]:
        direction = "rose" if row["level_pp"] > 0 else "fell"
        text = (f"{who}: from {when}, {measure_words} {direction} by about {_pp(row['level_pp'])} against the agencies "
                f"with no training date ({interval}; {months})")
    elif row.get("level_excludes"):
        text = (f"{who}: {measure_words} from {when} differed from the agencies with no training date by about "
                f"{_signed_points(row['level_pp'])} percentage points ({interval}; {months}), but with several agencies "
                "compared this could be chance: it does not survive the control of false discoveries, so it is "
                "not called a change")
    else:
        text = (f"{who}: no clear change in {measure_words} from {when} against the agencies with no training date "
                f"(about {_signed_points(row['level_pp'])} percentage points, {interval}; consistent with no change; "
                f"{months})")
    if row["slope_named"]:
        way = "rising" if row["slope_odds_ratio"] > 1 else "falling"
        text += (f"; its monthly trend turned {way} (odds {abs(row['slope_odds_ratio'] - 1):.0%} a month "
                 f"{'higher' if row['slope_odds_ratio'] > 1 else 'lower'})")
    return text + ". This describes the months observed; it is not a forecast, and a change is not proof the training caused it."
