"""Page 00, the board summary: each board measure this month beside last month and the same
month last year, the SPC verdict on each (the same chart its detail page shows), what moved this
month, and the January 2016 report's three recommendations answered from the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

import pandas as pd

from hwb_kpis import config, kpis
from hwb_kpis.kpis.table import referrals_listed
from hwb_kpis.privacy.disclosure import rule_clause
from hwb_kpis.report import agencies, comparisons, iha_cohort, trends, verdict
from hwb_kpis.report.completeness import completeness, completeness_sentence
from hwb_kpis.report.kpi_charts import KpiChart, kpi_chart
from hwb_kpis.report.labels import measure_label
from hwb_kpis.report.pages.base import BasePage, PageData, load_data, needs
from hwb_kpis.report.words import missing as _missing
from hwb_kpis.report.words import month_name, percent, value_text

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


def what_changed(kpi_df: pd.DataFrame, items: Sequence[tuple[str, str]], month: str,
                 verdicts: Mapping[tuple[str, str], Mapping] | None = None, *, points_threshold: int = 3,
                 count_threshold: float = 0.1, month_for: Mapping[tuple[str, str], str] | None = None) -> list[str]:
    """What moved this month: measures whose rate moved by at least ``points_threshold`` points (or
    count by ``count_threshold`` of last month) since last month, and measures whose SPC verdict is
    not common cause. Always returns at least one sentence."""
    out = []
    for kpi, group, own, comp in comparisons.compare_items(kpi_df, items, month, month_for):
        label = measure_label(kpi, group, brackets=True)
        if own != month:
            label += f", {month_name(own)}"
        this, last = comp.loc["this month", "value"], comp.loc["last month", "value"]
        found = (verdicts or {}).get((kpi, group))
        signal = found is not None and found["key"] not in ("common_cause", "too_few")
        moved = False
        if not _missing(this) and not _missing(last):
            if comp.attrs["is_rate"]:
                moved = abs(round(float(this) * 100) - round(float(last) * 100)) >= points_threshold
            else:
                moved = float(last) > 0 and abs(float(this) - float(last)) >= count_threshold * float(last)
        if moved or signal:
            s = f"**{label}**: {value_text(this, is_rate=comp.attrs['is_rate'])}, " + comparisons.change_sentence(
                this, last, is_rate=comp.attrs["is_rate"])
            if signal:
                s += f" — {found['icon']} {found['words']}"
            out.append(s + ".")
    if not out:
        out.append(f"No measure moved by {points_threshold} points or more since last month, and "
                   f"{verdict.NO_SIGNAL_CLAUSE}: the differences are within normal variation.")
    return out


class SummaryPage(BasePage):
    """What page 00 shows, section by section."""

    MEASURES = tuple(dict.fromkeys(k for k, _ in (*ITEMS, *REFERRAL_ITEMS)))

    def __init__(self, data: PageData, *, view: str, lookback_days: int, iha_limit: str) -> None:
        super().__init__(data)
        self.iha_limit = iha_limit
        self.kpi_df = data.kpis(view=view, as_of=data.as_of, lookback_days=lookback_days, iha_limit=iha_limit)
        #: the measures of the board report, then (for an extract listing referrals) the referral
        #: measures: those the extract gives
        self.items = tuple(item for item in self._all_items if self.can_show(item[0]))
        self.iha = kpis.iha_within(data.looked_after if self.can_show(iha_cohort.IHA_KPI) else data.looked_after.iloc[:0],
                                   as_of=data.as_of, limit=iha_limit)
        #: the IHA cohort the page quotes: the latest whose children are all due
        self.iha_month = iha_cohort.reporting_month(self.iha, self.month)
        self.month_for = {(iha_cohort.IHA_KPI, "all"): self.iha_month}

    @property
    def _all_items(self) -> tuple[tuple[str, str], ...]:
        return (*ITEMS, *(REFERRAL_ITEMS if referrals_listed(dict(self.data.tables)) else ()))

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for k, _ in self._all_items))

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
        """Every measure this month, last month and the same month last year (suppressed unless internal)."""
        return comparisons.comparison_table(self.kpi_df, self.items, self.month, internal=self.internal,
                                            month_for=self.month_for)

    @property
    @needs(iha_cohort.IHA_KPI, quiet=True)
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
        for kpi, group in self.items:
            label = measure_label(kpi, group, brackets=True)
            if kpi == iha_cohort.IHA_KPI:
                out[(kpi, group)] = iha_cohort.iha_chart(self.iha, self.iha_month, label=label)
            else:
                out[(kpi, group)] = kpi_chart(self.kpi_df, kpi, group, self.month, label=label)
        return out

    @property
    def verdict_sentences(self) -> list[str]:
        return [chart.sentence for chart in self.charts.values()]

    # --- what changed this month --------------------------------------------------------------
    @property
    def changes(self) -> list[str]:
        verdicts = {item: chart.verdict for item, chart in self.charts.items()}
        return what_changed(self.kpi_df, self.items, self.month, verdicts, month_for=self.month_for)

    # --- the three recommendations ------------------------------------------------------------
    def _rate(self, kpi: str, group: str) -> str:
        return percent(comparisons.compare_periods(self.kpi_df, kpi, group, self.month).loc["this month", "rate"])

    @property
    @needs("health_share")
    def commissioning_answer(self) -> str:
        """Recommendation 1: what health services send, and how well (the parts the extract gives)."""
        r = self._rate
        parts = {
            "marf": f"{r('marf', 'health')} of health contacts came on a MARF (all agencies: {r('marf', 'all')})",
            "conversion": f"{r('conversion', 'health')} were progressed to a referral "
                          f"(all agencies: {r('conversion', 'all')})",
            "repeat_contacts": f"{r('repeat_contacts', 'health')} were repeat contacts "
                               f"(all agencies: {r('repeat_contacts', 'all')})",
        }
        shown = [text for kpi, text in parts.items() if self.can_show(kpi)]
        said = f"In {self.month_words}, health services sent {r('health_share', 'all')} of all contacts. "
        if shown:
            said += "; ".join(shown) + ". "
        return said + "The breakdown by health service is in *Contacts and sources*."

    @property
    @needs("conversion")
    def threshold_answer(self) -> str:
        """Recommendation 2: is conversion really rising, and which agencies differ by more than chance."""
        trend = trends.rate_trend(self.kpi_df, "conversion", self.month)
        funnel = agencies.kpi_funnel(self.kpi_df, "conversion", self.month, months=12)
        return (trends.trend_sentence(trend, "conversion") + " "
                + agencies.funnel_sentence(funnel, what="conversion rate over the last 12 months"))

    @property
    @needs("contacts")
    def feedback_answer(self) -> str:
        """Recommendation 3: how complete what agencies send is."""
        return completeness_sentence(completeness(self.data.contacts, self.month), self.month,
                                     marf_in_extract=self.can_show("marf"))


def load(month: str = config.DEFAULT_MONTH, processed_dir=None, raw_dir=None, view: str = config.DEFAULT_VIEW,
         as_of: str = "", lookback_days: int = config.DEFAULT_LOOKBACK_DAYS, iha_limit: str = config.DEFAULT_IHA_LIMIT,
         internal: bool = False, link_days: int = config.DEFAULT_LINK_DAYS) -> SummaryPage:
    """Page 00 for the notebook's parameters."""
    data = load_data(month, processed_dir, raw_dir, as_of=as_of, internal=internal, link_days=link_days)
    return SummaryPage(data, view=view, lookback_days=lookback_days, iha_limit=iha_limit)
