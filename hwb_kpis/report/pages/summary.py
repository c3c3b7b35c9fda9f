"""Page 00, the board summary: each board measure this month beside last month and the same
month last year, the SPC verdict on each (the same chart its detail page shows), what moved this
month, and the January 2016 report's three recommendations answered from the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

import pandas as pd

from hwb_kpis import config, kpis
from hwb_kpis.privacy.disclosure import Decisions, decisions_for, rule_clause
from hwb_kpis.report import agencies, comparisons, iha_cohort, trends, verdict
from hwb_kpis.report.completeness import completeness, completeness_sentence
from hwb_kpis.report.kpi_charts import KpiChart, hidden_points, kpi_chart
from hwb_kpis.report.labels import measure_label
from hwb_kpis.report.pages.base import BasePage, PageData, load_data
from hwb_kpis.report.words import missing as _missing
from hwb_kpis.report.words import month_name, value_text

#: the measures of the board report, in its order: (kpi, group)
ITEMS: tuple[tuple[str, str], ...] = (
    ("contacts", "all"), ("health_share", "all"), ("marf", "all"), ("marf", "health"),
    ("conversion", "all"), ("conversion", "health"), ("repeat_contacts", "all"),
    ("repeat_contacts", "health"), (iha_cohort.IHA_KPI, "all"),
)


def what_changed(kpi_df: pd.DataFrame, items: Sequence[tuple[str, str]], month: str,
                 verdicts: Mapping[tuple[str, str], Mapping] | None = None, *, points_threshold: int = 3,
                 count_threshold: float = 0.1, month_for: Mapping[tuple[str, str], str] | None = None,
                 decisions: Decisions | None = None, view: str = config.DEFAULT_VIEW) -> list[str]:
    """What moved this month: measures whose rate moved by at least ``points_threshold`` points (or
    count by ``count_threshold`` of last month) since last month, and measures whose SPC verdict is
    not common cause. A figure the disclosure ``decisions`` do not show is not quoted, nor is a
    change from or to it. Always returns at least one sentence."""
    decisions = decisions or decisions_for(False)
    out = []
    for kpi, group, own, comp in comparisons.compare_items(kpi_df, items, month, month_for):
        label = measure_label(kpi, group, brackets=True)
        if own != month:
            label += f", {month_name(own)}"
        values = comparisons.shown_values(comp, decisions, view)
        this, last = values["this month"], values["last month"]
        found = (verdicts or {}).get((kpi, group))
        signal = found is not None and found["key"] not in ("common_cause", "too_few")
        moved = False
        if not _missing(this) and not _missing(last):
            if comp.attrs["is_rate"]:
                moved = abs(round(float(this) * 100) - round(float(last) * 100)) >= points_threshold
            else:
                moved = float(last) > 0 and abs(float(this) - float(last)) >= count_threshold * float(last)
        if not (moved or signal):
            continue
        status = comparisons.period_status(comp, "this month", decisions, view)
        if status != "shown":
            s = f"**{label}**: {comparisons.hidden_words(comp, decisions, view)}"
        else:
            hidden = _missing(last) and not _missing(comp.loc["last month", "value"])
            s = f"**{label}**: {value_text(this, is_rate=comp.attrs['is_rate'])}, " + comparisons.change_sentence(
                this, last, is_rate=comp.attrs["is_rate"], previous_hidden=hidden)
        if signal:
            s += f" — {found['icon']} {found['words']}"
        out.append(s + ".")
    if not out:
        out.append(f"No measure moved by {points_threshold} points or more since last month, and "
                   f"{verdict.NO_SIGNAL_CLAUSE}: the differences are within normal variation.")
    return out


class SummaryPage(BasePage):
    """What page 00 shows, section by section."""

    def __init__(self, data: PageData, *, view: str, lookback_days: int, iha_limit: str) -> None:
        super().__init__(data)
        self.iha_limit = iha_limit
        self.kpi_df = data.kpis(view=view, as_of=data.as_of, lookback_days=lookback_days, iha_limit=iha_limit)
        self.iha = kpis.iha_within(data.looked_after, as_of=data.as_of, limit=iha_limit)
        #: the IHA cohort the page quotes: the latest whose children are all due
        self.iha_month = iha_cohort.reporting_month(self.iha, self.month)
        self.month_for = {(iha_cohort.IHA_KPI, "all"): self.iha_month}

    # --- the measures at a glance ------------------------------------------------------------
    @property
    def month_heading(self) -> str:
        return f"## {self.month_words}"

    @property
    def table_note(self) -> str:
        """How the table prints its figures (the small-number rule from privacy.disclosure)."""
        return f"Rates are whole percentages; {rule_clause()}."

    @cached_property
    def measures_table(self) -> pd.DataFrame:
        """Every measure this month, last month and the same month last year (published through the
        pack's disclosure decisions)."""
        return comparisons.comparison_table(self.kpi_df, ITEMS, self.month, month_for=self.month_for,
                                            decisions=self.decisions, view=self.data.view)

    @property
    def iha_note(self) -> str:
        return (f"Initial health assessments count as on time when completed {iha_cohort.limit_words(self.iha_limit)} "
                "of becoming looked after.")

    # --- is anything really changing? --------------------------------------------------------
    @property
    def verdict_key(self) -> str:
        """What the verdict icons mean."""
        return verdict.icon_key()

    @cached_property
    def charts(self) -> dict[tuple[str, str], KpiChart]:
        """The SPC chart of each measure: the one its detail page draws (IHA: rebased at its break)."""
        out = {}
        for kpi, group in ITEMS:
            label = measure_label(kpi, group, brackets=True)
            if kpi == iha_cohort.IHA_KPI:
                chart = iha_cohort.iha_chart(self.iha, self.iha_month, label=label)
            else:
                chart = kpi_chart(self.kpi_df, kpi, group, self.month, label=label)
            out[(kpi, group)] = hidden_points(chart, self.decisions, self.data.view)
        return out

    @property
    def verdict_sentences(self) -> list[str]:
        return [chart.sentence for chart in self.charts.values()]

    # --- what changed this month --------------------------------------------------------------
    @property
    def changes(self) -> list[str]:
        verdicts = {item: chart.verdict for item, chart in self.charts.items()}
        return what_changed(self.kpi_df, ITEMS, self.month, verdicts, month_for=self.month_for,
                            decisions=self.decisions, view=self.data.view)

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
    def commissioning_answer(self) -> str:
        """Recommendation 1: what health services send, and how well (a figure that rests on a
        count from 1 to 4, or on one withheld, is left out and the sentence says so)."""
        r = self._rate
        share = r("health_share", "all")
        head = (f"In {self.month_words}, health services sent {share} of all contacts." if share else
                f"In {self.month_words}, the share of contacts from health services is not shown, to protect "
                "children's privacy." if share is None else f"There were no contacts in {self.month_words}.")
        parts, hidden = [], []
        for kpi, words in (("marf", "came on a MARF"), ("conversion", "were progressed to a referral"),
                           ("repeat_contacts", "were repeat contacts")):
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
    def threshold_answer(self) -> str:
        """Recommendation 2: is conversion really rising, and which agencies differ by more than chance."""
        trend = trends.rate_trend(self.kpi_df, "conversion", self.month)
        funnel = agencies.kpi_funnel(self.kpi_df, "conversion", self.month, months=12, decisions=self.decisions,
                                     view=self.data.view)
        return (trends.trend_sentence(trend, "conversion") + " "
                + agencies.funnel_sentence(funnel, what="conversion rate over the last 12 months"))

    @property
    def feedback_answer(self) -> str:
        """Recommendation 3: how complete what agencies send is."""
        return completeness_sentence(completeness(self.data.contacts, self.month), self.month,
                                     decisions=self.decisions)


def load(month: str = config.DEFAULT_MONTH, processed_dir=None, raw_dir=None, view: str = config.DEFAULT_VIEW,
         as_of: str = "", lookback_days: int = config.DEFAULT_LOOKBACK_DAYS, iha_limit: str = config.DEFAULT_IHA_LIMIT,
         internal: bool = False) -> SummaryPage:
    """Page 00 for the notebook's parameters."""
    data = load_data(month, processed_dir, raw_dir, as_of=as_of, internal=internal, view=view)
    return SummaryPage(data, view=view, lookback_days=lookback_days, iha_limit=iha_limit)
