"""Cleaning (hwb_kpis/ingest/clean.py): quarantine reasons, reconciliation, pseudonyms, masking.

The fixture ``tests/data/ingest/contacts.csv`` is hand-written: one row per case, so each
expectation below can be checked by reading the file (header = row 1)."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from hwb_kpis.ingest import CONTACTS, LOOKED_AFTER, Mapping, clean_table, read_and_clean, read_table
from hwb_kpis.privacy import DEMO_KEY, PseudonymKey
from tests.support import TEST_DATA

FIXTURES = TEST_DATA / "ingest"
KEY = PseudonymKey(DEMO_KEY, "demo")
TODAY = dt.date(2016, 1, 15)


@pytest.fixture
def cleaned():
    return read_and_clean(FIXTURES, Mapping(), KEY, today=TODAY)


def test_every_quarantine_reason_names_row_and_column(cleaned):
    q = cleaned["contacts"].quarantine
    by_row = {int(r.row): (r.column, r.reason) for r in q.itertuples()}
    assert by_row == {
        5: ("child_id", "missing required value"),
        6: ("contact_date", "missing required value"),
        7: ("outcome", "missing required value"),
        8: ("contact_date", "unparseable date"),
        9: ("contact_date", "impossible date"),
        10: ("contact_date", "date in the future"),
        11: ("outcome", "unknown outcome"),
        12: ("marf", "unrecognised yes/no value"),
        13: ("contact_id", "duplicate contact_id with different content"),
        14: ("contact_id", "duplicate contact_id with different content"),
        17: ("decision_date", "impossible date (decision before contact)"),
    }
    assert set(q["file"]) == {"contacts.csv"}


def test_reconciliation_contacts(cleaned):
    s = cleaned["contacts"].summary
    assert s["raw_rows"] == 16
    assert (s["clean_rows"], s["quarantined"], s["duplicates_dropped"]) == (4, 11, 1)
    assert s["reconciled"] is True
    clean = cleaned["contacts"].clean
    assert clean["source_row"].tolist() == [2, 3, 4, 16]
    # ISO, UK, Excel serial and '3 Nov 2015' all give 3 November 2015
    assert (clean["contact_date"] == pd.Timestamp("2015-11-03")).all()
    assert clean["outcome"].tolist() == ["referral", "nfa", "early_help", "pending"]
    assert clean["marf"].tolist()[:3] == [True, True, False] and pd.isna(clean["marf"].iloc[3])
    assert clean["dob_month"].tolist()[:3] == ["2010-05", "2008-05", "2009-03"]
    assert clean["age_years"].tolist()[:3] == [5, 7, 6]
    assert clean["age_band"].tolist() == ["5-9", "5-9", "5-9", "unknown"]
    assert clean["gender"].tolist()[:3] == ["male", "female", "female"]


def test_looked_after_quarantine_and_reconciliation(cleaned):
    la = cleaned["looked_after"]
    assert {int(r.row): (r.column, r.reason) for r in la.quarantine.itertuples()} == {
        4: ("child_id", "missing required value"),
        5: ("period_start", "impossible date"),
        6: ("iha_date", "impossible date (assessment before period start)"),
    }
    assert la.summary["reconciled"] and la.summary["clean_rows"] == 2
    assert la.clean["period_start"].tolist() == [pd.Timestamp("2015-01-05"), pd.Timestamp("2015-10-05")]


def test_child_ids_are_pseudonymised_and_link(cleaned):
    clean = cleaned["contacts"].clean
    assert not clean["child_id"].isin(["CH001", "CH002", "CH003"]).any()
    assert clean["child_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert clean["contact_id"].str.fullmatch(r"c[0-9a-f]{16}").all()
    # rows 2 and 16 are the same child: same pseudonym, also in the looked-after table
    assert clean["child_id"].iloc[0] == clean["child_id"].iloc[3]
    assert clean["child_id"].iloc[0] == cleaned["looked_after"].clean["child_id"].iloc[0]


def test_each_kept_row_carries_the_pseudonyms_of_its_own_ids(cleaned):
    """Contact ids are hashed before rows are dropped; the pseudonym must still be the row's own."""
    import hashlib

    raw = read_table(FIXTURES / "contacts.csv", CONTACTS, Mapping()).data.set_index("source_row")
    clean = cleaned["contacts"].clean
    assert len(clean) >= 4 and cleaned["contacts"].summary["quarantined"] > 0  # rows were dropped before
    for row in clean.itertuples():
        contact, child = raw.loc[row.source_row, "contact_id"], raw.loc[row.source_row, "child_id"]
        assert row.contact_id == "c" + hashlib.blake2b(contact.encode(), key=DEMO_KEY, digest_size=8).hexdigest()
        assert row.child_id == hashlib.blake2b(child.encode(), key=DEMO_KEY, digest_size=8).hexdigest()


def test_quarantine_masks_identifiers(cleaned):
    q = cleaned["contacts"].quarantine
    assert not q["value"].astype(str).str.contains("CH0|C01", regex=True).any()
    assert (q.loc[q["column"] == "contact_id", "value"] == "[masked]").all()
    assert q.loc[q["row"] == 8, "value"].iloc[0] == "[masked]"  # neither a date nor a code


def test_truncated_csv_row_is_quarantined_and_counts_reconcile(tmp_path):
    shutil.copy(FIXTURES / "looked_after.csv", tmp_path / "looked_after.csv")
    (tmp_path / "contacts.csv").write_text(
        "contact_id,child_id,contact_date,outcome\nC1,X1,2015-11-03,nfa\nC2,X2,2015-11-04,referral\nC3,X3,2015-1"
    )
    raw = read_table(tmp_path / "contacts.csv", CONTACTS, Mapping())
    ct = clean_table(raw, Mapping(), KEY, today=TODAY)
    assert ct.summary["raw_rows"] == 3 and ct.summary["clean_rows"] == 2
    assert ct.quarantine["row"].tolist() == [4]
    assert ct.quarantine["reason"].iloc[0].startswith("malformed row")


def test_empty_looked_after_is_allowed(tmp_path):
    (tmp_path / "looked_after.csv").write_text("child_id,period_start,consent_date,health_notified_date,iha_date\n")
    raw = read_table(tmp_path / "looked_after.csv", LOOKED_AFTER, Mapping())
    ct = clean_table(raw, Mapping(), KEY, today=TODAY)
    assert ct.summary["raw_rows"] == 0 and ct.summary["reconciled"] and ct.clean.empty
