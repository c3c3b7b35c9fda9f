"""Processed ids read back as integers (hwb_kpis/contract/ids.py)."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from hwb_kpis.contract.ids import pseudonym_numbers
from hwb_kpis.privacy import DEMO_KEY, pseudonymise


@pytest.mark.parametrize("text", ["0123456789abcdeg", "0123456789ABCDEF", "0123456789abcde@",
                                  "0123456789abcde`", "0123456789abcde ", "0123456789abcde", "é123456789abcde"])
def test_pseudonym_numbers_reject_anything_but_16_lower_case_hex_digits(text):
    assert pseudonym_numbers(pd.Series([text, "ffffffffffffffff"], dtype="string")) is None
    assert pseudonym_numbers(pd.Series(["c" + text, "cffffffffffffffff"], dtype="string"), "c") is None


def test_pseudonym_numbers_values():
    s = pd.Series(["0123456789abcdef", "ffffffffffffffff", "0000000000000000"], dtype="string")
    assert pseudonym_numbers(s).tolist() == [0x0123456789ABCDEF, 0xFFFFFFFFFFFFFFFF, 0]
    assert pseudonym_numbers(s.iloc[1:]).tolist() == [0xFFFFFFFFFFFFFFFF, 0]  # sliced arrow buffer
    assert pseudonym_numbers(s.astype(object)) is None  # not arrow-backed: callers take a general path
    assert pseudonym_numbers(pd.Series(["0123456789abcdef", None], dtype="string")) is None
    prefixed = "c" + s
    assert pseudonym_numbers(prefixed, "c").tolist() == [0x0123456789ABCDEF, 0xFFFFFFFFFFFFFFFF, 0]
    assert pseudonym_numbers(prefixed.iloc[2:], "c").tolist() == [0]
    assert pseudonym_numbers(prefixed, "d") is None  # another prefix
    assert pseudonym_numbers(s, "c") is None  # prefix missing


def test_pseudonym_numbers_are_the_digest_of_pseudonymise():
    ids = pd.Series(["123", "456"], dtype="string")
    numbers = pseudonym_numbers(pseudonymise(ids, DEMO_KEY, prefix="c", distinct=False), "c")
    assert numbers.tolist() == [int.from_bytes(hashlib.blake2b(m, key=DEMO_KEY, digest_size=8).digest(), "big")
                                for m in (b"123", b"456")]
