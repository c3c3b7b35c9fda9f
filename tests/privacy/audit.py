"""An attack on a built board pack, as a reader with the pack and nothing else would make it.

The audit reads the rendered HTML pages only (never what the disclosure code declared): it parses
every table and sentence into figures with the reader's own names for them (``contacts in November
2015``, ``recoding rule nhs_111 in February 2015``…), collects every relation a reader can form
between them — totals, a group and its parts on different pages, the same count in two places,
the recoding flows ``from → to``, shares and means quoted to whole units, ``done <= due``, rows
listed only when they hold something — and then:

* **the rule**: no count from 1 to 4 is printed, in a table or a sentence, and no rate, share or
  median is printed where the count it rests on is hidden;
* **consistency**: a figure printed in two places is printed the same way;
* **feasible ranges**: with scipy's ``linprog``, each hidden figure's smallest and largest value
  given everything printed. A ``<5`` must still range over 1 to 4, and a ``c`` over at least 3
  (the width of that band); anything narrower is a leak.

Pages are recognised by their file name and tables by their header row, as a reader would; a
table the audit does not know still gets the rule, cell by cell.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

SMALL, WITHHELD, SHOWN, HIDDEN_RATE = "<5", "c", "shown", "*"
#: what a reader reads a count as
COUNT = r"(?:[\d,]+|fewer than 5|not shown|none)"
MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], start=1)}
#: the index's table names and page 01's, as one name
TABLE_NAMES = {"Contacts": "contacts", "Children becoming looked after": "looked_after", "contacts": "contacts",
               "looked after": "looked_after", "looked_after": "looked_after"}
BLANK = "blank"
#: the pack's KPI file, read as a reader opens it (a CSV of kpi, group, month, numerator, denominator, rate)
KPI_FILE = "kpis.csv"


# --- reading the HTML -----------------------------------------------------------------------------


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Page:
    name: str
    tables: list[Table] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    """Tables (header row and body rows of cell text) and text blocks (paragraphs, list items)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.texts: list[str] = []
        self._table_depth = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._text: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self._table_depth += 1
            self.tables.append(Table([], []))
        elif tag == "tr" and self._table_depth:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("p", "li") and not self._table_depth:
            self._text = []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag == "table":
            self._table_depth -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if not table.header:
                table.header = self._row
            else:
                table.rows.append(self._row)
            self._row = None
        elif tag in ("p", "li") and self._text is not None:
            text = " ".join("".join(self._text).split())
            if text:
                self.texts.append(text)
            self._text = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._text is not None:
            self._text.append(data)


def parse_page(name: str, html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    return Page(name, parser.tables, parser.texts)


def read_pack(folder: Path, *, files: bool = True, agencies: bool = False) -> dict[str, str]:
    """Every HTML page of a built pack, by file name, (``files``) its KPI file ``kpis.csv`` and
    (``agencies``) the agency feedback pages, as ``agencies/<name>.html``."""
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.html"))}
    if files and (Path(folder) / KPI_FILE).is_file():
        pages[KPI_FILE] = (Path(folder) / KPI_FILE).read_text(encoding="utf-8")
    if agencies:
        pages.update({f"agencies/{p.name}": p.read_text(encoding="utf-8")
                      for p in sorted((Path(folder) / "agencies").glob("*.html"))})
    return pages


# --- figures --------------------------------------------------------------------------------------


def month_of(text: str) -> str:
    """``"November 2015"`` (also ``"November 2015 (still maturing)"``) or ``"Nov 15"`` → ``"2015-11"``."""
    text = re.sub(r"\s*\(still maturing\)$", "", text.strip())
    m = re.fullmatch(r"([A-Z][a-z]+) (\d{4})", text)
    if m and m.group(1) in MONTHS:
        return f"{m.group(2)}-{MONTHS[m.group(1)]:02d}"
    m = re.fullmatch(r"([A-Z][a-z]{2}) (\d{2})", text)
    if m:
        number = next(i for name, i in MONTHS.items() if name.startswith(m.group(1)))
        return f"20{m.group(2)}-{number:02d}"
    raise ValueError(f"not a month: {text!r}")


def shift(month: str, k: int) -> str:
    return str(pd.Period(month, "M") + k)


def read_count(text: str) -> tuple[str, float | None]:
    """How a printed count reads: (status, value)."""
    t = text.strip()
    if t in ("<5", "fewer than 5"):
        return SMALL, None
    if t in ("c", "not shown"):
        return WITHHELD, None
    if t == "none":
        return SHOWN, 0.0
    if re.fullmatch(r"[\d,]+", t):
        return SHOWN, float(t.replace(",", ""))
    return "", None


def read_share(text: str) -> float | None:
    m = re.fullmatch(r"(\d+)%", text.strip())
    return float(m.group(1)) / 100 if m else None


@dataclass
class Seen:
    status: str
    value: float | None
    where: str


class Attack:
    """The figures a reader has and the relations between them (see the module docstring)."""

    def __init__(self) -> None:
        self.seen: dict[tuple, list[Seen]] = {}
        self.relations: list[tuple[dict[tuple, float], float, float, str]] = []
        self.floors: dict[tuple, float] = {}
        self.problems: list[str] = []

    # what a reader notes
    def count(self, key: tuple, text: str, where: str) -> None:
        status, value = read_count(text)
        if not status:
            return
        if status == SHOWN and value is not None and 1 <= value <= 4 and value == round(value):
            self.problems.append(f"{where}: a count from 1 to 4 is printed ({text}) for {key}")
        self.seen.setdefault(key, []).append(Seen(status, value, where))

    def relation(self, terms: dict[tuple, float], lo: float, hi: float | None = None, what: str = "") -> None:
        self.relations.append((dict(terms), lo, lo if hi is None else hi, what))

    def total(self, whole: tuple, parts: Iterable[tuple], what: str = "") -> None:
        terms: dict[tuple, float] = {whole: -1.0}
        for p in parts:
            terms[p] = terms.get(p, 0.0) + 1.0
        self.relation(terms, 0.0, what=what)

    def share(self, num: tuple | list[tuple], den: tuple | list[tuple], text: str, what: str, unit: float = 0.01) -> None:
        """A share printed as whole percent: ``(r − ½) × den <= num <= (r + ½) × den``."""
        r = read_share(text)
        if r is None:
            return
        nums = num if isinstance(num, list) else [num]
        dens = den if isinstance(den, list) else [den]
        for bound, lo, hi in ((r - unit / 2, 0.0, math.inf), (r + unit / 2, -math.inf, 0.0)):
            terms: dict[tuple, float] = {}
            for k in nums:
                terms[k] = terms.get(k, 0.0) + 1.0
            for k in dens:
                terms[k] = terms.get(k, 0.0) - bound
            self.relation(terms, lo, hi, what)

    def rate_rests(self, text: str, basis: Iterable[tuple], where: str) -> None:
        """A printed rate must be ``*`` (or missing) when a count it rests on is from 1 to 4 (a
        rate on a withheld count is judged by the feasible ranges: its rounding is a relation)."""
        if read_share(text) is None and not re.fullmatch(r"[\d.]+", text.strip()):
            return
        hidden = [k for k in basis if any(s.status == SMALL for s in self.seen.get(k, []))]
        if hidden:
            self.problems.append(f"{where}: the rate {text} rests on a count from 1 to 4 {hidden[0]}")

    # --- the verdict ------------------------------------------------------------------------------

    def consistency(self) -> None:
        for key, seen in self.seen.items():
            forms = {(s.status, s.value) for s in seen}
            if len(forms) > 1:
                places = "; ".join(f"{s.where}: {s.status} {s.value}" for s in seen)
                self.problems.append(f"{key} is printed differently in two places ({places})")

    def status_of(self, key: tuple) -> tuple[str, float | None]:
        seen = self.seen.get(key)
        if not seen:
            return "free", None
        shown = [s for s in seen if s.status == SHOWN]
        if shown:
            return SHOWN, shown[0].value
        return (SMALL, None) if any(s.status == SMALL for s in seen) else (WITHHELD, None)

    def ranges(self) -> dict[tuple, tuple[float, float]]:
        """Each hidden figure's feasible (min, max), by linear programming over every relation."""
        from scipy.optimize import linprog

        variables = sorted({k for terms, *_ in self.relations for k in terms if self.status_of(k)[0] != SHOWN}, key=repr)
        index = {k: i for i, k in enumerate(variables)}
        a_eq, b_eq, a_ub, b_ub = [], [], [], []
        for terms, lo, hi, _ in self.relations:
            row, const = np.zeros(len(variables)), 0.0
            for k, c in terms.items():
                status, value = self.status_of(k)
                if status == SHOWN:
                    const += c * value
                else:
                    row[index[k]] += c
            if not row.any():
                if not (lo - 1e-6 <= const <= hi + 1e-6):
                    self.problems.append(f"a relation does not hold for the printed figures: {terms} in [{lo}, {hi}]")
                continue
            if lo == hi:
                a_eq.append(row)
                b_eq.append(lo - const)
            else:
                if math.isfinite(hi):
                    a_ub.append(row)
                    b_ub.append(hi - const)
                if math.isfinite(lo):
                    a_ub.append(-row)
                    b_ub.append(const - lo)

        def bounds(k):
            status = self.status_of(k)[0]
            if status == SMALL:
                return (1.0, 4.0)
            return (self.floors.get(k, 0.0), None)

        kwargs = {"bounds": [bounds(k) for k in variables], "method": "highs"}
        if a_eq:
            kwargs.update(A_eq=np.array(a_eq), b_eq=np.array(b_eq))
        if a_ub:
            kwargs.update(A_ub=np.array(a_ub), b_ub=np.array(b_ub))
        out = {}
        for k in variables:
            if self.status_of(k)[0] not in (SMALL, WITHHELD):
                continue
            c = np.zeros(len(variables))
            c[index[k]] = 1.0
            low, high = linprog(c, **kwargs), linprog(-c, **kwargs)
            if low.status == 2:
                self.problems.append("the printed figures contradict each other (no feasible values)")
                return out
            out[k] = (float(low.fun) if low.status == 0 else -math.inf,
                      -float(high.fun) if high.status == 0 else math.inf)
        return out

    def verdict(self) -> list[str]:
        """Every problem found: the rule, consistency and feasible ranges narrower than the band."""
        self.consistency()
        for key, (lo, hi) in self.ranges().items():
            status = self.status_of(key)[0]
            where = self.seen[key][0].where
            if status == SMALL and (lo > 1 + 1e-6 or hi < 4 - 1e-6):
                self.problems.append(f"{where}: {key} shown as <5 can be worked out to lie in [{lo:g}, {hi:g}]")
            if status == WITHHELD and hi - lo < 3 - 1e-6:
                self.problems.append(f"{where}: {key} shown as c can be worked out to lie in [{lo:g}, {hi:g}]")
        return self.problems


# --- the reader's key to the pack -----------------------------------------------------------------


def code_of_name(name: str) -> str:
    """A source as the board reads it (``"school nurse"``, ``"A&E / NHS 111"``, ``"none
    recorded"``) → its code (``"3C"``, ``"3E"``, :data:`BLANK`); a code stays itself."""
    from hwb_kpis import coding

    name = name.strip()
    if name.lower() in ("none recorded", BLANK):
        return BLANK
    ref = coding.load_reference()
    for column in ("short_label", "health_breakdown", "label"):
        found = ref.loc[ref[column].astype(str).str.lower() == name.lower(), "code"]
        if len(found):
            return str(found.iloc[0])
    return name.removeprefix("code ")


def _find(page: Page, first: Iterable[str]) -> list[Table]:
    first = list(first)
    return [t for t in page.tables if t.header[:len(first)] == first]


def _rows(attack: Attack, page: Page) -> None:
    """Rows received, used, set aside and dropped (index and page 01), and page 01's sentence."""
    fields = ("raw", "used", "quarantined", "duplicates")
    for header in (["Table", "Rows received"], ["table", "raw rows"]):
        for table in _find(page, header):
            for row in table.rows:
                name = TABLE_NAMES.get(row[0], row[0])
                for f, text in zip(fields, row[1:5], strict=False):
                    attack.count(("rows", name, f), text, f"{page.name} rows table")
                attack.total(("rows", name, "raw"), [("rows", name, f) for f in fields[1:]], "raw = used + set aside")
    for text in page.texts:
        for m in re.finditer(rf"(contacts|looked after): ({COUNT}) raw rows = ({COUNT}) used \+ ({COUNT}) quarantined "
                             rf"\+ ({COUNT}) exact duplicates dropped", text):
            name = TABLE_NAMES[m.group(1)]
            for f, value in zip(fields, m.groups()[1:], strict=True):
                attack.count(("rows", name, f), value, f"{page.name} reconciliation sentence")


def _reasons(attack: Attack, page: Page) -> None:
    for table in _find(page, ["table", "column", "reason", "rows"]):
        by_table: dict[str, list[tuple]] = {}
        for row in table.rows:
            key = ("reason", TABLE_NAMES.get(row[0], row[0]), row[1], row[2])
            attack.count(key, row[3], f"{page.name} reasons table")
            attack.floors[key] = 1.0  # a reason is listed only when it set rows aside
            by_table.setdefault(key[1], []).append(key)
        for name, keys in by_table.items():
            attack.total(("rows", name, "quarantined"), keys, "quarantined = Σ reasons")


def _unknown(attack: Attack, page: Page) -> None:
    for table in _find(page, ["month", "contacts", "no code recorded", "unknown after coding", "rate"]):
        for row in table.rows:
            m = month_of(row[0])
            attack.count(("contacts", "all", m), row[1], f"{page.name} unknown table")
            attack.count(("no code", m), row[2], f"{page.name} unknown table")
            attack.count(("code", "recoded", "10", m), row[3], f"{page.name} unknown table")
            attack.rate_rests(row[4], [("contacts", "all", m), ("code", "recoded", "10", m)], f"{page.name} unknown table")
            attack.share(("code", "recoded", "10", m), ("contacts", "all", m), row[4], "unknown after coding share")


def _recoding(attack: Attack, page: Page, month: str) -> dict[str, list[tuple[str, str]]]:
    """The recoding table and its flows: each rule's cell is the sum of its changes ``from → to``."""
    changes: dict[str, list[tuple[str, str]]] = {}
    # the internal copy names rules and codes; the board's copy reads each rule in words (several
    # rules may share "Other corrections": each row is its own rule) and each change by source name
    tables = [(t, False) for t in _find(page, ["rule", "change"])] + [(t, True) for t in _find(page, ["correction", "from → to"])]
    for table, board in tables:
        months = [month_of(h) for h in table.header[2:-1]]
        for i, row in enumerate(table.rows):
            rule = f"{row[0]} #{i}" if board else row[0]
            changes[rule] = [tuple((code_of_name(x) if board else x.strip().replace("blank", BLANK))
                                   for x in part.split("→"))
                             for part in row[1].split(",") if "→" in part]
            cells = []
            for m, text in zip(months, row[2:-1], strict=True):
                key = ("recoded", rule, m)
                attack.count(key, text, f"{page.name} recoding table")
                cells.append(key)
                attack.total(key, [("flow", rule, m, f, t) for f, t in changes[rule]], f"{rule} {m} by change")
            attack.count(("recoded", rule, "total"), row[-1], f"{page.name} recoding table")
            attack.floors[("recoded", rule, "total")] = 1.0
            attack.total(("recoded", rule, "total"), cells, f"{rule} over the year")
        # every contact with no recorded code is recoded (to 10 at worst); codes move by the flows
        for m in months:
            attack.total(("no code", m), [("flow", r, m, f, t) for r, pairs in changes.items() for f, t in pairs
                                          if f == BLANK], "no code recorded = flows from blank")
            for code in {c for pairs in changes.values() for pair in pairs for c in pair} - {BLANK}:
                terms = {("code", "recoded", code, m): 1.0, ("code", "recorded", code, m): -1.0}
                for r, pairs in changes.items():
                    for f, t in pairs:
                        if f != t and t == code:
                            terms[("flow", r, m, f, t)] = -1.0
                        if f != t and f == code:
                            terms[("flow", r, m, f, t)] = 1.0
                attack.relation(terms, 0.0, what=f"recoded − recorded = in − out ({code}, {m})")
            for view in ("recoded", "recorded"):  # health = the six health codes, in each view
                attack.total(("health", view, m), [("code", view, c, m) for c in ("3A", "3B", "3C", "3D", "3E", "3F")],
                             "health = Σ health codes")
        for code in ("3A", "3B", "3C", "3D", "3E", "3F"):
            for view in ("recoded", "recorded"):
                attack.total(("code12", view, code), [("code", view, code, m) for m in months], "12-month sum")
        attack.relation({k: 1.0 for k in [("recoded", r, month) for r in changes]} | {("share recoded", month): -1.0},
                        0.0, what="recoded this month")
    return changes


def _school_nurse(attack: Attack, page: Page, changes: dict[str, list[tuple[str, str]]], months: list[str]) -> None:
    for table in _find(page, ["code", "source", "as recorded", "as recoded"]):
        for row in table.rows:
            attack.count(("code12", "recorded", row[0]), row[2], f"{page.name} health views table")
            attack.count(("code12", "recoded", row[0]), row[3], f"{page.name} health views table")
    for table in _find(page, ["source", "as recorded", "as recoded"]):  # the board's copy: sources by name
        for row in table.rows:
            code = code_of_name(row[0])
            attack.count(("code12", "recorded", code), row[1], f"{page.name} health views table")
            attack.count(("code12", "recoded", code), row[2], f"{page.name} health views table")
    for text in page.texts:
        m = re.search(rf"({COUNT}) contacts were recorded as coming from a school nurse; after recoding there are "
                      rf"({COUNT})\. ({COUNT}) came in .* and ({COUNT}) went out", text)
        if not m:
            continue
        for key, value in zip([("code12", "recorded", "3C"), ("code12", "recoded", "3C"), ("moved", "in"), ("moved", "out")],
                              m.groups(), strict=True):
            attack.count(key, value, f"{page.name} school nurse sentence")
        flows_in = [("flow", r, mo, f, t) for r, pairs in changes.items() for f, t in pairs if t == "3C" and f != "3C"
                    for mo in months]
        flows_out = [("flow", r, mo, f, t) for r, pairs in changes.items() for f, t in pairs if f == "3C" and t != "3C"
                     for mo in months]
        attack.total(("moved", "in"), flows_in, "moved into 3C")
        attack.total(("moved", "out"), flows_out, "moved out of 3C")


def _views(attack: Attack, page: Page, month: str) -> None:
    for table in _find(page, ["measure", "as recorded", "as recoded", "difference"]):
        for row in table.rows:
            if row[0] == "Contacts received – health":
                keys = [("health", "recorded", month), ("health", "recoded", month)]
            elif row[0].startswith("Contacts received – code "):
                code = row[0].rsplit(" ", 1)[-1]
                keys = [("code", "recorded", code, month), ("code", "recoded", code, month)]
            else:
                continue
            for key, text in zip(keys, row[1:3], strict=True):
                attack.count(key, text, f"{page.name} views table")
            if re.fullmatch(r"[+-][\d,]+", row[3]):
                d = float(row[3].replace(",", "").replace("+", ""))
                attack.relation({keys[1]: 1.0, keys[0]: -1.0}, d, what="difference of views")


def _completeness(attack: Attack, page: Page, month: str) -> None:
    for text in page.texts:
        if not text.startswith(f"In {month_name(month)}, ") or "MARF was used" not in text and "recoding rules" not in text:
            continue
        for pattern, key in ((r"(\d+%) of contacts arrived with no usable source code", ("no code", month)),
                             (r"(\d+%) arrived with no usable source code", ("no code", month)),
                             (r"(\d+%) still had no known source", ("code", "recoded", "10", month)),
                             (r"(\d+%) had their source corrected", ("share recoded", month))):
            m = re.search(pattern, text)
            if m:
                attack.share(key, ("contacts", "all", month), m.group(1), "completeness share")
                attack.rate_rests(m.group(1), [key, ("contacts", "all", month)], f"{page.name} completeness sentence")


def month_name(month: str) -> str:
    return pd.Period(month, "M").strftime("%B %Y")


#: page 00's measures: (label, numerator key, denominator key) as functions of the month
def _measures(month: str, iha_month: str | None) -> dict[str, tuple[tuple, tuple | None]]:
    c = ("contacts", "all", month)
    h = ("health", "recoded", month)
    out = {
        "Contacts received": (c, None), "Share of contacts from health": (h, c),
        "Contacts submitted on a MARF": (("marf", "all", month), c),
        "Contacts submitted on a MARF – health": (("marf", "health", month), h),
        "Contacts progressed to referral": (("referrals", "all", month), ("decided", "all", month)),
        "Contacts progressed to referral – health": (("referrals", "health", month), ("decided", "health", month)),
        "Repeat contacts": (("repeats", "all", month), c), "Repeat contacts – health": (("repeats", "health", month), h),
    }
    if iha_month:
        out[f"Initial health assessments on time ({month_name(iha_month)})"] = (
            ("iha done", "28d", iha_month), ("iha due", iha_month))
    return out


def _summary(attack: Attack, page: Page, month: str) -> None:
    for table in _find(page, ["measure", "this month", "last month", "same month last year", "count", "out of"]):
        iha = next((re.search(r"\((\w+ \d{4})\)$", r[0]) for r in table.rows if r[0].startswith("Initial health")), None)
        iha_month = month_of(iha.group(1)) if iha else None
        measures = _measures(month, iha_month)
        for row in table.rows:
            if row[0] not in measures:
                attack.count(("unknown measure", row[0]), row[4], f"{page.name} measures table")
                continue
            num, den = measures[row[0]]
            where = f"{page.name} measures table, {row[0]}"
            attack.count(num, row[4], where)
            if den is not None:
                attack.count(den, row[5], where)
                attack.rate_rests(row[1], [num, den], where)
                attack.share(num, den, row[1], f"{row[0]} this month")
            else:  # a count: this month, last month and a year before are the months' counts
                for k, text in ((0, row[1]), (-1, row[2]), (-12, row[3])):
                    attack.count(("contacts", "all", shift(month, k)), text, where)
        attack.relation({("decided", "all", month): 1.0, ("contacts", "all", month): -1.0}, -math.inf, 0.0, "decided <= all")
        attack.relation({("decided", "health", month): 1.0, ("health", "recoded", month): -1.0}, -math.inf, 0.0,
                        "decided <= health")
        # the commissioning answer quotes this month's rates: none where the table hides them
        shown = {r[0]: r[1] for r in table.rows}
        for text in page.texts:
            for pattern, measure in ((r"health services sent (\d+%) of all contacts", "Share of contacts from health"),
                                     (r"(\d+%) of health contacts came on a MARF", "Contacts submitted on a MARF – health"),
                                     (r"(\d+%) of health contacts were progressed", "Contacts progressed to referral – health"),
                                     (r"(\d+%) of health contacts were repeat", "Repeat contacts – health")):
                m = re.search(pattern, text)
                if m and shown.get(measure) == HIDDEN_RATE:
                    attack.problems.append(f"{page.name}: a sentence gives {m.group(1)} where the table shows * "
                                           f"({measure})")
    for text in page.texts:  # what changed: this month's count, and a change from last month's
        m = re.match(rf"Contacts received: ({COUNT})(?:, (up|down) ([\d,]+)(?:, \d+%)? from ([\d,]+) last month)?", text)
        if m:
            attack.count(("contacts", "all", month), m.group(1), f"{page.name} what changed")
            if m.group(2):
                attack.count(("contacts", "all", shift(month, -1)), m.group(4), f"{page.name} what changed")
                step = float(m.group(3).replace(",", "")) * (1 if m.group(2) == "up" else -1)
                attack.relation({("contacts", "all", month): 1.0, ("contacts", "all", shift(month, -1)): -1.0}, step,
                                what="what changed")


def _comparisons(attack: Attack, page: Page, month: str) -> None:
    keys = {"Contacts progressed to referral": (("referrals", "all", month), ("decided", "all", month)),
            "Contacts still awaiting a decision": (("pending", "all", month), ("contacts", "all", month)),
            "Repeat contacts": (("repeats", "all", month), ("contacts", "all", month)),
            "Repeat contacts from health": (("repeats", "health", month), ("health", "recoded", month))}
    for text in page.texts:
        m = re.match(rf"(.+?) in (\w+ \d{{4}}): (\d+%|not shown)(?: \(({COUNT}) of ({COUNT})\))?", text)
        if not m or m.group(1) not in keys or month_of(m.group(2)) != month:
            continue
        num, den = keys[m.group(1)]
        where = f"{page.name} sentence on {m.group(1)}"
        if m.group(4):
            attack.count(num, m.group(4), where)
            attack.count(den, m.group(5), where)
            attack.rate_rests(m.group(3), [num, den], where)
    attack.total(("contacts", "all", month), [("decided", "all", month), ("pending", "all", month)],
                 "contacts = decided + pending")


def _breakdown(attack: Attack, page: Page, month: str) -> None:
    for table in _find(page, ["code", "source", "this month", "share this month", "last 12 months", "share"]):
        codes = [r[0] for r in table.rows]
        for row in table.rows:
            where = f"{page.name} health breakdown, {row[0]}"
            attack.count(("code", "recoded", row[0], month), row[2], where)
            attack.count(("code12", "recoded", row[0]), row[4], where)
            attack.rate_rests(row[3], [("code", "recoded", row[0], month), ("health", "recoded", month)], where)
            attack.rate_rests(row[5], [("code12", "recoded", c) for c in codes], where)
            attack.share(("code", "recoded", row[0], month), [("code", "recoded", c, month) for c in codes], row[3],
                         "share this month")
            attack.share(("code12", "recoded", row[0]), [("code12", "recoded", c) for c in codes], row[5], "share of 12 months")
        attack.total(("health", "recoded", month), [("code", "recoded", c, month) for c in codes], "health = Σ codes")


def _average(attack: Attack, page: Page) -> None:
    for text in page.texts:
        m = re.match(rf"From (\w+ \d{{4}}) to (\w+ \d{{4}}) the front door received on average ([\d,]+) contacts a month "
                     rf"\(lowest ({COUNT}) in (\w+ \d{{4}}), highest ({COUNT}) in (\w+ \d{{4}})\)", text)
        if not m:
            continue
        start, end = month_of(m.group(1)), month_of(m.group(2))
        months = [str(p) for p in pd.period_range(start, end, freq="M")]
        keys = [("contacts", "all", mo) for mo in months]
        mean = float(m.group(3).replace(",", ""))
        attack.relation(dict.fromkeys(keys, 1.0), len(keys) * (mean - 0.5), len(keys) * (mean + 0.5), "average")
        low, high = ("contacts", "all", month_of(m.group(5))), ("contacts", "all", month_of(m.group(7)))
        attack.count(low, m.group(4), f"{page.name} average sentence")
        attack.count(high, m.group(6), f"{page.name} average sentence")
        for k in keys:  # every month lies between the lowest and the highest
            if k != low:
                attack.relation({k: 1.0, low: -1.0}, 0.0, math.inf, "above the lowest")
            if k != high:
                attack.relation({k: 1.0, high: -1.0}, -math.inf, 0.0, "below the highest")


def _iha(attack: Attack, page: Page) -> None:
    for table in _find(page, ["month", "children due", "not yet due", "done within 28 days", "% within 28 days"]):
        for row in table.rows:
            m = month_of(row[0])
            where = f"{page.name} IHA table, {row[0]}"
            attack.count(("iha due", m), row[1], where)
            attack.count(("iha not yet due", m), row[2], where)
            attack.count(("iha done", "28d", m), row[3], where)
            attack.rate_rests(row[4], [("iha done", "28d", m), ("iha due", m)], where)
            attack.share(("iha done", "28d", m), ("iha due", m), row[4], "IHA share")
            attack.relation({("iha done", "28d", m): 1.0, ("iha due", m): -1.0}, -math.inf, 0.0, "done <= due")
            if len(row) > 5:
                attack.count(("iha done", "20wd", m), row[5], where)
                attack.relation({("iha done", "20wd", m): 1.0, ("iha due", m): -1.0, ("iha not yet due", m): -1.0},
                                -math.inf, 0.0, "done <= children")


def _delays(attack: Attack, page: Page) -> None:
    """A median the steps table hides (``*``: it rests on 1 to 4 children) is not quoted in the
    sentence on where the delay sits."""
    for table in _find(page, ["month", "social care getting consent"]):
        hidden = {(month_of(r[0]), step) for r in table.rows for step, cell in zip(table.header[1:], r[1:], strict=False)
                  if cell == HIDDEN_RATE}
        for text in page.texts:
            for m in re.finditer(r"(?:In|in) (\w+ \d{4}) (?:the longest step was|it was) (.+?) \(median (\d+) days\)", text):
                if (month_of(m.group(1)), m.group(2)) in hidden:
                    attack.problems.append(f"{page.name}: the delay sentence quotes a median the table hides: {m.group(0)}")


def _per_child(attack: Attack, page: Page) -> None:
    for table in _find(page, ["repeat contacts in the year", "children"]):
        keys = [("children with repeats", r[0]) for r in table.rows]
        for key, row in zip(keys, table.rows, strict=True):
            attack.count(key, row[1], f"{page.name} children with repeats")
        for text in page.texts:
            m = re.match(rf"({COUNT}) children had at least one repeat contact; (\S+) of them had exactly one", text)
            if m:
                attack.count(("children with repeats", "any"), m.group(1), f"{page.name} children sentence")
                attack.rate_rests(m.group(2), [keys[0], ("children with repeats", "any")], f"{page.name} children sentence")
                attack.total(("children with repeats", "any"), keys, "children = Σ rows")


#: columns that hold no count (rates, medians, odds, years…): the rule is not read into them
NOT_COUNTS = re.compile(r"%|rate|share|median|odds|95%|per 10,000|year|verdict|progressed|change|month|code|"
                        r"source|measure|factor|reason|column|table|rule|area|region|authority|note|agency|"
                        r"difference|this month|last month|same month|getting consent|notifying|carrying out|"
                        r"the whole process|repeat contacts in the year|^\d{4}/\d{2}$", re.I)


def _unknown_tables(attack: Attack, page: Page, known: set[int]) -> None:
    """The rule alone, cell by cell, in a table the reader's key does not know."""
    for i, table in enumerate(page.tables):
        if i in known:
            continue
        for c, name in enumerate(table.header[1:], start=1):
            if NOT_COUNTS.search(name):
                continue
            for row in table.rows:
                if c < len(row) and re.fullmatch(r"[1-4]", row[c]):
                    attack.problems.append(f"{page.name}: table with {table.header[:3]} prints {row[c]} in {name!r}")


# --- the agency feedback pages and the board's flow of repeats (issue 20) ------------------------

#: the board pack's names of the groups (hwb_kpis.report.labels), as a reader reads them
FLOW_TOTAL = "all agencies"


def _board_flows(attack: Attack, page: Page, month: str) -> None:
    """Page 04's flow table: each row and each column adds up to its total."""
    for table in _find(page, ["earlier contact from"]):
        later = table.header[1:]
        for row in table.rows:
            for name, text in zip(later, row[1:], strict=False):
                attack.count(("flow", row[0], name, month), text, f"{page.name} flow table, {row[0]} → {name}")
        earlier = [r[0] for r in table.rows if r[0] != FLOW_TOTAL]
        inner = [n for n in later if n != FLOW_TOTAL]
        for e in earlier:
            attack.total(("flow", e, FLOW_TOTAL, month), [("flow", e, n, month) for n in inner], f"flows after {e}")
        for n in [*inner, FLOW_TOTAL]:
            attack.total(("flow", FLOW_TOTAL, n, month), [("flow", e, n, month) for e in earlier], f"flows to {n}")


#: the KPI file's name of the count each row of an agency page's headline table gives
AGENCY_COUNTS = {"Contacts sent": "contacts", "Sent on a MARF": "marf", "Progressed to referral": "referrals",
                 "Repeat contacts": "repeats"}


def _agency_name(page: Page) -> str | None:
    for text in page.texts:
        m = re.match(r"Feedback to (.+?): \w+ \d{4}\.?$", text.strip())
        if m:
            return m.group(1)
    return None


def _agency(attack: Attack, page: Page, month: str) -> None:
    """An agency's feedback page: its headline counts (the month's contacts of a health service are
    page 02's, of health page 00's), its outcomes adding up to its 12 months' contacts, the
    quality counts within them, and its repeat flows — for a source group, a row and a column of
    page 04's flow table."""
    name = _agency_name(page) or page.name
    slug = page.name.split("/")[-1].removesuffix(".html")
    code = slug[5:].upper() if slug.startswith("code-") else None
    a = ("agency", slug)
    this_contacts = (("code", "recoded", code, month) if code else
                     ("health", "recoded", month) if slug == "health" else (*a, "contacts", month))
    year_contacts = ("code12", "recoded", code) if code else (*a, "contacts12")
    group = None if code else slug.replace("-", "_")  # a source group: its months are in the KPI file
    year = [shift(month, -k) for k in range(11, -1, -1)]
    for table in _find(page, ["measure"]):
        cols = {h: i for i, h in enumerate(table.header)}
        for row in table.rows:
            measure = row[0]
            counted = AGENCY_COUNTS.get(measure)
            this_key = this_contacts if measure == "Contacts sent" else (*a, measure, month)
            year_key = year_contacts if measure == "Contacts sent" else (*a, measure, "12m")
            if group and counted:  # the KPI file's counts of the group: this month's, and the 12 months'
                this_key = file_key(counted, group, month)
                attack.total(year_key, [file_key(counted, group, m) for m in year], f"{page.name} {measure} over 12 months")
            for span, num_key in (("this month", this_key), ("12 months", year_key)):
                if f"{span}: count" not in cols:
                    continue
                where = f"{page.name} {measure}, {span}"
                attack.count(num_key, row[cols[f"{span}: count"]], where)
                if measure == "Contacts sent" and span == "this month":
                    attack.count(("contacts", "all", month), row[cols[f"{span}: all agencies"]], where)
                    attack.rate_rests(row[cols[f"{span}: rate"]], [num_key, ("contacts", "all", month)], where)
                    attack.share(num_key, ("contacts", "all", month), row[cols[f"{span}: rate"]], where)
                else:
                    attack.rate_rests(row[cols[f"{span}: rate"]], [num_key], where)
    for table in _find(page, ["what happened", "contacts", "share"]):
        parts = []
        for row in table.rows:
            key = year_contacts if row[0] == "all its contacts" else (*a, "outcome", row[0])
            attack.count(key, row[1], f"{page.name} outcomes, {row[0]}")
            if row[0] != "all its contacts":
                parts.append(key)
                attack.rate_rests(row[2], [key, year_contacts], f"{page.name} outcomes, {row[0]}")
                attack.share(key, year_contacts, row[2], f"{page.name} outcome share")
        attack.total(year_contacts, parts, f"{page.name}: outcomes add up to the contacts")
    for table in _find(page, ["contacts with", "contacts", "share"]):
        for row in table.rows:
            key = (*a, "quality", row[0])
            attack.count(key, row[1], f"{page.name} quality, {row[0]}")
            attack.relation({key: 1.0, year_contacts: -1.0}, -math.inf, 0.0, "a part of the contacts")
            attack.share(key, year_contacts, row[2], f"{page.name} quality share")
    for table in _find(page, ["agency", "its repeats whose earlier contact came from"]):
        ins, outs = [], []
        for row in table.rows:
            other = row[0]
            if code:
                k_in, k_out = (*a, "flow in", other), (*a, "flow out", other)
            else:
                k_in, k_out = ("flow", other, name, month), ("flow", name, other, month)
            attack.count(k_in, row[1], f"{page.name} flows in, {other}")
            attack.count(k_out, row[2], f"{page.name} flows out, {other}")
            if other != FLOW_TOTAL:
                ins.append(k_in)
                outs.append(k_out)
            else:
                total_in, total_out = k_in, k_out
        if code:
            attack.total(total_in, ins, f"{page.name} flows in")
            attack.total(total_out, outs, f"{page.name} flows out")


#: counts in running text a reader would take as counts of children or contacts
_ONE_TO_FOUR = r"(?<![\d.,])([1-4])(?![\d]|[.,]\d)"
SENTENCE_COUNTS = re.compile(_ONE_TO_FOUR + r" (?:contacts?|children|child|rows?|referrals?|repeat contacts|of [\d,]+)\b|"
                             r"(?:lowest|highest|received:?) " + _ONE_TO_FOUR)


#: what a KPI's numerator and denominator count, as a reader of the KPI file's definitions knows
#: (``docs/kpi-definitions.md``): (count, group) with ``{g}`` the row's group
KPI_FILE_COUNTS = {
    "contacts": (("contacts", "{g}"), ("contacts", "all")), "health_share": (("contacts", "health"), ("contacts", "all")),
    "marf": (("marf", "{g}"), ("contacts", "{g}")), "conversion": (("referrals", "{g}"), ("decided", "{g}")),
    "pending": (("pending", "{g}"), ("contacts", "{g}")), "repeat_contacts": (("repeats", "{g}"), ("contacts", "{g}")),
    "rereferral_12m": (("rereferrals", "{g}"), ("listed", "{g}")), "referrals": (("listed", "{g}"), ("listed", "all")),
    "referral_health_share": (("listed", "health"), ("listed", "all")),
    "referral_nfa": (("closed nfa", "{g}"), ("listed", "{g}")),
    "iha_within_28_days": (("iha done", "{g}"), ("iha due", "{g}")),
}


def file_key(what: str, group: str, month: str) -> tuple:
    """A count of the KPI file under the name the pages give it (``("health", "recoded", m)``…)."""
    if what == "contacts":
        if group == "health":
            return ("health", "recoded", month)
        if group.startswith("code:"):
            return ("code", "recoded", group.removeprefix("code:"), month)
    if what == "iha done":
        return ("iha done", "28d", month)
    if what == "iha due":
        return ("iha due", month)
    return (what, group, month)


def _kpi_file(attack: Attack, text: str) -> None:
    """The pack's KPI file: every count under the pages' names for it, each rate resting on its
    counts (to six places: a rate beside its denominator gives the numerator), and what the table
    holds: groups add up to all, codes to all and to their group, decided = contacts − pending."""
    import io

    from hwb_kpis import coding

    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    cells: dict[tuple[str, str, str], tuple] = {}
    for row in table.itertuples(index=False):
        if row.kpi not in KPI_FILE_COUNTS:
            continue
        keys = []
        for (what, group), value in zip(KPI_FILE_COUNTS[row.kpi], (row.numerator, row.denominator), strict=True):
            group = group.format(g=row.group)
            key = file_key(what, group, row.month)
            attack.count(key, value, f"{KPI_FILE} {row.kpi}/{row.group}/{row.month}")
            cells[(what, group, row.month)] = key
            keys.append(key)
        where = f"{KPI_FILE} {row.kpi}/{row.group}/{row.month} rate"
        if row.rate and row.rate != HIDDEN_RATE:
            hidden = [k for k in keys if any(s.status == SMALL for s in attack.seen.get(k, []))]
            if hidden:
                attack.problems.append(f"{where}: the rate {row.rate} rests on a count from 1 to 4 {hidden[0]}")
            rate = float(row.rate)
            for bound, lo, hi in ((rate - 5e-7, 0.0, math.inf), (rate + 5e-7, -math.inf, 0.0)):
                terms = {keys[0]: 1.0}
                terms[keys[1]] = terms.get(keys[1], 0.0) - bound
                attack.relation(terms, lo, hi, where)
    ref = coding.load_reference()
    of_group = {str(g): [f"code:{c}" for c in ref.loc[ref["group"] == g, "code"]] for g in ref["group"].unique()}
    by: dict[tuple[str, str], set[str]] = {}
    for what, group, month in cells:
        by.setdefault((what, month), set()).add(group)
    for (what, month), groups in by.items():
        if "all" not in groups or what.startswith("iha"):
            continue
        plain = sorted(g for g in groups if g != "all" and not g.startswith("code:"))
        codes = sorted(g for g in groups if g.startswith("code:"))
        for whole, parts in [("all", plain), ("all", codes)] + [(g, [c for c in of_group[g] if c in groups])
                                                               for g in plain if g in of_group]:
            if not parts:
                continue
            if all(attack.status_of(cells[(what, p, month)])[0] == SHOWN for p in [whole, *parts]) and \
                    sum(attack.status_of(cells[(what, p, month)])[1] for p in parts) != \
                    attack.status_of(cells[(what, whole, month)])[1]:
                continue  # these groups do not partition the whole (a reader sees it does not add up)
            attack.total(cells[(what, whole, month)], [cells[(what, p, month)] for p in parts], f"{what} {month}")
        if what == "decided":
            for g in groups:
                if ("contacts", g, month) in cells and ("pending", g, month) in cells:
                    attack.total(cells[("contacts", g, month)], [cells[("decided", g, month)], cells[("pending", g, month)]],
                                 "contacts = decided + pending")


def attack_pack(pages: dict[str, str], month: str) -> list[str]:
    """Every problem a reader of these pages (file name -> HTML) finds (see the module docstring)."""
    attack = Attack()
    if KPI_FILE in pages:
        _kpi_file(attack, pages[KPI_FILE])
    parsed = {name: parse_page(name, html) for name, html in pages.items() if name != KPI_FILE}
    changes: dict[str, list[tuple[str, str]]] = {}
    year = [shift(month, -k) for k in range(11, -1, -1)]
    for name, page in parsed.items():
        before = {id(t) for t in page.tables}
        if name == "index.html" or name.startswith("01_"):
            _rows(attack, page)
        if name.startswith("00_"):
            _summary(attack, page, month)
            _completeness(attack, page, month)
        if name.startswith("01_"):
            _reasons(attack, page)
            _unknown(attack, page)
            changes = _recoding(attack, page, month) or changes
            _views(attack, page, month)
            _completeness(attack, page, month)
        if name.startswith("02_"):
            _breakdown(attack, page, month)
            _average(attack, page)
        if name.startswith(("03_", "04_")):
            _comparisons(attack, page, month)
        if name.startswith("04_"):
            _per_child(attack, page)
            _board_flows(attack, page, month)
        if name.startswith("agencies/") and name != "agencies/index.html":
            _agency(attack, page, month)
        if name.startswith("05_"):
            _iha(attack, page)
            _delays(attack, page)
        known = {i for i, t in enumerate(page.tables) if id(t) in before and _is_known(t)}
        _unknown_tables(attack, page, known)
        for text in page.texts:
            for m in SENTENCE_COUNTS.finditer(text):
                attack.problems.append(f"{name}: a sentence prints a count from 1 to 4: {m.group(0)!r} in {text[:120]!r}")
    if "01_data_quality_and_coding.html" in parsed:
        _school_nurse(attack, parsed["01_data_quality_and_coding.html"], changes, year)
    return attack.verdict()


#: the headers of the tables the reader's key knows (the rest get the rule alone)
KNOWN = (["Table", "Rows received"], ["table", "raw rows"], ["table", "column", "reason", "rows"],
         ["month", "contacts", "no code recorded"], ["rule", "change"], ["code", "source", "as recorded"],
         ["measure", "as recorded"], ["measure", "this month"], ["code", "source", "this month"],
         ["month", "children due"], ["repeat contacts in the year", "children"], ["month", "social care getting consent"],
         ["earlier contact from"], ["measure", "this month: count"], ["measure", "12 months: count"],
         ["what happened", "contacts", "share"], ["contacts with", "contacts", "share"],
         ["agency", "its repeats whose earlier contact came from"])


def _is_known(table: Table) -> bool:
    return any(table.header[:len(h)] == h for h in KNOWN)
