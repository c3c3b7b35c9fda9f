"""Contacts with free-text source fields built by hand for the coding tests."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.coding import code_contacts
from tests.support import TEST_DATA

FIXTURE = TEST_DATA / "coding" / "mixed_labels.csv"


def contacts(*rows: tuple, extra: dict | None = None) -> pd.DataFrame:
    """Contacts from ``(source_code, source_detail, referrer_role, referrer_org)`` tuples."""
    frame = pd.DataFrame(
        list(rows), columns=["source_code", "source_detail", "referrer_role", "referrer_org"],
        dtype="str",
    )
    frame.insert(0, "contact_id", [f"c{i:016x}" for i in range(len(frame))])
    frame.insert(1, "month", "2015-11")
    for name, values in (extra or {}).items():
        frame[name] = values
    return frame


def code_one(source_code=None, detail=None, role=None, org=None, **kwargs):
    """(recoded code, rule or None, audit) for one contact."""
    coded, audit = code_contacts(contacts((source_code, detail, role, org)), **kwargs)
    rule = coded["recode_rule"].iloc[0]
    return coded["source_code"].iloc[0], (None if pd.isna(rule) else rule), audit
