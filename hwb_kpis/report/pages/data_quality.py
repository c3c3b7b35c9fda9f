"""Page 01, data quality and referral source coding: every raw row accounted for, why rows were
set aside, contacts with no known source, what the recoding rules changed (the school nurse
problem) and how much the coding moves the board's health measures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

import pandas as pd

from hwb_kpis import coding, config, kpis
from hwb_kpis.kpis import registry
from hwb_kpis.privacy.disclosure import SUPPRESSED_RATE, is_small, safe_count, suppress
from hwb_kpis.report import display, plots
from hwb_kpis.report.comparisons import compare_periods
from hwb_kpis.report.completeness import completeness, completeness_sentence
from hwb_kpis.report.labels import measure_label
from hwb_kpis.report.pages.base import BasePage, PageData, load_data, needs
from hwb_kpis.report.words import count, month_name, percent, shift_month
from hwb_kpis.report.words import missing as _missing

#: the health measures compared as recorded and as recoded: (kpi, group)
VIEW_ITEMS: tuple[tuple[str, str], ...] = (
    ("contacts", "health"), ("health_share", "all"), ("marf", "health"), ("conversion", "health"),
    ("repeat_contacts", "health"), ("contacts", "code:3C"),
)
#: the school nurse's source code
SCHOOL_NURSE = "3C"
#: the column of source rows folded into another row (episodes continuing a period of care)
FOLDED = "folded into a period of care"


def reconciliation_sentence(summary: Mapping, *, internal: bool = False) -> str:
    """``"contacts: 44,950 raw rows = 44,861 clean + 65 quarantined + 24 exact duplicates dropped"``
    for each table, and whether every row is accounted for."""
    parts, ok = [], True
    for name, t in summary.get("tables", {}).items():
        c = {k: safe_count(t[k], internal) for k in ("raw_rows", "clean_rows", "quarantined", "duplicates_dropped")}
        filtered = (f" + {safe_count(t['filtered_out'], internal)} left out by the mapping's row filters"
                    if t.get("filtered_out") else "")
        folded = f" + {safe_count(t['folded'], internal)} {t.get('folded_note', 'folded')}" if t.get("folded") else ""
        parts.append(f"{name.replace('_', ' ')}: {c['raw_rows']} raw rows = {c['clean_rows']} used + "
                     f"{c['quarantined']} quarantined + {c['duplicates_dropped']} exact duplicates dropped{filtered}"
                     f"{folded}")
        ok = ok and bool(t.get("reconciled", True))
    head = "Every raw row is accounted for" if ok else "**The row counts do not reconcile** — check the cleaning log"
    return f"{head}: " + "; ".join(parts) + "."


def unknown_by_month(contacts: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Contacts per month with no usable recorded source code, and those still unknown (code 10)
    after the free text was read: ``month, contacts, no code recorded, unknown after coding, rate``
    (rate = unknown after coding / contacts)."""
    c = contacts[(contacts["month"].astype(str) >= start) & (contacts["month"].astype(str) <= end)]
    g = pd.DataFrame({
        "month": c["month"].astype(str).to_numpy(),
        "no code recorded": c["source_code_recorded"].isna().to_numpy(),
        "unknown after coding": (c["source_code"].astype(str) == config.UNKNOWN_CODE).to_numpy(),
    }).groupby("month")
    out = pd.DataFrame({"contacts": g.size(), "no code recorded": g["no code recorded"].sum(),
                        "unknown after coding": g["unknown after coding"].sum()}).reset_index()
    out["rate"] = out["unknown after coding"] / out["contacts"]
    for col in ("contacts", "no code recorded", "unknown after coding"):
        out[col] = out[col].astype("int64")
    return out


def recode_rule_words(rule: str, descriptions: Mapping[str, str] | None = None) -> str:
    """What a recoding rule does, from its description in ``recoding_rules.yml``."""
    if descriptions and rule in descriptions and descriptions[rule]:
        return " ".join(str(descriptions[rule]).split())
    if rule == "unknown_source":
        return "No valid code recorded and nothing in the free text matched: coded 10 (unknown)."
    return str(rule).replace("_", " ")


def recoding_by_rule(rec_summary: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Contacts recoded by rule (rows, with the change ``from → to``) and month (columns), over
    ``start``–``end``, from :func:`hwb_kpis.coding.recoding_summary`; with a ``total`` column."""
    r = rec_summary[(rec_summary["month"].astype(str) >= start) & (rec_summary["month"].astype(str) <= end)]
    if r.empty:
        return pd.DataFrame(columns=["rule", "change", "total"])
    rec = r["source_code_recorded"].astype("string").fillna("blank")
    change = (rec + " → " + r["source_code"].astype("string")).astype(str)
    per_rule = (pd.DataFrame({"rule": r["rule"].astype(str), "change": change})
                .groupby("rule")["change"].agg(lambda x: ", ".join(sorted(set(x)))))
    wide = r.assign(rule=r["rule"].astype(str), month=r["month"].astype(str)).pivot_table(
        index="rule", columns="month", values="contacts", aggfunc="sum", fill_value=0)
    wide = wide.astype("int64")
    wide["total"] = wide.sum(axis=1)
    wide = wide.sort_values("total", ascending=False)
    wide.insert(0, "change", per_rule.reindex(wide.index))
    wide.columns.name = None
    return wide.reset_index()


def school_nurse_sentence(rec_summary: pd.DataFrame, recorded: int, recoded: int, *, start: str, end: str,
                          code: str = SCHOOL_NURSE, internal: bool = False) -> str:
    """How recoding changes the school nurse count over ``start``–``end``: moved in, moved out."""
    r = rec_summary[(rec_summary["month"].astype(str) >= start) & (rec_summary["month"].astype(str) <= end)]
    moved_in = int(r.loc[(r["source_code"] == code) & (r["source_code_recorded"].astype("string").fillna("") != code), "contacts"].sum())
    moved_out = int(r.loc[(r["source_code_recorded"].astype("string").fillna("") == code) & (r["source_code"] != code), "contacts"].sum())
    span = f"From {month_name(start)} to {month_name(end)}"
    s = (f"{span}, {safe_count(recorded, internal)} contacts were recorded as coming from a school nurse; after recoding "
         f"there are {safe_count(recoded, internal)}. {safe_count(moved_in, internal)} came in — mostly contacts recorded as Schools where the school nurse "
         f"was the referrer or the school's DSL passed on the nurse's concern — and {safe_count(moved_out, internal)} went out, "
         "recorded as school nurse but plainly made by school staff")
    if recorded and (internal or not is_small(recorded, recoded)):
        s += f". The school nurse count is {recoded / recorded:.1f} times what was recorded"
    return s + "."


def views_comparison(kpi_recorded: pd.DataFrame, kpi_recoded: pd.DataFrame, items: Sequence[tuple[str, str]],
                     month: str, *, internal: bool = False) -> pd.DataFrame:
    """Each KPI as recorded and as recoded for ``month``, display-ready (suppressed unless
    ``internal``): ``measure, as recorded, as recoded, difference``."""

    rows = []
    for kpi, group in items:
        rec = compare_periods(kpi_recorded, kpi, group, month).loc["this month"]
        cod = compare_periods(kpi_recoded, kpi, group, month).loc["this month"]
        rows.append({"measure": measure_label(kpi, group),
                     "is_rate": registry.is_rate(kpi), "n1": rec["numerator"], "d1": rec["denominator"], "as recorded": rec["value"],
                     "n2": cod["numerator"], "d2": cod["denominator"], "as recoded": cod["value"]})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["measure", "as recorded", "as recoded", "difference"])
    frame["difference"] = frame["as recoded"] - frame["as recorded"]
    shown = suppress(frame, count_columns=["n1", "d1", "n2", "d2"], rate_columns=["as recorded", "as recoded", "difference"],
                     rate_basis={"as recorded": ["n1", "d1"], "as recoded": ["n2", "d2"], "difference": ["n1", "d1", "n2", "d2"]},
                     internal=internal)

    def fmt(v, is_rate, diff=False):
        if isinstance(v, str):
            return v
        if _missing(v):
            return "n/a"
        if not is_rate:
            return f"{round(float(v)):+,}" if diff else count(v)
        if diff:
            d = round(float(v) * 100)
            return f"{d:+d} point" if abs(d) == 1 else f"{d:+d} points"
        return percent(v)

    for c in ("as recorded", "as recoded", "difference"):
        shown[c] = [fmt(v, r, c == "difference") for v, r in zip(shown[c], shown["is_rate"], strict=True)]
    shown["difference"] = shown["difference"].replace({"+0 points": "none", "+0": "none", SUPPRESSED_RATE: SUPPRESSED_RATE})
    return shown[["measure", "as recorded", "as recoded", "difference"]].reset_index(drop=True)


def health_views(counts_by_view: Mapping[str, pd.DataFrame], reference: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Health contacts by service over ``start``–``end`` as recorded and as recoded, from
    :func:`hwb_kpis.kpis.contacts` frames by view (``{"recorded": ..., "recoded": ...}``):
    ``code, source, as recorded, as recoded``."""
    health = reference[reference["group"] == "health"]
    names = health["health_breakdown"] if "health_breakdown" in health.columns else health["label"]
    out = pd.DataFrame({"code": list(health["code"]), "source": list(names)})
    for view, frame in counts_by_view.items():
        f = frame[(frame["month"].astype(str) >= start) & (frame["month"].astype(str) <= end)
                  & frame["group"].astype(str).str.startswith("code:")]
        totals = f.groupby(f["group"].astype(str).str[5:])["numerator"].sum()
        out[f"as {view}"] = out["code"].map(totals).fillna(0).astype("int64")
    return out


class DataQualityPage(BasePage):
    """What page 01 shows, section by section."""

    #: the contacts and their sources, and the health measures compared in both views
    MEASURES = ("contacts", "health_share", "marf", "conversion", "repeat_contacts")

    def __init__(self, data: PageData) -> None:
        super().__init__(data)
        #: the first month of the year the page looks back over
        self.start = shift_month(self.month, -11)

    # --- rows in and rows set aside -----------------------------------------------------------
    @property
    def rows_table(self) -> pd.DataFrame:
        """Raw rows, used, quarantined and dropped, per table (published)."""
        tables = self.data.summary["tables"]
        rows = pd.DataFrame([
            {"table": name.replace("_", " "), "raw rows": t["raw_rows"], "used": t["clean_rows"],
             "quarantined": t["quarantined"], "exact duplicates dropped": t["duplicates_dropped"]}
            for name, t in tables.items()
        ])
        counts = ["raw rows", "used", "quarantined", "exact duplicates dropped"]
        if any(t.get("folded") for t in tables.values()):  # SSDA903/SSD episodes continuing a period of care
            rows[FOLDED] = [int(t.get("folded", 0)) for t in tables.values()]
            counts.append(FOLDED)
        return display.publish(rows, count_columns=counts, rate_columns=(), internal=self.internal)

    @property
    def reconciliation_sentence(self) -> str:
        return reconciliation_sentence(self.data.summary, internal=self.internal)

    @property
    def reasons_table(self) -> pd.DataFrame:
        """Quarantined rows by table, column and reason (never the values), most first (published)."""
        quarantine = pd.read_csv(self.data.processed_dir / "quarantine.csv", dtype="string")
        reasons = (quarantine.groupby(["table", "column", "reason"]).size().rename("rows").reset_index()
                   .sort_values("rows", ascending=False))
        return display.publish(reasons, count_columns=["rows"], rate_columns=(), internal=self.internal)

    # --- contacts with no known source --------------------------------------------------------
    @property
    @needs("contacts")
    def unknown_table(self) -> pd.DataFrame:
        """:func:`unknown_by_month` over the last year, months named (published)."""
        unknown = unknown_by_month(self.data.contacts, self.start, self.month)
        unknown["month"] = unknown["month"].map(month_name)
        return display.publish(unknown, count_columns=["contacts", "no code recorded", "unknown after coding"],
                               rate_columns=["rate"], rate_basis={"rate": ["contacts", "unknown after coding"]},
                               internal=self.internal)

    @property
    @needs("contacts", quiet=True)
    def completeness_sentence(self) -> str:
        return completeness_sentence(completeness(self.data.contacts, self.month), self.month,
                                     marf_in_extract=self.can_show("marf"))

    # --- sources changed by the recoding rules ------------------------------------------------
    @cached_property
    def recoding_summary(self) -> pd.DataFrame:
        """:func:`hwb_kpis.coding.recoding_summary` of the cleaning's recoding audit."""
        audit = pd.read_csv(self.data.processed_dir / "recoding_audit.csv", dtype="string")
        return coding.recoding_summary(audit)

    @cached_property
    def _by_rule(self) -> pd.DataFrame:
        by_rule = recoding_by_rule(self.recoding_summary, self.start, self.month)
        month_cols = [c for c in by_rule.columns if c not in ("rule", "change", "total")]
        return by_rule.rename(columns={m: pd.Period(m, "M").strftime("%b %y") for m in month_cols})

    @property
    @needs("contacts")
    def recoding_table(self) -> pd.DataFrame:
        """Contacts recoded by rule and month (published)."""
        counts = [c for c in self._by_rule.columns if c not in ("rule", "change")]
        return display.publish(self._by_rule, count_columns=counts, rate_columns=(), internal=self.internal)

    @property
    @needs("contacts", quiet=True)
    def rule_descriptions(self) -> list[str]:
        """What each rule in the table does, from ``recoding_rules.yml``."""
        descriptions = {r.name: r.description for r in coding.load_rules()[0]}
        return [f"**{rule}**: {recode_rule_words(rule, descriptions)}" for rule in self._by_rule["rule"]]

    # --- school nurse contacts ----------------------------------------------------------------
    @cached_property
    def health_views(self) -> pd.DataFrame:
        """Health contacts by service over the last year, as recorded and as recoded."""
        counts = {v: kpis.contacts(self.data.contacts, view=v) for v in ("recorded", "recoded")}
        return health_views(counts, coding.load_reference(), self.start, self.month)

    @needs("health_share")
    def health_views_figure(self):
        return plots.before_after_bars(
            self.health_views, group="source", before="as recorded", after="as recoded",
            labels=("As recorded", "As recoded"),
            title="Health contacts in the last 12 months by service, as recorded and as recoded",
            y_label="Contacts in the last 12 months", as_of=self.as_of_text)

    @property
    @needs("health_share", quiet=True)
    def health_views_table(self) -> pd.DataFrame:
        return display.publish(self.health_views, count_columns=["as recorded", "as recoded"], rate_columns=(),
                               internal=self.internal)

    @property
    @needs("health_share", quiet=True)
    def school_nurse_sentence(self) -> str:
        sn = self.health_views.set_index("code").loc[SCHOOL_NURSE]
        return school_nurse_sentence(self.recoding_summary, int(sn["as recorded"]), int(sn["as recoded"]),
                                     start=self.start, end=self.month, code=SCHOOL_NURSE, internal=self.internal)

    # --- each health measure in both views ----------------------------------------------------
    @property
    @needs("health_share")
    def views_table(self) -> pd.DataFrame:
        """The health measures this month as recorded and as recoded (suppressed unless internal);
        only those the extract gives."""
        views = {v: self.data.kpis(view=v) for v in ("recorded", "recoded")}
        items = [item for item in VIEW_ITEMS if self.can_show(item[0])]
        return views_comparison(views["recorded"], views["recoded"], items, self.month, internal=self.internal)


def load(month: str = config.DEFAULT_MONTH, processed_dir=None, raw_dir=None, internal: bool = False,
         link_days: int = config.DEFAULT_LINK_DAYS) -> DataQualityPage:
    """Page 01 for the notebook's parameters."""
    return DataQualityPage(load_data(month, processed_dir, raw_dir, internal=internal, link_days=link_days))
