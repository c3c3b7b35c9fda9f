"""The Standard Safeguarding Dataset export (hwb_kpis/ingest/formats/ssd.py): contacts with their
outcome from cont_contact_outcome_json, referrals, periods of care with the initial health
assessment found among the health checks (the hand-made fixture's 40 of 60 on time, dental checks
on day 3 being decoys), dates of birth joined, and nothing else of ssd_person ever read."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from hwb_kpis.ingest import Mapping, formats
from hwb_kpis.ingest.formats.ssd import SSD_FORMAT
from hwb_kpis.kpis import iha_within, kpi_table, load_processed
from hwb_kpis.pipeline import run_clean
from tests.kpis.fixtures import counts
from tests.support import TEST_DATA

FIXTURE = TEST_DATA / "ssd"
KEY = "ssd-test-key-0123456789"


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    out = tmp_path_factory.mktemp("ssd")
    mp = pytest.MonkeyPatch()
    mp.setenv("HWB_KPIS_PSEUDONYM_KEY", KEY)
    mapping = out / "mapping.yml"
    mapping.write_text("values:\n  source_code: {HSERV: 3E}\n")
    said: list[str] = []
    try:
        result = run_clean(FIXTURE, out / "p", mapping_path=mapping, echo=said.append)
    finally:
        mp.undo()
    return result, out / "p", said


def test_the_export_is_detected_and_every_table_reconciles(cleaned):
    result, _, said = cleaned
    assert said[0].startswith("format: Standard Safeguarding Dataset (SSD) export (ssd, detected)")
    tables = result.summary["tables"]
    assert {n: (t["raw_rows"], t["clean_rows"], t["quarantined"]) for n, t in tables.items()} == {
        "contacts": (10, 9, 1), "referrals": (4, 4, 0), "looked_after": (75, 60, 0)}
    assert tables["looked_after"]["folded"] == 15
    assert result.summary["kpis"]["unavailable"] == {
        "marf": "the Standard Safeguarding Dataset does not record whether a contact came on a Multi Agency "
                "Referral Form"}


def test_40_of_60_initial_health_assessments_are_on_time_dental_checks_are_not_ihas(cleaned):
    _, processed, _ = cleaned
    looked_after = pd.read_parquet(processed / "looked_after.parquet")
    iha = iha_within(looked_after, as_of="2016-12-20")
    assert (int(iha["numerator"].sum()), int(iha["denominator"].sum())) == (40, 60)
    days = (looked_after["iha_date"] - looked_after["period_start"]).dt.days
    assert days.min() >= 10  # never the dental check of day 3, never a check before the period


def test_contact_outcomes_come_from_the_flags(cleaned):
    result, processed, _ = cleaned
    contacts = pd.read_parquet(processed / "contacts.parquet").sort_values("contact_date")
    assert contacts["outcome"].tolist() == ["referral", "advice", "nfa", "referral", "pending", "nfa", "early_help",
                                            "nfa", "referral"]
    assert contacts["source_code"].tolist()[1] == "3E"  # the local code HSERV, translated by the mapping
    assert result.summary["tables"]["contacts"]["quarantine_by_reason"] == {"outcome: unknown outcome": 1}
    assert contacts["dob_month"].notna().sum() == 8  # P999 is not in ssd_person


def test_the_kpis_worked_by_hand(cleaned):
    _, processed, _ = cleaned
    t = kpi_table(load_processed(processed))
    assert counts(t, "referrals", "all", "2016-02") == (1, 1)
    assert counts(t, "rereferral_12m", "all", "2016-09") == (1, 1)
    assert counts(t, "referral_nfa", "all", "2016-12") == (1, 1)
    assert counts(t, "conversion", "all", "2016-03") == (1, 2)


def test_names_and_comments_never_reach_any_output(cleaned):
    _, processed, _ = cleaned
    text = "".join(p.read_bytes().decode("latin-1") for p in processed.iterdir() if p.is_file())
    for never in ("Forename", "Surname", "Mum says", "X0000000000", "WBRI"):
        assert never not in text


def test_only_the_dob_of_ssd_person_is_ever_read(monkeypatch):
    """Forenames, surnames, UPNs: never converted by the CSV reader (not only dropped afterwards)."""
    import pyarrow.csv as pacsv

    included = []
    real = pacsv.read_csv
    monkeypatch.setattr(pacsv, "read_csv", lambda path, **kw: included.append(
        (str(path), kw["convert_options"].include_columns)) or real(path, **kw))
    SSD_FORMAT.read(FIXTURE, Mapping())
    person = [cols for path, cols in included if path.endswith("ssd_person.csv")]
    assert person and all(sorted(cols) == ["pers_dob", "pers_person_id"] for cols in person)
    contacts = [cols for path, cols in included if path.endswith("ssd_contacts.csv")]
    assert contacts and all("cont_contact_outcome_json" in cols for cols in contacts)


@pytest.mark.parametrize(("text", "outcome"), [
    (json.dumps({"NEW_REFERRAL_FLAG": "Y", "NFA_FLAG": "Y"}), "referral"),
    (json.dumps({"EXISTING_REFERRAL_FLAG": "true"}), "referral"),
    (json.dumps({"NFA_FLAG": "1", "ADVICE_FLAG": "Y"}), "nfa"),
    ('{ NEW_REFERRAL_FLAG: "", ADVICE_FLAG: "Yes" }', "advice"),  # the specification's unquoted keys
    ('{"NFA_FLAG": "Y", "COMMENTS": "said "no" twice"}', "nfa"),  # unescaped comments: not JSON
    (json.dumps({"NEW_REFERRAL_FLAG": "", "NFA_FLAG": "N"}), "pending"),
    ("", "pending"),
    ("EH Referral", "early_help"),
    ("CIN Referral", "referral"),
    (json.dumps({"MISSING_FLAG": "Y"}), "other outcome"),
    ("something else", "other outcome"),
])
def test_each_outcome_text(text, outcome):
    assert SSD_FORMAT.outcome(text) == outcome


def test_an_export_without_health_checks_says_why_iha_cannot_be_shown(tmp_path):
    for p in FIXTURE.iterdir():
        if p.name != "ssd_cla_health.csv":
            shutil.copy(p, tmp_path / p.name)
    fmt = formats.detect(tmp_path, Mapping())
    raws = formats.read_extract(fmt, tmp_path, Mapping())
    assert not raws["looked_after"].has("iha_date")
    assert "no ssd_cla_health file" in fmt.absent["looked_after.iha_date"]


def test_contacts_without_outcomes_get_none_made_up(tmp_path):
    """An export without cont_contact_outcome_json: outcomes derived from the referrals, as for
    any extract without them (never all "pending")."""
    import csv

    for p in FIXTURE.iterdir():
        shutil.copy(p, tmp_path / p.name)
    with open(FIXTURE / "ssd_contacts.csv", newline="", encoding="utf-8") as fh:
        rows = [r[:-1] for r in csv.reader(fh)]
    with open(tmp_path / "ssd_contacts.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    raws = formats.read_extract(formats.detect(tmp_path, Mapping()), tmp_path, Mapping())
    assert "outcome" in raws["contacts"].derived  # linked to ssd_cin_episodes, and said so


def test_a_missing_field_is_named_as_the_ssd_names_it(tmp_path):
    from hwb_kpis.errors import InputFileError

    (tmp_path / "ssd_cin_episodes.csv").write_text("cine_referral_id,cine_person_id\nR1,P1\n")
    with pytest.raises(InputFileError, match=r"missing required column\(s\) cine_referral_date"):
        SSD_FORMAT.read(tmp_path, Mapping())


def test_files_named_with_a_date_are_read_and_two_for_one_table_are_an_error(tmp_path):
    from hwb_kpis.errors import InputFileError

    for p in FIXTURE.glob("*.csv"):
        shutil.copy(p, tmp_path / f"{p.stem.upper()}_2016-12.csv")
    assert formats.detect(tmp_path, Mapping()) is SSD_FORMAT
    assert SSD_FORMAT.locate(tmp_path, Mapping())["contacts"].name == "SSD_CONTACTS_2016-12.csv"
    shutil.copy(FIXTURE / "ssd_contacts.csv", tmp_path / "ssd_contacts_2016-11.csv")
    with pytest.raises(InputFileError, match="more than one file for the SSD table ssd_contacts"):
        SSD_FORMAT.read(tmp_path, Mapping())
