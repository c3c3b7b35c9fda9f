"""Page 04, repeat contacts: the repeat rate month by month and by agency, what goes with a
repeat (the re-contact model), how soon children come back (Kaplan–Meier), the children with the
most repeats (counts only), and what would reduce repeats — including how many a month would be
avoided if the higher-risk group had the lower group's rate."""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property

import numpy as np
import pandas as pd

from hwb_kpis import coding, config, kpis, stats
from hwb_kpis.privacy.disclosure import Decisions, chart_values, hidden_points_note
from hwb_kpis.privacy.secondary import Ledger
from hwb_kpis.report import agencies, display, plots, recontact_findings, repeat_flows, trends
from hwb_kpis.report.comparisons import compare_periods, comparison_sentence
from hwb_kpis.report.kpi_charts import series
from hwb_kpis.report.kpi_verdicts import Verdict
from hwb_kpis.report.labels import group_label
from hwb_kpis.report.pages.base import BasePage, PageData, load_data, needs
from hwb_kpis.report.verdict import NOT_JUDGED
from hwb_kpis.report.words import join_words, month_name, percent

KPI = "repeat_contacts"
#: the terms of the Cox model of time to re-contact: term -> column of the episodes
HAZARD_TERMS = {"marf": "marf", "outcome": "outcome", "group": "group", "age_band": "age_band"}


def repeats_avoidable(contacts: pd.DataFrame, column: str, risk_value, reference_value, *,
                      risk_words: str, reference_words: str, months: int | None = None,
                      earlier_outcomes: Collection[str] | None = None) -> pd.DataFrame:
    """Repeats a month that would not occur if contacts with ``column == risk_value`` had the repeat
    rate of those with ``column == reference_value`` (uses ``is_repeat`` from ``flag_repeats``).

    ``earlier_outcomes``: only contacts whose earlier contact (``previous_outcome``) had one of these
    decisions are compared — the contacts the comparison is about (a contact after a referral, or
    with no earlier contact, cannot be a repeat whatever its MARF). ``months`` (default: the months
    of ``contacts``) turns the count into a count a month. The figure assumes the whole difference
    in rates is caused by ``column`` and that nothing else about those contacts would change.

    Returns one row: ``rate_risk``, ``rate_reference``, ``n_risk``, ``avoidable``,
    ``avoidable_per_month``, ``risk_words``, ``reference_words``, and the counts the rates rest on
    (``n_risk_repeats``, ``n_reference``, ``n_reference_repeats``).
    """
    if months is None:
        months = contacts["month"].nunique() if "month" in contacts else 1
    if earlier_outcomes is not None:
        earlier = contacts["previous_outcome"].astype("string").isin(list(earlier_outcomes)).fillna(False)
        contacts = contacts[earlier.to_numpy(bool)]
    col = contacts[column]
    risk = contacts[(col == risk_value).fillna(False).to_numpy(bool)]
    ref = contacts[(col == reference_value).fillna(False).to_numpy(bool)]
    rate_risk = float(risk["is_repeat"].astype(float).mean()) if len(risk) else float("nan")
    rate_ref = float(ref["is_repeat"].astype(float).mean()) if len(ref) else float("nan")
    avoidable = max(0.0, (rate_risk - rate_ref) * len(risk)) if len(risk) and len(ref) else 0.0
    return pd.DataFrame([{
        "rate_risk": rate_risk, "rate_reference": rate_ref, "n_risk": len(risk), "avoidable": avoidable,
        "avoidable_per_month": avoidable / max(months, 1), "risk_words": risk_words,
        "reference_words": reference_words, "n_risk_repeats": int(risk["is_repeat"].astype(float).sum()),
        "n_reference": len(ref), "n_reference_repeats": int(ref["is_repeat"].astype(float).sum()),
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


def per_child_plan(dist: pd.DataFrame, *, internal: bool = False) -> Decisions:
    """The disclosure decisions for :func:`repeats_per_child` and the sentence that gives its total
    (``total = Σ rows``: a row hidden in the table must not come back as the total less the rest)."""
    ledger = Ledger()
    keys = [ledger.count(("children with repeats", str(k)), v) for k, v in zip(dist["repeats"], dist["children"], strict=True)]
    ledger.count(("children with repeats", "any"), int(dist["children"].sum()), margin=True)
    ledger.total(("children with repeats", "any"), keys)
    return ledger.protect(internal=internal)


def repeats_per_child_sentence(dist: pd.DataFrame, decisions: Decisions | None = None) -> str:
    """How many children had a repeat contact, the share with exactly one and how many had the
    most (each figure as :func:`per_child_plan` publishes it)."""
    decisions = decisions or per_child_plan(dist)
    total = int(dist["children"].sum())
    if total == 0:
        return "No child had a repeat contact in this period."
    one = int(dist["children"].iloc[0])
    many = int(dist["children"].iloc[-1])
    top = dist["repeats"].iloc[-1].rstrip("+")
    k_total, k_one = ("children with repeats", "any"), ("children with repeats", str(dist["repeats"].iloc[0]))
    k_many = ("children with repeats", str(dist["repeats"].iloc[-1]))
    many_text = "none" if many == 0 else decisions.words(k_many, many)
    share = decisions.rate_words(one / total, (k_one, one), (k_total, total))
    return (f"{decisions.words(k_total, total)} children had at least one repeat contact; {share} of them had exactly "
            f"one, and {many_text} had {top} or more.")


def drivers_plan(drivers: pd.DataFrame, *, internal: bool = False, what: str = "model contacts") -> Decisions:
    """The disclosure decisions for the model's table of contacts per level: within a term the
    levels add up to the contacts modelled (the time row's count), so the reference level (not
    shown) and a level the table leaves out are in the sums, unpublished. ``what`` names the
    counts (``model decisions`` for the Cox model's table of decisions per level)."""
    ledger = Ledger()
    rows = drivers.dropna(subset=["n"])
    total = rows.loc[rows["term"].astype(str) == "time", "n"]
    shown = set(zip(*[recontact_findings.without_definitional(drivers)[c].astype(str) for c in ("term", "level")],
                    strict=True))
    for term, group in rows[rows["term"].astype(str) != "time"].groupby("term", sort=True):
        keys = [ledger.count((what, str(term), str(lv)), n,
                             published=(str(term), str(lv)) in shown and not bool(ref))
                for lv, n, ref in zip(group["level"], group["n"], group["is_reference"], strict=True)]
        if len(total) and int(group["n"].sum()) == int(total.iloc[0]):
            whole = ledger.count((what, "time", "per 12 months"), int(total.iloc[0]), margin=True)
            ledger.total(whole, keys, what=f"{what} = Σ levels of {term}")
    return ledger.protect(internal=internal)


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


class RepeatsPage(BasePage):
    """What page 04 shows, section by section."""

    MEASURES = (KPI,)

    def __init__(self, data: PageData, *, view: str, lookback_days: int) -> None:
        super().__init__(data)
        self.view = view
        self.lookback_days = lookback_days
        self.kpi_df = data.kpis(view=view, lookback_days=lookback_days)
        #: the column of the contacts' source group in the chosen view
        self.group_col = coding.view_columns(view)[1]
        #: the first month with a full year of history before it
        self.first_complete = series(self.kpi_df, KPI, "all", self.month)["month"].min()

    @cached_property
    def modelled(self) -> pd.DataFrame:
        """Contacts flagged as repeats or not, from the first complete month to the latest judged
        month: months still maturing (their decisions still pending) are left out of the models, as
        they are out of the verdict."""
        flagged = kpis.flag_repeats(self.data.contacts, lookback_days=self.lookback_days)
        return flagged[(flagged["month"] >= self.first_complete) & (flagged["month"] <= self.judged_month)]

    @property
    def last_year(self) -> pd.DataFrame:
        """:attr:`modelled` over the 12 months to the latest judged month: the months every flow
        table counts (:func:`hwb_kpis.report.repeat_flows.flow_contacts`, the agency pages' too)."""
        return repeat_flows.flow_contacts(self.modelled, self.kpi_df, self.judged_month)

    # --- the repeat rate month by month -------------------------------------------------------
    @cached_property
    def chart(self) -> Verdict:
        """The verdict on repeat contacts (the one the summary gives), its withheld points marked."""
        return self.verdict(self.kpi_df, KPI)

    @property
    def judged_month(self) -> str:
        """The latest month no longer maturing: what the page's comparisons between agencies rest on."""
        return self.chart.latest_month or self.month

    @needs(KPI)
    def chart_figure(self):
        return self.chart.figure(y_label="Share of contacts that are repeats", as_of=self.as_of_text)

    @property
    @needs(KPI, quiet=True)
    def verdicts(self) -> list[Verdict]:
        """All agencies, then health (the summary's two repeat measures)."""
        return [self.chart, self.verdict(self.kpi_df, KPI, "health")]

    @property
    @needs(KPI, quiet=True)
    def comparison_sentences(self) -> list[str]:
        """All agencies, then health: this month against last month and last year (a month still
        maturing is given, not compared)."""
        maturing = dict(zip(self.chart.maturing["month"], self.chart.maturing["share"], strict=True))
        return [comparison_sentence(compare_periods(self.kpi_df, KPI, "all", self.month), decisions=self.decisions,
                                    view=self.view, maturing=maturing),
                comparison_sentence(compare_periods(self.kpi_df, KPI, "health", self.month),
                                    label="Repeat contacts from health", decisions=self.decisions, view=self.view,
                                    maturing=maturing)]

    # --- by agency ----------------------------------------------------------------------------
    @cached_property
    def _panels(self) -> tuple[list[str], list[str]]:
        return agencies.largest_groups(agencies.group_fluctuation(self.kpi_df, KPI, self.judged_month))

    @needs(KPI)
    def agencies_figure(self):
        """Each of the largest agencies' own SPC chart."""
        panels = agencies.agency_panels(self.kpi_df, KPI, self._panels[0], self.judged_month, decisions=self.decisions,
                                        view=self.view)
        return plots.small_multiples(panels, x="x", y="y", group="agency", title="Repeat contacts by agency",
                                     y_label="Share that are repeats", percent=True, as_of=self.as_of_text,
                                     note=agencies.panels_note(panels))

    @property
    @needs(KPI, quiet=True)
    def left_out_sentence(self) -> str:
        return agencies.left_out_sentence(*self._panels, where="the funnel plot below")

    @cached_property
    def funnel(self) -> pd.DataFrame:
        """The agencies' funnel over the 12 months to the judged month, labelled."""
        funnel = agencies.kpi_funnel(self.kpi_df, KPI, self.judged_month, months=12, decisions=self.decisions,
                                     view=self.view)
        funnel["label"] = funnel["label"].map(group_label)
        return funnel

    @needs(KPI, quiet=True)
    def funnel_figure(self):
        return plots.funnel_plot(self.funnel, improvement_direction="decrease",
                                 title=f"Repeat contacts by agency over the 12 months to {month_name(self.judged_month)}",
                                 y_label="Share that are repeats", as_of=self.as_of_text,
                                 note=agencies.funnel_note(self.funnel))

    @property
    @needs(KPI, quiet=True)
    def funnel_sentence(self) -> str:
        if self.chart.latest_month is None:
            return NOT_JUDGED.format(what="the repeat rate")
        return agencies.funnel_sentence(self.funnel,
                                        what=f"repeat rate over the 12 months to {month_name(self.judged_month)}")

    # --- what goes with a repeat? -------------------------------------------------------------
    @cached_property
    def drivers(self) -> pd.DataFrame:
        """:func:`hwb_kpis.stats.recontact_drivers` on :attr:`modelled`; no rows when the extract
        is too small or too even for the model (the page then says it could not be fitted)."""
        try:
            return stats.recontact_drivers(self.modelled, source_col=self.group_col)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            return pd.DataFrame(columns=list(stats.models.ODDS_COLUMNS))

    @cached_property
    def _labelled_drivers(self) -> pd.DataFrame:
        shown = recontact_findings.without_definitional(self.drivers)
        return shown.assign(label=recontact_findings.odds_table_labels(shown))

    @needs(KPI)
    def drivers_figure(self):
        return plots.odds_ratio_plot(self._labelled_drivers, title="What goes with a repeat contact",
                                     as_of=self.as_of_text)

    @cached_property
    def _drivers_plan(self) -> Decisions:
        return drivers_plan(self.drivers, internal=self.internal)

    @property
    @needs(KPI, quiet=True)
    def drivers_table(self) -> pd.DataFrame:
        """Each factor's odds ratio and interval (published: a level on fewer than 5 contacts, or on
        a number withheld, has its count and its odds ratio hidden)."""
        labelled = self._labelled_drivers
        shown = labelled[~labelled["is_reference"].astype(bool)][["term", "level", "label", "odds_ratio", "ci_low",
                                                                   "ci_high", "n"]]
        shown = shown.reset_index(drop=True)
        keys = [("model contacts", str(t), str(lv)) for t, lv in zip(shown["term"], shown["level"], strict=True)]
        shown = shown.drop(columns=["term", "level"])
        for c in ("odds_ratio", "ci_low", "ci_high"):
            shown[c] = shown[c].map(lambda v: f"{v:.2f}")
        shown = shown.rename(columns={"label": "factor", "odds_ratio": "odds ratio", "ci_low": "95% from",
                                      "ci_high": "95% to", "n": "contacts"})
        return display.publish(shown, count_columns=["contacts"], rate_columns=["odds ratio", "95% from", "95% to"],
                               rate_basis={c: ["contacts"] for c in ("odds ratio", "95% from", "95% to")},
                               decisions=self._drivers_plan, keys=lambda i, _c: keys[i])

    @property
    @needs(KPI, quiet=True)
    def adjusted_note(self) -> str:
        """What the odds ratios' adjustment means (and why the headline trend is not the table's)."""
        return recontact_findings.ADJUSTED_NOTE if len(self.drivers) else ""

    @property
    @needs(KPI, quiet=True)
    def trend_sentence(self) -> str:
        """The repeat rate's own (unadjusted) trend over the months the model rests on: the headline."""
        first = self.first_complete
        months = (len(pd.period_range(first, self.judged_month, freq="M"))
                  if isinstance(first, str) and first <= self.judged_month else 0)
        trend = trends.rate_trend(self.kpi_df, KPI, self.judged_month, months=max(months, 1))
        return trends.trend_sentence(trend, "the repeat rate")

    @property
    @needs(KPI, quiet=True)
    def definitional_note(self) -> str:
        return recontact_findings.definitional_note(self.drivers)

    @property
    @needs(KPI, quiet=True)
    def excluded_note(self) -> str:
        return recontact_findings.excluded_note(self.drivers, internal=self.internal)

    # --- how soon do children come back? ------------------------------------------------------
    @cached_property
    def episodes(self) -> pd.DataFrame:
        """Threshold-not-met decisions from the first complete month to the latest judged month,
        followed to the next contact up to the page month's end (with the decided contact's MARF and
        the child's age band, for the Cox model)."""
        month_end = pd.Period(self.month, "M").end_time.normalize()
        contacts = self.data.contacts
        upto = contacts[contacts["contact_date"] <= month_end]
        episodes = stats.recontact_episodes(upto.assign(source_group=upto[self.group_col]),
                                            extract_end=min(self.data.as_of, month_end),
                                            not_met=config.THRESHOLD_NOT_MET, covariates=("marf", "age_band"))
        return episodes[(episodes["month"] >= self.first_complete) & (episodes["month"] <= self.judged_month)]

    @cached_property
    def hazards(self) -> pd.DataFrame:
        """:func:`hwb_kpis.stats.recontact_hazards` (Cox) on :attr:`episodes`, censored at the repeat
        window: what goes with a child being contacted about again sooner after a threshold-not-met
        decision. No rows when the model cannot be fitted."""
        try:
            return stats.recontact_hazards(self.episodes, HAZARD_TERMS, reference={"marf": "yes"},
                                           horizon_days=self.lookback_days)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            return pd.DataFrame(columns=list(stats.survival.HAZARD_COLUMNS))

    @property
    @needs(KPI, quiet=True)
    def hazards_table(self) -> pd.DataFrame:
        """Each factor's hazard ratio and interval (published as the odds ratios are: a level on fewer
        than 5 decisions, or on a number withheld, has its count and its ratio hidden)."""
        h = self.hazards
        shown = h[~h["is_reference"].astype(bool)].reset_index(drop=True)
        keys = [("model decisions", str(t), str(lv)) for t, lv in zip(shown["term"], shown["level"], strict=True)]
        shown = shown.assign(factor=[recontact_findings.hazard_label(t, lv, h)
                                     for t, lv in zip(shown["term"], shown["level"], strict=True)])
        for c in ("hazard_ratio", "ci_low", "ci_high"):
            shown[c] = shown[c].map(lambda v: f"{v:.2f}")
        shown = shown[["factor", "hazard_ratio", "ci_low", "ci_high", "n"]].rename(
            columns={"hazard_ratio": "hazard ratio", "ci_low": "95% from", "ci_high": "95% to", "n": "decisions"})
        ratios = ("hazard ratio", "95% from", "95% to")
        return display.publish(shown, count_columns=["decisions"], rate_columns=list(ratios),
                               rate_basis={c: ["decisions"] for c in ratios},
                               decisions=drivers_plan(h, internal=self.internal, what="model decisions"),
                               keys=lambda i, _c: keys[i])

    @needs(KPI)
    def comeback_figure(self):
        """Kaplan–Meier curves for all children and the three largest agencies."""
        main = list(self.episodes["group"].value_counts().index[:3])
        curves = stats.km_curves(self.episodes)
        curves = curves[curves["group"].isin([*main, "all"])]
        curves = curves.assign(group=curves["group"].map(lambda g: g if g == "all" else group_label(g)))
        hidden = 0
        if "n_risk" in curves.columns:  # a step resting on fewer than 5 children still followed is not drawn
            for c in ("recontacted", "recontacted_ci_low", "recontacted_ci_high"):
                values = chart_values(curves[c], curves["n_risk"], internal=self.internal)
                hidden = max(hidden, int(pd.isna(values).sum() - curves[c].isna().sum()))
                curves[c] = values
        note = hidden_points_note(hidden)
        return plots.km_plot(curves, title="Children contacted about again after a threshold-not-met decision",
                             as_of=self.as_of_text, note=f"{plots.DEFAULT_NOTE} {note}" if note else None)

    @property
    @needs(KPI, quiet=True)
    def comeback_sentence(self) -> str:
        return km_sentence(stats.km_recontact(self.episodes))

    # --- which agency made the earlier contact ------------------------------------------------
    @cached_property
    def flows(self) -> pd.DataFrame:
        """Repeats of the last 12 months by the agency of the earlier contact and of the repeat."""
        return repeat_flows.repeat_flows(self.last_year, self.group_col)

    @cached_property
    def _flows_published(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        plan = repeat_flows.flows_plan(self.flows, self.judged_month, internal=self.internal)
        return repeat_flows.published_flows(self.flows, self.judged_month, plan)

    @property
    @needs(KPI)
    def flows_table(self) -> pd.DataFrame:
        """The agency-to-agency flow of repeats (rows: earlier contact; columns: the repeat)."""
        if self.flows.empty:
            return display.declare_counts(pd.DataFrame({"earlier contact from": []}), [])
        table = repeat_flows.labelled(self._flows_published[0])
        return display.declare_counts(table, [c for c in table.columns if c != "earlier contact from"])

    @needs(KPI, quiet=True)
    def flows_figure(self):
        """The flow as a heat map of each row's shares (a hidden count is not drawn)."""
        shares = repeat_flows.row_shares(self.flows, self._flows_published[1])
        return repeat_flows.flow_heatmap(shares, title=f"Which agency made the earlier contact: repeats in the 12 "
                                                       f"months to {month_name(self.judged_month)}", as_of=self.as_of_text)

    @property
    @needs(KPI, quiet=True)
    def flows_sentence(self) -> str:
        return repeat_flows.flows_sentence(self.flows, self._flows_published[1], self.judged_month)

    # --- children with the most repeats -------------------------------------------------------
    @cached_property
    def per_child(self) -> pd.DataFrame:
        return repeats_per_child(self.last_year)

    @cached_property
    def _per_child_plan(self) -> Decisions:
        return per_child_plan(self.per_child, internal=self.internal)

    @property
    @needs(KPI)
    def per_child_table(self) -> pd.DataFrame:
        keys = [("children with repeats", str(k)) for k in self.per_child["repeats"]]
        return display.publish(self.per_child.rename(columns={"repeats": "repeat contacts in the year"}),
                               count_columns=["children"], rate_columns=(), decisions=self._per_child_plan,
                               keys=lambda i, _c: keys[i])

    @property
    @needs(KPI, quiet=True)
    def per_child_sentence(self) -> str:
        return repeats_per_child_sentence(self.per_child, self._per_child_plan)

    # --- what would reduce repeats ------------------------------------------------------------
    @property
    @needs(KPI)
    def reduction_findings(self) -> list[str]:
        potential = repeats_avoidable(self.last_year, "previous_marf", False, True,
                                      risk_words="the earlier contact was not on a MARF",
                                      reference_words="the earlier contact was on a MARF",
                                      earlier_outcomes=config.THRESHOLD_NOT_MET)
        return recontact_findings.repeat_reduction_findings(self.drivers, potential=potential, hazards=self.hazards,
                                                            trend=self.trend_sentence, internal=self.internal)


def load(month: str = config.DEFAULT_MONTH, processed_dir=None, raw_dir=None, view: str = config.DEFAULT_VIEW,
         lookback_days: int = config.DEFAULT_LOOKBACK_DAYS, internal: bool = False, settings_dir=None,
         maturing_share: float = config.DEFAULT_MATURING_SHARE, link_days: int = config.DEFAULT_LINK_DAYS) -> RepeatsPage:
    """Page 04 for the notebook's parameters."""
    return RepeatsPage(load_data(month, processed_dir, raw_dir, internal=internal, view=view, settings_dir=settings_dir,
                                 maturing_share=maturing_share, link_days=link_days), view=view, lookback_days=lookback_days)
