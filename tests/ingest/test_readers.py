"""Finding and reading raw files (hwb_kpis/ingest/readers.py): one-line errors naming the file,
ids read as text."""

from __future__ import annotations

import pytest

from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest import CONTACTS, Mapping, find_file, read_table


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


def test_ids_keep_leading_zeros(tmp_path):
    (tmp_path / "contacts.csv").write_text("contact_id,child_id,contact_date,outcome\n001,000123,2015-11-03,nfa\n")
    raw = read_table(tmp_path / "contacts.csv", CONTACTS, Mapping())
    assert raw.data["child_id"].iloc[0] == "000123"


# --- what the mapping adds to a file -------------------------------------------------------------
ECLIPSE = (
    "Person ID,Contact Date,Contact Source,Contact Type,Worker\n"
    "P1,03/11/2015,HSERVAE,Contact,W. Smith\n"
    "P2,04/11/2015,INDFRC,Contact,W. Smith\n"
    "P1,05/11/2015,HSERVSNRSE,Information only,W. Jones\n"
    "P3,06/11/2015,6,Contact,W. Jones\n"
)
PEOPLE = "Person ID,DOB,Name\nP1,2009-03-14,Someone\nP2,2012-07-01,Someone Else\n"
MAPPING = """
columns: {contacts: {Person ID: child_id, Contact Date: contact_date, Contact Source: source_code}}
values: {source_code: {HSERVAE: 3E, INDFRC: 1A, HSERVSNRSE: 3C}}
constants: {contacts: {marf: 'N'}}
filters: {contacts: {Contact Type: [Contact]}}
joins: {contacts: {child_dob: {file: people.csv, key: Person ID, value: DOB}}}
"""


def _eclipse(tmp_path):
    from hwb_kpis.ingest import load_mapping

    (tmp_path / "contacts.csv").write_text(ECLIPSE)
    (tmp_path / "people.csv").write_text(PEOPLE)
    (tmp_path / "mapping.yml").write_text(MAPPING)
    return load_mapping(tmp_path / "mapping.yml")


def test_an_authoritys_own_codes_constants_filters_and_joins_apply(tmp_path):
    mapping = _eclipse(tmp_path)
    raw = read_table(tmp_path / "contacts.csv", CONTACTS, mapping)
    assert raw.data["source_code"].tolist() == ["3E", "1A", "6"]  # Eclipse mnemonics, then a code as it is
    assert raw.data["marf"].tolist() == ["N"] * 3 and raw.has("marf")
    assert raw.data["child_dob"].tolist() == ["2009-03-14", "2012-07-01", ""]
    assert raw.filtered_out == 1 and raw.raw_rows == 4
    assert raw.data["source_row"].tolist() == [2, 3, 5]
    assert "worker" not in raw.data.columns and "contact_type" not in raw.data.columns
    assert any("joined from people.csv" in note for note in raw.notes)


def test_rows_left_out_by_a_filter_are_accounted_for(tmp_path):
    from hwb_kpis.ingest import clean_table
    from hwb_kpis.privacy import DEMO_KEY, PseudonymKey

    mapping = _eclipse(tmp_path)
    raw = read_table(tmp_path / "contacts.csv", CONTACTS, mapping)
    summary = clean_table(raw, mapping, PseudonymKey(DEMO_KEY, "demo")).summary
    assert (summary["raw_rows"], summary["clean_rows"], summary["filtered_out"], summary["reconciled"]) == (4, 3, 1, True)


def test_a_filter_or_join_naming_what_is_not_there_is_an_error(tmp_path):
    from hwb_kpis.ingest import load_mapping

    _eclipse(tmp_path)
    (tmp_path / "m2.yml").write_text(MAPPING.replace("Contact Type", "Kind"))
    with pytest.raises(InputFileError, match=r"contacts\.csv: the row filter of .*m2\.yml names column 'kind'"):
        read_table(tmp_path / "contacts.csv", CONTACTS, load_mapping(tmp_path / "m2.yml"))
    (tmp_path / "m3.yml").write_text(MAPPING.replace("value: DOB", "value: Born"))
    with pytest.raises(InputFileError, match=r"people\.csv: the join in .*m3\.yml needs columns 'Person ID' and 'Born'"):
        read_table(tmp_path / "contacts.csv", CONTACTS, load_mapping(tmp_path / "m3.yml"))


def test_columns_no_kpi_needs_are_not_converted(tmp_path, monkeypatch):
    """Only the contract's columns (and filtered ones) are asked of the CSV reader."""
    import hwb_kpis.ingest.csv_file as csv_file

    asked = []
    real = csv_file.pacsv.read_csv

    def spy(path, **kwargs):
        asked.append(kwargs["convert_options"].include_columns)
        return real(path, **kwargs)

    monkeypatch.setattr(csv_file.pacsv, "read_csv", spy)
    mapping = _eclipse(tmp_path)
    read_table(tmp_path / "contacts.csv", CONTACTS, mapping)
    assert sorted(asked[0]) == ["Contact Date", "Contact Source", "Contact Type", "Person ID"]


def test_a_mappings_source_codes_are_used_not_ignored(tmp_path):
    """The issue's defect: ``values: source_code:`` was accepted and silently ignored, so local
    codes ended as 10 (unknown)."""
    from hwb_kpis.coding import code_contacts
    from hwb_kpis.ingest import clean_table, load_mapping
    from hwb_kpis.privacy import DEMO_KEY, PseudonymKey

    (tmp_path / "contacts.csv").write_text("contact_id,child_id,contact_date,source_code,outcome\n"
                                           "C1,K1,2015-11-03,HSERVAE,nfa\nC2,K2,2015-11-04,INDFRC,nfa\n"
                                           "C3,K3,2015-11-05,HSERVSNRSE,nfa\n")
    (tmp_path / "m.yml").write_text("values:\n  source_code: {HSERVAE: 3E, INDFRC: 1A, HSERVSNRSE: 3C}\n")
    mapping = load_mapping(tmp_path / "m.yml")
    clean = clean_table(read_table(tmp_path / "contacts.csv", CONTACTS, mapping), mapping, PseudonymKey(DEMO_KEY, "demo"))
    coded, _ = code_contacts(clean.clean)
    assert coded["source_code_recorded"].tolist() == ["3E", "1A", "3C"]
