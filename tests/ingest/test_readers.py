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
