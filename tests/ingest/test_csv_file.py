"""Delimited text files (hwb_kpis/ingest/csv_file.py): delimiters and encodings."""

from __future__ import annotations

from hwb_kpis.ingest import CONTACTS, Mapping, read_table


def test_semicolon_delimited_and_windows_1252(tmp_path):
    text = "contact_id;child_id;contact_date;outcome;referrer_org\nC1;X1;03/11/2015;NFA;Café £5 fund\n"
    (tmp_path / "contacts.csv").write_bytes(text.encode("cp1252"))
    raw = read_table(tmp_path / "contacts.csv", CONTACTS, Mapping())
    assert raw.data["referrer_org"].iloc[0] == "Café £5 fund"
    assert any("Windows-1252" in n for n in raw.notes) and any("';'" in n for n in raw.notes)
