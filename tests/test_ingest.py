"""Ingest: reading, date parsing, quarantine reasons, reconciliation, mapping files, errors.

The fixture ``tests/data/ingest/contacts.csv`` is hand-written: one row per case, so each
expectation below can be checked by reading the file (header = row 1)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest import (
    CONTACTS,
    LOOKED_AFTER,
    Mapping,
    clean_table,
    find_file,
    load_mapping,
    map_values,
    parse_dates,
    read_and_clean,
    read_table,
)
from hwb_kpis.ingest import clean as ingest_clean
from hwb_kpis.privacy import DEMO_KEY, PseudonymKey

FIXTURES = Path(__file__).parent / "data" / "ingest"
KEY = PseudonymKey(DEMO_KEY, "demo")
TODAY = dt.date(2016, 1, 15)


@pytest.fixture
def cleaned():
    return read_and_clean(FIXTURES, Mapping(), KEY, today=TODAY)


def test_parse_dates_formats():
    values = pd.Series(["2015-11-03", "03/11/2015", "3/11/2015", "03-11-2015", "42311", "3 Nov 2015",
                        "03/11/15", "2015-11-03 14:22:00", "", "31/02/2015", "2015-13-01", "soon"], dtype="string")
    dates, problem = parse_dates(values)
    expected = pd.Timestamp("2015-11-03")
    assert (dates.iloc[:8] == expected).all(), dates.iloc[:8].tolist()
    assert dates.iloc[8:].isna().all()
    assert problem.iloc[:9].isna().all()
    assert problem.iloc[9] == "impossible date"
    assert problem.iloc[10] == "impossible date"
    assert problem.iloc[11] == "unparseable date"


def test_parse_dates_day_first_is_never_month_first():
    dates, _ = parse_dates(pd.Series(["02/03/2015", "12/01/2015"], dtype="string"))
    assert dates.tolist() == [pd.Timestamp("2015-03-02"), pd.Timestamp("2015-01-12")]


def test_year_month_only_for_dob():
    dates, problem = parse_dates(pd.Series(["2009-03", "03/2009"], dtype="string"), allow_year_month=True)
    assert dates.tolist() == [pd.Timestamp("2009-03-01")] * 2 and problem.isna().all()
    _, problem = parse_dates(pd.Series(["2009-03"], dtype="string"))
    assert problem.iloc[0] == "unparseable date"


def test_outcome_and_marf_normalisation():
    outcomes = map_values(pd.Series(["NFA", " Referral ", "Early_Help", "early-help", "No Further Action", "x"]), "outcome", Mapping())
    assert outcomes.tolist()[:5] == ["nfa", "referral", "early_help", "early_help", "nfa"]
    assert pd.isna(outcomes.iloc[5])
    marf = map_values(pd.Series(["Y", "yes", "1", "TRUE", "n", "No", "0", "false"]), "marf", Mapping())
    assert marf.tolist() == ["yes"] * 4 + ["no"] * 4


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
    assert q.loc[q["row"] == 8, "value"].iloc[0] == "yesterday"


def _write_xlsx(path: Path, header: list[str], rows: list[list], title_rows: int = 0) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append([f"Annex A List 1 - report title line {i + 1}"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)


def test_excel_with_annex_a_headers_and_mapping(tmp_path):
    mapping = load_mapping(Path(__file__).parents[1] / "hwb_kpis" / "mappings" / "annex_a.yml")
    _write_xlsx(
        tmp_path / "contacts.xlsx",
        ["Contact ID", "Child Unique ID", "Date of Contact", "Contact Source", "Contact Outcome", "MARF Received", "Date of Birth"],
        [
            ["A1", "X9", dt.datetime(2015, 11, 3), "k) 3E: Health services", "NFA - Information only", "Form", "05/2010"],
            ["A2", "X8", 42312, "6", "Progressed to Assessment", "Verbal", None],
            ["A3", "X7", "04/11/2015", "2A", "Awaiting MASH decision", None, dt.datetime(2009, 3, 1)],
        ],
        title_rows=2,
    )
    _write_xlsx(
        tmp_path / "looked_after.xlsx",
        ["Child Unique ID", "Date Started to be Looked After", "Date of IHA"],
        [["X9", dt.datetime(2015, 1, 5), dt.datetime(2015, 1, 30)]],
    )
    tables = read_and_clean(tmp_path, mapping, KEY, today=TODAY)
    c = tables["contacts"]
    assert c.summary["reconciled"] and c.summary["clean_rows"] == 3 and c.summary["quarantined"] == 0
    assert c.clean["contact_date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-11-03", "2015-11-04", "2015-11-04"]
    assert c.clean["outcome"].tolist() == ["advice", "referral", "pending"]
    assert c.clean["marf"].tolist()[:2] == [True, False]
    # title rows pushed the header to sheet row 3, so the first record is sheet row 4
    assert c.clean["source_row"].tolist() == [4, 5, 6]
    assert tables["looked_after"].clean["iha_date"].iloc[0] == pd.Timestamp("2015-01-30")


def test_mapping_file_errors(tmp_path):
    bad = tmp_path / "m.yml"
    bad.write_text("columns:\n  contacts:\n    Foo: not_a_column\n")
    with pytest.raises(InputFileError, match="not_a_column.*not in the data contract"):
        load_mapping(bad)
    with pytest.raises(InputFileError, match="mapping file not found"):
        load_mapping(tmp_path / "missing.yml")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"contact_id,child_id,outcome\nC1,X1,nfa\n", "missing required column.*contact_date"),
        (b"contact_id,child_id,contact_date,outcome\n", "no data rows below the header"),
        (b"PK\x03\x04\x00\x00binary", "not a text table"),
        (b"contact_id,child_id,contact_date,outcome\nC1,,2015-01-01,nfa\nC2,,2015-01-02,nfa\n",
         "required column 'child_id' is blank in every row"),
    ],
)
def test_bad_files_give_one_line_errors_naming_the_file(tmp_path, content, message):
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message) as info:
        read_table(path, CONTACTS, Mapping())
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_and_wrong_type(tmp_path):
    with pytest.raises(InputFileError, match=r"contacts\.csv: file not found"):
        find_file(tmp_path, "contacts", Mapping())
    (tmp_path / "contacts.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputFileError, match="not a table"):
        read_table(tmp_path / "contacts.pdf", CONTACTS, Mapping())


def test_semicolon_delimited_and_windows_1252(tmp_path):
    text = "contact_id;child_id;contact_date;outcome;referrer_org\nC1;X1;03/11/2015;NFA;Café £5 fund\n"
    (tmp_path / "contacts.csv").write_bytes(text.encode("cp1252"))
    raw = read_table(tmp_path / "contacts.csv", CONTACTS, Mapping())
    assert raw.data["referrer_org"].iloc[0] == "Café £5 fund"
    assert any("Windows-1252" in n for n in raw.notes) and any("';'" in n for n in raw.notes)


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


def test_ids_keep_leading_zeros(tmp_path):
    (tmp_path / "contacts.csv").write_text("contact_id,child_id,contact_date,outcome\n001,000123,2015-11-03,nfa\n")
    raw = read_table(tmp_path / "contacts.csv", CONTACTS, Mapping())
    assert raw.data["child_id"].iloc[0] == "000123"


def test_empty_looked_after_is_allowed(tmp_path):
    (tmp_path / "looked_after.csv").write_text("child_id,period_start,consent_date,health_notified_date,iha_date\n")
    raw = read_table(tmp_path / "looked_after.csv", LOOKED_AFTER, Mapping())
    ct = clean_table(raw, Mapping(), KEY, today=TODAY)
    assert ct.summary["raw_rows"] == 0 and ct.summary["reconciled"] and ct.clean.empty


@pytest.mark.parametrize("numbers", ["digests", "all equal", None])
def test_repeated_contact_ids_are_found_with_or_without_key_numbers(numbers):
    import numpy as np

    from hwb_kpis.privacy import keyed_digests

    data = pd.DataFrame({
        "contact_id": pd.array(["a", "b", "a", "c", "b", "d", "a"], dtype="string"),
        "outcome": pd.array(["nfa", "nfa", "nfa", "nfa", "advice", "nfa", "nfa"], dtype="string"),
    })
    key_numbers = {"digests": keyed_digests(data["contact_id"], DEMO_KEY).view("<u8").ravel(),
                   "all equal": np.zeros(len(data), dtype=np.uint64),  # every number clashes
                   None: None}[numbers]
    dup, repeated = ingest_clean._exact_duplicates(data, ["contact_id", "outcome"], "contact_id", key_numbers)
    assert repeated.tolist() == [True, True, True, False, True, False, True]
    assert dup.tolist() == [False, False, True, False, False, False, True]  # exact copies after the first
