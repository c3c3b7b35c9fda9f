"""Source formats (hwb_kpis/ingest/formats/): the contract format is found, located and read, and
is the fallback whose errors name the missing file."""

from __future__ import annotations

import shutil

import pytest

from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest import Mapping, formats
from hwb_kpis.ingest.formats.contract import CONTRACT_FORMAT
from tests.support import TEST_DATA


def test_the_contract_format_reads_every_table(tmp_path):
    shutil.copytree(TEST_DATA / "ingest", tmp_path / "raw")
    fmt = formats.detect(tmp_path / "raw", Mapping())
    assert fmt is CONTRACT_FORMAT and fmt.detect(tmp_path / "raw", Mapping())
    assert {n: p.name for n, p in fmt.locate(tmp_path / "raw", Mapping()).items()} == {
        "contacts": "contacts.csv", "looked_after": "looked_after.csv"}
    raws = fmt.read(tmp_path / "raw", Mapping())
    assert list(raws) == ["contacts", "looked_after"] and raws["contacts"].raw_rows == 16


def test_a_folder_no_format_recognises_gets_the_contract_formats_error(tmp_path):
    (tmp_path / "looked_after.csv").write_text("child_id,period_start\n")
    fmt = formats.detect(tmp_path, Mapping())
    assert fmt is CONTRACT_FORMAT and not fmt.detect(tmp_path, Mapping())
    with pytest.raises(InputFileError, match=r"contacts\.csv: file not found \(looked for contacts\.csv or contacts\.xlsx"):
        fmt.locate(tmp_path, Mapping())
