"""Raw extracts for attacking packs: the default synthetic extract, and the same with a month of
3 contacts after it (an extract taken on the second day of December 2015), treated as real data
(a key of their own, no synthetic marker)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hwb_kpis.demo import write_extract

KEY = "ZQKEY-audit-test-7d2e"
#: the month of the small extract, and how many contacts it holds
SMALL_MONTH, SMALL_CONTACTS = "2015-12", 3


def default_extract(raw: Path) -> Path:
    """The default synthetic extract (April 2013 to November 2015), as real data."""
    write_extract(raw, echo=lambda m: None)
    (raw / "SYNTHETIC").unlink()
    return raw


def three_contact_extract(raw: Path, n: int = SMALL_CONTACTS) -> Path:
    """The default extract with ``n`` contacts on 1 and 2 December 2015 after it: a month so
    small that every count in it is from 1 to 4, beside a history of large months."""
    default_extract(raw)
    contacts = pd.read_csv(raw / "contacts.csv", dtype=str, keep_default_na=False)
    extra = contacts.tail(n).copy()
    extra["contact_id"] = [f"CT2{i:07d}" for i in range(n)]
    extra["contact_date"] = [f"2015-12-0{1 + i % 2}" for i in range(n)]
    extra["decision_date"] = [d if d == "" else c for d, c in zip(extra["decision_date"], extra["contact_date"], strict=True)]
    pd.concat([contacts, extra], ignore_index=True).to_csv(raw / "contacts.csv", index=False)
    return raw
