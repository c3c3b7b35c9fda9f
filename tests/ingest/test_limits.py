"""Sizes checked before reading (hwb_kpis/ingest/limits.py, reference/ingest_limits.yml): the
longest line, the widest header, the unpacked size of a workbook; and encodings read or refused
in one line (UTF-16, bytes that are no text)."""

from __future__ import annotations

import time
import zipfile

import pandas as pd
import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest import CONTACTS, Mapping, limits, read_table

HEADER = "contact_id,child_id,contact_date,outcome,referrer_org"
runner = CliRunner()


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "limits-test-key-00000001")


def _clean(tmp_path, name: str, content: bytes):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / name).write_bytes(content)
    (raw / "looked_after.csv").write_text("child_id,period_start\n")
    result = runner.invoke(app, ["clean", "--raw", str(raw), "--out", str(tmp_path / "out")])
    return result


def _one_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output
    return lines[0]


def test_a_field_of_megabytes_is_a_one_line_error_naming_its_line(tmp_path):
    # the defect: a 50 MB field refused the whole extract with Arrow's "block boundaries" message
    text = "\n".join([HEADER, "C1,K1,2015-10-01,nfa,Oak", "C2,K2,2015-10-01,nfa," + "x" * 3_000_000, "C3,K3,2015-10-01,nfa,Oak"])
    message = _one_line(_clean(tmp_path, "contacts.csv", text.encode()))
    assert "contacts.csv: line 3 is longer than 1,048,576 bytes" in message


def test_a_header_of_too_many_columns_is_refused_before_reading(tmp_path, monkeypatch):
    header = ",".join([HEADER, *(f"extra_{i}" for i in range(1500))])
    started = time.perf_counter()
    message = _one_line(_clean(tmp_path, "contacts.csv", (header + "\nC1,K1,2015-10-01,nfa,Oak\n").encode()))
    assert "the header row has 1,505 columns; at most 1,000 are read" in message
    assert time.perf_counter() - started < 10


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    path = tmp_path / "contacts.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * 5_000_000)  # about 5 KB packed
    monkeypatch.setitem(limits.LIMITS, "max_xlsx_uncompressed_bytes", 1_000_000)
    with pytest.raises(InputFileError, match=r"contacts.xlsx: the workbook unpacks to 5 MB, over the 1 MB allowed"):
        read_table(path, CONTACTS, Mapping())


def test_utf16_files_are_read(tmp_path):
    text = HEADER + "\r\nC1,K1,2015-10-01,nfa,Café Zoë\r\nC2,K2,2015-10-02,nfa,Oak\r\n"
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        raw = read_table(path, CONTACTS, Mapping())
        assert raw.data["referrer_org"].tolist() == ["Café Zoë", "Oak"], encoding
        assert raw.data["source_row"].tolist() == [2, 3] and "file is UTF-16; read as Unicode text" in raw.notes


def test_bytes_that_are_no_text_are_a_one_line_error(tmp_path):
    junk = (HEADER + "\nC1,K1,2015-10-01,nfa,").encode() + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xFF]) * 50 + b"\n"
    message = _one_line(_clean(tmp_path, "contacts.csv", junk))
    assert "contacts.csv: not readable text" in message


def test_a_sheet_counts_its_blank_rows_as_lines(tmp_path):
    path = tmp_path / "contacts.xlsx"
    frame = pd.DataFrame({"contact_id": ["C1", None, "C2"], "child_id": ["K1", None, "K2"],
                          "contact_date": ["2015-10-01", None, "2015-10-02"], "outcome": ["nfa", None, "nfa"]})
    frame.to_excel(path, index=False)
    raw = read_table(path, CONTACTS, Mapping())
    assert (raw.lines.lines, raw.lines.blank, raw.raw_rows) == (3, 1, 2)
