"""Page 00, the board summary: a Making Data Count matrix of the board's measures (latest figure,
target, mean, process limits, sparkline, variation and assurance icons), each measure this month
beside last month and the same month last year, the verdict on each (the very verdict its detail
page shows), what changed this month — only what an SPC rule or a test supports — and the
January 2016 report's three recommendations answered from the data."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import pandas as pd

from hwb_kpis import config
from hwb_kpis.kpis.table import referrals_listed
from hwb_kpis.privacy.disclosure import rule_clause
from hwb_kpis.report import (
    agencies,
    comparisons,
    icons,
    iha_cohort,
    kpi_tables,
    revisions,
    trends,
    verdict,
    verdict_html,
)
from hwb_kpis.report.completeness import completeness, completeness_sentence
from hwb_kpis.report.declared import changes_note, targets_note
from hwb_kpis.report.kpi_verdicts import Verdict, supported_changes
from hwb_kpis.report.pages.base import BasePage, PageData, load_data, needs
from hwb_kpis.report.words import family_note, month_name, shift_month, value_text
from hwb_kpis.report.words import missing as _missing

#: the measures of the board report, in its order: (kpi, group)
ITEMS: tuple[tuple[str, str], ...] = (
    ("contacts", "all"), ("health_share", "all"), ("marf", "all"), ("marf", "health"),
    ("conversion", "all"), ("conversion", "health"), ("repeat_contacts", "all"),
    ("repeat_contacts", "health"), (iha_cohort.IHA_KPI, "all"),
)
#: the referral measures, after the board report's, when the extract lists referrals (made from
#: contacts they would restate conversion's numerator)
REFERRAL_ITEMS: tuple[tuple[str, str], ...] = (
    ("referrals", "all"), ("referral_health_share", "all"), ("referral_nfa", "all"), ("rereferral_12m", "all"),
)
#: the detail page (notebook) that shows each KPI's verdict too
DETAIL_PAGES = {
    "contacts": "02_contacts_and_sources", "health_share": "02_contacts_and_sources", "marf": "02_contacts_and_sources",
    "conversion": "03_conversion_fluctuation", "repeat_contacts": "04_repeat_contacts",
    iha_cohort.IHA_KPI: "05_iha_timeliness", "referrals": "03_conversion_fluctuation",
    "referral_health_share": "03_conversion_fluctuation", "referral_nfa": "03_conversion_fluctuation",
    "rereferral_12m": "06_benchmarking",
}


def _change_words(v: Verdict) -> str:
    """The supported month-on-month change in words; its figures left out when the chart withholds
    the month's point (:meth:`Verdict.published`)."""
    test = v.month_change
    if v.hidden is not None and len(v.hidden) and bool(v.hidden[-1]):
        return (f"**{v.label}**, {month_name(v.latest_month)}: moved more than this measure's usual month-to-month "
                "variation (the figures are not shown, to protect children's privacy)")
    this, last = v.value, v.value - test["difference"]
    move = comparisons.change_sentence(this, last, is_rate=v.is_rate,
                                       previous_label=f"in {month_name(v.previous_month)}")
    p = test["p_value"]
    return (f"**{v.label}**, {month_name(v.latest_month)}: {value_text(this, is_rate=v.is_rate)}, {move} — "
            f"more than this measure's usual month-to-month variation ({'p < 0.001' if p < 0.001 else f'p = {p:.3f}'})")


def what_changed(verdicts: Mapping[tuple[str, str], Verdict]) -> list[str]:
    """What changed in the latest judged month of each measure, and only what a rule or a test
    supports: a special cause that the month before did not show (a new signal), or a difference
    from the month before larger than the chart's own month-to-month variation gives
    (:func:`hwb_kpis.stats.difference_test`), the measures' tests taken together with
    Benjamini–Hochberg control (:func:`~hwb_kpis.report.kpi_verdicts.supported_changes`, said in
    the last line). Months still maturing are never judged.
    Signals that began earlier are named as continuing, not as changes. A figure the pack withholds
    is not quoted. Never empty."""
    out = []
    supported = supported_changes(verdicts)
    for key, v in verdicts.items():
        if v.too_few:
            continue
        parts = []
        if v.new_signal:
            parts.append(verdict.new_signal_sentence(v))
        if supported[key]:
            parts.append(_change_words(v))
        if parts:
            out.append(". ".join(parts) + ".")
    continuing = [verdict.continuing_clause(v) for v in verdicts.values() if v.special and not v.new_signal]
    if all(v.too_few for v in verdicts.values()):
        return ["Too few months are complete to say whether anything changed."]
    if not out:
        out.append("Nothing changed this month in a way the SPC rules or a month-on-month test support: "
                   f"{verdict.NO_SIGNAL_CLAUSE} that began this month, and no measure moved by more than its usual "
                   "month-to-month variation.")
    if continuing:
        out.append("Signals that began earlier and continue (not changes this month): " + "; ".join(continuing) + ".")
    tested = sum(v.month_change is not None for v in verdicts.values())
    if tested > 1:
        out.append(f"Month-on-month moves: {family_note(tested, 'measures', named=any(supported.values()))}")
    return out


class SummaryPage(BasePage):
    """What page 00 shows, section by section."""

    def __init__(self, data: PageData, *, view: str, lookback_days: int, iha_limit: str,
                 reports_dir=None, settings_dir=None) -> None:
        super().__init__(data)
        self.reports_dir = reports_dir
        self.iha_limit = iha_limit
        self.view, self.lookback_days, self.settings_dir = view, lookback_days, settings_dir
        self.kpi_df = data.kpis(view=view, as_of=data.as_of, lookback_days=lookback_days, iha_limit=iha_limit)
        self.iha = data.iha(iha_limit)
        #: the measures of the board report, then (for an extract listing referrals) the referral
        #: measures: those the extract gives
        self.items = tuple(item for item in self._all_items if self.can_show(item[0]))

    @property
    def _all_items(self) -> tuple[tuple[str, str], ...]:
        return (*ITEMS, *(REFERRAL_ITEMS if referrals_listed(dict(self.data.tables)) else ()))

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for k, _ in self._all_items))

    # --- the verdicts (the same objects every detail page shows) ---------------------------------
    @cached_property
    def verdicts(self) -> dict[tuple[str, str], Verdict]:
        """The verdict on each measure the extract gives (:meth:`PageData.verdict`), in the board
        report's order."""
        return {(kpi, group): self.verdict(self.iha if kpi == iha_cohort.IHA_KPI else self.kpi_df, kpi, group)
                for kpi, group in self.items
                if not self.kpi_df[(self.kpi_df["kpi"] == kpi) & (self.kpi_df["group"] == group)].empty}

    @property
    def month_for(self) -> dict[tuple[str, str], str]:
        """IHA is quoted for its latest cohort that is no longer maturing."""
        v = self.verdicts.get((iha_cohort.IHA_KPI, "all"))
        return {(iha_cohort.IHA_KPI, "all"): v.latest_month} if v is not None and v.latest_month else {}

    @property
    def month_heading(self) -> str:
        return f"## {self.month_words}"

    # --- the matrix ------------------------------------------------------------------------------
    @property
    def matrix(self) -> str:
        """The Making Data Count matrix (HTML)."""
        return verdict_html.matrix_html(self.verdicts.values(), internal=self.internal)

    @property
    def matrix_note(self) -> str:
        """What the matrix's columns are."""
        return ("Each row is one measure, judged on its latest month that is no longer maturing: its figure, the "
                "target if one is set, the average and the lower and upper process limits of its SPC chart (since "
                "the last declared change), the months as a small chart, and the two icons. "
                f"Rates are whole percentages; {rule_clause()}.")

    @property
    def icon_key(self) -> str:
        """The key to the icons (HTML)."""
        return icons.icon_key()

    @property
    def targets_note(self) -> str:
        """Where the targets come from."""
        return targets_note(self.data.rules)

    @property
    def changes_note(self) -> str:
        """Where the change points that restart the limits come from."""
        return changes_note(self.data.rules)

    @property
    def assurance_sentences(self) -> list[str]:
        return [s for v in self.verdicts.values() if (s := verdict.assurance_sentence(v))]

    # --- this month, last month and last year ----------------------------------------------------
    @property
    def table_note(self) -> str:
        """How the table prints its figures (the small-number rule from privacy.disclosure)."""
        return f"Rates are whole percentages; {rule_clause()}."

    @cached_property
    def maturing(self) -> dict[tuple[str, str], set[str]]:
        """The months still maturing of each measure."""
        return {item: set(v.maturing["month"]) for item, v in self.verdicts.items()}

    @cached_property
    def measures_table(self) -> pd.DataFrame:
        """Every measure this month, last month and the same month last year (published through the
        pack's disclosure decisions), a figure for a month still maturing marked, and figures
        revised since last month's pack marked."""
        table = comparisons.comparison_table(self.kpi_df, self.items, self.month, month_for=self.month_for,
                                             decisions=self.decisions, view=self.data.view, maturing=self.maturing)
        cells = {}
        for i, (kpi, group) in enumerate(self.items):
            own = self.month_for.get((kpi, group), self.month)
            for column, back in (("last month", 1), ("same month last year", 12)):
                cells[(i, column)] = (kpi, group, shift_month(own, -back))
        return revisions.mark(table, self.revisions, cells)

    # --- what changed since last month's pack -------------------------------------------------
    @cached_property
    def revisions(self) -> revisions.Revisions:
        """The figures of earlier months that moved since last month's pack (its ``kpis.csv``)."""
        published = kpi_tables.published_kpis(self.kpi_df, self.month, internal=self.internal,
                                              decisions=self.decisions, view=self.data.view, limit=self.iha_limit)
        return revisions.against_previous_pack(published, self.month, self.reports_dir, internal=self.internal)

    @property
    def revisions_note(self) -> str:
        """How many earlier figures moved since last month's pack, and what the mark means."""
        return self.revisions.sentence(self.items)

    @property
    def maturing_note(self) -> str:
        """What the table's maturing mark means (empty when no month is maturing)."""
        return comparisons.maturing_note(self.maturing, self.data.rules.maturing_share)

    @property
    @needs(iha_cohort.IHA_KPI, quiet=True)
    def iha_note(self) -> str:
        return (f"Initial health assessments count as on time when completed {iha_cohort.limit_words(self.iha_limit)} "
                "of becoming looked after.")

    # --- what the charts say ---------------------------------------------------------------------
    @property
    def verdict_list(self) -> list[Verdict]:
        return list(self.verdicts.values())

    @property
    def verdict_sentences(self) -> list[str]:
        return [v.sentence for v in self.verdicts.values()]

    # --- what changed this month -----------------------------------------------------------------
    @property
    def changes(self) -> list[str]:
        return what_changed(self.verdicts)

    @property
    def proposals(self) -> list[str]:
        """Sustained shifts the rules see but no declared change explains: for the internal copy
        only (they are proposals for the analyst, not findings)."""
        if not self.internal:
            return []
        return [v.proposal_sentence for v in self.verdicts.values() if v.proposal]

    @property
    def proposals_heading(self) -> str:
        return "## Proposed change points (internal copy only)" if self.proposals else ""

    # --- the three recommendations ------------------------------------------------------------
    def _rate(self, kpi: str, group: str) -> str | None:
        """This month's rate as a sentence gives it; None when it may not be published, ``""`` when
        there is none (no contacts to take a share of)."""
        comp = comparisons.compare_periods(self.kpi_df, kpi, group, self.month)
        if _missing(comp.loc["this month", "rate"]):
            return ""
        if comparisons.period_status(comp, "this month", self.decisions, self.data.view) != "shown":
            return None
        return value_text(comp.loc["this month", "rate"], is_rate=True)

    @property
    @needs("health_share")
    def commissioning_answer(self) -> str:
        """Recommendation 1: what health services send, and how well (the parts the extract gives;
        a figure that rests on a count from 1 to 4, or on one withheld, is left out and the
        sentence says so)."""
        r = self._rate
        share = r("health_share", "all")
        head = (f"In {self.month_words}, health services sent {share} of all contacts." if share else
                f"In {self.month_words}, the share of contacts from health services is not shown, to protect "
                "children's privacy." if share is None else f"There were no contacts in {self.month_words}.")
        parts, hidden = [], []
        for kpi, words in (("marf", "came on a MARF"), ("conversion", "were progressed to a referral"),
                           ("repeat_contacts", "were repeat contacts")):
            if not self.can_show(kpi):  # the parts the extract gives
                continue
            mine, everyone = r(kpi, "health"), r(kpi, "all")
            if mine == "":
                continue
            if mine is None:
                hidden.append(words.replace("were ", "").replace("came ", "coming "))
                continue
            parts.append(f"{mine} of health contacts {words}" + (f" (all agencies: {everyone})" if everyone else ""))
        body = ""
        if parts:
            text = "; ".join(parts)
            body += " " + text[:1].upper() + text[1:] + "."
        if hidden:
            body += (" The share of health contacts " + " / ".join(hidden) + " is not shown, to protect children's "
                     "privacy.")
        return head + body + " The breakdown by health service is in *Contacts and sources*."

    @property
    @needs("conversion")
    def threshold_answer(self) -> str:
        """Recommendation 2: is conversion rising, and which agencies differ by more than chance
        (both on the months no longer maturing)."""
        judged = self.verdicts[("conversion", "all")].latest_month if ("conversion", "all") in self.verdicts else None
        if judged is None:
            return verdict.NOT_JUDGED.format(what="conversion")
        trend = trends.rate_trend(self.kpi_df, "conversion", judged)
        funnel = agencies.kpi_funnel(self.kpi_df, "conversion", judged, months=12, decisions=self.decisions,
                                     view=self.data.view)
        return (trends.trend_sentence(trend, "conversion") + " "
                + agencies.funnel_sentence(funnel, what="conversion rate over the 12 months to "
                                           + month_name(judged)))

    @property
    @needs("conversion", quiet=True)
    def training_answer(self) -> list[str]:
        """Recommendation 2, continued: whether the agencies' threshold training (training.csv)
        changed their conversion and repeat rates (:func:`hwb_kpis.report.training.board_sentences`)."""
        from hwb_kpis.report import training

        conversion = self.verdicts.get(("conversion", "all"))
        maturing = list(conversion.maturing["month"]) if conversion is not None else []
        settings_dir = self.settings_dir if self.settings_dir is not None else config.default_settings_dir()
        return training.board_sentences(self.data.contacts, view=self.view, month=self.month,
                                        settings_dir=settings_dir, synthetic=bool(self.data.summary.get("synthetic")),
                                        lookback_days=self.lookback_days, exclude_months=maturing)

    @property
    @needs("contacts")
    def feedback_answer(self) -> str:
        """Recommendation 3: how complete what agencies send is."""
        return completeness_sentence(completeness(self.data.contacts, self.month), self.month,
                                     decisions=self.decisions, marf_in_extract=self.can_show("marf"))


def load(month: str = config.DEFAULT_MONTH, processed_dir=None, raw_dir=None, view: str = config.DEFAULT_VIEW,
         as_of: str = "", lookback_days: int = config.DEFAULT_LOOKBACK_DAYS, iha_limit: str = config.DEFAULT_IHA_LIMIT,
         internal: bool = False, settings_dir=None, maturing_share: float = config.DEFAULT_MATURING_SHARE,
         link_days: int = config.DEFAULT_LINK_DAYS, reports_dir=None) -> SummaryPage:
    """Page 00 for the notebook's parameters (``reports_dir``: where last month's pack is, to show
    what was revised since; default the project's reports folder)."""
    data = load_data(month, processed_dir, raw_dir, as_of=as_of, internal=internal, view=view, settings_dir=settings_dir,
                     maturing_share=maturing_share, link_days=link_days)
    return SummaryPage(data, view=view, lookback_days=lookback_days, iha_limit=iha_limit,
                       reports_dir=reports_dir or config.default_reports_dir(), settings_dir=settings_dir)

