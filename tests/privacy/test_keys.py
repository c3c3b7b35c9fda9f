"""Key handling (hwb_kpis/privacy/pseudonym.py and the pipeline): one rule for every key (at least
16 bytes), key files outside the project judged from the project (not the current folder) and
readable by their owner only, and a fingerprint of the key that makes a change of key re-clean."""

from __future__ import annotations

import json
import shutil
import tempfile

import pandas as pd
import pytest

from hwb_kpis import pipeline
from hwb_kpis.errors import HwbKpisError, PseudonymKeyError
from hwb_kpis.privacy import DEMO_KEY, PseudonymKey, resolve_key
from hwb_kpis.privacy.pseudonym import key_fingerprint
from tests.support import ROOT, TEST_DATA


@pytest.fixture(autouse=True)
def no_key_in_env(monkeypatch):
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("HWB_KPIS_PSEUDONYM_KEY_FILE", raising=False)
    monkeypatch.delenv("HWB_KPIS_HOME", raising=False)


def _key_file(path, value: str = "0123456789abcdef0123", mode: int = 0o600):
    path.write_text(value)
    path.chmod(mode)
    return path


def test_an_environment_key_obeys_the_same_16_byte_rule_as_a_file(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "x")
    with pytest.raises(PseudonymKeyError, match="shorter than 16 bytes"):
        resolve_key(synthetic=False)
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "0123456789abcdef")
    assert resolve_key(synthetic=False).source == "env"


def test_a_key_file_inside_the_project_is_refused_whatever_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outside the project: the old check looked only here
    with tempfile.TemporaryDirectory(dir=ROOT / "data") as inside:
        key = _key_file(tmp_path.__class__(inside) / "key.txt")
        with pytest.raises(PseudonymKeyError, match="outside the project"):
            resolve_key(synthetic=False, key_file=key)


def test_a_key_file_others_can_read_is_refused(tmp_path):
    key = _key_file(tmp_path / "key.txt", mode=0o666)
    with pytest.raises(PseudonymKeyError, match=r"readable by others .*chmod 600"):
        resolve_key(synthetic=False, key_file=key)
    key.chmod(0o640)
    with pytest.raises(PseudonymKeyError, match="readable by others"):
        resolve_key(synthetic=False, key_file=key)
    key.chmod(0o600)
    assert resolve_key(synthetic=False, key_file=key).value == b"0123456789abcdef0123"


def test_the_fingerprint_is_a_keyed_hash_of_a_constant_never_the_key():
    a, b = PseudonymKey(b"a" * 20, "env"), PseudonymKey(b"b" * 20, "env")
    assert key_fingerprint(a) == key_fingerprint(PseudonymKey(b"a" * 20, "file:/x"))
    assert key_fingerprint(a) != key_fingerprint(b) != key_fingerprint(PseudonymKey(DEMO_KEY, "demo"))
    assert len(key_fingerprint(a)) == 16 and "aaaa" not in key_fingerprint(a)


def test_a_change_of_key_cleans_again_instead_of_reusing_old_pseudonyms(tmp_path, monkeypatch):
    # the defect: a rerun with another key reused the tables pseudonymised with the first one
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(TEST_DATA / "ingest", raw)
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "first-key-0123456789")
    assert pipeline.refresh_processed(processed, raw, echo=lambda m: None) == "cleaned"
    summary = json.loads((processed / "ingest_summary.json").read_text())
    assert summary["pseudonym_key_fingerprint"] == key_fingerprint(PseudonymKey(b"first-key-0123456789", "env"))
    assert "first-key" not in (processed / "ingest_summary.json").read_text()
    first = pd.read_parquet(processed / "contacts.parquet")["child_id"]
    assert pipeline.refresh_processed(processed, raw, echo=lambda m: None) == "reused"
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "second-key-0123456789")
    messages: list[str] = []
    assert pipeline.refresh_processed(processed, raw, echo=messages.append) == "cleaned"
    assert any("another pseudonymisation key" in m for m in messages)
    assert not set(first) & set(pd.read_parquet(processed / "contacts.parquet")["child_id"])
    # without the raw extract there is nothing to clean again from: stop and say why
    for f in raw.iterdir():
        f.unlink()
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "third-key-0123456789")
    with pytest.raises(HwbKpisError, match="another pseudonymisation key.*put the raw extract back"):
        pipeline.refresh_processed(processed, raw, echo=lambda m: None)
