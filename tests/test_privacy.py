"""Privacy: pseudonymisation key handling and small-number suppression."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from hwb_kpis.errors import PseudonymKeyError
from hwb_kpis.privacy import (
    DEMO_KEY,
    PseudonymKey,
    is_suppressed_ok,
    pseudonymise,
    resolve_key,
    suppress,
)


@pytest.fixture(autouse=True)
def no_key_in_env(monkeypatch):
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY_FILE", raising=False)


def test_real_data_without_key_stops_with_a_clear_message():
    with pytest.raises(PseudonymKeyError, match="HWB_KPIS_PSEUDONYM_KEY"):
        resolve_key(synthetic=False)


def test_demo_key_only_for_synthetic():
    assert resolve_key(synthetic=True).source == "demo"


def test_env_key_wins(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "a-long-secret-key-for-tests")
    key = resolve_key(synthetic=True)
    assert key.source == "env" and key.value == b"a-long-secret-key-for-tests"
    assert "secret" not in repr(key)


def test_key_file_must_be_outside_project(tmp_path, monkeypatch):
    monkeypatch.setenv("HWB_KPIS_HOME", str(tmp_path / "project"))
    (tmp_path / "project").mkdir()
    inside = tmp_path / "project" / "key.txt"
    inside.write_text("0123456789abcdef0123")
    with pytest.raises(PseudonymKeyError, match="outside the project"):
        resolve_key(synthetic=False, key_file=inside)
    outside = tmp_path / "key.txt"
    outside.write_text("0123456789abcdef0123\n")
    key = resolve_key(synthetic=False, key_file=outside)
    assert key.value == b"0123456789abcdef0123" and key.source.startswith("file:")
    short = tmp_path / "short.txt"
    short.write_text("abc")
    with pytest.raises(PseudonymKeyError, match="shorter than 16"):
        resolve_key(synthetic=False, key_file=short)


def test_pseudonyms_are_hmac_sha256_stable_and_key_dependent():
    ids = pd.Series(["123", " 123 ", "456", None], dtype="string")
    a = pseudonymise(ids, PseudonymKey(b"k" * 20, "env"))
    b = pseudonymise(ids, PseudonymKey(b"k" * 20, "env"))
    c = pseudonymise(ids, PseudonymKey(b"j" * 20, "env"))
    expected = hmac.new(b"k" * 20, b"123", hashlib.sha256).hexdigest()[:16]
    assert a.iloc[0] == expected and a.iloc[1] == expected  # spaces stripped: same child
    assert a.tolist()[:3] == b.tolist()[:3]  # stable month to month with the same key
    assert not set(a.dropna()) & set(c.dropna())  # another key: other pseudonyms
    assert pd.isna(a.iloc[3])
    assert pseudonymise(ids, DEMO_KEY, prefix="c").iloc[2].startswith("c")


def test_suppression_rule():
    table = pd.DataFrame({"group": ["a", "b", "c", "d"], "numerator": [0, 3, 12, 4000],
                          "denominator": [10, 40, 4, 9000], "rate": [0.0, 0.075, 3.0, 0.444]})
    shown = suppress(table)
    assert shown["numerator"].tolist() == ["0", "<5", "12", "4,000"]
    assert shown["denominator"].tolist() == ["10", "40", "<5", "9,000"]
    assert shown["rate"].tolist() == [0.0, "*", "*", 0.444]
    assert is_suppressed_ok(shown["numerator"]) and is_suppressed_ok(shown["denominator"])
    assert not is_suppressed_ok(table["numerator"])
    internal = suppress(table, internal=True)
    pd.testing.assert_frame_equal(internal, table)
