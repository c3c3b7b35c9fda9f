"""Source formats (hwb_kpis/ingest/formats/): the contract format and the Ofsted Annex A workbook
are found, located and read; ``auto`` picks the right one; every table is optional but one must
be there."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest import Mapping, formats
from hwb_kpis.ingest.formats.annex_a import ANNEX_A_FORMAT
from hwb_kpis.ingest.formats.contract import CONTRACT_FORMAT
from hwb_kpis.ingest.formats.source import stripped_text
from tests.ingest.annex_a import write_annex_a
from tests.support import TEST_DATA


def test_the_contract_format_reads_every_table(tmp_path):
    shutil.copytree(TEST_DATA / "ingest", tmp_path / "raw")
    fmt = formats.detect(tmp_path / "raw", Mapping())
    assert fmt is CONTRACT_FORMAT and fmt.detect(tmp_path / "raw", Mapping())
    assert {n: p.name for n, p in fmt.locate(tmp_path / "raw", Mapping()).items()} == {
        "contacts": "contacts.csv", "looked_after": "looked_after.csv"}
    raws = fmt.read(tmp_path / "raw", Mapping())
    assert list(raws) == ["contacts", "looked_after"] and raws["contacts"].raw_rows == 16


def test_every_contract_table_is_optional_but_one_must_be_there(tmp_path):
    (tmp_path / "looked_after.csv").write_text("child_id,period_start\nK1,2015-01-05\n")
    fmt = formats.detect(tmp_path, Mapping())
    assert fmt is CONTRACT_FORMAT and list(fmt.locate(tmp_path, Mapping())) == ["looked_after"]
    (tmp_path / "looked_after.csv").unlink()
    with pytest.raises(InputFileError, match=r"no table of the extract found \(looked for contacts\.csv or contacts\.xlsx"):
        fmt.locate(tmp_path, Mapping())


def test_a_file_the_mapping_names_must_be_there(tmp_path):
    (tmp_path / "looked_after.csv").write_text("child_id,period_start\nK1,2015-01-05\n")
    with pytest.raises(InputFileError, match=r"referrals\.xlsx: file not found"):
        CONTRACT_FORMAT.locate(tmp_path, Mapping(files={"referrals": "referrals.xlsx"}))


def test_an_annex_a_workbook_is_detected_and_each_list_located(tmp_path):
    write_annex_a(tmp_path / "Annex_A.xlsx", sheets={"List 1 - Contacts": "contacts", "List 3 - Referrals": "referrals",
                                                     "Cover": None, "List 8 - Children in Care": "looked_after"})
    assert formats.detect(tmp_path, Mapping()) is ANNEX_A_FORMAT
    located = ANNEX_A_FORMAT.locate_lists(tmp_path, Mapping())
    assert {t: w.sheet for t, w in located.items()} == {
        "contacts": "List 1 - Contacts", "referrals": "List 3 - Referrals", "looked_after": "List 8 - Children in Care"}
    assert formats.choose(tmp_path, Mapping(), "contract") is CONTRACT_FORMAT  # asked: not detected
    assert "List 1 (Annex_A.xlsx, sheet 'List 1 - Contacts') as contacts" in ANNEX_A_FORMAT.describe(tmp_path, Mapping())


def test_lists_named_otherwise_are_found_by_their_headers(tmp_path):
    write_annex_a(tmp_path / "export.xlsx", sheets={"Contacts": "contacts", "Sheet2": "referrals"})
    located = ANNEX_A_FORMAT.locate_lists(tmp_path, Mapping())
    assert {t: w.sheet for t, w in located.items()} == {"contacts": "Contacts", "referrals": "Sheet2"}


def test_sheet_names_as_councils_write_them():
    numbers = {name: ANNEX_A_FORMAT.list_number(name) for name in
               ("List 1", "List 1 - Contacts", "LIST 01", "List1", " list 3 referrals", "List 10", "List 11", "Cover")}
    assert numbers == {"List 1": 1, "List 1 - Contacts": 1, "LIST 01": 1, "List1": 1, " list 3 referrals": 3,
                       "List 10": 10, "List 11": 11, "Cover": None}


def test_contract_files_or_a_mapping_naming_files_are_never_read_as_annex_a(tmp_path):
    write_annex_a(tmp_path / "Annex_A.xlsx", sheets={"List 1": "contacts"})
    (tmp_path / "looked_after.csv").write_text("child_id,period_start\n")
    assert formats.detect(tmp_path, Mapping()) is CONTRACT_FORMAT
    (tmp_path / "looked_after.csv").unlink()
    assert formats.detect(tmp_path, Mapping(files={"contacts": "Annex_A.xlsx"})) is CONTRACT_FORMAT


def test_two_annex_a_workbooks_are_an_error_naming_both(tmp_path):
    write_annex_a(tmp_path / "a.xlsx", sheets={"List 1": "contacts"})
    write_annex_a(tmp_path / "b.xlsx", sheets={"List 3": "referrals"})
    with pytest.raises(InputFileError, match=r"more than one Annex A workbook \(a\.xlsx, b\.xlsx\)"):
        ANNEX_A_FORMAT.locate(tmp_path, Mapping())


def test_an_unknown_format_is_an_error():
    with pytest.raises(InputFileError, match="unknown format 'cin'; expected one of auto, cin-census, ssda903, ssd, annex-a, contract"):
        formats.by_name("cin")


@pytest.mark.parametrize("values", [
    ["a", " b ", None, "\xa0c\u3000", "\t\nd\r", "", "\u200bz\u200b", "\u2028q"],  # the XML readers' lists
    [1, " a"],  # not all text: converted as pandas converts it
])
def test_a_format_s_text_columns_are_blank_for_missing_and_stripped_the_same_way_however_passed(values):
    got = stripped_text(values)
    assert str(got.dtype) == "string"
    assert got.tolist() == [("" if v is None else str(v)).strip() for v in values]
    assert got.tolist() == stripped_text(pd.Series(values, dtype="string")).tolist()
