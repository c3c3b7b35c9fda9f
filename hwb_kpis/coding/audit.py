"""The audit of recoding: the evidence kept for each changed code (redacted by
:mod:`hwb_kpis.privacy.redact`), the audit rows (:data:`AUDIT_COLUMNS`), the changes counted by
rule and month, and the contacts left unknown for the analyst extending the lookup."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis.coding.codes import STR
from hwb_kpis.coding.text import TEXT_FIELDS
from hwb_kpis.config import UNKNOWN_CODE
from hwb_kpis.privacy.redact import Redaction, load_redaction, redact

AUDIT_COLUMNS = ("contact_id", "month", "source_code_recorded", "source_code", "rule", "evidence")
NO_TEXT = "(no source text)"
NO_RULE = "(no rule matched)"


# --- evidence ------------------------------------------------------------------------------------
def field_evidence(text: pd.DataFrame, rows: np.ndarray, field_of: np.ndarray) -> pd.Series:
    """``field: text`` of field ``field_of[i]`` (an index in :data:`TEXT_FIELDS`) for row
    ``rows[i]`` (NA where -1)."""
    out = pd.Series(np.nan, index=range(len(rows)), dtype=STR)
    for i, field in enumerate(TEXT_FIELDS):
        sel = np.flatnonzero(field_of == i)
        if len(sel):
            out.iloc[sel] = (field + ": " + text[field].iloc[rows[sel]]).to_numpy()
    return out


def all_text_evidence(text: pd.DataFrame, rows: np.ndarray) -> pd.Series:
    """``field: text; ...`` of the non-blank fields of ``rows``, or ``(no source text)``."""
    out = pd.Series("", index=range(len(rows)), dtype=STR)
    for field in TEXT_FIELDS:
        values = text[field].iloc[rows].reset_index(drop=True)
        part = (field + ": " + values).where(values != "", "")
        sep = pd.Series(np.where((out != "") & (part != ""), "; ", ""), dtype=STR)
        out = out + sep + part
    return out.where(out != "", NO_TEXT)


def rule_evidence(text: pd.DataFrame, rows: np.ndarray, fields: list[np.ndarray]) -> pd.Series:
    """Why a rule changed ``rows``: the text of the field each clause (or the lookup) matched,
    joined by ``; `` — or every non-blank field when the rule looks at no text."""
    if not fields:
        return all_text_evidence(text, rows)
    parts = [field_evidence(text, rows, f) for f in fields]
    ev = parts[0]
    for part in parts[1:]:
        ev = ev + "; " + part
    return ev


def redacted_evidence(evidence: pd.Series, changed: np.ndarray, redaction: Redaction) -> np.ndarray:
    """The evidence of the changed rows, redacted (each distinct text once; the field names it
    starts with are known words); None elsewhere."""
    ev_codes, ev_uniques = pd.factorize(evidence.where(pd.Series(changed), np.nan))
    redaction = redaction.allowing(TEXT_FIELDS)
    ev_red = np.array([redact(v, redaction) for v in ev_uniques] + [None], dtype=object)
    return ev_red[ev_codes]


# --- audit rows and summaries --------------------------------------------------------------------
def audit_rows(df: pd.DataFrame, per_distinct: dict[str, pd.api.extensions.ExtensionArray],
               evidence: pd.api.extensions.ExtensionArray, key: np.ndarray, changed: np.ndarray) -> pd.DataFrame:
    """One row per contact of ``df`` whose code changed (:data:`AUDIT_COLUMNS`). ``key`` numbers
    each contact's distinct text; ``per_distinct`` (the coding columns), ``evidence`` and
    ``changed`` are per distinct text."""
    rows = np.flatnonzero(changed[key])
    audit_key = key[rows]

    def passthrough(col: str) -> pd.Series:
        if col not in df.columns:
            return pd.Series(np.nan, index=range(len(rows)), dtype=STR)
        return df[col].iloc[rows].astype(STR).reset_index(drop=True)

    return pd.DataFrame({
        "contact_id": passthrough("contact_id"),
        "month": passthrough("month"),
        "source_code_recorded": per_distinct["source_code_recorded"].take(audit_key),
        "source_code": per_distinct["source_code"].take(audit_key),
        "rule": per_distinct["recode_rule"].take(audit_key),
        "evidence": evidence.take(audit_key),
    }, columns=list(AUDIT_COLUMNS))


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
        redaction = load_redaction()
        for col in TEXT_FIELDS[1:]:
            if col in out.columns:
                out[col] = out[col].astype(STR).map(lambda v: redact(v, redaction)).astype(STR)
    return out
