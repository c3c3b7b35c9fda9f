"""Mapping files (hwb_kpis/ingest/mapping.py): errors name the file and the problem."""

from __future__ import annotations

import pytest

from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest import load_mapping


def test_mapping_file_errors(tmp_path):
    bad = tmp_path / "m.yml"
    bad.write_text("columns:\n  contacts:\n    Foo: not_a_column\n")
    with pytest.raises(InputFileError, match="not_a_column.*not in the data contract"):
        load_mapping(bad)
    with pytest.raises(InputFileError, match="mapping file not found"):
        load_mapping(tmp_path / "missing.yml")


@pytest.mark.parametrize(("text", "problem"), [
    ("sheets:\n  contacts: List 1\n", r"unknown section\(s\) \['sheets'\]"),
    ("columns:\n  children:\n    X: child_id\n", "columns for unknown table 'children'"),
    ("values:\n  ethnicity:\n    a) WBRI: white\n", "values for 'ethnicity', which is not a coded column"),
    ("values:\n  source_code:\n    HSERVAE: 3X\n", r"values: source_code: '3X' is not one of 1A"),
    ("values:\n  outcome:\n    Closed: finished\n", "'finished' is not one of referral"),
    ("constants:\n  contacts:\n    team: MASH\n", "constants: contacts column 'team' is not in the data contract"),
    ("joins:\n  contacts:\n    child_dob: {file: people.csv, key: Person ID}\n", "expected file, key and value"),
    ("excel:\n  sheet: {children: List 1}\n", "unknown table 'children'"),
    ("excel:\n  tab: 2\n", r"unknown excel setting\(s\) \['tab'\]"),
])
def test_anything_unknown_is_an_error_naming_the_file(tmp_path, text, problem):
    path = tmp_path / "mine.yml"
    path.write_text(text)
    with pytest.raises(InputFileError, match=problem) as err:
        load_mapping(path)
    assert str(err.value).startswith(str(path))


def test_every_section_is_read(tmp_path):
    path = tmp_path / "m.yml"
    path.write_text(
        "files: {contacts: front door.csv}\n"
        "excel: {sheet: {contacts: Contacts, looked_after: 2}}\n"
        "columns: {contacts: {Person ID: child_id}}\n"
        "values: {source_code: {HSERVAE: 3E, INDFRC: 1A}, marf: {Form: 'yes'}, nfa: {Closed: 'yes'}}\n"
        "constants: {referrals: {source_code: '6'}}\n"
        "filters: {contacts: {Contact Type: [Contact, Referral]}}\n"
        "joins: {contacts: {child_dob: {file: people.csv, key: Person ID, value: DOB}}}\n")
    m = load_mapping(path)
    assert m.files == {"contacts": "front door.csv"}
    assert m.sheet_for("contacts") == "Contacts" and m.sheet_for("looked_after") == 2 and m.sheet_for("referrals") == 0
    assert m.values["source_code"] == {"hservae": "3E", "indfrc": "1A"} and m.values["nfa"] == {"closed": "yes"}
    assert m.constants == {"referrals": {"source_code": "6"}}
    assert m.filters == {"contacts": {"contact type": ("contact", "referral")}}
    assert m.joins["contacts"]["child_dob"].file == "people.csv"
