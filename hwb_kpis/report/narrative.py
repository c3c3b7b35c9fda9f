"""Plain words for the board pack: every sentence a notebook shows is computed here, never typed.

The notebooks hand this module the tidy frames the package computes (KPI frames with columns
``kpi, group, month, numerator, denominator, rate``; SPC frames from ``hwb_kpis.stats``; model
tables) and get back short sentences a board member can read without help. Nothing here decides a
figure: it only reads the numbers it is given, rounds them the way the pack prints them (whole
percent, thousands separators) and picks the words that fit them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from hwb_kpis import periods
from hwb_kpis.kpis import registry
from hwb_kpis.privacy.disclosure import (
    SUPPRESSED_RATE,
    SUPPRESSED_WORDS,
    banner_markdown,
    is_small,
    published_html,
    safe_count,
    suppress,
)
from hwb_kpis.report.verdict import (  # noqa: F401  (re-exported while pages move out)
    RULE_WORDS,
    VERDICTS,
    chart_title,
    rule_words,
    spc_sentence,
    spc_verdict,
)
from hwb_kpis.report.words import (  # noqa: F401
    bullets,
    count,
    fmt_date,
    join_words,
    month_name,
    percent,
    points,
    shift_month,
    value_text,
)
from hwb_kpis.report.words import missing as _missing

#: source groups (``reference/referral_sources.csv``) as a board member reads them
GROUP_LABELS: dict[str, str] = {
    "all": "all agencies",
    "individual": "individuals",
    "schools": "schools",
    "education": "education services",
    "health": "health",
    "housing": "housing",
    "la_services": "LA services",
    "police": "police",
    "legal": "legal agencies",
    "other": "other agencies",
    "anonymous": "anonymous",
    "unknown": "unknown source",
}


def group_label(group: str) -> str:
    """``"la_services"`` → ``"LA services"``; ``"code:3E"`` → ``"code 3E"``."""
    g = str(group)
    if g.startswith("code:"):
        return f"code {g[5:]}"
    return GROUP_LABELS.get(g, g.replace("_", " "))


# --- formatting ------------------------------------------------------------------------------
def kpi_label(kpi: str) -> str:
    return registry.label(kpi)


def kpi_direction(kpi: str) -> str:
    return registry.direction(kpi)


def is_rate_kpi(kpi: str) -> bool:
    """True when the KPI's headline is its rate; False for a count such as the number of contacts."""
    return registry.is_rate(kpi)


# --- this month vs last month vs same month last year ---------------------------------------
PERIODS = ("this month", "last month", "same month last year")


def compare_periods(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None) -> pd.DataFrame:
    """One KPI for one group: this month, last month and the same month last year.

    Returns a frame indexed by period (``this month``, ``last month``, ``same month last year``)
    with ``month``, ``numerator``, ``denominator``, ``rate`` and ``value`` (the rate for a rate KPI,
    the numerator for a count KPI); a month absent from ``kpi_df``, or flagged
    ``incomplete_history`` (a repeat rate without a full year of history before it), gives a row
    of missing values.
    ``month`` defaults to the latest month of the KPI.
    """
    rows = kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["group"] == group)]
    if "period" in rows.columns:  # reporting-year rows (re-referrals) are not months
        rows = rows[rows["period"] == "month"]
    if month is None:
        if rows.empty:
            raise ValueError(f"no rows for kpi {kpi!r}, group {group!r}")
        month = str(rows["month"].max())
    rate_kpi = is_rate_kpi(kpi)
    by_month = rows.assign(month=rows["month"].astype(str)).drop_duplicates("month", keep="last").set_index("month")
    incomplete = (by_month["incomplete_history"].astype("boolean").fillna(False)
                  if "incomplete_history" in by_month.columns else pd.Series(False, index=by_month.index))
    out = []
    for period, m in zip(PERIODS, [str(month), shift_month(month, -1), shift_month(month, -12)], strict=True):
        values = {c: float("nan") for c in ("numerator", "denominator", "rate")}
        if m in by_month.index and not bool(incomplete[m]):
            values = {c: pd.to_numeric(pd.Series([by_month.at[m, c]]), errors="coerce").iloc[0] for c in values}
        out.append({"period": period, "month": m, **values,
                    "value": values["rate"] if rate_kpi else values["numerator"]})
    frame = pd.DataFrame(out).set_index("period")
    frame.attrs["kpi"] = kpi
    frame.attrs["group"] = group
    frame.attrs["is_rate"] = rate_kpi
    return frame


def change_sentence(current, previous, *, is_rate: bool = True, previous_label: str = "last month",
                    tolerance: float | None = None) -> str:
    """How a value moved: ``"up 3 points from 55% last month"``, ``"down 120 from 1,520 last month"``,
    ``"the same as last month (55%)"``; ``"no comparable figure last month"`` when one is missing.

    Rates are compared as the pack prints them (whole percent); counts as whole numbers, or within
    ``tolerance`` (a share of the previous value) for "about the same".
    """
    if _missing(previous):
        return f"no comparable figure {previous_label}"
    if _missing(current):
        return f"no comparable figure this month ({value_text(previous, is_rate=is_rate)} {previous_label})"
    if is_rate:
        diff = round(float(current) * 100) - round(float(previous) * 100)
        if diff == 0:
            return f"the same as {previous_label} ({percent(previous)})"
        word = "up" if diff > 0 else "down"
        unit = "point" if abs(diff) == 1 else "points"
        return f"{word} {abs(diff)} {unit} from {percent(previous)} {previous_label}"
    diff = round(float(current)) - round(float(previous))
    if diff == 0 or (tolerance and previous and abs(diff) <= tolerance * abs(float(previous))):
        return f"about the same as {previous_label} ({count(previous)})"
    word = "up" if diff > 0 else "down"
    share = f", {abs(diff) / float(previous):.0%}" if previous else ""
    return f"{word} {count(abs(diff))}{share} from {count(previous)} {previous_label}"


def comparison_sentence(comparison: pd.DataFrame, label: str | None = None, *, internal: bool = False) -> str:
    """One sentence from :func:`compare_periods`: this month's value and how it compares with last
    month and the same month last year. A figure resting on a count of 1 to 4 is not given
    (unless ``internal``)."""
    kpi = comparison.attrs.get("kpi", "")
    is_rate = bool(comparison.attrs.get("is_rate", True))
    label = label or kpi_label(kpi)
    values = {}
    for p in PERIODS:
        r = comparison.loc[p]
        hidden = not internal and is_small(r["numerator"], r["denominator"] if is_rate else None)
        values[p] = float("nan") if hidden else r["value"]
    this = comparison.loc["this month"]
    if _missing(values["this month"]) and not _missing(this["value"]):
        return f"**{label}** in {month_name(this['month'])}: not shown, as it rests on {SUPPRESSED_WORDS}."
    head = f"**{label}** in {month_name(this['month'])}: {value_text(values['this month'], is_rate=is_rate)}"
    if is_rate and not _missing(this["denominator"]):
        head += f" ({count(this['numerator'])} of {count(this['denominator'])})"
    last = change_sentence(values["this month"], values["last month"], is_rate=is_rate, previous_label="last month")
    year = change_sentence(values["this month"], values["same month last year"], is_rate=is_rate,
                           previous_label=f"in {month_name(comparison.loc['same month last year', 'month'])}")
    return f"{head}; {last}; {year}."


def _comparisons(kpi_df: pd.DataFrame, items: Sequence[tuple[str, str]], month: str,
                 month_for: Mapping[tuple[str, str], str] | None = None):
    """For each (kpi, group) present in ``kpi_df``: ``(kpi, group, own month, compare_periods(...))``,
    where ``own month`` is ``month_for``'s month for that item, else ``month``."""
    for kpi, group in items:
        if kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["group"] == group)].empty:
            continue
        own = (month_for or {}).get((kpi, group), month)
        yield kpi, group, own, compare_periods(kpi_df, kpi, group, own)


def comparison_table(kpi_df: pd.DataFrame, items: Sequence[tuple[str, str]], month: str, *,
                     internal: bool = False, month_for: Mapping[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """The board summary table: one row per (kpi, group) with this month, last month and the same
    month last year as printed text, and this month's counts.

    Every figure goes through :func:`hwb_kpis.privacy.suppress` (unless ``internal``): a count of 1
    to 4 prints as ``<5`` and a rate based on one as ``*``. Columns: ``measure``, ``this month``,
    ``last month``, ``same month last year``, ``count``, ``out of``. ``month_for`` gives an item
    its own month (e.g. the latest IHA cohort whose children are all due), named in its label.
    """

    long = []
    for kpi, group, own, comp in _comparisons(kpi_df, items, month, month_for):
        label = kpi_label(kpi) + ("" if group == "all" else f" – {group_label(group)}")
        if own != month:
            label += f" ({month_name(own)})"
        for period in PERIODS:
            r = comp.loc[period]
            long.append({"measure": label, "period": period, "is_rate": comp.attrs["is_rate"],
                         "numerator": r["numerator"], "denominator": r["denominator"] if comp.attrs["is_rate"] else float("nan"),
                         "rate": r["rate"]})
    columns = ["measure", *PERIODS, "count", "out of"]
    if not long:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(long)
    shown = suppress(frame, count_columns=["numerator", "denominator"], rate_columns=["rate"], internal=internal)
    if internal:
        for c in ("numerator", "denominator"):
            shown[c] = shown[c].map(count).astype("object")
    shown["value"] = [percent(r) if is_rate else num for r, num, is_rate in
                      zip(shown["rate"], shown["numerator"], shown["is_rate"], strict=True)]
    shown["value"] = shown["value"].map(lambda v: "n/a" if v in ("", None) else v)
    wide = shown.pivot(index="measure", columns="period", values="value")
    this = shown[shown["period"] == "this month"].set_index("measure")
    out = pd.DataFrame({"measure": list(dict.fromkeys(shown["measure"]))})
    for p in PERIODS:
        out[p] = out["measure"].map(wide[p])
    out["count"] = out["measure"].map(this["numerator"])
    out["out of"] = out["measure"].map(this["denominator"]).fillna("").replace({"n/a": ""})
    return out[columns]


# --- SPC -------------------------------------------------------------------------------------
# --- trends and models -----------------------------------------------------------------------
def _attr(obj, name: str, default=None):
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def trend_sentence(trend, measure: str = "the rate") -> str:
    """Plain words for a :func:`hwb_kpis.stats.glm_trend` result: is the rate really rising or
    falling, by how many percentage points a month and a year, with the 95% interval. A change
    whose interval includes zero is reported as no clear trend."""
    pp, ci = _attr(trend, "pp_per_month"), _attr(trend, "pp_ci")
    n = _attr(trend, "n_months")
    if pp is None or ci is None or _missing(pp):
        text = _attr(trend, "sentence")
        return text if isinstance(text, str) else f"No trend could be estimated for {measure}."
    lo, hi = float(ci[0]), float(ci[1])
    over = f" over {n} months" if n else ""
    extra = " The model allows for month-to-month variation beyond chance." if _attr(trend, "quasi") else ""
    if lo <= 0 <= hi:
        return (f"**No clear trend:** {measure} changed by {float(pp):+.1f} percentage points a month{over} "
                f"(95% interval {lo:+.1f} to {hi:+.1f}), which is consistent with no change.{extra}")
    verb = "rising" if pp > 0 else "falling"
    return (f"**Yes, {measure} is really {verb}:** by about {abs(float(pp)):.1f} percentage points a month{over} "
            f"(95% interval {abs(lo) if pp > 0 else abs(hi):.1f} to {abs(hi) if pp > 0 else abs(lo):.1f}), "
            f"about {abs(float(pp)) * 12:.0f} points a year.{extra}")


def overdispersion_sentence(test: Mapping, *, what: str = "month to month") -> str:
    """Plain words for :func:`hwb_kpis.stats.overdispersion_test` (keys ``sigma_z``, ``phi``,
    ``p_value``, ``use_laney``): does the rate vary more than chance alone would give?"""
    if not test:
        return "The over-dispersion test could not be run."
    sigma_z, p = float(test["sigma_z"]), float(test["p_value"])
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    if test.get("use_laney"):
        return (f"The rate varies {what} more than chance alone would give (spread {sigma_z:.1f} times "
                f"the chance level; {p_text}), so the chart uses Laney's p′ limits, which allow for this "
                "extra variation and flag only changes beyond it.")
    if p < 0.05:
        return (f"The rate varies more than chance over the whole period ({p_text}) but not from one month "
                f"to the next (spread {sigma_z:.1f} times the chance level): a trend or shift rather than noise, "
                "so the ordinary p-chart is used and will show it.")
    return f"The rate varies {what} no more than chance would give ({p_text}), so ordinary p-chart limits are used."


def funnel_sentence(funnel: pd.DataFrame, *, what: str = "rate", name_col: str = "label") -> str:
    """Which units lie outside the funnel limits (:func:`hwb_kpis.stats.funnel_limits` frame with
    ``label``, ``flag`` such as ``above 99.8%`` / ``below 95%`` / ``within``)."""
    if funnel is None or len(funnel) == 0:
        return "No agency had enough contacts for a funnel plot."
    flag = funnel["flag"].astype("string").fillna("within")
    wide = [group_label(x) for x in funnel.loc[flag.str.endswith("99.8%"), name_col]]
    above = [group_label(x) for x in funnel.loc[flag.str.startswith("above") & flag.str.endswith("99.8%"), name_col]]
    below = [group_label(x) for x in funnel.loc[flag.str.startswith("below") & flag.str.endswith("99.8%"), name_col]]
    narrow = [group_label(x) for x in funnel.loc[flag.str.endswith("95%"), name_col]]
    if not wide and not narrow:
        return (f"Every agency's {what} lies inside the funnel: the differences between agencies are "
                "no bigger than chance would give.")
    parts = []
    if above:
        parts.append(f"well above the average: {join_words(above)}")
    if below:
        parts.append(f"well below the average: {join_words(below)}")
    s = ""
    if parts:
        s = f"{'; '.join(parts)} (beyond the 99.8% limits, so very unlikely to be chance). "
    if narrow:
        s += f"Between the 95% and 99.8% limits, worth watching but possibly chance: {join_words(narrow)}."
    s = s.strip()
    return f"For the {what}, {s}"


# --- repeat contacts -------------------------------------------------------------------------
OUTCOME_WORDS = {
    "referral": "a referral to social care",
    "nfa": "no further action",
    "advice": "advice only",
    "early_help": "early help",
    "pending": "still pending",
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


def repeat_reduction_findings(odds_table: pd.DataFrame, *, potential: pd.DataFrame | None = None) -> list[str]:
    """Plain-words "what would reduce repeats", driven by the odds ratios of
    :func:`hwb_kpis.stats.recontact_drivers` (``term, level, odds_ratio, ci_low, ci_high,
    is_reference``).

    For each factor (MARF use, the earlier decision, agency, age) the level that goes with more
    repeats is found from the numbers, whichever level the model used as its reference: a finding
    is made only when a difference is clear of chance (its 95% interval excludes 1), states its
    size, and carries the action that fits the worse level. Factors are given in the order the
    partnership can act on them (MARF first). Levels that are unknown, and an earlier *referral*
    (which by definition cannot make a repeat), are not turned into findings. ``potential``
    (from :func:`repeats_avoidable`) adds how many repeats a month would not happen if the
    higher-risk group had the lower group's rate. Never returns an empty list.
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
            if not _missing(r["avoidable_per_month"]) and r["avoidable_per_month"] >= 1:
                out.append(
                    f"If contacts where {r['risk_words']} had the same repeat rate as those where "
                    f"{r['reference_words']} ({percent(r['rate_risk'])} against {percent(r['rate_reference'])}), "
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
    out = odds_table[keep].copy()
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


def excluded_note(odds_table: pd.DataFrame) -> str:
    """The groups ``recontact_drivers`` left out (``attrs["excluded"]``: every or no contact in them
    is a repeat, so there is nothing to compare), in plain words; empty when none."""
    items = [str(x).replace("Earlier outcome: unknown", "no earlier contact").replace("none repeats", "none are repeats")
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


def repeats_avoidable(contacts: pd.DataFrame, column: str, risk_value, reference_value, *,
                      risk_words: str, reference_words: str, months: int | None = None) -> pd.DataFrame:
    """Repeats a month that would not occur if contacts with ``column == risk_value`` had the repeat
    rate of those with ``column == reference_value`` (uses ``is_repeat`` from ``flag_repeats``).

    Returns one row: ``rate_risk``, ``rate_reference``, ``n_risk``, ``avoidable``,
    ``avoidable_per_month``, ``risk_words``, ``reference_words``.
    """
    col = contacts[column]
    risk = contacts[(col == risk_value).fillna(False).to_numpy(bool)]
    ref = contacts[(col == reference_value).fillna(False).to_numpy(bool)]
    rate_risk = float(risk["is_repeat"].astype(float).mean()) if len(risk) else float("nan")
    rate_ref = float(ref["is_repeat"].astype(float).mean()) if len(ref) else float("nan")
    avoidable = max(0.0, (rate_risk - rate_ref) * len(risk)) if len(risk) and len(ref) else 0.0
    if months is None:
        months = contacts["month"].nunique() if "month" in contacts else 1
    return pd.DataFrame([{
        "rate_risk": rate_risk, "rate_reference": rate_ref, "n_risk": len(risk), "avoidable": avoidable,
        "avoidable_per_month": avoidable / max(months, 1), "risk_words": risk_words,
        "reference_words": reference_words,
    }])


def repeats_per_child(contacts: pd.DataFrame, *, child_col: str = "child_id", top: int = 5) -> pd.DataFrame:
    """Distribution of repeat contacts per child — counts only, never ids.

    Returns ``repeats`` (``"1"``, ``"2"``, … up to ``"{top}+"``) and ``children`` (how many children
    had that many repeat contacts), for children with at least one repeat.
    """
    flags = contacts["is_repeat"].astype("boolean").fillna(False).to_numpy(bool)
    per = contacts.loc[flags].groupby(child_col).size()
    capped = per.clip(upper=top)
    dist = capped.value_counts().reindex(range(1, top + 1), fill_value=0)
    labels = [str(k) if k < top else f"{top}+" for k in dist.index]
    return pd.DataFrame({"repeats": labels, "children": dist.to_numpy(dtype="int64")})


def repeats_per_child_sentence(dist: pd.DataFrame) -> str:
    total = int(dist["children"].sum())
    if total == 0:
        return "No child had a repeat contact in this period."
    one = int(dist["children"].iloc[0])
    many = int(dist["children"].iloc[-1])
    top = dist["repeats"].iloc[-1].rstrip("+")
    many_text = "none" if many == 0 else safe_count(many)
    return (f"{count(total)} children had at least one repeat contact; {one / total:.0%} of them had exactly one, "
            f"and {many_text} had {top} or more.")


def km_sentence(shares: pd.DataFrame) -> str:
    """Plain words for :func:`hwb_kpis.stats.km_recontact` (``group, horizon, share, at_risk``):
    the share of children contacted again within 3, 6 and 12 months, overall and by agency."""
    if shares is None or len(shares) == 0:
        return "Time to re-contact could not be estimated."
    ok = shares[shares["at_risk"] >= 10] if "at_risk" in shares else shares
    overall = ok[ok["group"] == "all"].dropna(subset=["share"])
    if overall.empty:
        return "Time to re-contact could not be estimated: too few children were followed long enough."
    parts = [f"within {r['horizon']} in {percent(r['share'])}" for _, r in overall.iterrows()]
    parts[0] += " of cases"
    sentence = ("After a decision that the social care threshold was not met, the child was contacted about again "
                + join_words(parts))
    longest = overall["horizon"].iloc[-1]
    others = ok[(ok["group"] != "all") & (ok["horizon"] == longest)].dropna(subset=["share"])
    if len(others) >= 2:
        hi = others.loc[others["share"].astype(float).idxmax()]
        lo = others.loc[others["share"].astype(float).idxmin()]
        sentence += (f". Within {longest}, the share is highest after contacts from {group_label(hi['group'])} "
                     f"({percent(hi['share'])}) and lowest after contacts from {group_label(lo['group'])} "
                     f"({percent(lo['share'])})")
    return sentence + "."


# --- series, SPC and the notebooks' standard words --------------------------------------------
def data_note(summary: Mapping, as_of=None) -> str:
    """Where the figures come from: the extract date, the date due-ness is judged at when it
    differs, and, for the synthetic extract, a warning."""
    extract = summary.get("extract_date")
    text = f"Figures from the case-management extract up to {fmt_date(extract or as_of)}"
    if as_of is not None and extract and pd.Timestamp(as_of).normalize() != pd.Timestamp(extract).normalize():
        text += f"; initial health assessments are judged as at {fmt_date(as_of)}"
    if summary.get("synthetic"):
        text += " — **synthetic data, not real children**"
    return text + "."


def series(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None, *,
           start: str | None = None, complete_only: bool = True) -> pd.DataFrame:
    """One KPI's monthly rows for one group, in month order, up to ``month`` (and from ``start``),
    leaving out months flagged ``incomplete_history`` when ``complete_only``."""
    rows = kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["group"] == group)]
    if "period" in rows.columns:
        rows = rows[rows["period"] == "month"]
    if month is not None:
        rows = rows[rows["month"].astype(str) <= str(month)]
    if start is not None:
        rows = rows[rows["month"].astype(str) >= str(start)]
    if complete_only and "incomplete_history" in rows.columns:
        rows = rows[~rows["incomplete_history"].astype("boolean").fillna(False).to_numpy(bool)]
    return rows.sort_values("month").reset_index(drop=True)


def kpi_spc(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None, *,
            start: str | None = None, improvement_direction: str | None = None):
    """The SPC chart that fits a KPI series: XmR on the count for a count KPI; for a rate, a
    p-chart, or Laney's p′-chart when :func:`hwb_kpis.stats.overdispersion_test` recommends it.
    Months with no denominator and months with incomplete history are left out.

    Returns ``(chart, test)``: the SPC frame (``attrs["chart"]`` says which kind) and the
    over-dispersion test dict (None for a count KPI or fewer than 3 months).
    """
    from hwb_kpis import stats

    rows = series(kpi_df, kpi, group, month, start=start)
    direction = improvement_direction or kpi_direction(kpi)
    if not is_rate_kpi(kpi):
        return stats.xmr(rows["numerator"].astype(float), x=rows["month"], improvement_direction=direction), None
    rows = rows[pd.to_numeric(rows["denominator"], errors="coerce") > 0]
    num, den = rows["numerator"].astype(float), rows["denominator"].astype(float)
    test = stats.overdispersion_test(num, den) if len(rows) >= 3 else None
    chart = stats.p_chart(num, den, laney=bool(test and test["use_laney"]), x=rows["month"],
                          improvement_direction=direction)
    return chart, test


def what_changed(kpi_df: pd.DataFrame, items: Sequence[tuple[str, str]], month: str,
                 verdicts: Mapping[tuple[str, str], Mapping] | None = None, *, points_threshold: int = 3,
                 count_threshold: float = 0.1, month_for: Mapping[tuple[str, str], str] | None = None) -> list[str]:
    """What moved this month: measures whose rate moved by at least ``points_threshold`` points (or
    count by ``count_threshold`` of last month) since last month, and measures whose SPC verdict is
    not common cause. Always returns at least one sentence."""
    out = []
    for kpi, group, own, comp in _comparisons(kpi_df, items, month, month_for):
        label = kpi_label(kpi) + ("" if group == "all" else f" ({group_label(group)})")
        if own != month:
            label += f", {month_name(own)}"
        this, last = comp.loc["this month", "value"], comp.loc["last month", "value"]
        verdict = (verdicts or {}).get((kpi, group))
        signal = verdict is not None and verdict["key"] not in ("common_cause", "too_few")
        moved = False
        if not _missing(this) and not _missing(last):
            if comp.attrs["is_rate"]:
                moved = abs(round(float(this) * 100) - round(float(last) * 100)) >= points_threshold
            else:
                moved = float(last) > 0 and abs(float(this) - float(last)) >= count_threshold * float(last)
        if moved or signal:
            s = f"**{label}**: {value_text(this, is_rate=comp.attrs['is_rate'])}, " + change_sentence(
                this, last, is_rate=comp.attrs["is_rate"])
            if signal:
                s += f" — {verdict['icon']} {verdict['words']}"
            out.append(s + ".")
    if not out:
        out.append(f"No measure moved by {points_threshold} points or more since last month, and none shows a "
                   "signal of real change: the differences are within normal variation.")
    return out


def seasonal_profile(rows: pd.DataFrame, value: str = "numerator") -> pd.DataFrame:
    """Average of a monthly count by calendar month, as an index (100 = the average month).
    Returns ``month_of_year`` (1–12), ``name``, ``average``, ``years`` and ``index``."""
    m = pd.to_datetime(rows["month"].astype(str) + "-01")
    frame = pd.DataFrame({"moy": m.dt.month.to_numpy(), "v": pd.to_numeric(rows[value], errors="coerce").to_numpy()})
    g = frame.groupby("moy")["v"].agg(["mean", "size"]).reindex(range(1, 13))
    overall = float(g["mean"].mean())
    return pd.DataFrame({
        "month_of_year": range(1, 13),
        "name": [pd.Timestamp(2000, k, 1).strftime("%B") for k in range(1, 13)],
        "average": g["mean"].to_numpy(), "years": g["size"].fillna(0).astype("int64").to_numpy(),
        "index": (g["mean"] / overall * 100).to_numpy() if overall else float("nan"),
    })


def seasonality_sentence(profile: pd.DataFrame, label: str = "contacts", *,
                         by_group: Mapping[str, pd.DataFrame] | None = None) -> str:
    """``"Contacts are lowest in August (12% below an average month) and highest in …"``, and
    which group's contacts dip most in that month."""
    p = profile.dropna(subset=["index"])
    if p.empty:
        return "There are too few months to show a seasonal pattern."
    lo, hi = p.loc[p["index"].idxmin()], p.loc[p["index"].idxmax()]
    s = (f"{label[:1].upper() + label[1:]} are lowest in {lo['name']} ({abs(lo['index'] - 100):.0f}% below an "
         f"average month) and highest in {hi['name']} ({hi['index'] - 100:.0f}% above)")
    if by_group:
        dips = {g: float(prof.loc[prof["month_of_year"] == lo["month_of_year"], "index"].iloc[0])
                for g, prof in by_group.items() if prof["index"].notna().any()}
        if dips:
            g, v = min(dips.items(), key=lambda kv: kv[1])
            s += f"; the {lo['name']} dip is deepest for {group_label(g)} ({abs(v - 100):.0f}% below their average month)"
    return s + "."


def seasonality_title(profile: pd.DataFrame, by_group: Mapping[str, pd.DataFrame]) -> str:
    """A chart title stating the seasonal finding: ``"Contacts by agency: schools dip most in August"``."""
    p = profile.dropna(subset=["index"])
    if p.empty or not by_group:
        return "Contacts by agency"
    low = p.loc[p["index"].idxmin()]
    dips = {g: float(prof.loc[prof["month_of_year"] == low["month_of_year"], "index"].iloc[0])
            for g, prof in by_group.items() if prof["index"].notna().any()}
    g = min(dips, key=dips.get)
    return f"Contacts by agency: {group_label(g)} dip most in {low['name']}"


def range_sentence(rows: pd.DataFrame, label: str, *, start: str | None = None) -> str:
    """``"Since April 2015, <label> has been between 15% and 19% each month."``"""
    r = rows if start is None else rows[rows["month"].astype(str) >= start]
    r = r.dropna(subset=["rate"])
    if r.empty:
        return f"No figures for {label} in this period."
    lo, hi = float(r["rate"].min()), float(r["rate"].max())
    since = f"Since {month_name(start)}" if start else f"From {month_name(r['month'].min())}"
    return f"{since}, {label} has been between {percent(lo)} and {percent(hi)} each month."


def reporting_year_start(month: str) -> str:
    """The April that starts the reporting year of ``month``: ``"2015-11"`` → ``"2015-04"``,
    ``"2015-02"`` → ``"2014-04"``."""
    return f"{periods.reporting_year_start(month)}-{periods.APRIL:02d}"


def health_breakdown(kpi_df: pd.DataFrame, month: str, reference: pd.DataFrame, *, months: int = 12) -> pd.DataFrame:
    """Health contacts by code (3A–3F) this month and over the ``months`` to ``month``, with the
    board report's names (``reference``: :func:`hwb_kpis.coding.load_reference`).

    Returns ``code, source, this month, share this month, last 12 months, share`` sorted by the
    period total (shares are of all health contacts).
    """
    ref = reference[reference["group"] == "health"]
    start = shift_month(month, -(months - 1))
    rows = kpi_df[(kpi_df["kpi"] == "contacts") & kpi_df["group"].astype(str).str.startswith("code:")]
    if "period" in rows.columns:
        rows = rows[rows["period"] == "month"]
    rows = rows.assign(code=rows["group"].astype(str).str[5:])
    rows = rows[rows["code"].isin(list(ref["code"]))]
    now = rows[rows["month"] == month].groupby("code")["numerator"].sum()
    period = rows[(rows["month"] >= start) & (rows["month"] <= month)].groupby("code")["numerator"].sum()
    name_col = "health_breakdown" if "health_breakdown" in ref.columns else "label"
    out = pd.DataFrame({"code": list(ref["code"]), "source": list(ref[name_col].fillna(ref["label"]))})
    out["this month"] = out["code"].map(now).fillna(0).astype("int64")
    out["share this month"] = out["this month"] / max(int(out["this month"].sum()), 1)
    out[f"last {months} months"] = out["code"].map(period).fillna(0).astype("int64")
    out["share"] = out[f"last {months} months"] / max(int(out[f"last {months} months"].sum()), 1)
    return out.sort_values(f"last {months} months", ascending=False).reset_index(drop=True)


def health_breakdown_sentence(table: pd.DataFrame, *, months: int = 12) -> str:
    """Which health sources refer most, and the smallest, from :func:`health_breakdown`."""
    col = f"last {months} months"
    t = table[table[col] > 0]
    if t.empty:
        return "There were no health contacts in this period."
    first, rest = t.iloc[0], t.iloc[1:]
    s = f"Over the last {months} months the largest health referrer was {first['source']} ({percent(first['share'])} of health contacts)"
    if len(rest):
        second = rest.iloc[0]
        close = "closely " if first["share"] - second["share"] < 0.05 else ""
        s += f", {close}followed by {second['source']} ({percent(second['share'])})"
    low = table.iloc[-1]
    s += f"; the smallest was {low['source']} ({percent(low['share'])})"
    return s + "."


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
        "unknown_after_coding": float((c["source_code"].astype(str) == "10").mean()),
        "marf_unknown": float(c["marf"].isna().mean()) if "marf" in c else float("nan"),
        "recoded": float(c["recode_rule"].notna().mean()),
    }


def completeness_sentence(stats_: Mapping, month: str) -> str:
    if not stats_["n"]:
        return f"There were no contacts in {month_name(month)}."
    return (f"In {month_name(month)}, {percent(stats_['no_source'])} of contacts arrived with no usable source code, "
            f"{percent(stats_['unknown_after_coding'])} still had no known source after the free text was read, "
            f"{percent(stats_['marf_unknown'])} did not record whether a MARF was used, and "
            f"{percent(stats_['recoded'])} had their source corrected by the recoding rules.")


def group_fluctuation(kpi_df: pd.DataFrame, kpi: str, month: str, *, months: int = 12,
                      min_denominator: int = 100) -> pd.DataFrame:
    """Which agencies' monthly rate varies beyond chance over the ``months`` to ``month``:
    :func:`hwb_kpis.stats.overdispersion_test` per source group with at least ``min_denominator``
    in the period, largest first. Returns ``group, numerator, denominator, rate, sigma_z, p_value,
    verdict``."""
    from hwb_kpis import stats

    start = shift_month(month, -(months - 1))
    rows = kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["group"] != "all") & ~kpi_df["group"].astype(str).str.startswith("code:")]
    if "period" in rows.columns:
        rows = rows[rows["period"] == "month"]
    rows = rows[(rows["month"] >= start) & (rows["month"] <= month)]
    if "incomplete_history" in rows.columns:
        rows = rows[~rows["incomplete_history"].astype("boolean").fillna(False).to_numpy(bool)]
    out = []
    for group, g in rows.groupby("group", sort=True):
        g = g[pd.to_numeric(g["denominator"], errors="coerce") > 0]
        num, den = g["numerator"].astype(float), g["denominator"].astype(float)
        if den.sum() < min_denominator or len(g) < 3:
            continue
        test = stats.overdispersion_test(num, den)
        beyond = test["p_value"] < 0.05 and test["sigma_z"] > 1
        out.append({"group": str(group), "numerator": int(num.sum()), "denominator": int(den.sum()),
                    "rate": float(num.sum() / den.sum()), "sigma_z": test["sigma_z"], "p_value": test["p_value"],
                    "verdict": "varies beyond chance" if beyond else "within chance"})
    cols = ["group", "numerator", "denominator", "rate", "sigma_z", "p_value", "verdict"]
    return pd.DataFrame(out, columns=cols).sort_values("denominator", ascending=False).reset_index(drop=True)


#: small multiples beyond this many panels cannot be read at a glance
MAX_PANELS = 9


def largest_groups(table: pd.DataFrame, n: int = MAX_PANELS) -> tuple[list[str], list[str]]:
    """``(shown, rest)``: the ``n`` groups of ``table`` (a frame with ``group`` and
    ``denominator``, such as :func:`group_fluctuation`'s) with the largest denominators, largest
    first, to draw as small multiples; and the others, to be named under the chart."""
    ordered = table.sort_values("denominator", ascending=False, kind="stable")["group"].astype(str).tolist()
    return ordered[:n], ordered[n:]


def left_out_sentence(shown: Sequence[str], rest: Sequence[str], *, where: str) -> str:
    """Says which groups a chart of :func:`largest_groups` leaves out and ``where`` they are."""
    if not rest:
        return ""
    names = join_words([group_label(g) for g in rest])
    verb = "is" if len(rest) == 1 else "are"
    return (f"The chart shows the {len(shown)} agencies with the most contacts; {names} "
            f"(fewer contacts) {verb} in {where}.")


def fluctuation_sentence(table: pd.DataFrame, *, what: str = "conversion rate", months: int = 12) -> str:
    if table.empty:
        return "No agency had enough contacts to test."
    beyond = [group_label(g) for g in table.loc[table["verdict"] == "varies beyond chance", "group"]]
    within = [group_label(g) for g in table.loc[table["verdict"] != "varies beyond chance", "group"]]
    if not beyond:
        return (f"Over the last {months} months no agency's {what} varied from month to month more than "
                "chance alone would give.")
    s = (f"Over the last {months} months the {what} of {join_words(beyond)} varied from month to month more than "
         "chance alone would give")
    if within:
        s += f"; for {join_words(within)} the ups and downs are what chance would give"
    return s + "."


def kpi_funnel(kpi_df: pd.DataFrame, kpi: str, month: str, *, months: int = 1, min_denominator: int = 10):
    """Funnel-plot limits (:func:`hwb_kpis.stats.funnel_limits`) of a KPI across source groups,
    pooled over the ``months`` to ``month``; groups with fewer than ``min_denominator`` are left
    out (listed in ``attrs["left_out"]``)."""
    from hwb_kpis import stats

    start = shift_month(month, -(months - 1))
    rows = kpi_df[(kpi_df["kpi"] == kpi) & (kpi_df["group"] != "all") & ~kpi_df["group"].astype(str).str.startswith("code:")]
    if "period" in rows.columns:
        rows = rows[rows["period"] == "month"]
    rows = rows[(rows["month"] >= start) & (rows["month"] <= month)]
    if "incomplete_history" in rows.columns:
        rows = rows[~rows["incomplete_history"].astype("boolean").fillna(False).to_numpy(bool)]
    agg = rows.groupby("group", sort=True)[["numerator", "denominator"]].sum()
    keep = agg[agg["denominator"] >= min_denominator]
    funnel = stats.funnel_limits(keep["numerator"], keep["denominator"], labels=[str(g) for g in keep.index])
    funnel.attrs["left_out"] = [str(g) for g in agg.index.difference(keep.index)]
    return funnel


# --- data quality and coding ----------------------------------------------------------------
def reconciliation_sentence(summary: Mapping, *, internal: bool = False) -> str:
    """``"contacts: 44,950 raw rows = 44,861 clean + 65 quarantined + 24 exact duplicates dropped"``
    for each table, and whether every row is accounted for."""
    parts, ok = [], True
    for name, t in summary.get("tables", {}).items():
        c = {k: safe_count(t[k], internal) for k in ("raw_rows", "clean_rows", "quarantined", "duplicates_dropped")}
        parts.append(f"{name.replace('_', ' ')}: {c['raw_rows']} raw rows = {c['clean_rows']} used + "
                     f"{c['quarantined']} quarantined + {c['duplicates_dropped']} exact duplicates dropped")
        ok = ok and bool(t.get("reconciled", True))
    head = "Every raw row is accounted for" if ok else "**The row counts do not reconcile** — check the cleaning log"
    return f"{head}: " + "; ".join(parts) + "."


def unknown_by_month(contacts: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Contacts per month with no usable recorded source code, and those still unknown (code 10)
    after the free text was read: ``month, contacts, no code recorded, unknown after coding, rate``
    (rate = unknown after coding / contacts)."""
    c = contacts[(contacts["month"].astype(str) >= start) & (contacts["month"].astype(str) <= end)]
    g = pd.DataFrame({
        "month": c["month"].astype(str).to_numpy(),
        "no code recorded": c["source_code_recorded"].isna().to_numpy(),
        "unknown after coding": (c["source_code"].astype(str) == "10").to_numpy(),
    }).groupby("month")
    out = pd.DataFrame({"contacts": g.size(), "no code recorded": g["no code recorded"].sum(),
                        "unknown after coding": g["unknown after coding"].sum()}).reset_index()
    out["rate"] = out["unknown after coding"] / out["contacts"]
    for col in ("contacts", "no code recorded", "unknown after coding"):
        out[col] = out[col].astype("int64")
    return out


def recode_rule_words(rule: str, descriptions: Mapping[str, str] | None = None) -> str:
    """What a recoding rule does, from its description in ``recoding_rules.yml``."""
    if descriptions and rule in descriptions and descriptions[rule]:
        return " ".join(str(descriptions[rule]).split())
    if rule == "unknown_source":
        return "No valid code recorded and nothing in the free text matched: coded 10 (unknown)."
    return str(rule).replace("_", " ")


def recoding_by_rule(rec_summary: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Contacts recoded by rule (rows, with the change ``from → to``) and month (columns), over
    ``start``–``end``, from :func:`hwb_kpis.coding.recoding_summary`; with a ``total`` column."""
    r = rec_summary[(rec_summary["month"].astype(str) >= start) & (rec_summary["month"].astype(str) <= end)]
    if r.empty:
        return pd.DataFrame(columns=["rule", "change", "total"])
    rec = r["source_code_recorded"].astype("string").fillna("blank")
    change = (rec + " → " + r["source_code"].astype("string")).astype(str)
    per_rule = (pd.DataFrame({"rule": r["rule"].astype(str), "change": change})
                .groupby("rule")["change"].agg(lambda x: ", ".join(sorted(set(x)))))
    wide = r.assign(rule=r["rule"].astype(str), month=r["month"].astype(str)).pivot_table(
        index="rule", columns="month", values="contacts", aggfunc="sum", fill_value=0)
    wide = wide.astype("int64")
    wide["total"] = wide.sum(axis=1)
    wide = wide.sort_values("total", ascending=False)
    wide.insert(0, "change", per_rule.reindex(wide.index))
    wide.columns.name = None
    return wide.reset_index()


def school_nurse_sentence(rec_summary: pd.DataFrame, recorded: int, recoded: int, *, start: str, end: str,
                          code: str = "3C", internal: bool = False) -> str:
    """How recoding changes the school nurse count over ``start``–``end``: moved in, moved out."""
    r = rec_summary[(rec_summary["month"].astype(str) >= start) & (rec_summary["month"].astype(str) <= end)]
    moved_in = int(r.loc[(r["source_code"] == code) & (r["source_code_recorded"].astype("string").fillna("") != code), "contacts"].sum())
    moved_out = int(r.loc[(r["source_code_recorded"].astype("string").fillna("") == code) & (r["source_code"] != code), "contacts"].sum())
    span = f"From {month_name(start)} to {month_name(end)}"
    s = (f"{span}, {safe_count(recorded, internal)} contacts were recorded as coming from a school nurse; after recoding "
         f"there are {safe_count(recoded, internal)}. {safe_count(moved_in, internal)} came in — mostly contacts recorded as Schools where the school nurse "
         f"was the referrer or the school's DSL passed on the nurse's concern — and {safe_count(moved_out, internal)} went out, "
         "recorded as school nurse but plainly made by school staff")
    if recorded and (internal or not is_small(recorded, recoded)):
        s += f". The school nurse count is {recoded / recorded:.1f} times what was recorded"
    return s + "."


def views_comparison(kpi_recorded: pd.DataFrame, kpi_recoded: pd.DataFrame, items: Sequence[tuple[str, str]],
                     month: str, *, internal: bool = False) -> pd.DataFrame:
    """Each KPI as recorded and as recoded for ``month``, display-ready (suppressed unless
    ``internal``): ``measure, as recorded, as recoded, difference``."""

    rows = []
    for kpi, group in items:
        rec = compare_periods(kpi_recorded, kpi, group, month).loc["this month"]
        cod = compare_periods(kpi_recoded, kpi, group, month).loc["this month"]
        rows.append({"measure": kpi_label(kpi) + ("" if group == "all" else f" – {group_label(group)}"),
                     "is_rate": is_rate_kpi(kpi), "n1": rec["numerator"], "d1": rec["denominator"], "as recorded": rec["value"],
                     "n2": cod["numerator"], "d2": cod["denominator"], "as recoded": cod["value"]})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["measure", "as recorded", "as recoded", "difference"])
    frame["difference"] = frame["as recoded"] - frame["as recorded"]
    shown = suppress(frame, count_columns=["n1", "d1", "n2", "d2"], rate_columns=["as recorded", "as recoded", "difference"],
                     rate_basis={"as recorded": ["n1", "d1"], "as recoded": ["n2", "d2"], "difference": ["n1", "d1", "n2", "d2"]},
                     internal=internal)

    def fmt(v, is_rate, diff=False):
        if isinstance(v, str):
            return v
        if _missing(v):
            return "n/a"
        if not is_rate:
            return f"{round(float(v)):+,}" if diff else count(v)
        if diff:
            d = round(float(v) * 100)
            return f"{d:+d} point" if abs(d) == 1 else f"{d:+d} points"
        return percent(v)

    for c in ("as recorded", "as recoded", "difference"):
        shown[c] = [fmt(v, r, c == "difference") for v, r in zip(shown[c], shown["is_rate"], strict=True)]
    shown["difference"] = shown["difference"].replace({"+0 points": "none", "+0": "none", SUPPRESSED_RATE: SUPPRESSED_RATE})
    return shown[["measure", "as recorded", "as recoded", "difference"]].reset_index(drop=True)


def health_views(counts_by_view: Mapping[str, pd.DataFrame], reference: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Health contacts by service over ``start``–``end`` as recorded and as recoded, from
    :func:`hwb_kpis.kpis.contacts` frames by view (``{"recorded": ..., "recoded": ...}``):
    ``code, source, as recorded, as recoded``."""
    health = reference[reference["group"] == "health"]
    names = health["health_breakdown"] if "health_breakdown" in health.columns else health["label"]
    out = pd.DataFrame({"code": list(health["code"]), "source": list(names)})
    for view, frame in counts_by_view.items():
        f = frame[(frame["month"].astype(str) >= start) & (frame["month"].astype(str) <= end)
                  & frame["group"].astype(str).str.startswith("code:")]
        totals = f.groupby(f["group"].astype(str).str[5:])["numerator"].sum()
        out[f"as {view}"] = out["code"].map(totals).fillna(0).astype("int64")
    return out


def average_sentence(rows: pd.DataFrame, label: str = "contacts") -> str:
    """``"From April 2014 to November 2015 the front door received on average 1,402 contacts a
    month (lowest 1,150 in August 2015, highest 1,610 in March 2015)."``"""
    r = rows.dropna(subset=["numerator"])
    if r.empty:
        return f"No {label} in this period."
    lo, hi = r.loc[r["numerator"].idxmin()], r.loc[r["numerator"].idxmax()]
    return (f"From {month_name(r['month'].min())} to {month_name(r['month'].max())} the front door received on average "
            f"{count(r['numerator'].mean())} {label} a month (lowest {count(lo['numerator'])} in {month_name(lo['month'])}, "
            f"highest {count(hi['numerator'])} in {month_name(hi['month'])}).")


# --- IHA ---------------------------------------------------------------------------------------
def iha_reporting_month(iha: pd.DataFrame, month: str) -> str:
    """The latest cohort month up to ``month`` whose children are all due an IHA (no
    ``not_yet_due``) and that has any children: the month a board report quotes."""
    rows = iha[(iha["month"].astype(str) <= str(month)) & (pd.to_numeric(iha["denominator"], errors="coerce") > 0)]
    if "not_yet_due" in rows.columns:
        due = rows[rows["not_yet_due"] == 0]
        rows = due if len(due) else rows
    return str(rows["month"].max()) if len(rows) else str(month)


def iha_headline(iha: pd.DataFrame, month: str, *, limit_words: str = "within 28 days",
                 internal: bool = False) -> str:
    """``"For children who became looked after in October 2015, 90% of initial health assessments
    were completed within 28 days, compared with 7% for those who did in January 2015."``: the
    latest cohort month up to ``month`` in which every child is due, against January of the same
    year. A rate resting on a count of 1 to 4 is given as "fewer than 5 of N" unless ``internal``."""
    rows = iha[(iha["month"].astype(str) <= str(month)) & (pd.to_numeric(iha["denominator"], errors="coerce") > 0)]
    if "not_yet_due" in rows.columns:
        due = rows[rows["not_yet_due"] == 0]
        rows = due if len(due) else rows
    if rows.empty:
        return "No child has become looked after in this period."
    def share(r) -> str:
        if not internal and is_small(r["numerator"], r["denominator"]):
            return f"{SUPPRESSED_WORDS} of {safe_count(r['denominator'], internal)}"
        return percent(r["rate"])

    latest = rows.sort_values("month").iloc[-1]
    s = (f"For children who became looked after in {month_name(latest['month'])}, "
         f"{share(latest).replace('%', '% of')} initial health assessments were completed {limit_words}")
    january = f"{str(latest['month'])[:4]}-01"
    base = iha[iha["month"].astype(str) == january]
    if january != latest["month"] and len(base) and not _missing(base["rate"].iloc[0]):
        s += f", compared with {share(base.iloc[0])} for those who did in {month_name(january)}"
    return s + "."


def its_sentence(its, *, measure: str = "the rate", at: str | None = None) -> str:
    """Plain words for :func:`hwb_kpis.stats.interrupted_time_series` (binomial): the step at the
    change in percentage points and the change in the monthly trend, each with its interval."""
    pp, pp_ci = _attr(its, "level_change_pp"), _attr(its, "level_pp_ci")
    slope, slope_ci = _attr(its, "slope_change"), _attr(its, "slope_ci")
    if pp is None or _missing(pp):
        text = _attr(its, "sentence")
        return text if isinstance(text, str) else "The interrupted time series could not be fitted."
    when = f" from {month_name(at)}" if at else ""
    lo, hi = float(pp_ci[0]), float(pp_ci[1])
    if lo <= 0 <= hi:
        step = (f"there is no clear step in {measure}{when} ({float(pp):+.0f} percentage points, "
                f"95% interval {lo:+.0f} to {hi:+.0f})")
    else:
        step = (f"{measure} {'jumped up' if pp > 0 else 'dropped'} by about {abs(float(pp)):.0f} percentage points"
                f"{when} (95% interval {min(abs(lo), abs(hi)):.0f} to {max(abs(lo), abs(hi)):.0f}) — "
                "more than its earlier trend would explain")
    s = step[:1].upper() + step[1:]
    if slope is not None and slope_ci is not None:
        slo, shi = float(slope_ci[0]), float(slope_ci[1])
        if slo <= 1 <= shi:
            s += "; the month-to-month trend did not clearly change after it either" if lo <= 0 <= hi else (
                "; the month-to-month trend did not clearly change after it")
        else:
            pace = (f"the odds changed by {(float(slope) - 1) * 100:+.0f}% a month compared with the trend before "
                    f"(95% interval {(slo - 1) * 100:+.0f}% to {(shi - 1) * 100:+.0f}%)")
            better = float(slope) > 1
            if lo <= 0 <= hi:
                s += f". Instead, the trend {'improved' if better else 'worsened'} month by month after it: {pace}"
            else:
                s += f"; the trend {'kept improving' if better else 'worsened'} month by month after it as well: {pace}"
    return s + "."


#: the IHA steps (``hwb_kpis.kpis.iha_steps``) in plain words, with who owns each
STEP_WORDS = {
    "start_to_consent": "social care getting consent",
    "consent_to_notified": "social care notifying health",
    "notified_to_iha": "health carrying out the assessment",
    "start_to_iha": "the whole process",
}


def step_words(step: str) -> str:
    return STEP_WORDS.get(str(step), str(step).replace("_", " "))


def delay_sentence(steps: pd.DataFrame, *, early: str | None = None, late: str | None = None,
                   month_col: str = "month", step_col: str = "step", value_col: str = "median_days") -> str:
    """Where the delay sits: the step with the longest median in an early and a late month.
    ``steps`` is long (``month``, ``step``, ``median_days``)."""
    if steps is None or len(steps) == 0:
        return "No step dates are recorded, so the delay cannot be located."
    wide = steps.pivot_table(index=month_col, columns=step_col, values=value_col, aggfunc="first", sort=False)
    wide = wide.apply(pd.to_numeric, errors="coerce").dropna(how="all").sort_index()
    if wide.empty:
        return "No step dates are recorded, so the delay cannot be located."
    early = early if early in wide.index else str(wide.index.min())
    late = late if late in wide.index else str(wide.index.max())
    e, lt = wide.loc[early].dropna(), wide.loc[late].dropna()
    worst_e, worst_l = e.idxmax(), lt.idxmax()
    s = f"In {month_name(early)} the longest step was {step_words(worst_e)} (median {e[worst_e]:.0f} days)"
    if late != early:
        s += f"; in {month_name(late)} it was {step_words(worst_l)} (median {lt[worst_l]:.0f} days)"
        if worst_e in lt.index and worst_l != worst_e:
            s += f", while {step_words(worst_e)} took a median of {lt[worst_e]:.0f} days"
        elif worst_l == worst_e:
            s += f", {'down' if lt[worst_l] < e[worst_e] else 'up'} from {e[worst_e]:.0f}"
    return s + "."


def iha_table(iha_by_limit: Mapping[str, pd.DataFrame], start: str, end: str, *, internal: bool = False) -> pd.DataFrame:
    """IHA timeliness by cohort month over ``start``–``end`` for each limit (``{"28d": frame,
    "20wd": frame}`` from :func:`hwb_kpis.kpis.iha_within`), display-ready (suppressed unless
    ``internal``): month, children due, not yet due, and done / % within each limit."""

    words = {"28d": "within 28 days", "20wd": "within 20 working days"}
    base = None
    basis: dict[str, list[str]] = {}
    for limit, frame in iha_by_limit.items():
        f = frame[(frame["month"].astype(str) >= start) & (frame["month"].astype(str) <= end)]
        cols = {"numerator": f"done {words.get(limit, limit)}", "rate": f"% {words.get(limit, limit)}"}
        part = f[["month", "numerator", "rate"]].rename(columns=cols)
        if base is None:
            base = f[["month", "denominator", "not_yet_due"]].rename(
                columns={"denominator": "children due", "not_yet_due": "not yet due"}).merge(part, on="month")
        else:
            base = base.merge(part, on="month")
        basis[cols["rate"]] = ["children due", cols["numerator"]]
    base = base.sort_values("month").reset_index(drop=True)
    base["month"] = base["month"].map(month_name)
    counts = ["children due", "not yet due", *[c for c in base.columns if c.startswith("done ")]]
    return publish(base, internal=internal, count_columns=counts, rate_columns=list(basis), rate_basis=basis)


def iha_before_after(iha_by_limit: Mapping[str, pd.DataFrame], at: str, end: str) -> pd.DataFrame:
    """Pooled share on time before ``at`` and from ``at`` to ``end`` for each limit: ``measure,
    before, after`` (for :func:`hwb_kpis.report.plots.before_after_bars`)."""
    words = {"28d": "within 28 days", "20wd": "within 20 working days"}
    rows = []
    for limit, frame in iha_by_limit.items():
        f = frame[frame["month"].astype(str) <= end]
        pre, post = f[f["month"].astype(str) < at], f[f["month"].astype(str) >= at]
        rows.append({"measure": words.get(limit, limit),
                     "before": pre["numerator"].sum() / max(pre["denominator"].sum(), 1),
                     "after": post["numerator"].sum() / max(post["denominator"].sum(), 1)})
    return pd.DataFrame(rows)


def iha_steps_table(steps: pd.DataFrame, start: str, end: str, *, internal: bool = False) -> pd.DataFrame:
    """Median days per IHA step (columns) by cohort month (rows) over ``start``–``end``, from
    :func:`hwb_kpis.kpis.iha_steps`; a median resting on fewer than 5 children is suppressed
    (``*``) unless ``internal``; shown as whole days."""

    s = steps[(steps["month"].astype(str) >= start) & (steps["month"].astype(str) <= end)]
    wide_m = s.pivot_table(index="month", columns="step", values="median_days", aggfunc="first", sort=False)
    wide_n = s.pivot_table(index="month", columns="step", values="n", aggfunc="first", sort=False)
    order = list(dict.fromkeys(s["step"].astype(str)))
    out = pd.DataFrame({"month": [month_name(m) for m in wide_m.index]})
    basis = {}
    for step in order:
        name = step_words(step)
        out[f"n {name}"] = wide_n[step].to_numpy()
        out[name] = wide_m[step].to_numpy()
        basis[name] = [f"n {name}"]
    # suppress medians on 1-4 children; 0 children -> no median at all
    shown = suppress(out, count_columns=list(out.columns[1::2]), rate_columns=list(basis), rate_basis=basis,
                     internal=internal)
    for name in basis:
        shown[name] = shown[name].map(lambda v: v if isinstance(v, str) else ("" if _missing(v) else f"{float(v):.0f}"))
    return shown[["month", *basis]]


def its_break_month(month: str, *, min_after: int = 3) -> str:
    """January of ``month``'s year — or of the year before when fewer than ``min_after`` months
    would follow it — as the interrupted time series' break."""
    y, m = int(str(month)[:4]), int(str(month)[5:7])
    return f"{y if m > min_after else y - 1}-01"


# --- markdown helpers ------------------------------------------------------------------------
def banner(internal: bool) -> str:
    """The INTERNAL banner (markdown) for an internal run; empty otherwise."""
    return banner_markdown(internal)


def format_rates(table: pd.DataFrame, columns: Sequence[str] = ("rate",)) -> pd.DataFrame:
    """Rates as whole percent text (suppressed ``"*"`` kept) for display."""
    out = table.copy()
    for c in columns:
        if c in out.columns:
            out[c] = out[c].map(percent).astype("object")
    return out


def publish(table: pd.DataFrame, *, internal: bool = False, count_columns: Sequence[str] = ("numerator", "denominator"),
            rate_columns: Sequence[str] = ("rate",), rate_basis: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """A table ready to show in the pack: small numbers suppressed (:func:`hwb_kpis.privacy.suppress`,
    skipped when ``internal``), counts with thousands separators, rates as whole percent."""

    shown = suppress(table, count_columns=list(count_columns), rate_columns=list(rate_columns),
                     rate_basis=rate_basis, internal=internal)
    if internal:  # suppress() leaves the table as it is: format the counts the same way
        for c in count_columns:
            if c in shown.columns:
                shown[c] = shown[c].map(count).astype("object")
    return format_rates(shown, rate_columns)


def show_table(table: pd.DataFrame, **kwargs) -> None:
    """Display :func:`publish` (``table``, ``**kwargs``) as an HTML table without the index,
    declaring its count columns for the disclosure check."""
    from IPython.display import HTML, display

    counts = list(kwargs.get("count_columns", ("numerator", "denominator")))
    display(HTML(published_html(publish(table, **kwargs), count_columns=counts)))


def show_published(table: pd.DataFrame, counts: Sequence[str] | None = None) -> None:
    """Display a table that is already display-ready (e.g. :func:`comparison_table`, which
    suppresses its own figures) as HTML without the index. ``counts`` names its count columns
    (default: every column but the first), which the disclosure check then holds to the
    small-number rule."""
    from IPython.display import HTML, display

    display(HTML(published_html(table, count_columns=None if counts is None else list(counts))))


def show_figure(fig, *, dpi: int = 100) -> None:
    """Display a matplotlib figure as a PNG (static, small: the pack opens from an e-mail) and
    release its memory. Works for figures made without pyplot, as ``hwb_kpis.report.plots`` makes them."""
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    from hwb_kpis.report.plots import figure_png

    display(Image(data=figure_png(fig, dpi=dpi), format="png"))
    plt.close(fig)


def show_markdown(text: str) -> None:
    from IPython.display import Markdown, display

    if text:
        display(Markdown(text))
