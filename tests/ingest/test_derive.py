"""Derived fields (hwb_kpis/ingest/derive.py): where derived columns go, ages, months, kinds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis.ingest import CONTACTS, LOOKED_AFTER, age_band
from hwb_kpis.ingest.derive import age_years, blank_to_na, derive, output_columns, year_month
from tests.ingest.checks.support import rows_of


def test_derived_columns_follow_the_column_they_come_from():
    assert output_columns(CONTACTS) == [
        "contact_id", "child_id", "contact_date", "month", "source_code", "source_detail", "referrer_role",
        "referrer_org", "marf", "outcome", "decision_date", "dob_month", "age_years", "age_band", "gender"]
    assert output_columns(LOOKED_AFTER) == ["child_id", "period_start", "month", "consent_date",
                                            "health_notified_date", "iha_date"]


def test_age_from_the_middle_of_the_birth_month():
    dob = pd.Series(pd.to_datetime(["2010-05-01", "2010-05-31", None, "2016-01-01"]))
    at = pd.Series(pd.to_datetime(["2015-05-14", "2015-05-17", "2015-05-15", "2015-12-01"]))
    assert age_years(dob, at).tolist() == [4, 5, pd.NA, 0]  # never below 0
    assert age_band(pd.Series([0, 4, 5, 15, 16, None], dtype="Int64")).tolist() == [
        "0-4", "0-4", "5-9", "10-15", "16+", "unknown"]


def test_year_month_and_blank_text():
    assert year_month(pd.Series(pd.to_datetime(["2015-11-03", None]))).tolist() == ["2015-11", pd.NA]
    assert blank_to_na(pd.Series(["", "GP"], dtype="string")).tolist() == [pd.NA, "GP"]


def test_each_kind_is_converted():
    rows = rows_of(CONTACTS, [
        {"contact_id": "C1", "child_id": "K1", "contact_date": "03/11/2015", "outcome": "NFA", "marf": "Y",
         "gender": "Girl", "source_detail": "", "child_dob": "2009-03", "authority": "A"},
        {"contact_id": "C2", "child_id": "K1", "contact_date": "2015-11-04", "outcome": "referral", "marf": "",
         "gender": "X", "source_detail": "GP"},
    ])
    clean = derive(rows, np.array([True, True]))
    assert list(clean.columns) == [*output_columns(CONTACTS), "authority", "source_row"]
    assert clean["contact_id"].str.fullmatch(r"c[0-9a-f]{16}").all() and clean["child_id"].nunique() == 1
    assert clean["contact_date"].tolist() == [pd.Timestamp("2015-11-03"), pd.Timestamp("2015-11-04")]
    assert clean["outcome"].tolist() == ["nfa", "referral"]
    assert clean["marf"].tolist() == [True, pd.NA]
    assert clean["gender"].tolist() == ["female", "unknown"]  # unlisted: unknown, never the text
    assert clean["source_detail"].tolist() == [pd.NA, "GP"]
    assert clean["dob_month"].tolist() == ["2009-03", pd.NA] and clean["age_years"].tolist() == [6, pd.NA]
    assert clean["authority"].tolist() == ["unknown", ""] and clean["source_row"].tolist() == [2, 3]  # not a code
    assert "child_dob" not in clean.columns
