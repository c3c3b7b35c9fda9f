"""Page 06, benchmarking: our referral, re-referral and "no further action" figures beside the
Department for Education's published statistics for England, our region and comparator (or
look-alike) authorities, and our own re-referral rate beside the published one. The DfE tables
ship with the package (:mod:`hwb_kpis.dfe.shipped`); without them the page says in plain words
that it has no comparison, and tells the build (not the board) where it looked and how to load
a download."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from hwb_kpis import config, dfe
from hwb_kpis.config import default_notebooks_dir
from hwb_kpis.dfe import shipped
from hwb_kpis.privacy.disclosure import banner_markdown, suppress
from hwb_kpis.report import display, plots
from hwb_kpis.report.escape import markdown_text
from hwb_kpis.report.words import decimal, month_name

#: what the board reads when the DfE tables are missing (no folder, no download steps: those go
#: to the analyst through :func:`hwb_kpis.report.display.report_gap`)
MISSING_NOTE = ("**This pack has no comparison with England and our region:** the Department for "
                "Education's published statistics were not available when it was built.")
#: what the analyst reads (the build's terminal), ``{folder}``: the folder searched
MISSING_DETAIL = ("no DfE referrals table (c1_children_in_need_referrals_and_rereferrals_*.csv) in {folder}; "
                  "load a download with `hwb-kpis dfe update --from FILE`, or leave dfe_dir empty for the "
                  "tables shipped with the package")


def resolve(path: str | Path) -> Path:
    """A parameter path: absolute as given, relative ones against the notebooks folder; an empty
    ``dfe_dir`` is the DfE tables shipped with the package."""
    if str(path).strip() == "":
        return shipped.shipped_dir()
    p = Path(path).expanduser()
    return p if p.is_absolute() else (default_notebooks_dir() / p).resolve()


def _folder(path: Path) -> str:
    """A folder as a page names it: its own name, escaped (never the full path of a machine)."""
    return f"*{markdown_text(Path(path).name or str(path))}*"


def _quiet(_: str) -> None:
    """Says nothing: what cleaning prints belongs to the terminal, not to a page."""


def _decimals(table: pd.DataFrame, columns, digits: int = 1) -> pd.DataFrame:
    out = table.copy()
    for column in columns:
        out[column] = out[column].map(lambda v: decimal(v, digits))
    return out


class BenchmarkingPage:
    """What page 06 shows, section by section (each section is empty without the DfE file)."""

    #: the KPI of our extract the page sets beside DfE's
    MEASURES = ("rereferral_12m",)

    def __init__(self, month: str, *, dfe_dir: Path, processed_dir: Path, raw_dir: Path, la_code: str,
                 comparators: list[str], view: str, lookback_days: int, internal: bool,
                 link_days: int = config.DEFAULT_LINK_DAYS) -> None:
        self.month, self.dfe_dir, self.la_code, self.link_days = month, dfe_dir, la_code, link_days
        self.processed_dir, self.raw_dir = processed_dir, raw_dir
        self.comparators, self.view, self.lookback_days, self.internal = comparators, view, lookback_days, internal
        self.referrals_file = dfe.find_dfe_file(dfe_dir, "referrals")
        self.cla_file = dfe.find_dfe_file(dfe_dir, "cla")
        self.cin_file = dfe.find_dfe_file(dfe_dir, "cin")
        self.have_dfe = self.referrals_file is not None
        #: the DfE year (ending 31 March) that holds the month
        self.our_year = dfe.reporting_year(month)

    @property
    def banner(self) -> str:
        return banner_markdown(self.internal)

    @property
    def missing_note(self) -> str:
        """What the board reads when the DfE tables are missing (empty otherwise)."""
        return "" if self.have_dfe else MISSING_NOTE

    @property
    def missing_detail(self) -> str:
        """What the analyst reads when the DfE tables are missing: where the page looked and how
        to load them (empty otherwise)."""
        return "" if self.have_dfe else MISSING_DETAIL.format(folder=self.dfe_dir)

    def show_missing(self) -> None:
        """Say on the page that there is no comparison, and tell the build why (it then does not
        call the page "ok"). Nothing when the DfE tables are there."""
        if not self.have_dfe:
            display.show_markdown(self.missing_note)
            display.report_gap("the comparison with DfE's published statistics", self.missing_detail)

    @property
    def attribution(self) -> str:
        """Where the published figures come from, with the Open Government Licence statement."""
        return shipped.attribution(self.dfe_dir)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """:func:`hwb_kpis.dfe.la_summary` of the authority, its region, England and comparators."""
        return dfe.la_summary(self.referrals_file, self.la_code, comparators=self.comparators)

    @cached_property
    def year(self) -> int | None:
        """The latest complete reporting year before the month: the one our own full year matches."""
        return dfe.latest_year(self.summary, up_to=self.our_year - 1)

    @property
    def authority_note(self) -> str:
        name = markdown_text(self.summary.loc[self.summary["level"] == "authority", "area"].iloc[0])
        return (f"Authority: **{name}**. The comparison below uses "
                f"**{dfe.year_label(self.year)}** (the year ending 31 March {self.year}), the latest complete "
                f"reporting year before {month_name(self.month)}.")

    # --- over the years -----------------------------------------------------------------------
    def figure(self):
        return plots.benchmark_figure(self.summary, highlight_year=self.our_year)

    @property
    def figure_alt(self) -> str:
        return dfe.figure_alt_text(self.summary)

    @property
    def sentences(self) -> list[str]:
        return dfe.comparison_sentences(self.summary, self.year)

    @property
    def published_table(self) -> pd.DataFrame:
        """The last three years' published figures (counts suppressed unless internal)."""
        recent = self.summary[self.summary["year"] >= self.year - 2]
        shown = suppress(recent[["year", "area", "referrals", "referral_rate", "rereferral_pct", "nfa_pct"]],
                         count_columns=["referrals"], rate_columns=["referral_rate", "rereferral_pct", "nfa_pct"],
                         internal=self.internal)
        shown["year"] = shown["year"].map(dfe.year_label)
        shown = _decimals(shown, ("referral_rate", "rereferral_pct", "nfa_pct"))
        shown = shown.rename(columns={"year": "Year", "area": "Area", "referrals": "Referrals",
                                      "referral_rate": "Per 10,000 children", "rereferral_pct": "Re-referral %",
                                      "nfa_pct": "No further action %"})
        return display.declare_counts(shown, ["Referrals"])

    # --- our own re-referral rate -------------------------------------------------------------
    @cached_property
    def _own(self) -> tuple[pd.DataFrame | None, str]:
        """Our re-referral rate beside the published one, or None and why not (the extract's
        own reason when it cannot give re-referrals)."""
        try:
            from hwb_kpis.kpis import registry, rereferrals
            from hwb_kpis.kpis.capabilities import of_tables
            from hwb_kpis.report.data import ensure_processed
            from hwb_kpis.report.unavailable import Unavailable

            tables = ensure_processed(self.processed_dir, self.raw_dir, link_days=self.link_days,
                                      echo=_quiet)  # no log line on the page
            able = of_tables(tables)
            if not able.has("rereferral_12m"):
                reason = able.reason("rereferral_12m") or ""
                return None, Unavailable(registry.label("rereferral_12m"), reason).sentence
            own = dfe.own_vs_published(
                rereferrals(tables, lookback_days=self.lookback_days, view=self.view), self.summary)
            return own, ""
        except Exception as exc:  # the page must still render when our extract cannot be read
            return None, f"Our own re-referral rate could not be computed here ({type(exc).__name__})."

    @property
    def own_error(self) -> str:
        return self._own[1]

    @property
    def own_table(self) -> pd.DataFrame | None:
        """Our re-referral rate per reporting year beside DfE's (None when there is none to show)."""
        own = self._own[0]
        if own is None or not len(own):
            return None
        side = suppress(own, count_columns=["numerator", "denominator"], rate_columns=["our_pct"], internal=self.internal)
        side["year"] = side["year"].map(dfe.year_label)
        side = _decimals(side, ("our_pct", "published_pct"))
        side = side.rename(columns={
            "year": "Year", "numerator": "Re-referrals (ours)", "denominator": "Referrals (ours)",
            "our_pct": "Re-referral % (ours)", "published_pct": "Re-referral % (DfE published)", "note": "Note",
        })
        return display.declare_counts(side, ["Re-referrals (ours)", "Referrals (ours)"])

    own_caveat = ("Our extract's figures for a part year, or for a year whose look-back reaches before the "
                  "extract starts, are not comparable with DfE's full-year figure.")

    # --- authorities with similar figures -----------------------------------------------------
    @cached_property
    def _lookalikes(self) -> pd.DataFrame:
        return dfe.lookalikes(self.referrals_file, self.la_code, n=5, year=self.year)

    @property
    def lookalikes_note(self) -> str:
        """What the look-alikes are, in plain words (the CLI's note, which tells analysts where the
        official neighbours come from, stays out of the board's page)."""
        year = int(self._lookalikes["year"].iloc[0]) if len(self._lookalikes) else self.year
        return (f"*The five authorities nearest to ours on referrals per 10,000 children and re-referral % "
                f"in DfE's published figures for {dfe.year_label(year)}: look-alikes, not an official grouping.*")

    @property
    def lookalikes_table(self) -> pd.DataFrame:
        near = self._lookalikes
        shown = _decimals(near.assign(year=near["year"].map(dfe.year_label)), ("referral_rate", "rereferral_pct"))
        shown = shown[["area", "region", "year", "referral_rate", "rereferral_pct"]].rename(columns={
            "area": "Authority", "region": "Region", "year": "Year",
            "referral_rate": "Referrals per 10,000 children", "rereferral_pct": "Re-referral %",
        })
        return display.declare_counts(shown, [])  # published rates only

    comparators_note = "Comparator authorities chosen for the board are shown in the chart and table above."

    # --- children in need and children starting to be looked after ---------------------------
    starts_intro = "Children starting to be looked after, per ten thousand children, by year ending 31 March:"
    cin_intro = "Children in need on 31 March, per ten thousand children:"

    @property
    def cin_table(self) -> pd.DataFrame | None:
        """Children in need at 31 March per 10,000 children by area (rows) and year (columns), the
        last five years up to the one the comparison uses (None without DfE's table B1)."""
        if self.cin_file is None:
            return None
        cin = dfe.children_in_need(self.cin_file, self.la_code)
        last = self.year or int(cin["year"].max())
        cin = cin[(cin["year"] <= last) & (cin["year"] > last - 5)]
        wide = cin.assign(year=cin["year"].map(dfe.year_label)).pivot(index="area", columns="year",
                                                                       values="rate_per_10000")
        wide = wide.reindex(list(dict.fromkeys(cin["area"]))).map(lambda v: decimal(v, 0))
        return display.declare_counts(wide.rename_axis(index="Area", columns=None).reset_index(), [])  # rates only

    cla_missing_note = "The published figures on children looked after were not available for this pack."

    @property
    def starts_table(self) -> pd.DataFrame:
        """Starts per 10,000 children by area (rows) and year (columns)."""
        starts = dfe.cla_starts(self.cla_file, self.la_code)
        shown = suppress(starts[["year", "area", "starts", "rate_per_10000"]], count_columns=["starts"],
                         rate_columns=["rate_per_10000"], internal=self.internal)
        wide = shown.assign(year=starts["year"].map(dfe.year_label)).pivot(index="area", columns="year",
                                                                            values="rate_per_10000")
        wide = wide.reindex(list(dict.fromkeys(starts["area"]))).map(lambda v: decimal(v, 0))
        return display.declare_counts(wide.rename_axis(index="Area", columns=None).reset_index(), [])  # rates only


def load(month: str = config.DEFAULT_MONTH, processed_dir="../data/processed", raw_dir="../data/raw",
         dfe_dir="", la_code: str = "E10000002", comparators=(), view: str = config.DEFAULT_VIEW,
         as_of: str = "", lookback_days: int = config.DEFAULT_LOOKBACK_DAYS, iha_limit: str = config.DEFAULT_IHA_LIMIT,
         internal: bool = False, link_days: int = config.DEFAULT_LINK_DAYS) -> BenchmarkingPage:
    """Page 06 for the notebook's parameters (relative paths are read against the notebooks
    folder; an empty ``dfe_dir`` is the DfE tables shipped with the package; ``as_of`` and
    ``iha_limit`` are accepted for the pack's common parameters)."""
    from hwb_kpis.report.startup import freeze_startup

    freeze_startup()  # a kernel's imports are done (see hwb_kpis.report.startup)
    return BenchmarkingPage(month, dfe_dir=resolve(dfe_dir), processed_dir=resolve(processed_dir),
                            raw_dir=resolve(raw_dir), la_code=la_code, comparators=list(comparators or []),
                            view=view, lookback_days=lookback_days, internal=internal, link_days=link_days)
