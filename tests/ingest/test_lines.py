"""Physical lines of a delimited file (hwb_kpis/ingest/lines.py and the CSV reader): every line
is accounted for, a quoted field spanning too many lines (or never closed) is quarantined as an
``unbalanced quote``, and later rows keep their true line numbers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwb_kpis.ingest import CONTACTS, Mapping, read_table
from hwb_kpis.ingest.lines import UNBALANCED, count_lines, split_records
from hwb_kpis.pipeline import run_clean

HEADER = "contact_id,child_id,contact_date,source_code,referrer_org,marf,outcome"
LOOKED_AFTER = "child_id,period_start,consent_date,health_notified_date,iha_date\nK1,2015-06-01,,,\n"


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "lines-test-key-000000001")


def _row(i: int, org: str = "Oak School", date: str = "2015-10-05") -> str:
    return f"C{i},K{i % 700},{date},2A,{org},Y,nfa"


def _extract(tmp_path: Path, lines: list[str]) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "contacts.csv").write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    (raw / "looked_after.csv").write_text(LOOKED_AFTER, encoding="utf-8")
    return raw


def _arrow_records(data: bytes) -> int:
    bad = []
    table = pacsv.read_csv(io.BytesIO(data), read_options=pacsv.ReadOptions(use_threads=False, autogenerate_column_names=True),
                           parse_options=pacsv.ParseOptions(newlines_in_values=True,
                                                            invalid_row_handler=lambda r: bad.append(r) or "skip"))
    return table.num_rows + len(bad)


def test_a_stray_quote_is_quarantined_and_every_line_accounted_for(tmp_path):
    # the defect: a field opening with a quote and another closing 389 lines later swallowed the
    # lines between into one field and later row numbers were off by 389
    lines = [_row(i) for i in range(2000)]
    lines[9] = _row(9, org='"Oak School')  # file line 11: a quote that opens a field and never closes on its line
    lines[398] = _row(398, org='Oak School"')  # file line 400: a quote at the end of a field
    lines[1498] = _row(1498, date="soon")  # file line 1500: a bad date after both
    raw = _extract(tmp_path, lines)
    result = run_clean(raw, tmp_path / "out", echo=lambda _: None)
    s = result.summary["tables"]["contacts"]
    assert s["raw_lines"] == 2000 and s["reconciled"]
    assert s["raw_rows"] == 2000 and s["clean_rows"] == 1998 and s["quarantined"] == 2
    q = result.quarantine
    assert q[["row", "reason"]].values.tolist() == [[11, UNBALANCED], [1500, "unparseable date"]]
    assert result.contacts["source_row"].max() == 2001  # the last line keeps its number


def test_a_quote_never_closed_is_an_unbalanced_quote(tmp_path):
    lines = [_row(i) for i in range(6)]
    lines[4] = 'C4,K4,"2015-10'
    raw = _extract(tmp_path, lines)
    result = run_clean(raw, tmp_path / "out", echo=lambda _: None)
    assert result.quarantine[["row", "column", "reason"]].values.tolist() == [[6, "(whole row)", UNBALANCED]]
    s = result.summary["tables"]["contacts"]
    assert (s["raw_lines"], s["raw_rows"], s["clean_rows"]) == (6, 6, 5)


def test_a_field_over_a_few_lines_is_one_row_and_later_rows_keep_their_line_numbers(tmp_path):
    lines = [_row(1), '"C2",K2,2015-10-05,2A,"Oak School\nsecond line\nthird line",Y,nfa', _row(3, date="31/02/2015")]
    raw = _extract(tmp_path, lines)
    result = run_clean(raw, tmp_path / "out", echo=lambda _: None)
    s = result.summary["tables"]["contacts"]
    assert (s["raw_lines"], s["raw_rows"], s["continuation_lines"]) == (5, 3, 2)
    assert result.quarantine["row"].tolist() == [6]  # the physical line of C3
    assert result.contacts["source_row"].tolist() == [2, 3]


def test_a_field_over_more_lines_than_the_limit_is_quarantined(tmp_path, monkeypatch):
    long_field = "\n".join(f"part {i}" for i in range(7))
    lines = [_row(1), f'C2,K2,2015-10-05,2A,"{long_field}",Y,nfa', _row(3)]
    raw = _extract(tmp_path, lines)
    result = run_clean(raw, tmp_path / "out", echo=lambda _: None)
    q = result.quarantine
    assert q["reason"].tolist()[0] == UNBALANCED and q["row"].tolist()[0] == 3
    assert result.summary["tables"]["contacts"]["raw_lines"] == 9
    assert result.contacts["source_row"].tolist()[-1] == 10  # C3, on the file's last line
    # the limit is editable data
    from hwb_kpis.ingest import limits

    monkeypatch.setitem(limits.LIMITS, "max_lines_in_quoted_field", 10)
    result = run_clean(raw, tmp_path / "out2", echo=lambda _: None)
    assert len(result.quarantine) == 0 and len(result.contacts) == 3


def test_blank_lines_are_counted(tmp_path):
    raw = _extract(tmp_path, [_row(1), "", _row(2), "", "", _row(3)])
    result = run_clean(raw, tmp_path / "out", echo=lambda _: None)
    s = result.summary["tables"]["contacts"]
    assert (s["raw_lines"], s["raw_rows"], s["blank_lines"]) == (6, 3, 3)
    assert result.contacts["source_row"].tolist() == [2, 4, 7]


def test_read_table_reports_lines_for_crlf_files(tmp_path):
    text = "\r\n".join([HEADER, _row(1), 'C2,K2,2015-10-05,2A,"two\r\nlines",Y,nfa', _row(3)]) + "\r\n"
    (tmp_path / "contacts.csv").write_bytes(text.encode())
    raw = read_table(tmp_path / "contacts.csv", CONTACTS, Mapping())
    assert raw.lines.lines == 4 and raw.lines.continuation == 1
    assert raw.data["source_row"].tolist() == [2, 3, 5]


@pytest.mark.parametrize("data", [
    b'a,b\n1,"x""y"\n2,3\n',              # a doubled quote inside a quoted field
    b'a,b\n1,O"Neill\n2,"3\n4"\n',        # a quote inside an unquoted field is a character
    b'a,b\n1,"x"y\n2,""\n3,""""\n',        # text after a closing quote; empty and quote-only fields
    b'a,b\r\n1,"x\r\ny"\r\n\r\n2,3\r\n',  # CRLF, a line break inside quotes, a blank line
    b'a,b\n1,"""x\ny"""\n2,3',            # tripled quotes, no final line break
])
def test_records_are_split_as_arrow_splits_them(data):
    split = split_records(data, ",", max_lines=5)
    assert not split.unbalanced
    assert len(split.starts) == _arrow_records(data)
    assert split.lines == count_lines(io.BytesIO(data)).lines


def test_summary_explains_the_lines(tmp_path):
    raw = _extract(tmp_path, [_row(1), "", _row(2)])
    messages: list[str] = []
    run_clean(raw, tmp_path / "out", echo=messages.append)
    assert any("3 lines = 2 rows + 1 blank" in m for m in messages), messages
    summary = json.loads((tmp_path / "out" / "ingest_summary.json").read_text())
    assert summary["tables"]["contacts"]["raw_lines"] == 3


@given(st.lists(st.sampled_from([b"a", b"b", b",", b'"', b'""', b"\n", b"\r\n", b"\r", b" "]), min_size=1, max_size=40))
@settings(max_examples=500, deadline=None)
def test_records_match_arrow_on_any_bytes(tokens):
    data = b"h1,h2\n" + b"".join(tokens)
    split = split_records(data, ",", max_lines=10**6)
    assert split.lines == count_lines(io.BytesIO(data)).lines
    assert split.lines == (len(split.starts) + len(split.unbalanced) + split.blank + split.continuation
                           + split.header_lines - 1)
    if not split.unbalanced:
        try:
            expected = _arrow_records(data)
        except Exception:  # Arrow refuses some inputs outright; then there is nothing to compare
            return
        assert len(split.starts) == expected
