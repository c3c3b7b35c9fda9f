"""What every page stands on: its month, the processed tables (made current by
:func:`hwb_kpis.report.data.ensure_processed`), the date its figures are judged at, the pack's disclosure
decisions for the counts it shows (:func:`hwb_kpis.report.published.pack_plan`), the rules its
verdicts are judged by (:class:`~hwb_kpis.report.declared.VerdictRules`: the same for every page of
a pack, so a KPI gets one verdict), the lines at its top (the INTERNAL banner, where the figures
come from, and what this extract cannot show), and the one way a page leaves out what the extract
cannot give.

**What the extract cannot show.** A page names the KPIs it shows (``MEASURES``); the extract's
capabilities (:mod:`hwb_kpis.kpis.capabilities`: ``ingest_summary.json``) say which of them it
can give and, for the others, why, in plain words. A page member that needs a KPI is decorated
with :func:`needs`: when the extract cannot give the KPI, the member computes nothing and returns
an :class:`Unavailable`, which :mod:`hwb_kpis.report.display` shows as the reason (or, for the
other members of the same section, ``quiet``, as nothing). :attr:`BasePage.extract_note` lists, at
the top of the page, the page's measures the extract cannot give and how what it lacked was
derived. Every page builds on any extract that cleans.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from hwb_kpis import config, kpis
from hwb_kpis.kpis import registry
from hwb_kpis.kpis.capabilities import Capabilities, of_tables
from hwb_kpis.periods import check_month
from hwb_kpis.privacy.disclosure import Decisions, banner_markdown
from hwb_kpis.report import published
from hwb_kpis.report.data import ensure_processed
from hwb_kpis.report.declared import VerdictRules, verdict_rules
from hwb_kpis.report.kpi_verdicts import Verdict, kpi_verdict
from hwb_kpis.report.labels import measure_label
from hwb_kpis.report.startup import freeze_startup
from hwb_kpis.report.unavailable import Unavailable
from hwb_kpis.report.words import bullets, fmt_date, month_name


def needs(*kpi_ids: str, quiet: bool = False) -> Callable:
    """Decorate a page member (method, or the function under ``@property``/``@cached_property``)
    that shows ``kpi_ids``: when the extract cannot give one of them, the member returns an
    :class:`Unavailable` saying why (``quiet``: shown as nothing, for a section's later members)
    instead of computing anything. The first part of a page that says why gives the reason; the
    later ones point back to it."""

    def decorate(member: Callable) -> Callable:
        @functools.wraps(member)
        def wrapper(self, *args, **kwargs):
            missing = self.unavailable(*kpi_ids)
            if missing is not None:
                said = self.__dict__.setdefault("_reasons_given", set())
                given = missing[0] in said
                if not quiet:
                    said.add(missing[0])
                return Unavailable(missing[0], missing[1], quiet=quiet, said=given)
            return member(self, *args, **kwargs)

        wrapper.needs = kpi_ids  # type: ignore[attr-defined]
        return wrapper

    return decorate


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


@dataclass(frozen=True, eq=False)
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
    #: the declared changes, targets and maturing share every verdict is judged by
    rules: VerdictRules = VerdictRules()

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

    @property
    def referrals(self) -> pd.DataFrame:
        """The referrals (the list of referrals, or the contacts that became a referral)."""
        return self.tables["referrals"]

    @cached_property
    def capabilities(self) -> Capabilities:
        """Which KPIs the extract can give, and why not the others (:mod:`hwb_kpis.kpis.capabilities`)."""
        return of_tables(self.tables)

    def kpis(self, **options) -> pd.DataFrame:
        """:func:`hwb_kpis.kpis.kpi_table` (``options``: view, as_of, lookback_days, iha_limit),
        monthly rows up to the page's month."""
        return published.monthly_rows(kpis.kpi_table(dict(self.tables), **options), self.month)

    def iha(self, limit: str) -> pd.DataFrame:
        """IHA timeliness by cohort month (:func:`hwb_kpis.kpis.iha_within`) judged as at the page's
        date, with ``not_yet_due`` (which cohorts are still maturing); no rows when the extract
        cannot give IHA timeliness (no initial assessment date: never timed from a stand-in)."""
        looked_after = self.looked_after if self.capabilities.has("iha_within_28_days") else self.looked_after.iloc[:0]
        return kpis.iha_within(looked_after, as_of=self.as_of, limit=limit)

    def verdict(self, kpi_df: pd.DataFrame, kpi: str, group: str = "all", *, label: str | None = None) -> Verdict:
        """The verdict on ``kpi`` for ``group`` in this pack
        (:func:`hwb_kpis.report.kpi_verdicts.kpi_verdict` on the page's month and rules): every page
        asks here, so a KPI has one verdict however many pages show it. ``kpi_df`` is :meth:`kpis`
        (or :meth:`iha` for IHA); the label defaults to the measure's label."""
        return kpi_verdict(kpi_df, kpi, group, self.month, self.rules,
                           label=label or measure_label(kpi, group, brackets=True), internal=self.internal)


def load_data(month: str, processed_dir: Path | str | None = None, raw_dir: Path | str | None = None, *,
              as_of: str = "", internal: bool = False, view: str = config.DEFAULT_VIEW,
              settings_dir: Path | str | None = None, maturing_share: float = config.DEFAULT_MATURING_SHARE,
              link_days: int | None = None) -> PageData:
    """The tables of ``processed_dir`` (cleaned from ``raw_dir`` when missing or stale; the
    synthetic extract when there is nothing at all), for ``month``; ``as_of`` (empty: the latest
    date in the extract) is the date IHA due-ness is judged at; ``view`` is the pack's;
    ``settings_dir`` (default the project's ``settings/``) and ``maturing_share`` make the
    verdicts' rules (:func:`hwb_kpis.report.declared.verdict_rules`; the demo's example files on
    synthetic data); ``link_days`` is the window of the outcomes derived for an extract without
    them (None: as last cleaned)."""
    freeze_startup()  # a kernel's imports are done: its collections need not walk them again
    processed = Path(processed_dir or config.default_processed_dir())
    tables = ensure_processed(processed, raw_dir or config.default_raw_dir(), echo=lambda _: None,
                              link_days=link_days)
    as_of_date = pd.Timestamp(as_of) if as_of else kpis.extract_as_of(tables)
    synthetic = bool((tables.get("summary") or {}).get("synthetic"))
    rules = verdict_rules(settings_dir if settings_dir is not None else config.default_settings_dir(),
                          synthetic=synthetic, maturing_share=maturing_share)
    return PageData(check_month(month), tables, as_of_date, bool(internal), processed.resolve(), view, rules)


def relevant_derivations(summary: Mapping, kpi_ids) -> list[str]:
    """The notes of what ingest derived (``ingest_summary.json``: ``derivations``) that the KPIs
    ``kpi_ids`` rest on: a derived column one of them needs, or a table made from another."""
    notes = []
    for d in summary.get("derivations", []) or []:
        table, column = d.get("table"), d.get("column")
        for kpi_id in kpi_ids:
            needed = registry.kpi(kpi_id).needs.get(table)
            if needed is not None and (column is None or column in needed):
                notes.append(str(d["note"]).format(link_days=summary.get("link_days", config.DEFAULT_LINK_DAYS)))
                break
    return list(dict.fromkeys(notes))


class BasePage:
    """A page of the pack: its data, the disclosure decisions for what it shows, and what stands
    at its top.

    ``MEASURES`` names the KPIs the page shows (its :attr:`extract_note` says which of them the
    extract cannot give, and why; :attr:`measures` may choose among them from the extract)."""

    MEASURES: tuple[str, ...] = ()

    def __init__(self, data: PageData) -> None:
        self.data = data

    # --- what the extract can show ------------------------------------------------------------
    def can_show(self, *kpi_ids: str) -> bool:
        """True when the extract gives every one of ``kpi_ids``."""
        return self.unavailable(*kpi_ids) is None

    def unavailable(self, *kpi_ids: str) -> tuple[str, str] | None:
        """``(label, reason)`` of the first of ``kpi_ids`` the extract cannot give, or None."""
        caps = self.data.capabilities
        for kpi_id in kpi_ids:
            if not caps.has(kpi_id):
                return registry.label(kpi_id), caps.reason(kpi_id) or "the extract does not hold what it needs"
        return None

    @property
    def measures(self) -> tuple[str, ...]:
        """The KPIs the page shows (``MEASURES``; a page may choose them from the extract)."""
        return self.MEASURES

    @property
    def cannot_show(self) -> list[str]:
        """One sentence per measure of the page the extract cannot give, with the reason."""
        out = []
        for kpi_id in self.measures:
            missing = self.unavailable(kpi_id)
            if missing is not None:
                out.append(Unavailable(*missing).sentence.strip("*"))
        return out

    @property
    def derivations(self) -> list[str]:
        """How what the extract lacked was worked out, for the page's measures it can give."""
        shown = [k for k in self.measures if self.can_show(k)]
        return relevant_derivations(self.data.summary, shown)

    @property
    def extract_note(self) -> str:
        """Markdown for the top of the page: the page's measures this extract cannot give (and
        why), then how figures resting on what it lacked were worked out (empty when neither)."""
        parts = []
        if self.cannot_show:
            parts.append("**What this extract cannot show on this page**\n\n" + bullets(self.cannot_show))
        if self.derivations:
            parts.append("**How some figures were worked out**\n\n" + bullets(self.derivations))
        return "\n\n".join(parts)

    @property
    def decisions(self) -> Decisions:
        """Which of the page's counts are shown, ``<5`` or withheld: the pack's one plan (the same
        on every page and in the KPI files: :func:`hwb_kpis.report.published.pack_plan`), made with
        the page's look-back and IHA limit when it has them; everything for an internal copy."""
        return published.pack_plan(self.data.tables, self.data.month, view=self.data.view, as_of=self.data.as_of,
                                   processed_dir=self.data.processed_dir,
                                   lookback_days=getattr(self, "lookback_days", None),
                                   iha_limit=getattr(self, "iha_limit", None), internal=self.data.internal)

    def verdict(self, kpi_df: pd.DataFrame, kpi: str, group: str = "all", *, label: str | None = None) -> Verdict:
        """The pack's verdict on ``kpi`` for ``group`` (:meth:`PageData.verdict`), with the chart
        points the page's disclosure :attr:`decisions` withhold marked (:meth:`Verdict.published`)."""
        return self.data.verdict(kpi_df, kpi, group, label=label).published(self.decisions, self.data.view)

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
