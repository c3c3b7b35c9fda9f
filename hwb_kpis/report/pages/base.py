"""What every page stands on: its month, the processed tables (made current by
:func:`hwb_kpis.report.data.ensure_processed`), the date its figures are judged at, the pack's
disclosure decisions for the counts it shows (:func:`hwb_kpis.report.published.pack_plan`), and
the two lines at its top (the INTERNAL banner and where the figures come from)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from hwb_kpis import config, kpis
from hwb_kpis.periods import check_month
from hwb_kpis.privacy.disclosure import Decisions, banner_markdown
from hwb_kpis.report import published
from hwb_kpis.report.data import ensure_processed
from hwb_kpis.report.words import fmt_date, month_name


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


@dataclass(frozen=True)
class PageData:
    """The processed tables a page reads, for one month, judged as at one date."""

    month: str
    tables: Mapping[str, Any]
    as_of: pd.Timestamp
    internal: bool = False
    #: the folder the processed tables (and the cleaning's quarantine and audit files) are in
    processed_dir: Path | None = None
    #: the pack's view of referral sources (its disclosure plan depends on which codes it shows)
    view: str = config.DEFAULT_VIEW

    @property
    def contacts(self) -> pd.DataFrame:
        return self.tables["contacts"]

    @property
    def looked_after(self) -> pd.DataFrame:
        return self.tables["looked_after"]

    @property
    def summary(self) -> Mapping:
        """The cleaning summary (``summary.json``: extract date, row counts, synthetic marker)."""
        return self.tables["summary"]

    def kpis(self, **options) -> pd.DataFrame:
        """:func:`hwb_kpis.kpis.kpi_table` (``options``: view, as_of, lookback_days, iha_limit),
        monthly rows up to the page's month."""
        kpi_df = kpis.kpi_table(dict(self.tables), **options)
        return kpi_df[(kpi_df["period"] == "month") & (kpi_df["month"] <= self.month)]


def load_data(month: str, processed_dir: Path | str | None = None, raw_dir: Path | str | None = None, *,
              as_of: str = "", internal: bool = False, view: str = config.DEFAULT_VIEW) -> PageData:
    """The tables of ``processed_dir`` (cleaned from ``raw_dir`` when missing or stale; the
    synthetic extract when there is nothing at all), for ``month``; ``as_of`` (empty: the latest
    date in the extract) is the date IHA due-ness is judged at; ``view`` is the pack's."""
    processed = Path(processed_dir or config.default_processed_dir())
    tables = ensure_processed(processed, raw_dir or config.default_raw_dir(), echo=lambda _: None)
    as_of_date = pd.Timestamp(as_of) if as_of else kpis.extract_as_of(tables)
    return PageData(check_month(month), tables, as_of_date, bool(internal), processed.resolve(), view)


class BasePage:
    """A page of the pack: its data, the disclosure decisions for what it shows, and what stands
    at its top."""

    #: the families of counts the page shows (:data:`hwb_kpis.report.published.FAMILIES`)
    FAMILIES: tuple[str, ...] = published.FAMILIES

    def __init__(self, data: PageData) -> None:
        self.data = data

    @property
    def decisions(self) -> Decisions:
        """Which of the page's counts are shown, ``<5`` or withheld: the pack's plan for its
        families (the same on every page that shows a count), or everything for an internal copy."""
        return published.pack_plan(self.data.tables, self.data.month, view=self.data.view, as_of=self.data.as_of,
                                   processed_dir=self.data.processed_dir, families=self.FAMILIES,
                                   internal=self.data.internal)

    @property
    def month(self) -> str:
        return self.data.month

    @property
    def month_words(self) -> str:
        """``"November 2015"``."""
        return month_name(self.data.month)

    @property
    def internal(self) -> bool:
        return self.data.internal

    @property
    def as_of_text(self) -> str:
        """The date figures are judged at, as charts print it (``"30 November 2015"``)."""
        return fmt_date(self.data.as_of)

    @property
    def banner(self) -> str:
        """The INTERNAL banner (markdown) for an internal copy; empty for the board pack."""
        return banner_markdown(self.data.internal)

    @property
    def data_note(self) -> str:
        """Where the figures come from (:func:`data_note`)."""
        return data_note(self.data.summary, self.data.as_of)
