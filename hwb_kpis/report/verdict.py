"""Making Data Count verdicts in words: the only place that names a variation ("special cause",
"common cause", "a real change"), an assurance or an SPC rule for a reader. The statistics in
:mod:`hwb_kpis.stats.spc` return codes (``improvement``, ``beyond_limit``…); this module says
what they mean, on charts, in titles and in sentences."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from hwb_kpis.report.words import missing as _missing
from hwb_kpis.report.words import month_name, value_text

#: NHS "Making Data Count" variation verdicts, as icon + words
VERDICTS: dict[str, tuple[str, str]] = {
    "common_cause": ("⚪", "common cause variation: no signal that anything has changed"),
    "improvement": ("🔵", "special cause improvement: a real change for the better"),
    "concern": ("🟠", "special cause concern: a real change for the worse"),
    "neither": ("🟣", "special cause variation: a real change, in a direction that is neither good nor bad"),
    "too_few": ("⚫", "too few months to judge"),
}

#: short names of the variation codes (chart legends)
VARIATION_NAMES = {
    "common_cause": "Common cause",
    "improvement": "Improvement",
    "concern": "Concern",
    "neither": "Special cause (neither)",
}
#: NHS Making Data Count wording of each variation code
VARIATION_LABELS = {
    "common_cause": "Common cause variation: no significant change",
    "improvement": "Special cause variation: improvement",
    "concern": "Special cause variation: concern",
    "neither": "Special cause variation: neither improvement nor concern",
}
#: assurance codes: (letter on the icon, words)
ASSURANCE_LABELS = {
    "consistent_pass": "The target will consistently be met",
    "consistent_fail": "The target will consistently be missed",
    "inconsistent": "The target may or may not be met (it lies within the process limits)",
}
ASSURANCE_LETTERS = {"consistent_pass": "P", "consistent_fail": "F", "inconsistent": "?"}
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


def spc_verdict(chart: pd.DataFrame, improvement_direction: str | None = None) -> dict:
    """The Making Data Count verdict on the latest point of an SPC frame (``hwb_kpis.stats.xmr`` /
    ``p_chart``: one row per point with ``y``, ``mean``, ``special_cause``, ``rule``, ``variation``).

    Uses the frame's own ``variation`` column when it has one; otherwise a latest point flagged as
    special cause is an improvement or a concern according to its side of the mean and the
    direction of improvement (``neither`` when the direction is neutral). Returns a dict with
    ``key`` (common_cause / improvement / concern / neither / too_few), ``icon``, ``words``,
    ``rule``, ``n_points``, ``trial`` (fewer than 12 points: limits are provisional), and the
    latest ``y``, ``mean``, ``lpl``, ``upl``.
    """
    direction = improvement_direction or chart.attrs.get("improvement_direction", "neutral")
    data = chart.dropna(subset=["y"]) if "y" in chart.columns else chart
    n = len(data)
    if n < 2:
        icon, words = VERDICTS["too_few"]
        return {"key": "too_few", "icon": icon, "words": words, "rule": "", "n_points": n, "trial": True, "since": None,
                "y": float("nan"), "mean": float("nan"), "lpl": float("nan"), "upl": float("nan")}
    last = data.iloc[-1]
    rule = last.get("rule", "")
    rule = "" if _missing(rule) else str(rule)
    key = None
    if "variation" in data.columns and not _missing(last["variation"]):
        text = str(last["variation"]).lower()
        for k in ("improvement", "concern", "common_cause", "neither"):
            if k in text.replace(" ", "_"):
                key = k
                break
    if key is None:
        special = last.get("special_cause", False)
        if _missing(special) or not bool(special):
            key = "common_cause"
        elif direction == "neutral":
            key = "neither"
        else:
            above = float(last["y"]) > float(last["mean"])
            key = "improvement" if above == (direction == "increase") else "concern"
    since = None
    if "segment" in data.columns and data["segment"].nunique() > 1:
        segment = data[data["segment"] == last["segment"]]
        n = len(segment)
        if "x" in segment.columns:
            since = pd.Timestamp(segment["x"].iloc[0]).strftime("%Y-%m")
    trial = bool(last["trial_limits"]) if "trial_limits" in data.columns else n < 12
    icon, words = VERDICTS[key]
    return {"key": key, "icon": icon, "words": words, "rule": rule, "n_points": n, "trial": trial, "since": since,
            **{k: float(last[k]) if k in last.index and not _missing(last[k]) else float("nan")
               for k in ("y", "mean", "lpl", "upl")}}


#: the special-cause rules of ``hwb_kpis.stats`` in plain words
RULE_WORDS = {
    "beyond_limit": "the latest month is outside the range normal variation would give",
    "trend": "the last seven months have each moved the same way",
    "two_of_three": "two of the last three months are close to the edge of normal variation",
    "shift": "seven or more months in a row are on the same side of the average",
}


def rule_words(rule: str) -> str:
    return RULE_WORDS.get(str(rule), f"the '{rule}' rule fired" if rule else "")


def spc_sentence(summary: pd.DataFrame | Mapping, label: str = "This measure", *, is_rate: bool = True,
                 improvement_direction: str | None = None) -> str:
    """One sentence on an SPC chart for the board: icon, the verdict, why, and the average with
    the range of normal variation. ``summary`` is an SPC frame or a :func:`spc_verdict` dict."""
    verdict = spc_verdict(summary, improvement_direction) if isinstance(summary, pd.DataFrame) else dict(summary)
    if verdict["key"] == "too_few":
        return f"{verdict['icon']} {label}: {verdict['words']} ({verdict['n_points']} months)."
    sentence = f"{verdict['icon']} {label}: {verdict['words']}"
    why = rule_words(verdict.get("rule", "")) if verdict["key"] != "common_cause" else ""
    if why:
        sentence += f" ({why})"
    mean, lpl, upl = (verdict.get(k, float("nan")) for k in ("mean", "lpl", "upl"))
    if not _missing(mean):
        since = f" since {month_name(verdict['since'])}" if verdict.get("since") else ""
        sentence += f". The average{since} is {value_text(mean, is_rate=is_rate)}"
        if not _missing(lpl) and not _missing(upl):
            sentence += (f"; a month between {value_text(max(float(lpl), 0.0), is_rate=is_rate)} and "
                         f"{value_text(upl, is_rate=is_rate)} is within normal variation")
    if verdict.get("trial"):
        sentence += f" (provisional limits: only {verdict['n_points']} months)"
    return sentence + "."


def chart_title(verdict: Mapping, label: str) -> str:
    """A chart title that states the finding: ``"Repeat contacts: no signal of change"``."""
    words = {"common_cause": "no signal of change", "improvement": "a real improvement",
             "concern": "a real change for the worse", "neither": "a real change",
             "too_few": "too few months to judge"}[verdict["key"]]
    return f"{label}: {words}"


#: what each verdict icon says about the latest month, for the key beside a list of verdicts
ICON_MEANINGS = {
    "common_cause": "the latest month is within normal variation",
    "improvement": "a real change for the better",
    "concern": "a real change for the worse",
    "neither": "a real change where neither direction is better",
}

#: a clause for a page that found no verdict other than common cause
NO_SIGNAL_CLAUSE = "none shows a signal of real change"


def icon_key() -> str:
    """The key to the verdict icons: ``"⚪ means the latest month is within normal variation; 🔵 a
    real change for the better; …"``."""
    parts = [f"{VERDICTS[key][0]} {words}" for key, words in ICON_MEANINGS.items()]
    parts[0] = parts[0].replace(" ", " means ", 1)
    return "; ".join(parts) + "."
