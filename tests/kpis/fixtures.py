"""Processed-format contacts and looked-after tables built by hand for the KPI tests, and
look-ups of one KPI row."""

from __future__ import annotations

import pandas as pd

GROUP = {"2A": "schools", "3A": "health", "3C": "health", "3D": "health", "3E": "health", "6": "police",
         "1A": "individual", "10": "unknown"}


def make_contacts(rows) -> pd.DataFrame:
    """rows: (child, date, outcome[, code[, recorded code[, marf]]]) -> a processed contacts frame."""
    records = []
    for i, row in enumerate(rows):
        child, date, outcome, *rest = row
        code = rest[0] if len(rest) > 0 else "6"
        recorded = rest[1] if len(rest) > 1 else code
        marf = rest[2] if len(rest) > 2 else False
        records.append({
            "contact_id": f"c{i:016x}",
            "child_id": f"{child:0>16}",
            "contact_date": pd.Timestamp(date),
            "source_code_recorded": recorded,
            "source_group_recorded": GROUP[recorded] if recorded is not None else "unknown",
            "source_code": code,
            "source_group": GROUP[code],
            "recode_rule": None if recorded == code else "test_rule",
            "marf": marf,
            "outcome": outcome,
            "authority": "",
            "source_row": i + 2,
        })
    df = pd.DataFrame(records)
    df["contact_date"] = df["contact_date"].astype("datetime64[ns]")
    df["month"] = df["contact_date"].dt.strftime("%Y-%m").astype("string")
    df["marf"] = df["marf"].astype("boolean")
    for col in ("contact_id", "child_id", "source_code_recorded", "source_group_recorded", "source_code",
                "source_group", "recode_rule", "outcome", "authority"):
        df[col] = df[col].astype("string")
    return df


def make_looked_after(rows) -> pd.DataFrame:
    """rows: (child, period_start, iha_date[, consent, notified])."""
    records = []
    for i, row in enumerate(rows):
        child, start, iha, *rest = row
        records.append({
            "child_id": f"{child:0>16}",
            "period_start": pd.Timestamp(start),
            "consent_date": pd.Timestamp(rest[0]) if len(rest) > 0 and rest[0] else pd.NaT,
            "health_notified_date": pd.Timestamp(rest[1]) if len(rest) > 1 and rest[1] else pd.NaT,
            "iha_date": pd.Timestamp(iha) if iha else pd.NaT,
            "authority": "",
            "source_row": i + 2,
        })
    df = pd.DataFrame(records)
    for col in ("period_start", "consent_date", "health_notified_date", "iha_date"):
        df[col] = df[col].astype("datetime64[ns]")
    df["month"] = df["period_start"].dt.strftime("%Y-%m").astype("string")
    return df


def row(df: pd.DataFrame, kpi: str, group: str, month: str) -> pd.Series:
    hit = df[(df["kpi"] == kpi) & (df["group"] == group) & (df["month"] == month)]
    assert len(hit) == 1, f"expected one row for {kpi}/{group}/{month}, found {len(hit)}"
    return hit.iloc[0]


def counts(df, kpi, group, month):
    r = row(df, kpi, group, month)
    return int(r["numerator"]), int(r["denominator"])


def tables():
    c = make_contacts([
        ("a", "2015-10-01", "nfa", "3E", "3E", True), ("a", "2015-11-02", "referral", "3E", "3E", True),
        ("b", "2015-11-03", "pending", "2A", "2A", False), ("c", "2015-11-04", "nfa", "3C", "2A", None),
    ])
    la = make_looked_after([("a", "2015-10-05", "2015-10-20"), ("x", "2015-11-01", None)])
    return {"contacts": c, "looked_after": la, "summary": {}}


def make_referrals(rows) -> pd.DataFrame:
    """rows: (child, date[, code[, nfa]]) -> a processed list of referrals."""
    records = []
    for i, row in enumerate(rows):
        child, date, *rest = row
        code = rest[0] if len(rest) > 0 else "6"
        records.append({
            "referral_id": f"r{i:016x}", "child_id": f"{child:0>16}", "referral_date": pd.Timestamp(date),
            "source_code_recorded": code, "source_group_recorded": GROUP[code], "source_code": code,
            "source_group": GROUP[code], "nfa": rest[1] if len(rest) > 1 else None, "authority": "",
            "source_row": i + 2,
        })
    df = pd.DataFrame(records)
    df["referral_date"] = df["referral_date"].astype("datetime64[ns]")
    df["month"] = df["referral_date"].dt.strftime("%Y-%m").astype("string")
    df["nfa"] = df["nfa"].astype("boolean")
    for col in ("referral_id", "child_id", "source_code_recorded", "source_group_recorded", "source_code",
                "source_group", "authority"):
        df[col] = df[col].astype("string")
    return df
