"""Ofsted Annex A workbooks as published (hwb_kpis/ingest/formats/annex_a.py): the lists are read
whatever shape the workbook takes (suffixed sheet names, title rows, headers without spaces,
dates as text), letter-prefixed labels become codes and values, columns the KPIs do not need are
never read, and what Annex A lacks is said in its own words."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb_kpis.ingest import Mapping, formats, parse_dates
from hwb_kpis.ingest import excel_file as excel
from hwb_kpis.ingest.formats.annex_a import ANNEX_A_FORMAT
from hwb_kpis.ingest.values import map_values
from tests.ingest.annex_a import write_annex_a
from tests.support import REALFORMAT_DIR, require_shared

SHAPES = {
    "as specified": {},
    "suffixed sheets, title rows": {"sheets": {"Cover": None, "List 1 - Contacts": "contacts",
                                               "List 3 - Referrals": "referrals",
                                               "List 8 - Children in Care": "looked_after"}, "title_rows": 3},
    "no-space headers, text dates": {"compact": True, "text_dates": True},
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_shape_reads_to_the_same_contract_columns(tmp_path, shape):
    write_annex_a(tmp_path / "Annex A.xlsx", **SHAPES[shape])
    assert formats.detect(tmp_path, Mapping()) is ANNEX_A_FORMAT
    raws = ANNEX_A_FORMAT.read(tmp_path, Mapping())
    assert list(raws) == ["contacts", "referrals", "looked_after"]
    contacts, referrals, looked_after = raws.values()
    assert contacts.columns_present == ("child_id", "contact_date", "source_code", "child_dob", "gender")
    assert referrals.columns_present == ("child_id", "referral_date", "source_code", "nfa")
    assert looked_after.columns_present == ("child_id", "period_start")
    assert contacts.data["child_id"].tolist() == ["A100", "A100", "B200", "B200", "C300", "C300", "D400", "D400"]
    assert contacts.data["source_code"].iloc[4] == "p1) 5D: LA services"
    offset = SHAPES[shape].get("title_rows", 0)
    assert contacts.data["source_row"].tolist() == list(range(2 + offset, 10 + offset))  # sheet rows, title rows counted
    dates = parse_dates(contacts.data["contact_date"])[0]
    assert dates.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2015-09-01", "2015-10-10"]


def test_columns_the_kpis_do_not_need_are_never_read(tmp_path, monkeypatch):
    """Workers, teams, ethnicity, postcodes, last health assessments: never turned into values."""
    write_annex_a(tmp_path / "Annex A.xlsx")
    seen = []
    real = excel._cell_text
    monkeypatch.setattr(excel, "_cell_text", lambda v: seen.append(v) or real(v))
    raws = ANNEX_A_FORMAT.read(tmp_path, Mapping())
    text = " ".join(str(v) for v in seen[40:])  # after the header rows
    for never in ("Worker One", "Duty Team 2", "WBRI", "HP1 1AA", "N1 - Abuse or Neglect"):
        assert never not in text
    for raw in raws.values():
        assert not {"allocated_worker", "ethnicity", "date_of_last_health_assessment"} & set(raw.data.columns)


def test_annex_a_labels_are_read_as_values():
    gender = map_values(pd.Series(["a) Male", "b) Female", "Female", "c) Not stated/recorded", "d) Neither"]),
                        "gender", Mapping())
    assert gender.tolist() == ["male", "female", "female", "unknown", "other"]
    nfa = map_values(pd.Series(["a) Yes", "b) No", "c) Unknown", "Yes", "No", "true", "0"]), "nfa", Mapping())
    assert nfa.tolist() == ["yes", "no", "unknown", "yes", "no", "yes", "no"]


def test_what_annex_a_lacks_is_said_in_its_own_words():
    absent = ANNEX_A_FORMAT.absent
    assert absent["looked_after.iha_date"].startswith("Annex A List 8 holds the date of the last health assessment")
    assert "Multi Agency Referral Form" in absent["contacts.marf"]
    assert formats.absent_reason(ANNEX_A_FORMAT, "referrals") == "the Annex A workbook has no List 3 (referrals)"


def test_a_mapping_chooses_the_sheets_of_an_annex_a_export(tmp_path):
    """The issue's failing mapping: one `excel: sheet:` per table."""
    write_annex_a(tmp_path / "export.xlsx", sheets={"Contacts this year": "contacts", "Children in care": "looked_after",
                                                    "Other": None})
    path = tmp_path / "m.yml"
    path.write_text("excel:\n  sheet: {contacts: Contacts this year, looked_after: Children in care}\n")
    from hwb_kpis.ingest import load_mapping

    mapping = load_mapping(path)
    located = ANNEX_A_FORMAT.locate_lists(tmp_path, mapping)
    assert {t: w.sheet for t, w in located.items()} == {"contacts": "Contacts this year",
                                                        "looked_after": "Children in care"}


def test_the_shared_liia_tools_sample_reads(tmp_path):
    sample = require_shared(REALFORMAT_DIR / "annex_a_liia_tools.xlsx")
    raws = ANNEX_A_FORMAT.read(sample.parent, Mapping())
    assert {name: raw.raw_rows for name, raw in raws.items()} == {"contacts": 5, "referrals": 6, "looked_after": 5}
    assert set(raws["referrals"].data["nfa"]) == {"No"}
    assert "q) 6: Police" in set(raws["contacts"].data["source_code"])
