"""Pseudonymisation (hwb_kpis/privacy/pseudonym.py): key handling, keyed BLAKE2b, one process or two."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.errors import PseudonymKeyError
from hwb_kpis.privacy import DEMO_KEY, PseudonymKey, pseudonymise, resolve_key
from hwb_kpis.privacy import pseudonym as privacy


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
    inside.chmod(0o600)
    with pytest.raises(PseudonymKeyError, match="outside the project"):
        resolve_key(synthetic=False, key_file=inside)
    outside = tmp_path / "key.txt"
    outside.write_text("0123456789abcdef0123\n")
    outside.chmod(0o600)
    key = resolve_key(synthetic=False, key_file=outside)
    assert key.value == b"0123456789abcdef0123" and key.source.startswith("file:")
    short = tmp_path / "short.txt"
    short.write_text("abc")
    short.chmod(0o600)
    with pytest.raises(PseudonymKeyError, match="shorter than 16"):
        resolve_key(synthetic=False, key_file=short)


def test_pseudonyms_are_keyed_blake2b_stable_and_key_dependent():
    ids = pd.Series(["123", " 123 ", "456", None], dtype="string")
    a = pseudonymise(ids, PseudonymKey(b"k" * 20, "env"))
    b = pseudonymise(ids, PseudonymKey(b"k" * 20, "env"))
    c = pseudonymise(ids, PseudonymKey(b"j" * 20, "env"))
    expected = hashlib.blake2b(b"123", key=b"k" * 20, digest_size=8).hexdigest()
    assert a.iloc[0] == expected and a.iloc[1] == expected  # spaces stripped: same child
    assert a.tolist()[:3] == b.tolist()[:3]  # stable month to month with the same key
    assert not set(a.dropna()) & set(c.dropna())  # another key: other pseudonyms
    assert pd.isna(a.iloc[3])
    assert pseudonymise(ids, DEMO_KEY, prefix="c").iloc[2].startswith("c")


def test_long_keys_are_hashed_to_64_bytes_first():
    long_key = b"x" * 100
    ids = pd.Series(["123"], dtype="string")
    expected = hashlib.blake2b(b"123", key=hashlib.blake2b(long_key, digest_size=64).digest(), digest_size=8)
    assert pseudonymise(ids, long_key).iloc[0] == expected.hexdigest()
    assert pseudonymise(ids, b"x" * 64).iloc[0] != pseudonymise(ids, b"x" * 65).iloc[0]


@pytest.mark.parametrize("prefix", ["", "c", "é"])
def test_every_row_and_each_distinct_id_give_the_same_pseudonyms(prefix):
    ids = pd.Series([" 7", "8", None, "7", "", "naïve", None, "8"], dtype="string", index=range(10, 18))
    per_row = pseudonymise(ids, DEMO_KEY, prefix=prefix, distinct=False)
    per_id = pseudonymise(ids, DEMO_KEY, prefix=prefix)
    pd.testing.assert_series_equal(per_row, per_id)
    assert per_row.index.tolist() == list(range(10, 18))
    assert per_row.isna().tolist() == [False, False, True, False, False, False, True, False]
    assert per_row.iloc[0] == per_row.iloc[3] and per_row.iloc[1] == per_row.iloc[7]
    assert per_row.dropna().str.fullmatch(prefix + "[0-9a-f]{16}").all()


def test_two_processes_give_the_same_pseudonyms_as_one(monkeypatch):
    ids = pd.Series([f"id{i}" for i in range(3000)], dtype="string")
    one = pseudonymise(ids, DEMO_KEY, distinct=False)
    monkeypatch.setattr(privacy, "_PARALLEL_MIN", 10)
    monkeypatch.setattr(privacy, "_cpus", lambda: 2)  # the forked path even on a one-CPU runner
    forks = []
    real_fork = privacy.os.fork
    monkeypatch.setattr(privacy.os, "fork", lambda: forks.append(1) or real_fork())
    two = pseudonymise(ids, DEMO_KEY, distinct=False)
    assert forks == [1]
    pd.testing.assert_series_equal(one, two)
    assert one.iloc[2999] == hashlib.blake2b(b"id2999", key=DEMO_KEY, digest_size=8).hexdigest()


def test_digests_and_missing_flags_must_have_the_same_length():
    digests = privacy.keyed_digests(pd.Series(["1", "2"], dtype="string"), DEMO_KEY)
    with pytest.raises(ValueError, match="1 values for 2 digests"):
        privacy.pseudonyms_from_digests(digests, missing=np.array([True]))
