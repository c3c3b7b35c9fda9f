"""Page 03, contacts progressed to referral: is the rise real (an SPC chart with the verdict the
summary gives, the comparison with last month and last year, a trend model), and which agencies'
rates move more than chance, or differ from the rest by more than chance — each judged on the
months no longer maturing (a month whose contacts still largely await a decision is not judged);
then the referrals themselves (how many, the share from health, the share closed with no further
action), which an extract of referrals alone gives."""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from hwb_kpis import config
from hwb_kpis.report import agencies, display, plots, trends
from hwb_kpis.report.comparisons import compare_periods, comparison_sentence
from hwb_kpis.report.kpi_verdicts import Verdict
from hwb_kpis.report.labels import group_label
from hwb_kpis.report.pages.base import BasePage, PageData, load_data, needs
from hwb_kpis.report.verdict import NOT_JUDGED
from hwb_kpis.report.words import month_name, shift_month

KPI = "conversion"
#: how the page names the measure in a chart title
LABEL = "Contacts progressed to referral"


class ConversionPage(BasePage):
    """What page 03 shows, section by section."""

    MEASURES = (KPI, "pending", "referrals", "referral_health_share", "referral_nfa")

    def __init__(self, data: PageData, *, view: str) -> None:
        super().__init__(data)
        self.view = view
        self.kpi_df = data.kpis(view=view)

    # --- month by month -----------------------------------------------------------------------
    @cached_property
    def chart(self) -> Verdict:
        """The verdict on conversion (the one the summary gives), its withheld points marked."""
        return self.verdict(self.kpi_df, KPI)

    @property
    def judged_month(self) -> str:
        """The latest month no longer maturing: what the page's findings rest on."""
        return self.chart.latest_month or self.month

    @needs(KPI)
    def chart_figure(self):
        return self.chart.figure(y_label="Share of decided contacts", as_of=self.as_of_text)

    @property
    @needs(KPI, quiet=True)
    def verdicts(self) -> list[Verdict]:
        """All agencies, then health (the summary's two conversion measures)."""
        return [self.chart, self.verdict(self.kpi_df, KPI, "health")]

    @property
    @needs(KPI, quiet=True)
    def chart_choice_sentence(self) -> str:
        """Why a p-chart or Laney's p′-chart (the method, for the internal copy)."""
        return self.chart.chart_choice_sentence

    @property
    @needs(KPI, quiet=True)
    def chart_limits_sentence(self) -> str:
        """Why the chart's limits are as wide as they are, in plain words (the board's copy)."""
        test = self.chart.test
        if not test:
            return ""
        if test.get("use_laney"):
            return (f"The share varies from month to month more than sampling alone would explain (about "
                    f"{float(test['sigma_z']):.1f} times as much), so the chart's limits allow for that extra "
                    "variation and flag only changes beyond it.")
        return "The chart uses the usual limits for a share: its months vary about as much as sampling alone explains."

    @property
    @needs(KPI, "pending", quiet=True)
    def comparison_sentences(self) -> list[str]:
        """Conversion in the page's month (not compared when still maturing) and in the latest month
        judged, then the share still awaiting a decision."""
        maturing = dict(zip(self.chart.maturing["month"], self.chart.maturing["share"], strict=True))
        months = [self.month] if self.judged_month == self.month else [self.month, self.judged_month]
        out = [comparison_sentence(compare_periods(self.kpi_df, KPI, "all", m), decisions=self.decisions,
                                   view=self.view, maturing=maturing) for m in months]
        out.append(comparison_sentence(compare_periods(self.kpi_df, "pending", "all", self.month),
                                       decisions=self.decisions, view=self.view, maturing=maturing))
        return out

    # --- is it rising? ------------------------------------------------------------------------
    @property
    @needs(KPI)
    def trend_sentence(self) -> str:
        trend = trends.rate_trend(self.kpi_df, KPI, self.judged_month)
        return trends.trend_sentence(trend, "the share progressed to referral")

    # --- by agency ----------------------------------------------------------------------------
    @cached_property
    def fluctuation(self) -> pd.DataFrame:
        """:func:`hwb_kpis.report.agencies.group_fluctuation` over the 12 months to the judged month."""
        return agencies.group_fluctuation(self.kpi_df, KPI, self.judged_month)

    @cached_property
    def _panels(self) -> tuple[list[str], list[str]]:
        return agencies.largest_groups(self.fluctuation)

    @needs(KPI)
    def agencies_figure(self):
        """Each of the largest agencies' own SPC chart over the last two years."""
        panels = agencies.agency_panels(self.kpi_df, KPI, self._panels[0], self.judged_month,
                                        start=shift_month(self.judged_month, -23), decisions=self.decisions,
                                        view=self.view)
        return plots.small_multiples(panels, x="x", y="y", group="agency", title=f"{LABEL}, by agency",
                                     y_label="Share progressed", percent=True, as_of=self.as_of_text,
                                     note=agencies.panels_note(panels))

    @property
    @needs(KPI, quiet=True)
    def left_out_sentence(self) -> str:
        return agencies.left_out_sentence(*self._panels, where="the table below")

    @property
    @needs(KPI, quiet=True)
    def fluctuation_sentence(self) -> str:
        if self.chart.latest_month is None:
            return NOT_JUDGED.format(what="the share progressed to referral")
        return agencies.fluctuation_sentence(self.fluctuation, what="share progressed to referral",
                                             until=month_name(self.judged_month))

    @property
    @needs(KPI, quiet=True)
    def fluctuation_table(self) -> pd.DataFrame:
        f = self.fluctuation
        table = f.assign(agency=f["group"].map(group_label))[["agency", "numerator", "denominator", "rate", "verdict"]]
        table = table.rename(columns={"numerator": "referrals", "denominator": "decided contacts", "rate": "progressed"})
        return display.publish(table, count_columns=["referrals", "decided contacts"], rate_columns=["progressed"],
                               decisions=self.decisions)

    # --- which agencies differ from the rest? -------------------------------------------------
    @cached_property
    def funnel(self) -> pd.DataFrame:
        """This month's funnel of agencies, labelled."""
        funnel = agencies.kpi_funnel(self.kpi_df, KPI, self.judged_month, decisions=self.decisions, view=self.view)
        funnel["label"] = funnel["label"].map(group_label)
        return funnel

    @needs(KPI)
    def funnel_figure(self):
        return plots.funnel_plot(self.funnel, title=f"{LABEL} by agency, {month_name(self.judged_month)}",
                                 y_label="Share progressed", as_of=self.as_of_text, note=agencies.funnel_note(self.funnel))

    @property
    @needs(KPI, quiet=True)
    def funnel_sentence(self) -> str:
        if self.chart.latest_month is None:
            return NOT_JUDGED.format(what="the share progressed to referral")
        return agencies.funnel_sentence(self.funnel,
                                        what=f"share progressed to referral in {month_name(self.judged_month)}")

    # --- the referrals ------------------------------------------------------------------------
    @cached_property
    def referrals_chart(self) -> Verdict:
        """The verdict on the referrals received (the one the summary gives, when it shows it)."""
        return self.verdict(self.kpi_df, "referrals")

    @needs("referrals")
    def referrals_figure(self):
        return self.referrals_chart.figure(y_label="Referrals per month", as_of=self.as_of_text)

    @property
    @needs("referrals", quiet=True)
    def referral_verdicts(self) -> list[Verdict]:
        return [self.referrals_chart]

    @property
    @needs("referrals", quiet=True)
    def referral_share_sentences(self) -> list[str]:
        """The share of referrals from health and the share closed with no further action, this
        month against last month and last year (those the extract gives)."""
        return [comparison_sentence(compare_periods(self.kpi_df, kpi, "all", self.month), internal=self.internal)
                for kpi in ("referral_health_share", "referral_nfa") if self.can_show(kpi)]


def load(month: str = config.DEFAULT_MONTH, processed_dir=None, raw_dir=None, view: str = config.DEFAULT_VIEW,
         internal: bool = False, settings_dir=None, maturing_share: float = config.DEFAULT_MATURING_SHARE,
         link_days: int = config.DEFAULT_LINK_DAYS) -> ConversionPage:
    """Page 03 for the notebook's parameters."""
    return ConversionPage(load_data(month, processed_dir, raw_dir, internal=internal, view=view, settings_dir=settings_dir,
                                    maturing_share=maturing_share, link_days=link_days), view=view)
