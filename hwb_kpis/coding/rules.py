"""Referral source coding: the DfE CIN census source of referral, as recorded and as recoded.

Definitions
-----------
- **recorded code** (``source_code_recorded``): the code as exported, normalised (``3e``,
  `` 3E ``, ``k) 3E: Health services``, ``3E - A&E`` → ``3E``; ``06`` → ``6``); NA when blank or
  not a code of ``reference/referral_sources.csv``.
- **recoded code** (``source_code``): the result of the rules in ``reference/recoding_rules.yml``
  (first matching rule wins; no rule → the recorded code). Never NA: ``10`` (unknown) when
  nothing is known.
- **audit**: one row per contact whose recoded code differs from its recorded code (blank → ``10``
  included), with the rule and redacted evidence.

Rules are evaluated as vectorised masks over the distinct combinations of the four text columns
(typically a few thousand even for millions of contacts), then broadcast back to every contact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from hwb_kpis.config import REFERENCE_DIR, UNKNOWN_CODE, VIEWS
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.privacy.redact import Redaction, redact

REFERENCE_FILE = REFERENCE_DIR / "referral_sources.csv"
LOOKUP_FILE = REFERENCE_DIR / "source_lookup.csv"
RULES_FILE = REFERENCE_DIR / "recoding_rules.yml"

#: free-text fields rules may look at; ``source_code`` is the recorded text as exported
TEXT_FIELDS = ("source_code", "source_detail", "referrer_role", "referrer_org")
CODING_COLUMNS = (
    "source_code_recorded", "source_group_recorded", "source_code", "source_group", "recode_rule",
)
AUDIT_COLUMNS = ("contact_id", "month", "source_code_recorded", "source_code", "rule", "evidence")
BLANK = "blank"
STR = pd.StringDtype(na_value=np.nan)  # pandas 3 default string dtype ("str")

_CODE_RE = r"^(?:[A-Z]\) *)?0?(10|[1-9][A-F]?)(?:\.0+)?(?:$|[^A-Z0-9])"


# --- reference data ----------------------------------------------------------------------------
def load_reference(path: Path | str | None = None) -> pd.DataFrame:
    """The DfE CIN census source-of-referral code list: ``code, group, label, short_label,
    health_breakdown`` (``health_breakdown`` is the board report's health category, NA outside
    health)."""
    ref = pd.read_csv(path or REFERENCE_FILE, dtype="str", keep_default_na=False)
    ref["health_breakdown"] = ref["health_breakdown"].replace("", np.nan)
    return ref


def source_groups(path: Path | str | None = None) -> pd.DataFrame:
    """Alias of :func:`load_reference`: the code list with each code's group."""
    return load_reference(path)


def health_codes(path: Path | str | None = None) -> tuple[str, ...]:
    """Codes whose group is ``health`` (3A–3F)."""
    ref = load_reference(path)
    return tuple(ref.loc[ref["group"] == "health", "code"])


def view_columns(view: str) -> tuple[str, str]:
    """``(code column, group column)`` of a view: ``recoded`` (default downstream) →
    ``source_code, source_group``; ``recorded`` → ``source_code_recorded, source_group_recorded``."""
    if view == "recoded":
        return "source_code", "source_group"
    if view == "recorded":
        return "source_code_recorded", "source_group_recorded"
    raise ValueError(f"unknown view {view!r}: expected one of {', '.join(VIEWS)}")


def normalise_code(series: pd.Series) -> pd.Series:
    """Recorded source codes → valid CIN census codes (upper case), NA when blank or invalid.

    Accepts ``3e``, `` 3E ``, ``k) 3E: Health services``, ``e) 2A: Schools``, ``3E - A&E``,
    ``06`` and Excel's ``6.0``; the code must be followed by the end, a space or punctuation.
    """
    valid = set(load_reference()["code"])
    text = series.astype(STR)
    codes, uniques = pd.factorize(text)  # NA → -1
    extracted = pd.Series(uniques, dtype=STR).str.strip().str.upper().str.extract(_CODE_RE)[0]
    extracted = extracted.where(extracted.isin(valid))
    values = pd.array(extracted.to_numpy(dtype=object, na_value=None), dtype=STR)
    out = values.take(codes, allow_fill=True) if len(codes) else pd.array([], dtype=STR)
    return pd.Series(out, index=series.index, name=series.name)


# --- rules and lookup --------------------------------------------------------------------------
@dataclass(frozen=True)
class Clause:
    """Holds when any of ``fields`` matches ``pattern`` (case-insensitive regex)."""

    fields: tuple[str, ...]
    pattern: str


@dataclass(frozen=True)
class Rule:
    """One recoding rule of ``recoding_rules.yml``."""

    name: str
    description: str
    recorded_in: tuple[str, ...] | None
    recorded_not_in: tuple[str, ...] | None
    match: tuple[Clause, ...]
    unless: tuple[Clause, ...]
    target: str
    lookup: tuple[str, ...]


def _check_pattern(pattern: object, where: str) -> str:
    if not isinstance(pattern, str) or not pattern:
        raise HwbKpisError(f"{where}: pattern must be a non-empty text")
    try:
        re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise HwbKpisError(f"{where}: invalid regular expression {pattern!r} ({exc})") from None
    return pattern


def _clauses(raw: object, where: str) -> tuple[Clause, ...]:
    if raw is None:
        return ()
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise HwbKpisError(f"{where}: expected a list of {{fields, pattern}} clauses")
    out = []
    for i, item in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(item, dict) or set(item) != {"fields", "pattern"}:
            raise HwbKpisError(f"{here}: a clause has exactly `fields` and `pattern`")
        fields = item["fields"]
        fields = [fields] if isinstance(fields, str) else fields
        bad = [f for f in fields if f not in TEXT_FIELDS]
        if not fields or bad:
            raise HwbKpisError(f"{here}: unknown field(s) {bad}; use {', '.join(TEXT_FIELDS)}")
        out.append(Clause(tuple(fields), _check_pattern(item["pattern"], here)))
    return tuple(out)


def load_rules(path: Path | str | None = None) -> tuple[list[Rule], Redaction]:
    """The ordered recoding rules and the redaction settings; raises :class:`HwbKpisError`
    naming the file and rule for anything malformed."""
    path = Path(path or RULES_FILE)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise HwbKpisError(f"{path}: cannot read recoding rules ({exc})") from None
    valid = set(load_reference()["code"])
    rules: list[Rule] = []
    allowed = {"name", "description", "recorded_in", "recorded_not_in", "match", "unless",
               "target", "lookup"}
    for i, raw in enumerate(doc.get("rules") or []):
        name = raw.get("name") if isinstance(raw, dict) else None
        where = f"{path}: rule {i + 1} ({name or 'unnamed'})"
        if not isinstance(raw, dict) or not name:
            raise HwbKpisError(f"{where}: every rule needs a `name`")
        if extra := set(raw) - allowed:
            raise HwbKpisError(f"{where}: unknown key(s) {sorted(extra)}")
        if name in {r.name for r in rules}:
            raise HwbKpisError(f"{where}: duplicate rule name")
        conds = {}
        for key in ("recorded_in", "recorded_not_in"):
            if raw.get(key) is None:
                conds[key] = None
                continue
            codes = tuple(str(c).strip() for c in raw[key])
            if bad := [c for c in codes if c != BLANK and c not in valid]:
                raise HwbKpisError(f"{where}: {key} has unknown code(s) {bad}")
            conds[key] = codes
        target = str(raw.get("target", "")).strip()
        lookup = tuple(raw.get("lookup") or ())
        if target == "lookup":
            if not lookup or any(f not in TEXT_FIELDS for f in lookup):
                raise HwbKpisError(f"{where}: target lookup needs `lookup:` fields from {TEXT_FIELDS}")
        elif target not in valid:
            raise HwbKpisError(f"{where}: target {target!r} is not a source code")
        rules.append(Rule(
            name=str(name), description=str(raw.get("description", "")),
            recorded_in=conds["recorded_in"], recorded_not_in=conds["recorded_not_in"],
            match=_clauses(raw.get("match"), f"{where} match"),
            unless=_clauses(raw.get("unless"), f"{where} unless"),
            target=target, lookup=lookup,
        ))
    return rules, Redaction.from_settings(doc.get("redaction") or {})


def load_lookup(path: Path | str | None = None) -> pd.DataFrame:
    """The free-text lookup sorted by ``order``: ``order, pattern, code, note``."""
    path = Path(path or LOOKUP_FILE)
    try:
        lookup = pd.read_csv(path, dtype="str", keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise HwbKpisError(f"{path}: cannot read the source lookup ({exc})") from None
    missing = {"order", "pattern", "code"} - set(lookup.columns)
    if missing:
        raise HwbKpisError(f"{path}: missing column(s) {sorted(missing)}")
    valid = set(load_reference()["code"])
    for i, row in lookup.iterrows():
        where = f"{path}: row {i + 2}"  # spreadsheet numbering
        _check_pattern(row["pattern"], where)
        if row["code"].strip() not in valid:
            raise HwbKpisError(f"{where}: code {row['code']!r} is not a source code")
        if not row["order"].strip().lstrip("-").isdigit():
            raise HwbKpisError(f"{where}: order {row['order']!r} is not a whole number")
    lookup["code"] = lookup["code"].str.strip()
    lookup["order"] = lookup["order"].astype("int64")
    return lookup.sort_values("order", kind="stable").reset_index(drop=True)


# --- text preparation --------------------------------------------------------------------------
_ASCII = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
          "\u00a0": " "}


def _clean_text(s: pd.Series) -> pd.Series:
    """NA → ``""``; typographic dashes/quotes → ASCII, other non-ASCII → space; white space
    folded to one space and stripped (keeps matching on pyarrow's fast regex engine)."""
    s = s.astype(STR).fillna("")
    for old, new in _ASCII.items():
        s = s.str.replace(old, new, regex=False)
    s = s.str.replace(r"[^\x00-\x7f]", " ", regex=True)
    return s.str.replace(r"[ \t\r\n\f\v]+", " ", regex=True).str.strip()


def _contains(s: pd.Series, pattern: str) -> np.ndarray:
    return np.array(s.str.contains(pattern, case=False, regex=True), dtype=bool)


def _clause_hits(text: pd.DataFrame, clause: Clause, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the positions ``rows``: (mask, field) — whether any field matches the clause and
    the index in ``TEXT_FIELDS`` of the first field that does (-1 when none)."""
    field_of = np.full(len(rows), -1, dtype=np.int64)
    for field in clause.fields:
        todo = np.flatnonzero(field_of < 0)
        if not len(todo):
            break
        hit = _contains(text[field].iloc[rows[todo]], clause.pattern)
        field_of[todo[hit]] = TEXT_FIELDS.index(field)
    return field_of >= 0, field_of


def _lookup(text: pd.DataFrame, fields: tuple[str, ...], lookup: pd.DataFrame,
            rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the positions ``rows``: (code, field) of the first lookup pattern (in order) that
    matches any of ``fields``; ``None`` / -1 where none matches."""
    code = np.full(len(rows), None, dtype=object)
    field_of = np.full(len(rows), -1, dtype=np.int64)
    for pattern, target in zip(lookup["pattern"], lookup["code"], strict=True):
        for field in fields:
            todo = np.flatnonzero(field_of < 0)
            if not len(todo):
                return code, field_of
            hit = todo[_contains(text[field].iloc[rows[todo]], pattern)]
            code[hit] = target
            field_of[hit] = TEXT_FIELDS.index(field)
    return code, field_of


def _field_evidence(text: pd.DataFrame, rows: np.ndarray, field_of: np.ndarray) -> pd.Series:
    """``field: text`` of field ``field_of[i]`` for row ``rows[i]`` (NA where -1)."""
    out = pd.Series(np.nan, index=range(len(rows)), dtype=STR)
    for i, field in enumerate(TEXT_FIELDS):
        sel = np.flatnonzero(field_of == i)
        if len(sel):
            out.iloc[sel] = (field + ": " + text[field].iloc[rows[sel]]).to_numpy()
    return out


def _all_text_evidence(text: pd.DataFrame, rows: np.ndarray) -> pd.Series:
    """``field: text; ...`` of the non-blank fields of ``rows``, or ``(no source text)``."""
    out = pd.Series("", index=range(len(rows)), dtype=STR)
    for field in TEXT_FIELDS:
        values = text[field].iloc[rows].reset_index(drop=True)
        part = (field + ": " + values).where(values != "", "")
        sep = pd.Series(np.where((out != "") & (part != ""), "; ", ""), dtype=STR)
        out = out + sep + part
    return out.where(out != "", "(no source text)")


# --- coding ------------------------------------------------------------------------------------
def _distinct_rows(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(key, first): ``key[i]`` numbers row ``i``'s distinct combination of values;
    ``first[k]`` is the position of combination ``k``'s first row."""
    key = np.zeros(len(frame), dtype=np.int64)
    for col in frame.columns:
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=False)
        key, _ = pd.factorize(key * len(uniques) + codes)
        key = key.astype(np.int64)
    n_distinct = int(key.max()) + 1 if len(key) else 0
    dedup = pd.Series(key).drop_duplicates()
    first = np.empty(n_distinct, dtype=np.int64)
    first[dedup.to_numpy()] = dedup.index.to_numpy()
    return key, first


def _recorded_mask(recorded: pd.Series, codes: tuple[str, ...]) -> np.ndarray:
    valid = [c for c in codes if c != BLANK]
    mask = recorded.isin(valid).to_numpy(dtype=bool)
    if BLANK in codes:
        mask = mask | recorded.isna().to_numpy()
    return mask


def _apply_rules(text: pd.DataFrame, recorded: pd.Series, rules: list[Rule],
                 lookup: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """On distinct rows: (new code, rule index or -1, raw evidence); first matching rule wins.
    Evidence is built only for rows whose code changes."""
    n = len(text)
    code = recorded.to_numpy(dtype=object, na_value=None).copy()
    rule_of = np.full(n, -1, dtype=np.int64)
    evidence = pd.Series(np.nan, index=range(n), dtype=STR)
    done = np.zeros(n, dtype=bool)
    for r, rule in enumerate(rules):
        mask = ~done
        if rule.recorded_in is not None:
            mask &= _recorded_mask(recorded, rule.recorded_in)
        if rule.recorded_not_in is not None:
            mask &= ~_recorded_mask(recorded, rule.recorded_not_in)
        rows = np.flatnonzero(mask)
        fields: list[np.ndarray] = []
        for clause in rule.match:
            hit, field_of = _clause_hits(text, clause, rows)
            rows = rows[hit]
            fields = [f[hit] for f in fields] + [field_of[hit]]
        for clause in rule.unless:
            if len(rows):
                hit, _ = _clause_hits(text, clause, rows)
                rows, fields = rows[~hit], [f[~hit] for f in fields]
        if not len(rows):
            continue
        if rule.target == "lookup":
            target, field_of = _lookup(text, rule.lookup, lookup, rows)
            keep = field_of >= 0
            rows, target, fields = rows[keep], target[keep], [field_of[keep]]
        else:
            target = np.full(len(rows), rule.target, dtype=object)
        done[rows] = True
        rule_of[rows] = r
        old = code[rows]
        code[rows] = target
        changed = pd.isna(old) | (old != target)
        rows, fields = rows[changed], [f[changed] for f in fields]
        if not len(rows):
            continue
        if fields:
            parts = [_field_evidence(text, rows, f) for f in fields]
            ev = parts[0]
            for part in parts[1:]:
                ev = ev + "; " + part
        else:
            ev = _all_text_evidence(text, rows)
        evidence.iloc[rows] = ev.to_numpy()
    return code, rule_of, evidence


def code_contacts(df: pd.DataFrame, *, rules_path: Path | str | None = None,
                  lookup_path: Path | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Code every contact's source of referral.

    Returns ``(coded, audit)``: ``coded`` is ``df`` (same rows, order and index; other columns
    untouched) with the raw ``source_code`` replaced by ``source_code_recorded``,
    ``source_group_recorded`` (``unknown`` when NA), ``source_code`` (never NA),
    ``source_group`` and ``recode_rule`` (NA when unchanged); ``audit`` has one row per contact
    whose code changed: ``contact_id, month, source_code_recorded, source_code, rule, evidence``
    (evidence redacted, ≤ 80 characters)."""
    rules, redaction = load_rules(rules_path)
    lookup = load_lookup(lookup_path)
    ref = load_reference()
    group_of = dict(zip(ref["code"], ref["group"], strict=True))

    raw = pd.DataFrame({
        f: (df[f].astype(STR) if f in df.columns else pd.Series(np.nan, index=df.index, dtype=STR))
        for f in TEXT_FIELDS
    }).fillna("")
    key, first = _distinct_rows(raw)
    distinct = raw.iloc[first].reset_index(drop=True)
    text = pd.DataFrame({f: _clean_text(distinct[f]) for f in TEXT_FIELDS})
    recorded = normalise_code(distinct["source_code"].replace("", np.nan))

    new, rule_of, evidence = _apply_rules(text, recorded, rules, lookup)
    names = np.array([r.name for r in rules] + ["unknown_source"], dtype=object)
    # safety net when the rules file has no catch-all: never NA
    missing = pd.isna(new)
    rule_of = np.where(missing, len(rules), rule_of)
    new = np.where(missing, UNKNOWN_CODE, new).astype(object)
    rec = recorded.to_numpy(dtype=object, na_value=None)
    changed = pd.isna(rec) | (rec != new)
    rule_name = np.where(changed, names[rule_of], None).astype(object)
    evidence = evidence.where(~(missing & changed), "(no rule matched)")
    # redact each distinct evidence text once
    ev_codes, ev_uniques = pd.factorize(evidence.where(pd.Series(changed), np.nan))
    ev_red = np.array([redact(v, redaction) for v in ev_uniques] + [None], dtype=object)
    red_ev = ev_red[ev_codes]

    def distinct_array(values: np.ndarray | pd.Series) -> pd.api.extensions.ExtensionArray:
        return pd.array(np.asarray(values, dtype=object), dtype=STR)

    per_distinct = {
        "source_code_recorded": distinct_array(rec),
        "source_group_recorded": distinct_array(recorded.map(group_of).fillna("unknown")),
        "source_code": distinct_array(new),
        "source_group": distinct_array(pd.Series(new, dtype=object).map(group_of)),
        "recode_rule": distinct_array(rule_name),
    }
    # distinct rows → one value per contact (arrow take, no Python loop)
    coded = df.drop(columns=["source_code"], errors="ignore")
    pos = list(df.columns).index("source_code") if "source_code" in df.columns else len(coded.columns)
    for offset, (name, values) in enumerate(per_distinct.items()):
        coded.insert(pos + offset, name, values.take(key))

    rows = np.flatnonzero(changed[key])
    audit_key = key[rows]

    def passthrough(col: str) -> pd.Series:
        if col not in df.columns:
            return pd.Series(np.nan, index=range(len(rows)), dtype=STR)
        return df[col].iloc[rows].astype(STR).reset_index(drop=True)

    audit = pd.DataFrame({
        "contact_id": passthrough("contact_id"),
        "month": passthrough("month"),
        "source_code_recorded": per_distinct["source_code_recorded"].take(audit_key),
        "source_code": per_distinct["source_code"].take(audit_key),
        "rule": per_distinct["recode_rule"].take(audit_key),
        "evidence": distinct_array(red_ev).take(audit_key),
    }, columns=list(AUDIT_COLUMNS))
    return coded, audit


def recoding_summary(audit: pd.DataFrame) -> pd.DataFrame:
    """Contacts recoded by ``rule`` and ``month`` (and the change ``from → to``):
    ``rule, month, source_code_recorded, source_code, contacts``, sorted by rule then month."""
    keys = ["rule", "month", "source_code_recorded", "source_code"]
    if audit.empty:
        return pd.DataFrame({**{k: pd.Series(dtype=STR) for k in keys},
                             "contacts": pd.Series(dtype="int64")})
    out = (audit.groupby(keys, dropna=False, sort=True).size().rename("contacts").reset_index())
    out["contacts"] = out["contacts"].astype("int64")
    return out


def unknown_sources(coded: pd.DataFrame, *, redact_text: bool = True) -> pd.DataFrame:
    """Contacts left at ``10`` (unknown) with their free text, for the analyst extending the
    lookup: ``contact_id, month, source_code_recorded, source_detail, referrer_role,
    referrer_org`` (text redacted unless ``redact_text=False``)."""
    cols = [c for c in ("contact_id", "month", "source_code_recorded", *TEXT_FIELDS[1:])
            if c in coded.columns]
    out = coded.loc[coded["source_code"] == UNKNOWN_CODE, cols].reset_index(drop=True)
    if redact_text:
        redaction = load_rules()[1]
        for col in TEXT_FIELDS[1:]:
            if col in out.columns:
                out[col] = out[col].astype(STR).map(lambda v: redact(v, redaction)).astype(STR)
    return out
