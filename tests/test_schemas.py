"""Pandera contracts: the reader's output meets the raw contract; the processed contract rejects
what must never be written (raw ids, unknown outcomes, invalid codes)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.errors
import pytest

from hwb_kpis import schemas
from hwb_kpis.ingest import CONTACTS, LOOKED_AFTER, Mapping, read_table

FIXTURES = Path(__file__).parent / "data" / "ingest"


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
