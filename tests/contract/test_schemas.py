"""Pandera contracts: the reader's output meets the raw contract; the processed contract rejects
what must never be written (raw ids, unknown outcomes, invalid codes)."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pytest

from hwb_kpis.contract import schemas
from hwb_kpis.ingest import CONTACTS, LOOKED_AFTER, Mapping, read_table
from tests.support import TEST_DATA

FIXTURES = TEST_DATA / "ingest"


def test_reader_output_meets_the_raw_contract():
    schemas.RAW_CONTACTS.validate(read_table(FIXTURES / "contacts.csv", CONTACTS, Mapping()).data)
    schemas.RAW_LOOKED_AFTER.validate(read_table(FIXTURES / "looked_after.csv", LOOKED_AFTER, Mapping()).data)


def _processed_row(**overrides) -> pd.DataFrame:
    row = {
        "contact_id": "c0123456789abcdef", "child_id": "0123456789abcdef",
        "contact_date": pd.Timestamp("2015-11-03"), "month": "2015-11",
        "source_code_recorded": "2A", "source_group_recorded": "schools", "source_code": "3C",
        "source_group": "health", "recode_rule": "dsl_on_behalf_of_school_nurse", "marf": True,
        "outcome": "nfa", "decision_date": pd.Timestamp("2015-11-04"), "dob_month": "2009-03",
        "age_years": 6, "age_band": "5-9", "gender": "female", "authority": "", "source_row": 2,
    } | overrides
    frame = pd.DataFrame([row])
    for col in ["contact_id", "child_id", "month", "source_code_recorded", "source_group_recorded", "source_code",
                "source_group", "recode_rule", "outcome", "dob_month", "age_band", "gender", "authority"]:
        frame[col] = frame[col].astype("string")
    return frame.astype({"marf": "boolean", "age_years": "Int64", "source_row": "int64",
                         "contact_date": "datetime64[ns]", "decision_date": "datetime64[ns]"})


def test_processed_contract_accepts_a_good_row():
    schemas.PROCESSED_CONTACTS.validate(_processed_row())


@pytest.mark.parametrize("overrides", [
    {"child_id": "CH001"},                       # a raw id, not a pseudonym
    {"outcome": "maybe"},                        # not a canonical outcome
    {"source_code": "3G"},                       # not a DfE code
    {"decision_date": pd.Timestamp("2015-11-01")},  # decision before contact
])
def test_processed_contract_rejects(overrides):
    with pytest.raises(pandera.errors.SchemaError):
        schemas.PROCESSED_CONTACTS.validate(_processed_row(**overrides))


@pytest.mark.parametrize("overrides", [
    {"month": "2015-11\n"},          # RE2's $ is the end of the text: a trailing newline fails
    {"month": "2015-1"},
    {"dob_month": "2009-3"},
    {"source_code_recorded": "3G"},
    {"contact_id": "c0123456789ABCDEF"},
    {"contact_id": "0123456789abcdef0"},
])
def test_processed_contract_checks_every_pattern(overrides):
    with pytest.raises(pandera.errors.SchemaError, match="str_matches"):
        schemas.PROCESSED_CONTACTS.validate(_processed_row(**overrides))


def test_pattern_failures_name_the_bad_values():
    frame = pd.concat([_processed_row(), _processed_row(contact_id="c1111111111111111", month="15-11")],
                      ignore_index=True)
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schemas.PROCESSED_CONTACTS.validate(frame, lazy=True)
    cases = caught.value.failure_cases
    assert cases.loc[cases["column"] == "month", "failure_case"].tolist() == ["15-11"]
    assert cases.loc[cases["column"] == "month", "index"].tolist() == [1]


@pytest.mark.parametrize("ids", [["c0123456789abcdef", "c0123456789abcdef"], ["x1", "x1"]])
def test_contact_ids_must_be_unique_whatever_their_shape(ids):
    frame = pd.concat([_processed_row(contact_id=i) for i in ids], ignore_index=True)
    check = schemas.unique_ids("c")
    assert not bool(check(frame["contact_id"]).check_passed)
    frame["contact_id"] = pd.array(["c0123456789abcdef", "c0123456789abcdee"], dtype="string")
    assert bool(check(frame["contact_id"]).check_passed)
    schemas.PROCESSED_CONTACTS.validate(frame)


def test_duplicate_contact_ids_are_rejected_and_reported():
    frame = pd.concat([_processed_row(), _processed_row(), _processed_row(contact_id="c1111111111111111")],
                      ignore_index=True)
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schemas.PROCESSED_CONTACTS.validate(frame, lazy=True)
    cases = caught.value.failure_cases
    assert sorted(cases.loc[cases["check"].str.contains("unique"), "index"].tolist()) == [0, 1]


def test_a_clash_of_the_mixed_integers_falls_back_to_an_exact_comparison(monkeypatch):
    monkeypatch.setattr(schemas, "_MIX", 0)  # only the last 8 characters count: clashes are easy
    ids = pd.Series(["c0000000011111111", "c2222222211111111"], dtype="string")
    assert bool(schemas.unique_ids("c")(ids).check_passed)  # same last half, still unique
    same = pd.Series(["c0000000011111111", "c0000000011111111"], dtype="string")
    assert not bool(schemas.unique_ids("c")(same).check_passed)


def test_a_pattern_re2_cannot_run_fails_when_the_contract_is_written():
    with pytest.raises(Exception, match="invalid perl operator"):
        schemas.matches(r"^(?!x)[a-z]+$")
