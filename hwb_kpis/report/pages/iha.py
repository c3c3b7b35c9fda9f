"""Page 05, initial health assessments (IHAs) for children coming into care: the headline
cohort, the share on time month by month (the verdict the summary gives, with new limits from a
change declared in ``changes.yml``), whether the improvement was real (an interrupted time series
at that change), and where the delay sits among the steps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property

import numpy as np
import pandas as pd

from hwb_kpis import config, kpis, stats
from hwb_kpis.privacy.disclosure import (
    SHOWN,
    Decisions,
    chart_values,
    decisions_for,
    hidden_points_note,
    rests_on_small,
    suppress,
)
from hwb_kpis.report import display, iha_cohort, plots, trends
from hwb_kpis.report.kpi_charts import series
from hwb_kpis.report.kpi_verdicts import Verdict
from hwb_kpis.report.pages.base import BasePage, PageData, load_data, needs
from hwb_kpis.report.published import iha_key, starts_key
from hwb_kpis.report.verdict import assurance_sentence
from hwb_kpis.report.words import missing as _missing
from hwb_kpis.report.words import month_name, percent, shift_month


def iha_headline(iha: pd.DataFrame, month: str, *, limit_words: str = "within 28 days",
                 internal: bool = False, decisions: Decisions | None = None, limit: str | None = None,
                 maturing_share: float = config.DEFAULT_MATURING_SHARE) -> str:
    """``"For children who became looked after in October 2015, 90% of initial health assessments
    were completed within 28 days, compared with 7% for those who did in January 2015."``: the
    latest cohort month up to ``month`` no longer maturing (:func:`hwb_kpis.report.iha_cohort.quotable`),
    against January of the same year. A rate resting on a count the pack does not show
    (``decisions``: the rule alone when None) is given as "fewer than 5 of N" (or "not shown")."""
    decisions = decisions or decisions_for(internal)
    rows = iha_cohort.quotable(iha, month, maturing_share)
    if rows.empty:
        return "No child has become looked after in this period."
    if limit is None:
        limits = iha["limit"].dropna() if "limit" in iha.columns else pd.Series(dtype=object)
        limit = str(limits.iloc[0]) if len(limits) else config.DEFAULT_IHA_LIMIT

    def share(r) -> str:
        m = str(r["month"])
        done, due = (iha_key(limit, m, "done"), r["numerator"]), (iha_key(limit, m, "due"), r["denominator"])
        if decisions.shown(done, due):
            return percent(r["rate"])
        if decisions.status(*done) == SHOWN or decisions.status(*due) != SHOWN:
            return "a share that is not shown"
        return f"{decisions.words(*done)} of {decisions.words(*due)}"

    latest = rows.sort_values("month").iloc[-1]
    s = (f"For children who became looked after in {month_name(latest['month'])}, "
         f"{share(latest).replace('%', '% of')} initial health assessments were completed {limit_words}")
    january = f"{str(latest['month'])[:4]}-01"
    base = iha[iha["month"].astype(str) == january]
    if january != latest["month"] and len(base) and not _missing(base["rate"].iloc[0]):
        s += f", compared with {share(base.iloc[0])} for those who did in {month_name(january)}"
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
                   month_col: str = "month", step_col: str = "step", value_col: str = "median_days",
                   internal: bool = False) -> str:
    """Where the delay sits: the step with the longest median in an early and a late month.
    ``steps`` is long (``month``, ``step``, ``median_days`` and, when known, ``n``: a median on 1
    to 4 children is not quoted, nor used to find the longest step)."""
    if steps is None or len(steps) == 0:
        return "No step dates are recorded, so the delay cannot be located."
    steps = steps.copy()
    if "n" in steps.columns:
        steps[value_col] = chart_values(steps[value_col], steps["n"], internal=internal)
    wide = steps.pivot_table(index=month_col, columns=step_col, values=value_col, aggfunc="first", sort=False,
                             dropna=False)
    wide = wide.apply(pd.to_numeric, errors="coerce").dropna(how="all").sort_index()
    if wide.empty:
        return ("No step has a median on enough children to quote, so the delay cannot be located."
                if "n" in steps.columns else "No step dates are recorded, so the delay cannot be located.")
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


def iha_table(iha_by_limit: Mapping[str, pd.DataFrame], start: str, end: str, *, internal: bool = False,
              decisions: Decisions | None = None, maturing: Iterable[str] = ()) -> pd.DataFrame:
    """IHA timeliness by cohort month over ``start``–``end`` for each limit (``{"28d": frame,
    "20wd": frame}`` from :func:`hwb_kpis.kpis.iha_within`), display-ready (published through
    ``decisions``: the rule alone when None): month, children due, not yet due, and done / % within
    each limit (each % only when its own done and due are shown). A cohort month in ``maturing``
    is labelled "still maturing"."""
    decisions = decisions or decisions_for(internal)
    base = None
    for limit, frame in iha_by_limit.items():
        f = frame[(frame["month"].astype(str) >= start) & (frame["month"].astype(str) <= end)]
        words = iha_cohort.limit_words(limit)
        part = pd.DataFrame({"month": f["month"].astype(str).to_numpy()})
        part[f"done {words}"] = [decisions.cell(iha_key(limit, m, "done"), v) for m, v in zip(part["month"], f["numerator"], strict=True)]
        part[f"% {words}"] = [percent(decisions.rate(r, (iha_key(limit, m, "done"), n), (iha_key(limit, m, "due"), d)))
                              for m, r, n, d in zip(part["month"], f["rate"], f["numerator"], f["denominator"], strict=True)]
        if base is None:
            base = pd.DataFrame({"month": part["month"]})
            base["children due"] = [decisions.cell(iha_key(limit, m, "due"), v)
                                    for m, v in zip(part["month"], f["denominator"], strict=True)]
            base["not yet due"] = [decisions.cell(iha_key(limit, m, "not_yet_due"), v)
                                   for m, v in zip(part["month"], f["not_yet_due"], strict=True)]
        base = base.merge(part, on="month")
    base = base.sort_values("month").reset_index(drop=True)
    still = {str(m) for m in maturing}
    base["month"] = base["month"].map(lambda m: f"{month_name(m)} (still maturing)" if str(m) in still else month_name(m))
    counts = ["children due", "not yet due", *[c for c in base.columns if c.startswith("done ")]]
    return display.declare_counts(base, counts)


def iha_before_after(iha_by_limit: Mapping[str, pd.DataFrame], at: str, end: str, *,
                     internal: bool = False) -> pd.DataFrame:
    """Pooled share on time before ``at`` and from ``at`` to ``end`` for each limit: ``measure,
    before, after`` (for :func:`hwb_kpis.report.plots.before_after_bars`); a share resting on a
    pooled count from 1 to 4 is missing (not drawn) unless ``internal``."""
    rows = []
    for limit, frame in iha_by_limit.items():
        f = frame[frame["month"].astype(str) <= end]
        row = {"measure": iha_cohort.limit_words(limit)}
        for side, part in (("before", f[f["month"].astype(str) < at]), ("after", f[f["month"].astype(str) >= at])):
            done, due = int(part["numerator"].sum()), int(part["denominator"].sum())
            row[side] = float("nan") if rests_on_small(done, due, internal=internal) else done / max(due, 1)
        rows.append(row)
    return pd.DataFrame(rows)


def iha_steps_table(steps: pd.DataFrame, start: str, end: str, *, internal: bool = False) -> pd.DataFrame:
    """Median days per IHA step (columns) by cohort month (rows) over ``start``–``end``, from
    :func:`hwb_kpis.kpis.iha_steps`; a median resting on fewer than 5 children is suppressed
    (``*``) unless ``internal``; shown as whole days."""

    s = steps[(steps["month"].astype(str) >= start) & (steps["month"].astype(str) <= end)]
    if s.empty:  # no child came into care in the window: the columns, no rows
        return display.declare_counts(pd.DataFrame(columns=["month", *(step_words(k) for k in STEP_WORDS)]), [])
    wide_n = s.pivot_table(index="month", columns="step", values="n", aggfunc="first", sort=False)
    # a step no child has completed yet has no median at all: its column of NaN is kept
    wide_m = s.pivot_table(index="month", columns="step", values="median_days", aggfunc="first", sort=False,
                           dropna=False).reindex(index=wide_n.index, columns=wide_n.columns)
    order = list(dict.fromkeys(s["step"].astype(str)))
    out = pd.DataFrame({"month": [month_name(m) for m in wide_n.index]})
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
    return display.declare_counts(shown[["month", *basis]], [])  # medians of days, not counts


KPI = iha_cohort.IHA_KPI


class IhaPage(BasePage):
    """What page 05 shows, section by section."""

    MEASURES = (KPI,)

    def __init__(self, data: PageData, *, iha_limit: str) -> None:
        super().__init__(data)
        self.iha_limit = iha_limit
        #: "within 28 days" or "within 20 working days"
        self.limit_words = iha_cohort.limit_words(iha_limit)
        #: IHA timeliness by cohort month for each limit
        self.iha = {limit: data.iha(limit) for limit in iha_cohort.LIMIT_WORDS}
        self.chosen = self.iha[iha_limit]
        #: the cohort the page quotes: the latest no longer maturing (the verdict's month)
        self.iha_month = self.chart.latest_month or self.month
        self.start = shift_month(self.iha_month, -11)
        first = str(self.chosen["month"].min()) if len(self.chosen) else None
        #: where the time series breaks: the change declared for IHA, else the start of the year
        self.its_break, self.its_change = iha_cohort.its_break(data.rules, self.iha_month, first=first)

    # --- the headline -------------------------------------------------------------------------
    @property
    @needs(KPI)
    def headline(self) -> str:
        return iha_headline(self.chosen, self.iha_month, limit_words=self.limit_words, decisions=self.decisions,
                            limit=self.iha_limit, maturing_share=self.data.rules.maturing_share)

    @property
    @needs(KPI, quiet=True)
    def cohort_table(self) -> pd.DataFrame:
        """The last year's cohorts for both limits (published)."""
        return iha_table(self.iha, self.start, self.month, decisions=self.decisions,
                         maturing=self.chart.maturing["month"])

    # --- month by month -----------------------------------------------------------------------
    @cached_property
    def chart(self) -> Verdict:
        """The verdict on IHA timeliness (the one the summary gives), its withheld points marked."""
        return self.verdict(self.iha[self.iha_limit], iha_cohort.IHA_KPI)

    @needs(KPI)
    def chart_figure(self):
        return self.chart.figure(y_label=f"Share of children due, done {self.limit_words}", as_of=self.as_of_text)

    @property
    @needs(KPI, quiet=True)
    def verdicts(self) -> list[Verdict]:
        return [self.chart]

    @property
    @needs(KPI, quiet=True)
    def assurance_sentence(self) -> str:
        """Against the target, when one is declared (targets.yml)."""
        return assurance_sentence(self.chart)

    # --- was the improvement real? ------------------------------------------------------------
    @property
    @needs(KPI)
    def its_note(self) -> str:
        """Where the time series breaks, and why there."""
        if self.its_change is not None:
            return (f"The break is the change declared for {month_name(self.its_break)}: "
                    f"{self.its_change.what}. It was declared for what happened, not chosen by looking at the chart.")
        return (f"No change is declared for initial health assessments, so the break is set at the start "
                f"of the calendar year, {month_name(self.its_break)}, as a question to test, not a known change.")

    @property
    @needs(KPI, quiet=True)
    def its_sentence(self) -> str:
        rows = series(self.chosen, iha_cohort.IHA_KPI, "all", self.iha_month)
        rows = rows[rows["denominator"] > 0]
        before, after = (rows["month"].astype(str) < self.its_break).sum(), (rows["month"].astype(str) >= self.its_break).sum()
        if min(before, after) < trends.MIN_MONTHS:
            return (f"There are too few months with children due before and after {month_name(self.its_break)} "
                    f"({before} and {after}) to test whether the change was real.")
        try:
            its = stats.interrupted_time_series(rows["numerator"], rows["denominator"], rows["month"],
                                                at=self.its_break, measure=f"the share of IHAs {self.limit_words}")
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            return "The change could not be tested: the monthly figures leave the model nothing to fit."
        return trends.its_sentence(its, measure=f"the share of IHAs done {self.limit_words}", at=self.its_break)

    @needs(KPI, quiet=True)
    def before_after_figure(self):
        before_after = iha_before_after(self.iha, self.its_break, self.iha_month, internal=self.internal)
        brk = month_name(self.its_break)
        return plots.before_after_bars(before_after, group="measure", before="before", after="after",
                                       labels=(f"Before {brk}", f"{brk} to {month_name(self.iha_month)}"),
                                       title="Initial health assessments on time, before and after the break",
                                       y_label="Share of children due", percent=True, as_of=self.as_of_text)

    # --- where the delay sits -----------------------------------------------------------------
    @cached_property
    def steps(self) -> pd.DataFrame:
        """Median days per IHA step by cohort month, up to the quoted cohort."""
        steps = kpis.iha_steps(self.data.looked_after)
        return steps[steps["month"] <= self.iha_month]

    @property
    def _parts(self) -> pd.DataFrame:
        return self.steps[self.steps["step"] != "start_to_iha"]

    @property
    @needs(KPI)
    def delay_sentence(self) -> str:
        return delay_sentence(self._parts, early=f"{self.its_break[:4]}-01", late=self.iha_month,
                              internal=self.internal)

    @property
    @needs(KPI, quiet=True)
    def steps_table(self) -> pd.DataFrame:
        return iha_steps_table(self.steps, self.start, self.iha_month, internal=self.internal)

    @needs(KPI, quiet=True)
    def steps_figure(self):
        recent = self._parts[self._parts["month"] >= shift_month(self.iha_month, -23)].copy()
        recent["step"] = recent["step"].map(step_words)
        drawn = chart_values(recent["median_days"], recent["n"], internal=self.internal)
        hidden = int(pd.isna(drawn).sum() - recent["median_days"].isna().sum())
        recent["median_days"] = drawn
        note = hidden_points_note(hidden)
        return plots.small_multiples(recent, x="month", y="median_days", group="step",
                                     title="Median days for each step of the IHA", y_label="Median days",
                                     as_of=self.as_of_text, ncols=3, note=f"{plots.DEFAULT_NOTE} {note}" if note else None)


    # --- children starting to be looked after ---------------------------------------------------
    @property
    def has_periods(self) -> bool:
        """True when the extract lists periods of care (with or without IHA dates)."""
        provided = self.data.summary.get("provided")
        return "looked_after" in provided if provided is not None else len(self.data.looked_after) > 0

    @property
    def starts_sentence(self) -> str:
        """What the list of periods of care shows even without IHA dates (an SSDA903 return), or
        why there is nothing to show."""
        if not self.has_periods:
            missing = self.unavailable(KPI)
            reason = missing[1] if missing else "the extract has no list of children looked after"
            return f"Children starting to be looked after cannot be shown from this extract: {reason}."
        table = self._starts
        months = int((table["children starting to be looked after"] > 0).sum())
        return (f"From {month_name(self.start)} to {self.month_words}, children started to be looked after in "
                f"{months} of the {len(table)} months; the table gives the number each month.")

    @property
    def _starts(self) -> pd.DataFrame:
        periods = self.data.looked_after
        months = [shift_month(self.month, k) for k in range(-11, 1)]
        counts = periods["month"].astype(str).value_counts() if len(periods) else pd.Series(dtype="int64")
        return pd.DataFrame({"month": months,
                             "children starting to be looked after": [int(counts.get(m, 0)) for m in months]})

    @property
    def starts_table(self) -> pd.DataFrame:
        """Children starting to be looked after in each of the last 12 months (published); no
        rows when the extract lists no periods of care."""
        table = self._starts if self.has_periods else self._starts.iloc[:0]
        months = list(table["month"])
        table = table.assign(month=table["month"].map(month_name))
        return display.publish(table, count_columns=["children starting to be looked after"], rate_columns=(),
                               decisions=self.decisions, keys=lambda i, _: starts_key(months[i]))


def load(month: str = config.DEFAULT_MONTH, processed_dir=None, raw_dir=None, as_of: str = "",
         iha_limit: str = config.DEFAULT_IHA_LIMIT, internal: bool = False, settings_dir=None,
         maturing_share: float = config.DEFAULT_MATURING_SHARE, link_days: int = config.DEFAULT_LINK_DAYS) -> IhaPage:
    """Page 05 for the notebook's parameters."""
    return IhaPage(load_data(month, processed_dir, raw_dir, as_of=as_of, internal=internal, settings_dir=settings_dir,
                             maturing_share=maturing_share, link_days=link_days), iha_limit=iha_limit)
