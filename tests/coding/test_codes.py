"""The DfE source-of-referral code list, health codes, views and code normalisation
(hwb_kpis.coding.codes)."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb_kpis.coding import (
    health_codes,
    load_reference,
    normalise_code,
    source_groups,
    view_columns,
)
from hwb_kpis.config import HEALTH_CODES
from tests.support import SHARED, require_shared


def test_reference_is_the_dfe_list_with_chart_labels():
    ref = load_reference()
    assert list(ref.columns) == ["code", "group", "label", "short_label", "health_breakdown"]
    assert len(ref) == 22 and ref["code"].is_unique
    assert ref["short_label"].str.len().gt(0).all()
    assert ref.set_index("code").loc["3C", "label"] == "Health services - school nurse"
    assert source_groups().equals(ref)


def test_reference_matches_shared_spec():
    spec = pd.read_csv(require_shared(SHARED / "spec" / "referral-source-codes.csv"), dtype="str")
    ref = load_reference()
    pd.testing.assert_frame_equal(ref[["code", "group", "label"]], spec, check_dtype=False)


def test_health_codes_and_breakdown():
    assert health_codes() == HEALTH_CODES
    breakdown = load_reference().set_index("code")["health_breakdown"]
    assert breakdown["3E"] == "A&E / NHS 111"
    assert breakdown["3D"] == "Other primary health (incl. SCAS)"
    assert breakdown[list(HEALTH_CODES)].notna().all()
    assert breakdown.drop(list(HEALTH_CODES)).isna().all()


def test_view_columns():
    assert view_columns("recoded") == ("source_code", "source_group")
    assert view_columns("recorded") == ("source_code_recorded", "source_group_recorded")
    with pytest.raises(ValueError, match="unknown view"):
        view_columns("raw")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3E", "3E"), ("3e", "3E"), (" 3E ", "3E"), ("k) 3E: Health services", "3E"),
        ("e) 2A: Schools", "2A"), ("3E - A&E", "3E"), ("3E:A&E", "3E"), ("6", "6"), ("06", "6"),
        ("6.0", "6"), ("10", "10"), ("5d", "5D"), ("a) 1A: Individual", "1A"), ("9 Anonymous", "9"),
        ("p1) 5D: LA services", "5D"), ("P1) 5D", "5D"),
        ("1", None), ("3G", None), ("3EX", None), ("11", None), ("Police", None), ("", None),
        ("  ", None), (None, None), ("A&E", None), ("2", None),
    ],
)
def test_normalise_code(raw, expected):
    out = normalise_code(pd.Series([raw], dtype="str"))
    assert (pd.isna(out.iloc[0]) if expected is None else out.iloc[0] == expected)


def test_normalise_code_keeps_index_and_length():
    s = pd.Series(["3e", None, "x", "6"], index=[7, 3, 9, 1], dtype="str", name="source_code")
    out = normalise_code(s)
    assert list(out.index) == [7, 3, 9, 1] and out.name == "source_code"
    assert out.isna().tolist() == [False, True, True, False]
