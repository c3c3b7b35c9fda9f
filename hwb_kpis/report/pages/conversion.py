"""Page 03, contacts progressed to referral: is the rise real (an SPC chart, the comparison with
last month and last year, a trend model), and which agencies' rates move more than chance, or
differ from the rest by more than chance."""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from hwb_kpis import config
from hwb_kpis.report import agencies, display, plots, trends
from hwb_kpis.report.comparisons import compare_periods, comparison_sentence
from hwb_kpis.report.kpi_charts import KpiChart, hidden_points, kpi_chart
from hwb_kpis.report.labels import group_label
from hwb_kpis.report.pages.base import BasePage, PageData, load_data
from hwb_kpis.report.words import shift_month

KPI = "conversion"
#: how the page names the measure in a chart title
LABEL = "Contacts progressed to referral"


class ConversionPage(BasePage):
    """What page 03 shows, section by section."""

    FAMILIES = ("contacts",)

    def __init__(self, data: PageData, *, view: str) -> None:
        super().__init__(data)
        self.view = view
        self.kpi_df = data.kpis(view=view)

    # --- month by month -----------------------------------------------------------------------
    @cached_property
    def chart(self) -> KpiChart:
        return hidden_points(kpi_chart(self.kpi_df, KPI, "all", self.month, label=LABEL), self.decisions, self.view)

    def chart_figure(self):
        return self.chart.figure(y_label="Share of decided contacts", as_of=self.as_of_text)

    @property
    def chart_sentence(self) -> str:
        return self.chart.sentence

    @property
    def chart_choice_sentence(self) -> str:
        """Why a p-chart or Laney's p′-chart."""
        return self.chart.chart_choice_sentence

    @property
    def comparison_sentences(self) -> list[str]:
        """Conversion, then the share still awaiting a decision: this month against last month and last year."""
        return [comparison_sentence(compare_periods(self.kpi_df, kpi, "all", self.month), decisions=self.decisions,
                                    view=self.view) for kpi in (KPI, "pending")]

    # --- is it really rising? -----------------------------------------------------------------
    @property
    def trend_sentence(self) -> str:
        trend = trends.rate_trend(self.kpi_df, KPI, self.month)
        return trends.trend_sentence(trend, "the share progressed to referral")

    # --- by agency ----------------------------------------------------------------------------
    @cached_property
    def fluctuation(self) -> pd.DataFrame:
        """:func:`hwb_kpis.report.agencies.group_fluctuation` over the last 12 months."""
        return agencies.group_fluctuation(self.kpi_df, KPI, self.month)

    @cached_property
    def _panels(self) -> tuple[list[str], list[str]]:
        return agencies.largest_groups(self.fluctuation)

    def agencies_figure(self):
        """Each of the largest agencies' own SPC chart over the last two years."""
        panels = agencies.agency_panels(self.kpi_df, KPI, self._panels[0], self.month,
                                        start=shift_month(self.month, -23), decisions=self.decisions, view=self.view)
        return plots.small_multiples(panels, x="x", y="y", group="agency", title=f"{LABEL}, by agency",
                                     y_label="Share progressed", percent=True, as_of=self.as_of_text,
                                     note=agencies.panels_note(panels))

    @property
    def left_out_sentence(self) -> str:
        return agencies.left_out_sentence(*self._panels, where="the table below")

    @property
    def fluctuation_sentence(self) -> str:
        return agencies.fluctuation_sentence(self.fluctuation, what="share progressed to referral")

    @property
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
        funnel = agencies.kpi_funnel(self.kpi_df, KPI, self.month, decisions=self.decisions, view=self.view)
        funnel["label"] = funnel["label"].map(group_label)
        return funnel

    def funnel_figure(self):
        return plots.funnel_plot(self.funnel, title=f"{LABEL} by agency, {self.month_words}",
                                 y_label="Share progressed", as_of=self.as_of_text, note=agencies.funnel_note(self.funnel))

    @property
    def funnel_sentence(self) -> str:
        return agencies.funnel_sentence(self.funnel, what=f"share progressed to referral in {self.month_words}")


def load(month: str = config.DEFAULT_MONTH, processed_dir=None, raw_dir=None, view: str = config.DEFAULT_VIEW,
         internal: bool = False) -> ConversionPage:
    """Page 03 for the notebook's parameters."""
    return ConversionPage(load_data(month, processed_dir, raw_dir, internal=internal, view=view), view=view)
