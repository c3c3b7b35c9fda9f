"""The free text rules and the lookup match (hwb_kpis.coding.text): cleaning and patterns."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb_kpis.coding.text import TEXT_FIELDS, check_pattern, clean_text, contains
from hwb_kpis.errors import HwbKpisError


def test_clean_text_folds_typography_and_white_space():
    s = pd.Series(["  School\u2013Nurse\u00a0 team ", None, "caf\u00e9\tGP", "\u2018DSL\u2019"], dtype="str")
    assert clean_text(s).tolist() == ["School-Nurse team", "", "caf GP", "'DSL'"]


def test_contains_ignores_case():
    s = pd.Series(["NHS 111", "room 1110", ""], dtype="str")
    assert contains(s, r"\b111\b").tolist() == [True, False, False]
    assert contains(s, "nhs").tolist() == [True, False, False]


def test_check_pattern_names_where():
    assert check_pattern(r"\bGP\b", "rule 1") == r"\bGP\b"
    with pytest.raises(HwbKpisError, match="rule 1: invalid regular expression"):
        check_pattern("(", "rule 1")
    with pytest.raises(HwbKpisError, match="non-empty"):
        check_pattern("", "rule 1")
    assert TEXT_FIELDS[0] == "source_code"
