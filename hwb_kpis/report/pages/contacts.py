"""Page 02, contacts and where they come from: contacts each month (an XmR chart), how they
vary with the time of year and by agency, the share from health and the share on a MARF (each
with the verdict the summary gives it), and which health services refer."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import pandas as pd

from hwb_kpis import coding, config, periods
from hwb_kpis.privacy.disclosure import (
    SUPPRESSED_RATE,
    Decisions,
    chart_values,
    decisions_for,
    hidden_points_note,
)
from hwb_kpis.report import display, plots
from hwb_kpis.report.kpi_charts import series
from hwb_kpis.report.kpi_verdicts import Verdict
from hwb_kpis.report.labels import group_label
from hwb_kpis.report.pages.base import BasePage, PageData, load_data, needs
from hwb_kpis.report.published import code12_key, code_key, count_key, kpi_keys
from hwb_kpis.report.words import count, month_name, percent, shift_month

#: the main agencies whose contacts are drawn month by month
MAIN_GROUPS = ("schools", "police", "health", "individual", "la_services", "education")


def average_sentence(rows: pd.DataFrame, label: str = "contacts", *, decisions: Decisions | None = None,
                     view: str = config.DEFAULT_VIEW) -> str:
    """``"From April 2014 to November 2015 the front door received on average 1,402 contacts a
    month (lowest 1,150 in August 2015, highest 1,610 in March 2015)."``; the lowest and highest
    months as the pack publishes them (``decisions``: the rule alone when None)."""
    decisions = decisions or decisions_for(False)
    r = rows.dropna(subset=["numerator"])
    if r.empty:
        return f"No {label} in this period."
    lo, hi = r.loc[r["numerator"].idxmin()], r.loc[r["numerator"].idxmax()]

    def words(row) -> str:
        return decisions.words(count_key("contacts", view, str(row["group"]) if "group" in row else "all",
                                         str(row["month"])), row["numerator"])

    return (f"From {month_name(r['month'].min())} to {month_name(r['month'].max())} the front door received on average "
            f"{count(r['numerator'].mean())} {label} a month (lowest {words(lo)} in {month_name(lo['month'])}, "
            f"highest {words(hi)} in {month_name(hi['month'])}).")


def seasonal_profile(rows: pd.DataFrame, value: str = "numerator") -> pd.DataFrame:
    """Average of a monthly count by calendar month, as an index (100 = the average month).
    Returns ``month_of_year`` (1–12), ``name``, ``average``, ``years`` and ``index``."""
    m = pd.to_datetime(rows["month"].astype(str) + "-01")
    frame = pd.DataFrame({"moy": m.dt.month.to_numpy(), "v": pd.to_numeric(rows[value], errors="coerce").to_numpy()})
    g = frame.groupby("moy")["v"].agg(["mean", "size"]).reindex(range(1, 13))
    overall = float(g["mean"].mean())
    return pd.DataFrame({
        "month_of_year": range(1, 13),
        "name": [pd.Timestamp(2000, k, 1).strftime("%B") for k in range(1, 13)],
        "average": g["mean"].to_numpy(), "years": g["size"].fillna(0).astype("int64").to_numpy(),
        "index": (g["mean"] / overall * 100).to_numpy() if overall else float("nan"),
    })


def seasonality_sentence(profile: pd.DataFrame, label: str = "contacts", *,
                         by_group: Mapping[str, pd.DataFrame] | None = None) -> str:
    """``"Contacts are lowest in August (12% below an average month) and highest in …"``, and
    which group's contacts dip most in that month."""
    p = profile.dropna(subset=["index"])
    if p.empty:
        return "There are too few months to show a seasonal pattern."
    lo, hi = p.loc[p["index"].idxmin()], p.loc[p["index"].idxmax()]
    s = (f"{label[:1].upper() + label[1:]} are lowest in {lo['name']} ({abs(lo['index'] - 100):.0f}% below an "
         f"average month) and highest in {hi['name']} ({hi['index'] - 100:.0f}% above)")
    if by_group:
        dips = {g: float(prof.loc[prof["month_of_year"] == lo["month_of_year"], "index"].iloc[0])
                for g, prof in by_group.items() if prof["index"].notna().any()}
        if dips:
            g, v = min(dips.items(), key=lambda kv: kv[1])
            s += f"; the {lo['name']} dip is deepest for {group_label(g)} ({abs(v - 100):.0f}% below their average month)"
    return s + "."


def seasonality_title(profile: pd.DataFrame, by_group: Mapping[str, pd.DataFrame]) -> str:
    """A chart title stating the seasonal finding: ``"Contacts by agency: schools dip most in August"``."""
    p = profile.dropna(subset=["index"])
    if p.empty or not by_group:
        return "Contacts by agency"
    low = p.loc[p["index"].idxmin()]
    dips = {g: float(prof.loc[prof["month_of_year"] == low["month_of_year"], "index"].iloc[0])
            for g, prof in by_group.items() if prof["index"].notna().any()}
    if not dips:  # none of the main agencies has contacts
        return "Contacts by agency"
    g = min(dips, key=dips.get)
    return f"Contacts by agency: {group_label(g)} dip most in {low['name']}"


def range_sentence(rows: pd.DataFrame, label: str, *, start: str | None = None, decisions: Decisions | None = None,
                   view: str = config.DEFAULT_VIEW) -> str:
    """``"Since April 2015, <label> has been between 15% and 19% each month."``: over the months
    whose rate may be published (a month resting on a count from 1 to 4, or on one withheld, is
    left out and the sentence says so)."""
    decisions = decisions or decisions_for(False)
    r = rows if start is None else rows[rows["month"].astype(str) >= start]
    r = r.dropna(subset=["rate"])
    shown = [decisions.shown(*[(k, v) for k, v in zip(kpi_keys(str(x.kpi), str(x.group), str(x.month), view),
                                                        (x.numerator, x.denominator), strict=True) if k is not None])
             for x in r.itertuples(index=False)]
    left_out = len(r) - sum(shown)
    r = r[shown]
    if r.empty:
        return f"No figures for {label} in this period."
    lo, hi = float(r["rate"].min()), float(r["rate"].max())
    since = f"Since {month_name(start)}" if start else f"From {month_name(r['month'].min())}"
    s = f"{since}, {label} has been between {percent(lo)} and {percent(hi)} each month"
    if left_out:
        s += f" (leaving out {left_out} month{'s' if left_out > 1 else ''} whose figure is not shown)"
    return s + "."


def health_breakdown(kpi_df: pd.DataFrame, month: str, reference: pd.DataFrame, *, months: int = 12) -> pd.DataFrame:
    """Health contacts by code (3A–3F) this month and over the ``months`` to ``month``, with the
    board report's names (``reference``: :func:`hwb_kpis.coding.load_reference`).

    Returns ``code, source, this month, share this month, last 12 months, share`` sorted by the
    period total (shares are of all health contacts).
    """
    ref = reference[reference["group"] == "health"]
    start = shift_month(month, -(months - 1))
    rows = kpi_df[(kpi_df["kpi"] == "contacts") & kpi_df["group"].astype(str).str.startswith("code:")]
    if "period" in rows.columns:
        rows = rows[rows["period"] == "month"]
    rows = rows.assign(code=rows["group"].astype(str).str[5:])
    rows = rows[rows["code"].isin(list(ref["code"]))]
    now = rows[rows["month"] == month].groupby("code")["numerator"].sum()
    period = rows[(rows["month"] >= start) & (rows["month"] <= month)].groupby("code")["numerator"].sum()
    name_col = "health_breakdown" if "health_breakdown" in ref.columns else "label"
    out = pd.DataFrame({"code": list(ref["code"]), "source": list(ref[name_col].fillna(ref["label"]))})
    out["this month"] = out["code"].map(now).fillna(0).astype("int64")
    out["share this month"] = out["this month"] / max(int(out["this month"].sum()), 1)
    out[f"last {months} months"] = out["code"].map(period).fillna(0).astype("int64")
    out["share"] = out[f"last {months} months"] / max(int(out[f"last {months} months"].sum()), 1)
    return out.sort_values(f"last {months} months", ascending=False).reset_index(drop=True)


def health_breakdown_sentence(table: pd.DataFrame, *, months: int = 12, shares_shown: bool = True) -> str:
    """Which health sources refer most, and the smallest, from :func:`health_breakdown`
    (``shares_shown``: False when the pack does not show the 12-month shares: names only)."""
    col = f"last {months} months"
    t = table[table[col] > 0]
    if t.empty:
        return "There were no health contacts in this period."

    def share(row, words: str = "") -> str:
        return f" ({percent(row['share'])}{words})" if shares_shown else ""

    first, rest = t.iloc[0], t.iloc[1:]
    s = f"Over the last {months} months the largest health referrer was {first['source']}{share(first, ' of health contacts')}"
    if len(rest):
        second = rest.iloc[0]
        close = "closely " if shares_shown and first["share"] - second["share"] < 0.05 else ""
        s += f", {close}followed by {second['source']}{share(second)}"
    low = table.iloc[-1]
    s += f"; the smallest was {low['source']}{share(low)}"
    return s + "."


def published_breakdown(table: pd.DataFrame, month: str, decisions: Decisions, *, view: str = config.DEFAULT_VIEW,
                        months: int = 12) -> pd.DataFrame:
    """:func:`health_breakdown` as the pack publishes it: each count through ``decisions``, a share
    only when its count and the health total it is a share of are shown (this month: the month's
    health contacts; over the year: the six services' counts, all shown)."""
    col = f"last {months} months"
    total = (count_key("contacts", view, "health", month), int(table["this month"].sum()))
    year = [(code12_key(view, c, month), v) for c, v in zip(table["code"], table[col], strict=True)]
    out = table[["code", "source"]].copy()
    this, this_share, year_cells, year_share = [], [], [], []
    for code, n, share_now, n_year, share_year in zip(table["code"], table["this month"], table["share this month"],
                                                      table[col], table["share"], strict=True):
        cell, y = (code_key(view, code, month), n), (code12_key(view, code, month), n_year)
        this.append(decisions.cell(*cell))
        this_share.append(percent(decisions.rate(share_now, cell, total)))
        year_cells.append(decisions.cell(*y))
        year_share.append(percent(decisions.rate(share_year, y, *year)))
    out["this month"], out["share this month"], out[col], out["share"] = this, this_share, year_cells, year_share
    return display.declare_counts(out, ["this month", col])


class ContactsPage(BasePage):
    """What page 02 shows, section by section."""

    MEASURES = ("contacts", "health_share", "marf")

    def __init__(self, data: PageData, *, view: str) -> None:
        super().__init__(data)
        self.view = view
        self.kpi_df = data.kpis(view=view)
        #: the April that starts the reporting year of the month
        self.year_start = f"{periods.reporting_year_start(self.month)}-{periods.APRIL:02d}"
        #: a year before that: where the averages and the health services' panels start
        self.since = shift_month(self.year_start, -12)

    # --- contacts each month ------------------------------------------------------------------
    @cached_property
    def contacts_chart(self) -> Verdict:
        """The verdict on contacts (the one the summary gives), its withheld points marked."""
        return self.verdict(self.kpi_df, "contacts")

    @needs("contacts")
    def contacts_figure(self):
        return self.contacts_chart.figure(y_label="Contacts per month", as_of=self.as_of_text)

    @property
    @needs("contacts", quiet=True)
    def contacts_verdicts(self) -> list[Verdict]:
        return [self.contacts_chart]

    @property
    @needs("contacts", quiet=True)
    def average_sentence(self) -> str:
        return average_sentence(series(self.kpi_df, "contacts", "all", self.month, start=self.since),
                                decisions=self.decisions, view=self.view)

    # --- time of year -------------------------------------------------------------------------
    @cached_property
    def _profiles(self) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
        profile = seasonal_profile(series(self.kpi_df, "contacts", "all", self.month))
        by_group = {g: seasonal_profile(series(self.kpi_df, "contacts", g, self.month)) for g in MAIN_GROUPS}
        return profile, by_group

    @property
    @needs("contacts")
    def seasonality_sentence(self) -> str:
        profile, by_group = self._profiles
        return seasonality_sentence(profile, "contacts", by_group=by_group)

    @needs("contacts", quiet=True)
    def agencies_figure(self):
        """Each main agency's contacts month by month, titled with the seasonal finding."""
        k = self.kpi_df
        panel = k[(k["kpi"] == "contacts") & k["group"].isin(MAIN_GROUPS)].copy()
        panel["agency"] = panel["group"].map(group_label)
        panel["numerator"] = chart_values(panel["numerator"], internal=self.internal)
        return plots.small_multiples(panel, x="month", y="numerator", group="agency",
                                     title=seasonality_title(*self._profiles), y_label="Contacts per month",
                                     as_of=self.as_of_text, sharey=False,
                                     note=_note(int(panel["numerator"].isna().sum())))

    # --- share of contacts from health --------------------------------------------------------
    @cached_property
    def health_share_chart(self) -> Verdict:
        return self.verdict(self.kpi_df, "health_share")

    @needs("health_share")
    def health_share_figure(self):
        return self.health_share_chart.figure(y_label="Share of contacts", as_of=self.as_of_text)

    @property
    @needs("health_share", quiet=True)
    def health_share_verdicts(self) -> list[Verdict]:
        return [self.health_share_chart]

    # --- share of contacts on a MARF ------------------------------------------------------------
    @cached_property
    def marf_chart(self) -> Verdict:
        return self.verdict(self.kpi_df, "marf")

    @needs("marf")
    def marf_figure(self):
        return self.marf_chart.figure(y_label="Share of contacts", as_of=self.as_of_text)

    @property
    @needs("marf", quiet=True)
    def marf_verdicts(self) -> list[Verdict]:
        """All agencies, then health (the summary's two MARF measures)."""
        return [self.marf_chart, self.verdict(self.kpi_df, "marf", "health")]

    @property
    @needs("health_share", quiet=True)
    def health_share_range(self) -> str:
        return range_sentence(series(self.kpi_df, "health_share", "all", self.month),
                              "the share of contacts from health", start=self.year_start, decisions=self.decisions,
                              view=self.view)

    # --- which health services refer ----------------------------------------------------------
    @cached_property
    def health_breakdown(self) -> pd.DataFrame:
        return health_breakdown(self.kpi_df, self.month, coding.load_reference())

    @property
    @needs("health_share")
    def health_breakdown_sentence(self) -> str:
        shares = self.health_breakdown_table["share"]
        return health_breakdown_sentence(self.health_breakdown, shares_shown=not (shares == SUPPRESSED_RATE).any())

    @property
    @needs("health_share", quiet=True)
    def health_breakdown_table(self) -> pd.DataFrame:
        """Health contacts by service this month and over the last year, published through the
        pack's plan (the source codes in the internal copy only)."""
        table = published_breakdown(self.health_breakdown, self.month, self.decisions, view=self.view)
        return table if self.internal else display.declare_counts(table.drop(columns="code"),
                                                                  ["this month", "last 12 months"])

    @needs("health_share", quiet=True)
    def health_services_figure(self):
        """Health contacts by service month by month since :attr:`since` (a month whose count is not
        shown is not drawn)."""
        k, b = self.kpi_df, self.health_breakdown
        codes = k[(k["kpi"] == "contacts") & k["group"].isin([f"code:{c}" for c in b["code"]]) & (k["month"] >= self.since)].copy()
        codes["service"] = codes["group"].str[5:].map(dict(zip(b["code"], b["source"], strict=True)))
        codes["numerator"] = [self.decisions.number(code_key(self.view, g[5:], m), v)
                              for g, m, v in zip(codes["group"], codes["month"], codes["numerator"], strict=True)]
        return plots.small_multiples(codes, x="month", y="numerator", group="service", title="Health contacts by service",
                                     y_label="Contacts per month", as_of=self.as_of_text,
                                     note=_note(int(codes["numerator"].isna().sum())))


def _note(n_hidden: int) -> str | None:
    """A chart's source note with what it leaves out (None: the default note)."""
    text = hidden_points_note(n_hidden)
    return f"{plots.DEFAULT_NOTE} {text}" if text else None


def load(month: str = config.DEFAULT_MONTH, processed_dir=None, raw_dir=None, view: str = config.DEFAULT_VIEW,
         internal: bool = False, settings_dir=None, maturing_share: float = config.DEFAULT_MATURING_SHARE,
         link_days: int = config.DEFAULT_LINK_DAYS) -> ContactsPage:
    """Page 02 for the notebook's parameters."""
    return ContactsPage(load_data(month, processed_dir, raw_dir, internal=internal, view=view, settings_dir=settings_dir,
                                  maturing_share=maturing_share, link_days=link_days), view=view)
