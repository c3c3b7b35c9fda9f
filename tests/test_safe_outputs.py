"""Free text out of the "safe" files (item 6 of the hardening issue): coded columns keep codes only,
the authority is an allow-listed code, evidence keeps known words only (an allow-list), and the
quarantine masks any value that is not a code or a date."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb_kpis.pipeline import run_clean
from hwb_kpis.privacy.redact import REDACTED, redact

HEADER = "contact_id,child_id,contact_date,source_code,source_detail,marf,outcome,gender,authority"


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "safe-outputs-test-key-01")


@pytest.fixture
def cleaned(tmp_path):
    rows = [
        "C1,K1,2015-10-01,3E,A&E,Y,nfa,M,E10000002",
        "C2,K2,2015-10-01,3E,A&E,Y,nfa,Jane Smith,825",           # a name typed into gender
        "C3,K3,2015-10-01,3E,A&E,Y,nfa,F,Jane Smith",             # a name typed into the authority
        "C4,K4,2015-10-01,3E,A&E,Y,nfa,,LA001",
        "C5,K5,2015-10-01,3E,A&E,Y,Jane Smith,F,",                # a name typed into the outcome
        "C6,K6,2015-10-01,3E,A&E,\"SMITH, Jane\",nfa,F,",         # ... into the yes/no column
        "C7,K7,Jane Smith,3E,A&E,Y,nfa,F,",                       # ... into a date column
        "C8,K8,31/02/2015,3E,A&E,Y,nfa,F,",                       # an impossible date: shown
        "C9,K9,2015-10-01,3E,A&E,Y,TBC,F,",                       # an unknown code: shown
    ]
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "contacts.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    (raw / "looked_after.csv").write_text("child_id,period_start\n")
    return run_clean(raw, tmp_path / "out", echo=lambda m: None)


def test_a_coded_column_keeps_codes_only(cleaned):
    # the defect: contacts.parquet kept unrecognised gender text verbatim
    gender = cleaned.contacts.set_index("source_row")["gender"]
    assert gender[2] == "male" and gender[3] == "unknown" and pd.isna(gender[5])
    assert "Jane Smith" not in cleaned.contacts.astype(str).to_csv()


def test_the_authority_is_an_allow_listed_code(cleaned):
    authority = cleaned.contacts.set_index("source_row")["authority"]
    assert (authority[2], authority[3], authority[4], authority[5]) == ("E10000002", "825", "unknown", "LA001")


def test_the_quarantine_masks_values_that_are_not_codes_or_dates(cleaned):
    q = cleaned.quarantine.set_index("row")
    assert q.loc[6, "value"] == "[masked]" and q.loc[7, "value"] == "[masked]" and q.loc[8, "value"] == "[masked]"
    assert q.loc[9, "value"] == "31/02/2015" and q.loc[10, "value"] == "TBC"
    assert not q["value"].astype(str).str.contains("Jane|SMITH", case=False).any()


@pytest.mark.parametrize("text", [
    "JANE SMITH", "SMITH, Jane", "call from SMITH", "HP19 8FF", "dob 01/02/2010", "Zoë Müller", "J. Smith",
    "O'Neill-Smith", "Mrs Ní Bhriain", "jane smith", "Siobhán", "José García-López",
])
def test_evidence_keeps_known_words_only(text):
    # the defect: a deny-list missed upper-case names, "SMITH, Jane", postcodes, dates of birth,
    # non-ASCII names and initials, and turned "O'Neill-Smith" into "[redacted]Neill-Smith"
    out = redact(text)
    for word in text.replace(",", " ").replace(".", " ").split():
        if word.lower() not in ("call", "from", "dob"):
            assert word not in out, (text, out)
    assert REDACTED in out and "Neill" not in out


@pytest.mark.parametrize(("text", "expected"), [
    ("DSL on behalf of school nurse", "DSL on behalf of school nurse"),
    ("NHS 111", "NHS 111"), ("A&E", "A&E"), ("k) 3E: Health services", "k) 3E: Health services"),
    ("Oak Green School", f"{REDACTED} School"),
    ("called by Sarah from school", f"called by {REDACTED} from school"),
])
def test_evidence_keeps_what_explains_a_recoding(text, expected):
    assert redact(text) == expected
