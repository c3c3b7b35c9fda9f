"""The recoding rules (``reference/recoding_rules.yml``): read and checked, applied in order to
every contact (:func:`code_contacts`).

Definitions
-----------
- **recorded code** (``source_code_recorded``): the code as exported, normalised (``3e``,
  `` 3E ``, ``k) 3E: Health services``, ``3E - A&E`` → ``3E``; ``06`` → ``6``); NA when blank or
  not a code of ``reference/referral_sources.csv``.
- **recoded code** (``source_code``): the result of the rules in ``reference/recoding_rules.yml``
  (first matching rule wins; no rule → the recorded code). Never NA: ``10`` (unknown) when
  nothing is known.
- **audit**: one row per contact whose recoded code differs from its recorded code (blank → ``10``
  included), with the rule and redacted evidence (:mod:`.audit`).

Rules are evaluated as vectorised masks over the distinct combinations of the four text columns
(typically a few thousand even for millions of contacts), then broadcast back to every contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from hwb_kpis.coding.audit import NO_RULE, audit_rows, redacted_evidence, rule_evidence
from hwb_kpis.coding.codes import STR, load_reference, normalise_code
from hwb_kpis.coding.lookup import first_match, load_lookup
from hwb_kpis.coding.text import TEXT_FIELDS, check_pattern, clean_text, contains
from hwb_kpis.config import UNKNOWN_CODE
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.privacy.redact import RULES_FILE, Redaction

CODING_COLUMNS = (
    "source_code_recorded", "source_group_recorded", "source_code", "source_group", "recode_rule",
)
#: a rule's ``recorded_in`` / ``recorded_not_in`` entry for a blank (or invalid) recorded code
BLANK = "blank"
#: the rule name of a contact no rule gave a code (the safety net when no rule catches all)
UNKNOWN_RULE = "unknown_source"
_RULE_KEYS = {"name", "description", "board", "recorded_in", "recorded_not_in", "match", "unless", "target", "lookup"}


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
    #: the rule in a few plain words without codes, for the board (empty: not written)
    board: str = ""


# --- reading the rules ---------------------------------------------------------------------------
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
        out.append(Clause(tuple(fields), check_pattern(item["pattern"], here)))
    return tuple(out)


def _recorded_codes(raw: dict, key: str, valid: set[str], where: str) -> tuple[str, ...] | None:
    if raw.get(key) is None:
        return None
    codes = tuple(str(c).strip() for c in raw[key])
    if bad := [c for c in codes if c != BLANK and c not in valid]:
        raise HwbKpisError(f"{where}: {key} has unknown code(s) {bad}")
    return codes


def _rule(raw: object, i: int, seen: set[str], valid: set[str], path: Path) -> Rule:
    """Rule ``i`` (0-based) of the file, checked."""
    name = raw.get("name") if isinstance(raw, dict) else None
    where = f"{path}: rule {i + 1} ({name or 'unnamed'})"
    if not isinstance(raw, dict) or not name:
        raise HwbKpisError(f"{where}: every rule needs a `name`")
    if extra := set(raw) - _RULE_KEYS:
        raise HwbKpisError(f"{where}: unknown key(s) {sorted(extra)}")
    if name in seen:
        raise HwbKpisError(f"{where}: duplicate rule name")
    recorded_in = _recorded_codes(raw, "recorded_in", valid, where)
    recorded_not_in = _recorded_codes(raw, "recorded_not_in", valid, where)
    target = str(raw.get("target", "")).strip()
    lookup = tuple(raw.get("lookup") or ())
    if target == "lookup":
        if not lookup or any(f not in TEXT_FIELDS for f in lookup):
            raise HwbKpisError(f"{where}: target lookup needs `lookup:` fields from {TEXT_FIELDS}")
    elif target not in valid:
        raise HwbKpisError(f"{where}: target {target!r} is not a source code")
    return Rule(
        name=str(name), description=str(raw.get("description", "")),
        recorded_in=recorded_in, recorded_not_in=recorded_not_in,
        match=_clauses(raw.get("match"), f"{where} match"),
        unless=_clauses(raw.get("unless"), f"{where} unless"),
        target=target, lookup=lookup, board=" ".join(str(raw.get("board") or "").split()),
    )


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
    for i, raw in enumerate(doc.get("rules") or []):
        rules.append(_rule(raw, i, {r.name for r in rules}, valid, path))
    return rules, Redaction.from_settings(doc.get("redaction") or {})


# --- applying the rules --------------------------------------------------------------------------
def _clause_hits(text: pd.DataFrame, clause: Clause, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the positions ``rows``: (mask, field) — whether any field matches the clause and
    the index in ``TEXT_FIELDS`` of the first field that does (-1 when none)."""
    field_of = np.full(len(rows), -1, dtype=np.int64)
    for field in clause.fields:
        todo = np.flatnonzero(field_of < 0)
        if not len(todo):
            break
        hit = contains(text[field].iloc[rows[todo]], clause.pattern)
        field_of[todo[hit]] = TEXT_FIELDS.index(field)
    return field_of >= 0, field_of


def _recorded_mask(recorded: pd.Series, codes: tuple[str, ...]) -> np.ndarray:
    valid = [c for c in codes if c != BLANK]
    mask = recorded.isin(valid).to_numpy(dtype=bool)
    if BLANK in codes:
        mask = mask | recorded.isna().to_numpy()
    return mask


def _rule_hits(text: pd.DataFrame, recorded: pd.Series, rule: Rule, lookup: pd.DataFrame,
               open_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """(rows, target code, fields): the rows among ``open_rows`` (a mask) the rule recodes, the
    code it gives each, and per clause (or the lookup) the field that matched."""
    mask = open_rows.copy()
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
    if rule.target != "lookup" or not len(rows):
        return rows, np.full(len(rows), rule.target, dtype=object), fields
    target, field_of = first_match(text, rule.lookup, lookup, rows)
    keep = field_of >= 0
    return rows[keep], target[keep], [field_of[keep]]


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
        rows, target, fields = _rule_hits(text, recorded, rule, lookup, ~done)
        if not len(rows):
            continue
        done[rows] = True
        rule_of[rows] = r
        old = code[rows]
        code[rows] = target
        changed = pd.isna(old) | (old != target)
        rows, fields = rows[changed], [f[changed] for f in fields]
        if len(rows):
            evidence.iloc[rows] = rule_evidence(text, rows, fields).to_numpy()
    return code, rule_of, evidence


# --- coding contacts -----------------------------------------------------------------------------
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


def _distinct_text(df: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame, pd.Series]:
    """(key, text, recorded): each contact's number among the distinct combinations of the text
    fields, each combination's cleaned text and its normalised recorded code."""
    raw = pd.DataFrame({
        f: (df[f].astype(STR) if f in df.columns else pd.Series(np.nan, index=df.index, dtype=STR))
        for f in TEXT_FIELDS
    }).fillna("")
    key, first = _distinct_rows(raw)
    distinct = raw.iloc[first].reset_index(drop=True)
    text = pd.DataFrame({f: clean_text(distinct[f]) for f in TEXT_FIELDS})
    recorded = normalise_code(distinct["source_code"].replace("", np.nan))
    return key, text, recorded


def _distinct_array(values: np.ndarray | pd.Series) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.asarray(values, dtype=object), dtype=STR)


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

    key, text, recorded = _distinct_text(df)
    new, rule_of, evidence = _apply_rules(text, recorded, rules, lookup)
    names = np.array([r.name for r in rules] + [UNKNOWN_RULE], dtype=object)
    # safety net when the rules file has no catch-all: never NA
    missing = pd.isna(new)
    rule_of = np.where(missing, len(rules), rule_of)
    new = np.where(missing, UNKNOWN_CODE, new).astype(object)
    rec = recorded.to_numpy(dtype=object, na_value=None)
    changed = pd.isna(rec) | (rec != new)
    rule_name = np.where(changed, names[rule_of], None).astype(object)
    evidence = evidence.where(~(missing & changed), NO_RULE)

    per_distinct = {
        "source_code_recorded": _distinct_array(rec),
        "source_group_recorded": _distinct_array(recorded.map(group_of).fillna("unknown")),
        "source_code": _distinct_array(new),
        "source_group": _distinct_array(pd.Series(new, dtype=object).map(group_of)),
        "recode_rule": _distinct_array(rule_name),
    }
    # distinct rows → one value per contact (arrow take, no Python loop)
    coded = df.drop(columns=["source_code"], errors="ignore")
    pos = list(df.columns).index("source_code") if "source_code" in df.columns else len(coded.columns)
    for offset, (name, values) in enumerate(per_distinct.items()):
        coded.insert(pos + offset, name, values.take(key))
    red_ev = _distinct_array(redacted_evidence(evidence, changed, redaction))
    return coded, audit_rows(df, per_distinct, red_ev, key, changed)
