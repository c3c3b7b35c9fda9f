"""An agency's monthly feedback page (the January 2016 report's recommendation 3: feed data back
to every agency): what the agency sent to the front door and what became of it, for its
safeguarding lead — its contacts, MARF use, progression to referral and repeats month by month
against all agencies (each with the pack's verdict); what happened to its contacts and how long
decisions took; the quality of what it sends; which agencies made the earlier contact of its
children's repeats and which came back after its own; the time to re-contact; and whether its
threshold training (``training.csv``) changed its conversion and repeat rates. An agency with
fewer than ``full_page_min_contacts`` contacts (``reference/feedback.yml``) over the 12 months
gets a short page of 12-month totals instead of monthly charts. Every count leaves through the
page's disclosure decisions (:mod:`hwb_kpis.report.feedback_plan`)."""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from hwb_kpis import coding, config, kpis, stats
from hwb_kpis.privacy.disclosure import Decisions
from hwb_kpis.report import display, feedback_shared, repeat_flows, training
from hwb_kpis.report.feedback_agencies import Agency, agency, settings
from hwb_kpis.report.feedback_plan import agency_plan, key
from hwb_kpis.report.kpi_verdicts import Verdict
from hwb_kpis.report.labels import measure_label
from hwb_kpis.report.pages.base import BasePage, PageData, load_data, needs
from hwb_kpis.report.verdict import training_sentence
from hwb_kpis.report.words import month_name, percent, shift_month

#: the KPIs of a full page, in its order, with how the page names them
KPIS = {"contacts": "Contacts sent", "marf": "Sent on a MARF", "conversion": "Progressed to referral",
        "repeat_contacts": "Repeat contacts"}
#: outcomes in the order of the page's table, with their words
OUTCOME_WORDS = {"referral": "referral to children's social care", "early_help": "early help",
                 "advice": "advice or information", "nfa": "no further action", "not_referred": "no referral followed",
                 "pending": "awaiting a decision"}
#: what the quality table counts: column -> words
QUALITY_WORDS = {"no_code": "no source code recorded", "marf_unknown": "MARF not recorded",
                 "no_decision_date": "no decision date", "no_dob": "no date of birth", "gender_unknown":
                 "gender not recorded", "recoded": "source code changed by the recoding rules"}


def outcome_counts(contacts: pd.DataFrame) -> pd.Series:
    """Contacts by outcome (:data:`OUTCOME_WORDS` order; ``not_referred`` only when present)."""
    counts = contacts["outcome"].astype("string").value_counts()
    keep = [o for o in OUTCOME_WORDS if o != "not_referred" or counts.get(o, 0) > 0]
    return pd.Series({o: int(counts.get(o, 0)) for o in keep}, dtype="int64")


def quality_counts(contacts: pd.DataFrame) -> pd.Series:
    """How many contacts lack each thing :data:`QUALITY_WORDS` names (a column the extract does not
    have at all is left out: it is said at the top of the page)."""
    out = {}
    if "source_code_recorded" in contacts:
        out["no_code"] = int(contacts["source_code_recorded"].isna().sum())
    if "marf" in contacts:
        out["marf_unknown"] = int(contacts["marf"].isna().sum())
    if "decision_date" in contacts and contacts["decision_date"].notna().any():
        decided = contacts["outcome"].astype("string").ne("pending").fillna(False).to_numpy(bool)
        out["no_decision_date"] = int(contacts.loc[decided, "decision_date"].isna().sum())
    if "dob_month" in contacts and contacts["dob_month"].notna().any():
        out["no_dob"] = int(contacts["dob_month"].isna().sum())
    if "gender" in contacts and contacts["gender"].notna().any():
        out["gender_unknown"] = int((contacts["gender"].astype("string").fillna("unknown") == "unknown").sum())
    if "recode_rule" in contacts:
        out["recoded"] = int(contacts["recode_rule"].notna().sum())
    return pd.Series(out, dtype="int64")


def decision_days(contacts: pd.DataFrame) -> pd.Series:
    """Days from contact to decision of the decided contacts with a decision date."""
    if "decision_date" not in contacts:
        return pd.Series(dtype="float64")
    days = (contacts["decision_date"] - contacts["contact_date"]).dt.days
    return days.dropna().astype(float)


def _within(days: float) -> str:
    """``on the day`` or ``within 3 days``."""
    whole = round(float(days))
    return "on the day" if whole == 0 else f"within {whole} day{'' if whole == 1 else 's'}"


class FeedbackPage(BasePage):
    """One agency's feedback page, section by section."""

    MEASURES = tuple(KPIS)

    def __init__(self, data: PageData, *, agency_id: str, view: str, lookback_days: int, settings_dir=None,
                 shared: feedback_shared.Shared | None = None) -> None:
        super().__init__(data)
        #: the analyst's settings folder (``training.csv``); None: the project's
        self.settings_dir = settings_dir
        self.agency: Agency = agency(agency_id)
        self.view = view
        self.lookback_days = lookback_days
        #: what every agency page of a build shares (computed here when the build gave none)
        self.shared = shared or feedback_shared.compute(data, view=view, lookback_days=lookback_days,
                                                        settings_dir=settings_dir)
        kpi_df = self.shared.kpi_df
        if self.agency.is_code:
            codes = self.shared.code_rows
            kpi_df = pd.concat([kpi_df, codes[codes["group"] == self.agency.group]], ignore_index=True)
        self.kpi_df = kpi_df
        self.group_col = coding.view_columns(view)[1]
        self.first_month = shift_month(self.month, -11)

    # --- the agency's contacts ----------------------------------------------------------------
    @cached_property
    def flagged(self) -> pd.DataFrame:
        """Every contact with its repeat flag and earlier-contact agency (:func:`kpis.flag_repeats`)."""
        return kpis.flag_repeats(self.data.contacts, lookback_days=self.lookback_days)

    @cached_property
    def year(self) -> pd.DataFrame:
        """All contacts of the 12 months to the page's month."""
        f = self.flagged
        return f[(f["month"] >= self.first_month) & (f["month"] <= self.month)]

    @cached_property
    def own_year(self) -> pd.DataFrame:
        """The agency's contacts of the 12 months."""
        return self.year[self.agency.members(self.year, self.view)]

    @property
    def title(self) -> str:
        return f"Feedback to {self.agency.label}: {month_name(self.month)}"

    @property
    def full(self) -> bool:
        """Whether the agency sent enough contacts over the 12 months for monthly charts."""
        return len(self.own_year) >= settings()["full_page_min_contacts"]

    @cached_property
    def decisions(self) -> Decisions:  # type: ignore[override]
        """The page's disclosure decisions (:func:`hwb_kpis.report.feedback_plan.agency_plan`)."""
        return agency_plan(self)

    @property
    def size_note(self) -> str:
        """Why the page is short, when it is."""
        if self.full:
            return ""
        return (f"{self.agency.label} sent {self.decisions.words(key('contacts_12m', self.agency.id, 'any'))} contacts "
                f"in the 12 months to {month_name(self.month)}: fewer than "
                f"{settings()['full_page_min_contacts']}, too few for monthly charts, so this page gives 12-month "
                "totals only.")

    # --- month by month against all agencies --------------------------------------------------
    def verdict_for(self, kpi: str) -> Verdict:
        """The pack's verdict on ``kpi`` for the agency (the one page 02, 03 or 04 gives for its
        group; worked out once per page)."""
        if kpi not in self._verdicts:
            self._verdicts[kpi] = self.verdict(self.kpi_df, kpi, self.agency.group,
                                               label=f"{KPIS[kpi]} by {self.agency.label}")
        return self._verdicts[kpi]

    @cached_property
    def _verdicts(self) -> dict[str, Verdict]:
        return {}

    @property
    def heading(self) -> str:
        """The page's first line: whom it is for and the month."""
        return f"**{self.title}.**"

    @property
    def verdicts(self) -> list[Verdict]:
        """The verdict on each KPI for the agency (none on a short page)."""
        if not self.full:
            return []
        return [self.verdict_for(k) for k in KPIS if self.capabilities_has(k)]

    def figures(self) -> list:
        """The agency's SPC chart of each KPI (none on a short page)."""
        if not self.full:
            return []
        return [self.figure(k) for k in KPIS if self.capabilities_has(k)]

    def capabilities_has(self, kpi: str) -> bool:
        return self.data.capabilities.has(kpi)

    def figure(self, kpi: str):
        """The agency's SPC chart of ``kpi``."""
        y = {"contacts": "Contacts a month"}.get(kpi, "Share of the agency's contacts")
        return self.verdict_for(kpi).figure(y_label=y, as_of=self.as_of_text)

    @cached_property
    def headline(self) -> pd.DataFrame:
        """This month and the 12 months: the agency's count, base and rate for each KPI, and all
        agencies' rate (unpublished counts: see :attr:`headline_table`)."""
        rows = []
        df = self.kpi_df
        for kpi in KPIS:
            if not self.capabilities_has(kpi):
                continue
            for who in (self.agency.group, "all"):
                cells = df[(df["kpi"] == kpi) & (df["group"] == who)]
                month = cells[cells["month"] == self.month]
                year = cells[cells["month"] >= self.first_month]
                if kpi == "repeat_contacts":
                    year = year[~year["incomplete_history"].astype(bool)]
                rows.append({"kpi": kpi, "who": who, "month_num": int(month["numerator"].sum()),
                             "month_den": int(month["denominator"].sum()), "year_num": int(year["numerator"].sum()),
                             "year_den": int(year["denominator"].sum())})
        return pd.DataFrame(rows, columns=["kpi", "who", "month_num", "month_den", "year_num", "year_den"])

    @property
    def headline_table(self) -> pd.DataFrame:
        """The agency's figures this month and over 12 months, with all agencies' rates beside them."""
        d = self.decisions
        out = []
        h = self.headline
        for kpi in h["kpi"].unique():
            own = h[(h["kpi"] == kpi) & (h["who"] == self.agency.group)].iloc[0]
            every = h[(h["kpi"] == kpi) & (h["who"] == "all")].iloc[0]
            row = {"measure": KPIS[kpi]}
            for span, num, den in (("this month", "month_num", "month_den"), ("12 months", "year_num", "year_den")):
                k_num, k_den = key(kpi, self.agency.id, span, "num"), key(kpi, self.agency.id, span, "den")
                if kpi == "contacts":
                    row[f"{span}: count"] = d.cell(k_num, own[num])
                    share = own[num] / every[num] if every[num] else np.nan
                    k_all = key(kpi, "all", span, "num")
                    row[f"{span}: rate"] = (d.rate_words(share, (k_num, own[num]), (k_all, every[num])) if every[num]
                                            else "n/a")
                    row[f"{span}: all agencies"] = d.cell(key(kpi, "all", span, "num"), every[num])
                    continue
                row[f"{span}: count"] = d.cell(k_num, own[num])
                rate = own[num] / own[den] if own[den] else np.nan
                row[f"{span}: rate"] = d.rate_words(rate, (k_num, own[num]), (k_den, own[den])) if own[den] else "n/a"
                rate_all = every[num] / every[den] if every[den] else np.nan
                row[f"{span}: all agencies"] = percent(rate_all) if every[den] else "n/a"
            out.append(row)
        table = pd.DataFrame(out)
        if not self.full:  # a short page: 12-month totals only
            table = table[[c for c in table.columns if not c.startswith("this month")]]
        counts = [c for c in ("this month: count", "12 months: count") if c in table.columns]
        return display.declare_counts(table, counts) if len(table) else table

    # --- what happened to its contacts --------------------------------------------------------
    @cached_property
    def outcomes(self) -> pd.Series:
        return outcome_counts(self.own_year)

    @property
    @needs("conversion")
    def outcomes_table(self) -> pd.DataFrame:
        d = self.decisions
        total = int(self.outcomes.sum())
        k_total = key("contacts_12m", self.agency.id, "any")
        rows = []
        for o, n in self.outcomes.items():
            k = key("outcome", self.agency.id, o)
            rows.append({"what happened": OUTCOME_WORDS[o], "contacts": d.cell(k, n),
                         "share": d.rate_words(n / total if total else np.nan, (k, n), (k_total, total))})
        rows.append({"what happened": "all its contacts", "contacts": d.cell(k_total, total), "share": "100%"})
        return display.declare_counts(pd.DataFrame(rows), ["contacts"])

    @property
    def decided_with_date(self) -> int:
        """The agency's 12 months' contacts with a decision date (what the medians rest on)."""
        return len(decision_days(self.own_year))

    @property
    @needs("conversion", quiet=True)
    def decision_sentence(self) -> str:
        """How long decisions on the agency's contacts took, against all agencies (medians)."""
        own, every = decision_days(self.own_year), decision_days(self.year)
        n_key = key("decided_dated", self.agency.id, "any")
        if len(own) == 0 or len(every) == 0:
            return "The extract gives no decision dates, so how long decisions took cannot be shown."
        if not self.decisions.shown((n_key, len(own))):
            return "Too few of its contacts have a decision date to say how long decisions took."
        return (f"Over the 12 months to {month_name(self.month)}, half of its contacts were decided "
                f"{_within(own.median())} and 9 in 10 {_within(own.quantile(0.9))} (all agencies: "
                f"{_within(every.median())} and {_within(every.quantile(0.9))}).")

    # --- the quality of what it sends ----------------------------------------------------------
    @cached_property
    def quality(self) -> pd.DataFrame:
        own, every = quality_counts(self.own_year), quality_counts(self.year)
        return pd.DataFrame({"own": own, "all": every.reindex(own.index, fill_value=0)})

    @property
    def quality_table(self) -> pd.DataFrame:
        d = self.decisions
        n_own, n_all = len(self.own_year), len(self.year)
        k_total = key("contacts_12m", self.agency.id, "any")
        rows = []
        for what, r in self.quality.iterrows():
            k = key("quality", self.agency.id, what)
            rows.append({"contacts with": QUALITY_WORDS[what], "contacts": d.cell(k, r["own"]),
                         "share": d.rate_words(r["own"] / n_own if n_own else np.nan, (k, r["own"]), (k_total, n_own)),
                         "all agencies": percent(r["all"] / n_all) if n_all else "n/a"})
        return display.declare_counts(pd.DataFrame(rows), ["contacts"])

    # --- its children's repeat contacts ---------------------------------------------------------
    @property
    def flow_month(self) -> str:
        """The last month of the repeat flows: page 04's, the latest month of the repeat rate of all
        agencies no longer maturing."""
        return self.shared.flow_month

    @cached_property
    def repeat_year(self) -> pd.DataFrame:
        """The contacts whose repeats page 04's flow table counts (the same months, by the same
        function: :func:`hwb_kpis.report.repeat_flows.flow_contacts`)."""
        return repeat_flows.flow_contacts(self.flagged, self.kpi_df, self.flow_month)

    @property
    def flows(self) -> pd.DataFrame:
        """The 12 months' repeat flows between every pair of agencies (groups of the view): page
        04's table (counted once per build, :mod:`hwb_kpis.report.feedback_shared`)."""
        return self.shared.flows

    @cached_property
    def own_flows(self) -> pd.DataFrame:
        """``earlier`` and ``later`` for the agency: its repeats by the agency of the earlier contact,
        and the repeats that followed its own threshold-not-met contacts by the agency that came back."""
        f = self.repeat_year[self.repeat_year["is_repeat"].astype(bool).to_numpy()]
        earlier_col = f"earlier_{coding.view_columns(self.view)[0 if self.agency.is_code else 1]}"
        own_col = coding.view_columns(self.view)[0 if self.agency.is_code else 1]
        if earlier_col not in f.columns:
            return pd.DataFrame(columns=["agency", "earlier", "later"])
        mine = (f[own_col].astype("string") == self.agency.id).fillna(False).to_numpy(bool)
        after_mine = (f[earlier_col].astype("string") == self.agency.id).fillna(False).to_numpy(bool)
        earlier = f.loc[mine, f"earlier_{self.group_col}"].astype("string").fillna("unknown").value_counts()
        later = f.loc[after_mine, self.group_col].astype("string").fillna("unknown").value_counts()
        table = pd.DataFrame({"earlier": earlier, "later": later}).fillna(0).astype("int64")
        table = table.sort_values(["earlier", "later"], ascending=False, kind="stable")
        return table.rename_axis("agency").reset_index()

    @property
    @needs("repeat_contacts")
    def flows_table(self) -> pd.DataFrame:
        """Counts of the agency's repeats by who made the earlier contact, and of repeats after its
        own contacts by who came back."""
        from hwb_kpis.report.labels import group_label

        d = self.decisions
        rows = []
        for _, r in self.own_flows.iterrows():
            rows.append({"agency": group_label(r["agency"]),
                         "its repeats whose earlier contact came from": d.cell(key("flow_in", self.agency.id, r["agency"]),
                                                                               r["earlier"]),
                         "repeats after its contacts made by": d.cell(key("flow_out", self.agency.id, r["agency"]),
                                                                      r["later"])})
        total_in, total_out = int(self.own_flows["earlier"].sum()), int(self.own_flows["later"].sum())
        rows.append({"agency": "all agencies",
                     "its repeats whose earlier contact came from": d.cell(key("flow_in", self.agency.id, "any"),
                                                                           total_in),
                     "repeats after its contacts made by": d.cell(key("flow_out", self.agency.id, "any"), total_out)})
        return display.declare_counts(pd.DataFrame(rows), ["its repeats whose earlier contact came from",
                                                           "repeats after its contacts made by"])

    @property
    @needs("repeat_contacts", quiet=True)
    def flows_sentence(self) -> str:
        flows = self.own_flows
        if flows.empty or int(flows["earlier"].sum()) == 0:
            return f"None of {self.agency.label}'s contacts in the 12 months were repeat contacts."
        from hwb_kpis.report.labels import group_label

        top = flows.sort_values("earlier", ascending=False, kind="stable").iloc[0]
        k_top, k_all = key("flow_in", self.agency.id, top["agency"]), key("flow_in", self.agency.id, "any")
        share = self.decisions.rate_words(top["earlier"] / flows["earlier"].sum(), (k_top, top["earlier"]),
                                          (k_all, int(flows["earlier"].sum())))
        return (f"Of {self.agency.label}'s repeat contacts in the 12 months to {month_name(self.flow_month)}, the earlier "
                f"contact most often came from {group_label(top['agency'])} ({share}).")

    @cached_property
    def episodes(self) -> pd.DataFrame:
        """The agency's threshold-not-met decisions up to the month's end, followed to the next contact."""
        month_end = pd.Period(self.month, "M").end_time.normalize()
        contacts = self.data.contacts
        upto = contacts[contacts["contact_date"] <= month_end]
        upto = upto[self.agency.members(upto, self.view)]
        episodes = stats.recontact_episodes(upto.assign(source_group=self.agency.id),
                                            extract_end=min(self.data.as_of, month_end),
                                            not_met=config.THRESHOLD_NOT_MET)
        return episodes

    @property
    @needs("repeat_contacts", quiet=True)
    def recontact_sentence(self) -> str:
        """The share of the agency's children contacted about again within 3, 6 and 12 months."""
        try:
            shares = stats.km_recontact(self.episodes, include_all=False)
        except (ValueError, ArithmeticError):
            return "The time to re-contact could not be estimated."
        ok = shares.dropna(subset=["share"])
        ok = ok[ok["at_risk"] >= 10] if "at_risk" in ok else ok
        if ok.empty:
            return "Too few children were followed long enough to say how soon they were contacted about again."
        parts = ", ".join(f"within {r['horizon']} {percent(r['share'])}" for _, r in ok.iterrows())
        return (f"After {self.agency.label}'s contacts that did not meet the threshold, the child was contacted about "
                f"again (by any agency): {parts} (Kaplan–Meier estimates).")

    # --- threshold training -------------------------------------------------------------------
    @property
    def training_origin(self):
        """Where ``training.csv`` is read from (:func:`hwb_kpis.report.training.training_origin`)."""
        return self.shared.training_origin

    @property
    def trainings(self) -> list[training.Training]:
        return list(self.shared.trainings)

    @property
    def training_results(self) -> pd.DataFrame:
        """Every training line's model (the false-discovery control runs across all of them), fitted
        once per build on the months page 00 uses (those of conversion still maturing left out),
        so page 00 and every agency page say the same."""
        return self.shared.training_results

    @property
    def training_sentences(self) -> list[str]:
        """What the models say for this agency, or how to add a training date."""
        if not self.trainings:
            return [training.HOW_TO_ADD]
        mine = [t for t in self.trainings if t.agency == self.agency]
        if not mine:
            return [f"training.csv lists no threshold training for {self.agency.label}. "
                    + training.HOW_TO_ADD_ONE]
        out = []
        if self.training_origin.kind == "demo":
            out.append(training.DEMO_NOTE)
        results = self.training_results
        for t in mine:
            rows = results[(results["agency"] == t.agency.id) & (results["month"] == t.month)]
            for _, r in rows.iterrows():
                who = self.agency.label[:1].upper() + self.agency.label[1:]
                out.append(training_sentence(who, month_name(t.month),
                                             training.MEASURE_WORDS[r["measure"]], r))
        return out

    @property
    def training_table(self) -> pd.DataFrame:
        """The models behind :attr:`training_sentences`: months used, level change (percentage
        points and odds ratio) and slope change (odds ratio a month), each with its 95% interval,
        and whether the change is named. Statistics only (the counts behind them are not shown)."""
        if not any(t.agency == self.agency for t in self.trainings):  # nothing to fit for this agency
            return display.declare_counts(pd.DataFrame(), [])
        mine = self.training_results[self.training_results["agency"] == self.agency.id]
        rows = []
        for _, r in mine.iterrows():
            row = {"measure": training.MEASURE_LABELS[r["measure"]], "from": month_name(r["month"]),
                   "months before / after": f"{r['n_before']} / {r['n_after']}"}
            if r["status"] == "fitted":
                row.update({
                    "level change (points)": f"{r['level_pp']:+.1f} ({r['level_pp_low']:+.1f} to {r['level_pp_high']:+.1f})",
                    "level change (odds ratio)": f"{r['level_odds_ratio']:.2f} ({r['level_low']:.2f} to {r['level_high']:.2f})",
                    "slope change (odds ratio a month)": f"{r['slope_odds_ratio']:.3f} ({r['slope_low']:.3f} to "
                                                         f"{r['slope_high']:.3f})",
                    "change named": "level" if r["level_named"] else ("slope" if r["slope_named"] else "none")})
            else:
                row["level change (points)"] = r["status"]
            rows.append(row)
        return display.declare_counts(pd.DataFrame(rows), [])

    @property
    def label(self) -> str:
        return measure_label("contacts", self.agency.group)


def page_data(month: str, processed_dir=None, raw_dir=None, *, view: str = config.DEFAULT_VIEW,
              internal: bool = False, settings_dir=None, maturing_share: float = config.DEFAULT_MATURING_SHARE,
              link_days: int = config.DEFAULT_LINK_DAYS) -> PageData:
    """The data of an agency page (and of what the build computes once for all of them)."""
    return load_data(month, processed_dir, raw_dir, internal=internal, view=view, settings_dir=settings_dir,
                     maturing_share=maturing_share, link_days=link_days)


def load(month: str = config.DEFAULT_MONTH, agency: str = "police", processed_dir=None, raw_dir=None,
         view: str = config.DEFAULT_VIEW, lookback_days: int = config.DEFAULT_LOOKBACK_DAYS, internal: bool = False,
         settings_dir=None, maturing_share: float = config.DEFAULT_MATURING_SHARE,
         link_days: int = config.DEFAULT_LINK_DAYS, shared_file: str = "") -> FeedbackPage:
    """The feedback page of ``agency`` (a source group id or code) for the notebook's parameters;
    ``shared_file``: what the build computed once for every agency page
    (:mod:`hwb_kpis.report.feedback_shared`; empty or made for other parameters: computed here)."""
    data = page_data(month, processed_dir, raw_dir, view=view, internal=internal, settings_dir=settings_dir,
                     maturing_share=maturing_share, link_days=link_days)
    shared = feedback_shared.read(shared_file, feedback_shared.made_for(data, view=view, lookback_days=lookback_days,
                                                                       settings_dir=settings_dir))
    return FeedbackPage(data, agency_id=agency, view=view, lookback_days=lookback_days, settings_dir=settings_dir,
                        shared=shared)
