"""Page 01, data quality and referral source coding: every raw row accounted for, why rows were
set aside, contacts with no known source, what the recoding rules changed (the school nurse
problem) and how much the coding moves the board's health measures."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cached_property

import pandas as pd

from hwb_kpis import coding, config, kpis
from hwb_kpis.kpis import registry
from hwb_kpis.privacy.disclosure import SUPPRESSED_RATE, Decisions, decisions_for
from hwb_kpis.privacy.secondary import Ledger
from hwb_kpis.report import display, plots, published
from hwb_kpis.report.comparisons import compare_periods
from hwb_kpis.report.completeness import completeness, completeness_sentence
from hwb_kpis.report.labels import measure_label, source_label
from hwb_kpis.report.pages.base import BasePage, PageData, load_data, needs
from hwb_kpis.report.published import code12_key, kpi_keys, moved_key, recode_key, rows_key
from hwb_kpis.report.words import missing as _missing
from hwb_kpis.report.words import month_name, percent, shift_month

#: the health measures compared as recorded and as recoded: (kpi, group)
VIEW_ITEMS: tuple[tuple[str, str], ...] = (
    ("contacts", "health"), ("health_share", "all"), ("marf", "health"), ("conversion", "health"),
    ("repeat_contacts", "health"), ("contacts", "code:3C"),
)
#: the school nurse's source code
SCHOOL_NURSE = "3C"
#: the column of source rows folded into another row (episodes continuing a period of care)
FOLDED = "folded into a period of care"


#: the row-count columns of page 01's first table, by the summary's names
ROW_COLUMNS = {"raw_rows": "raw rows", "clean_rows": "used", "quarantined": "quarantined",
               "duplicates_dropped": "exact duplicates dropped"}


def reconciliation_sentence(summary: Mapping, *, internal: bool = False, decisions: Decisions | None = None) -> str:
    """``"contacts: 44,950 raw rows = 44,861 clean + 65 quarantined + 24 exact duplicates dropped"``
    for each table, and whether every row is accounted for (each count as the pack publishes it:
    ``decisions``, or the rows family of the plan made from ``summary`` alone)."""
    decisions = decisions or published.rows_ledger(summary, None).protect(internal=internal)
    parts, ok = [], True
    for name, t in summary.get("tables", {}).items():
        c = {k: decisions.words(rows_key(name, k), t[k]) for k in ROW_COLUMNS}
        filtered = (f" + {decisions.words(rows_key(name, 'filtered_out'), t['filtered_out'])} left out by the "
                    "mapping's row filters" if t.get("filtered_out") else "")
        folded = (f" + {decisions.words(rows_key(name, 'folded'), t['folded'])} {t.get('folded_note') or 'folded'}"
                  if t.get("folded") else "")
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


#: columns of the data contract whose name does not read as words
COLUMN_WORDS = {"period_start": "date care started", "iha_date": "date of the health assessment",
                "marf": "MARF", "child_dob": "date of birth"}


def column_words(column: str) -> str:
    """A contract column as the board reads it: ``"contact_date"`` → ``"contact date"``."""
    return COLUMN_WORDS.get(str(column), str(column).replace("_", " "))


def board_recoding(by_rule: pd.DataFrame, rules: Sequence | None = None) -> pd.DataFrame:
    """:func:`recoding_by_rule`'s table as the board reads it: each rule by its plain words (its
    ``board`` text in ``recoding_rules.yml``, else "other corrections") and each change by source
    name (``2A → 3C`` → ``schools → school nurse``)."""
    rules = coding.load_rules()[0] if rules is None else rules
    words = {r.name: r.board for r in rules if r.board}

    def change(text: str) -> str:
        pairs = [p.split(" → ") for p in str(text).split(", ") if " → " in p]
        return ", ".join(dict.fromkeys(f"{source_label(a)} → {source_label(b)}" for a, b in pairs)) or str(text)

    out = by_rule.copy()
    out.insert(0, "correction", out["rule"].map(lambda r: words.get(str(r), "Other corrections")))
    out["change"] = out["change"].map(change)
    return out.drop(columns="rule").rename(columns={"change": "from → to"})


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


def school_nurse_sentence(recorded: int, recoded: int, moved_in: int, moved_out: int, *, start: str, end: str,
                          code: str = SCHOOL_NURSE, decisions: Decisions | None = None,
                          internal: bool = False) -> str:
    """How recoding changes the school nurse count over ``start``–``end``: moved in, moved out
    (each count as the pack publishes it — ``decisions``, or a plan of these four counts alone,
    tied by ``recoded = recorded + in − out`` —; the ratio only when both counts are shown)."""
    k_rec, k_new = code12_key("recorded", code, end), code12_key("recoded", code, end)
    k_in, k_out = moved_key("in", code, end), moved_key("out", code, end)
    if decisions is None:
        ledger = Ledger()
        for key, value in ((k_rec, recorded), (k_new, recoded), (k_in, moved_in), (k_out, moved_out)):
            ledger.count(key, value)
        ledger.relation({k_new: 1.0, k_rec: -1.0, k_in: -1.0, k_out: 1.0}, 0.0)
        decisions = ledger.protect(internal=internal)
    span = f"From {month_name(start)} to {month_name(end)}"
    s = (f"{span}, {decisions.words(k_rec, recorded)} contacts were recorded as coming from a school nurse; after recoding "
         f"there are {decisions.words(k_new, recoded)}. {decisions.words(k_in, moved_in)} came in — mostly contacts "
         "recorded as Schools where the school nurse was the referrer or the school's DSL passed on the nurse's concern "
         f"— and {decisions.words(k_out, moved_out)} went out, recorded as school nurse but plainly made by school staff")
    if recorded and decisions.shown((k_rec, recorded), (k_new, recoded)):
        s += f". The school nurse count is {recoded / recorded:.1f} times what was recorded"
    return s + "."


def moved(rec_summary: pd.DataFrame, start: str, end: str, code: str = SCHOOL_NURSE) -> tuple[int, int]:
    """Contacts the recoding rules moved into ``code`` and out of it over ``start``–``end``."""
    r = rec_summary[(rec_summary["month"].astype(str) >= start) & (rec_summary["month"].astype(str) <= end)]
    recorded = r["source_code_recorded"].astype("string").fillna("")
    moved_in = int(r.loc[(r["source_code"] == code) & (recorded != code), "contacts"].sum())
    moved_out = int(r.loc[(recorded == code) & (r["source_code"] != code), "contacts"].sum())
    return moved_in, moved_out


def views_comparison(kpi_recorded: pd.DataFrame, kpi_recoded: pd.DataFrame, items: Sequence[tuple[str, str]],
                     month: str, *, internal: bool = False, decisions: Decisions | None = None) -> pd.DataFrame:
    """Each KPI as recorded and as recoded for ``month``, display-ready (published through
    ``decisions``: the rule alone when None): ``measure, as recorded, as recoded, difference``
    (a difference only between two figures both shown)."""
    decisions = decisions or decisions_for(internal)
    rows = []
    for kpi, group in items:
        is_rate = registry.is_rate(kpi)
        row = {"measure": measure_label(kpi, group)}
        shown = {}
        for view, frame, column in (("recorded", kpi_recorded, "as recorded"), ("recoded", kpi_recoded, "as recoded")):
            r = compare_periods(frame, kpi, group, month).loc["this month"]
            num, den = kpi_keys(kpi, group, month, view)
            cells = [(num, r["numerator"])] + ([(den, r["denominator"])] if is_rate else [])
            if is_rate:
                row[column] = percent(decisions.rate(r["value"], *cells))
            else:
                row[column] = decisions.cell(num, r["numerator"]) or "n/a"
            shown[view] = r["value"] if decisions.shown(*cells) else None
        a, b = shown["recorded"], shown["recoded"]
        if a is None or b is None:
            row["difference"] = SUPPRESSED_RATE
        elif _missing(a) or _missing(b):
            row["difference"] = "n/a"
        elif is_rate:
            d = round(float(b) * 100) - round(float(a) * 100)
            row["difference"] = "none" if d == 0 else (f"{d:+d} point" if abs(d) == 1 else f"{d:+d} points")
        else:
            d = round(float(b)) - round(float(a))
            row["difference"] = "none" if d == 0 else f"{d:+,}"
        rows.append(row)
    return pd.DataFrame(rows, columns=["measure", "as recorded", "as recoded", "difference"])


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

    def __init__(self, data: PageData, *, lookback_days: int = config.DEFAULT_LOOKBACK_DAYS) -> None:
        super().__init__(data)
        #: the first month of the year the page looks back over
        self.start = shift_month(self.month, -11)
        #: the pack's look-back of repeat contacts (the views table shows them, as page 04 does)
        self.lookback_days = lookback_days

    # --- rows in and rows set aside -----------------------------------------------------------
    @property
    def rows_table(self) -> pd.DataFrame:
        """Raw rows, used, quarantined and dropped, per table (published)."""
        tables = self.data.summary["tables"]
        names = list(tables)
        rows = pd.DataFrame([{"table": name.replace("_", " "), **{ROW_COLUMNS[k]: t[k] for k in ROW_COLUMNS}}
                             for name, t in tables.items()])
        field = {v: k for k, v in ROW_COLUMNS.items()}
        counts = list(ROW_COLUMNS.values())
        if any(t.get("folded") for t in tables.values()):  # SSDA903/SSD episodes continuing a period of care
            rows[FOLDED] = [int(t.get("folded", 0)) for t in tables.values()]
            counts.append(FOLDED)
            field[FOLDED] = "folded"
        return display.publish(rows, count_columns=counts, rate_columns=(), decisions=self.decisions,
                               keys=lambda i, c: rows_key(names[i], field[c]))

    @property
    def reconciliation_sentence(self) -> str:
        return reconciliation_sentence(self.data.summary, decisions=self.decisions)

    @property
    def reasons_table(self) -> pd.DataFrame:
        """Quarantined rows by table, column and reason (never the values), most first (published);
        a table whose quarantined rows are from 1 to 4 gets one line, its reasons not listed. The
        board reads the tables and columns in words, the internal copy by their names."""
        quarantine = published.read_quarantine(self.data.processed_dir)
        reasons = published.reasons(quarantine)
        parts = [published.listed_reasons(reasons[reasons["table"] == t]) for t in dict.fromkeys(reasons["table"])]
        table = (pd.concat(parts, ignore_index=True) if parts else reasons).sort_values(
            "rows", ascending=False, kind="stable").reset_index(drop=True)
        alone = table.groupby("table")["rows"].transform("size") == 1

        def key(i: int, _column: str):
            r = table.iloc[i]
            if bool(alone.iloc[i]):  # a table's only line is its quarantined total
                return rows_key(r["table"], "quarantined")
            return published.reason_key(r["table"], r["column"], r["reason"])

        shown = table.copy()
        if not self.internal:
            shown["table"] = shown["table"].map(lambda v: str(v).replace("_", " "))
            shown["column"] = shown["column"].map(column_words)
            shown["reason"] = shown["reason"].map(
                lambda r: re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b", lambda m: column_words(m.group(0)), str(r)))
        return display.publish(shown, count_columns=["rows"], rate_columns=(), decisions=self.decisions, keys=key)

    # --- contacts with no known source --------------------------------------------------------
    @property
    @needs("contacts")
    def unknown_table(self) -> pd.DataFrame:
        """:func:`unknown_by_month` over the last year, months named (published)."""
        unknown = unknown_by_month(self.data.contacts, self.start, self.month)
        months = list(unknown["month"])
        keys = {"contacts": lambda m: published.count_key("contacts", "any", "all", m),
                "no code recorded": published.no_code_key,
                "unknown after coding": lambda m: published.code_key("recoded", config.UNKNOWN_CODE, m)}
        unknown["month"] = unknown["month"].map(month_name)
        return display.publish(unknown, count_columns=list(keys), rate_columns=["rate"],
                               rate_basis={"rate": ["contacts", "unknown after coding"]}, decisions=self.decisions,
                               keys=lambda i, c: keys[c](months[i]))

    @property
    @needs("contacts", quiet=True)
    def completeness_sentence(self) -> str:
        return completeness_sentence(completeness(self.data.contacts, self.month), self.month,
                                     decisions=self.decisions, marf_in_extract=self.can_show("marf"))

    # --- sources changed by the recoding rules ------------------------------------------------
    @cached_property
    def recoding_summary(self) -> pd.DataFrame:
        """:func:`hwb_kpis.coding.recoding_summary` of the cleaning's recoding audit."""
        audit = pd.read_csv(self.data.processed_dir / "recoding_audit.csv", dtype="string")
        return coding.recoding_summary(audit)

    @cached_property
    def _by_rule(self) -> tuple[pd.DataFrame, dict[str, str]]:
        by_rule = recoding_by_rule(self.recoding_summary, self.start, self.month)
        month_cols = [c for c in by_rule.columns if c not in ("rule", "change", "total")]
        names = {m: pd.Period(m, "M").strftime("%b %y") for m in month_cols}
        return by_rule.rename(columns=names), {v: k for k, v in names.items()}

    @property
    @needs("contacts")
    def recoding_table(self) -> pd.DataFrame:
        """Contacts recoded by rule and month (published). The board reads each rule in plain words
        (its ``board`` text) and each change by source name; the internal copy keeps the rule names
        and codes."""
        table, month_of = self._by_rule
        rules = list(table["rule"])
        shown = table if self.internal else board_recoding(table)
        counts = [c for c in shown.columns if c not in ("rule", "change", "correction", "from → to")]
        return display.publish(shown, count_columns=counts, rate_columns=(), decisions=self.decisions,
                               keys=lambda i, c: recode_key(rules[i], month_of.get(c)))

    @property
    @needs("contacts", quiet=True)
    def rule_descriptions(self) -> list[str]:
        """What each rule in the table does, from ``recoding_rules.yml`` (the internal copy only:
        the board's table says it in plain words)."""
        if not self.internal:
            return []
        descriptions = {r.name: r.description for r in coding.load_rules()[0]}
        return [f"**{rule}**: {recode_rule_words(rule, descriptions)}" for rule in self._by_rule[0]["rule"]]

    # --- school nurse contacts ----------------------------------------------------------------
    @cached_property
    def health_views(self) -> pd.DataFrame:
        """Health contacts by service over the last year, as recorded and as recoded."""
        counts = {v: kpis.contacts(self.data.contacts, view=v) for v in ("recorded", "recoded")}
        return health_views(counts, coding.load_reference(), self.start, self.month)

    def _view_key(self, i: int, column: str):
        return code12_key(column.removeprefix("as "), self.health_views["code"].iloc[i], self.month)

    @needs("health_share")
    def health_views_figure(self):
        """The 12-month counts by service in both views; a bar whose count is not shown is not drawn."""
        shown = self.health_views.copy()
        for column in ("as recorded", "as recoded"):
            shown[column] = [self.decisions.number(self._view_key(i, column), v) for i, v in enumerate(shown[column])]
        return plots.before_after_bars(
            shown, group="source", before="as recorded", after="as recoded",
            labels=("As recorded", "As recoded"),
            title="Health contacts in the last 12 months by service, as recorded and as recoded",
            y_label="Contacts in the last 12 months", as_of=self.as_of_text)

    @property
    @needs("health_share", quiet=True)
    def health_views_table(self) -> pd.DataFrame:
        """Health contacts by service, as recorded and as recoded (published; the source codes in
        the internal copy only)."""
        views = self.health_views if self.internal else self.health_views.drop(columns="code")
        return display.publish(views, count_columns=["as recorded", "as recoded"], rate_columns=(),
                               decisions=self.decisions, keys=self._view_key)

    @property
    @needs("health_share", quiet=True)
    def school_nurse_sentence(self) -> str:
        sn = self.health_views.set_index("code").loc[SCHOOL_NURSE]
        moved_in, moved_out = moved(self.recoding_summary, self.start, self.month)
        return school_nurse_sentence(int(sn["as recorded"]), int(sn["as recoded"]), moved_in, moved_out,
                                     start=self.start, end=self.month, code=SCHOOL_NURSE, decisions=self.decisions)

    # --- each health measure in both views ----------------------------------------------------
    @property
    @needs("health_share")
    def views_table(self) -> pd.DataFrame:
        """The health measures this month as recorded and as recoded (published); only those the
        extract gives."""
        views = {v: self.data.kpis(view=v, lookback_days=self.lookback_days) for v in ("recorded", "recoded")}
        items = [item for item in VIEW_ITEMS if self.can_show(item[0])]
        return views_comparison(views["recorded"], views["recoded"], items, self.month, decisions=self.decisions)


def load(month: str = config.DEFAULT_MONTH, processed_dir=None, raw_dir=None, view: str = config.DEFAULT_VIEW,
         internal: bool = False, link_days: int = config.DEFAULT_LINK_DAYS,
         lookback_days: int = config.DEFAULT_LOOKBACK_DAYS) -> DataQualityPage:
    """Page 01 for the notebook's parameters (``view``: the pack's, on which its disclosure plan
    depends; the page itself shows both views; ``lookback_days``: the pack's, for the repeat
    contacts of its views table)."""
    return DataQualityPage(load_data(month, processed_dir, raw_dir, internal=internal, view=view, link_days=link_days),
                           lookback_days=lookback_days)
