"""Pseudonym collisions (hwb_kpis/privacy/pseudonym.py): two different raw ids with one digest
would merge two children (or two contacts) silently; cleaning stops with a clear error instead.
Collisions are forced here by changing the digest of one id."""

from __future__ import annotations

import hashlib

import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app
from hwb_kpis.errors import PseudonymCollisionError
from hwb_kpis.pipeline import run_clean
from hwb_kpis.privacy import pseudonym

KEY = "collision-test-key-0001"
runner = CliRunner()
CONTACTS = "\n".join([
    "contact_id,child_id,contact_date,outcome",
    "C1,K1,2015-10-01,nfa", "C2,K2,2015-10-02,nfa", "C3,K1,2015-10-03,referral", "C4,K3,2015-10-04,nfa",
]) + "\n"


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", KEY)


def _force(monkeypatch, victim: bytes, twin: bytes) -> None:
    """Give id ``victim`` the digest of id ``twin``."""
    real = pseudonym._digests
    forced = hashlib.blake2b(twin, key=KEY.encode(), digest_size=8).digest()

    def digests(key: bytes, messages):
        out = bytearray(real(key, messages))
        for i, message in enumerate(messages.to_pylist()):
            if message == victim:
                out[8 * i: 8 * i + 8] = forced
        return bytes(out)

    monkeypatch.setattr(pseudonym, "_digests", digests)


def _raw(tmp_path, contacts: str = CONTACTS, looked_after: str = "child_id,period_start\nK1,2015-06-01\n"):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "contacts.csv").write_text(contacts)
    (raw / "looked_after.csv").write_text(looked_after)
    return raw


def test_two_children_with_one_pseudonym_stop_the_clean(tmp_path, monkeypatch):
    # the defect: with a forced collision 1,835 children became 1,834, silently
    _force(monkeypatch, b"K2", b"K1")
    with pytest.raises(PseudonymCollisionError, match=r"contacts.csv: two different child_id values share one pseudonym"):
        run_clean(_raw(tmp_path), tmp_path / "out", echo=lambda m: None)
    assert not (tmp_path / "out" / "contacts.parquet").exists()


def test_a_child_in_looked_after_colliding_with_another_in_contacts_is_found(tmp_path, monkeypatch):
    _force(monkeypatch, b"K9", b"K3")
    raw = _raw(tmp_path, looked_after="child_id,period_start\nK1,2015-06-01\nK9,2015-07-01\n")
    with pytest.raises(PseudonymCollisionError, match=r"looked_after.csv: .*child_id.*also used by another id"):
        run_clean(raw, tmp_path / "out", echo=lambda m: None)


def test_a_contact_id_collision_says_what_happened(tmp_path, monkeypatch):
    _force(monkeypatch, b"C4", b"C2")
    result = runner.invoke(app, ["clean", "--raw", str(_raw(tmp_path)), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert "two different contact_id values share one pseudonym (rows 3 and 5)" in message
    assert "keyed-hash collision" in message and "C2" not in message and "C4" not in message


def test_without_a_collision_nothing_changes(tmp_path):
    result = run_clean(_raw(tmp_path), tmp_path / "out", echo=lambda m: None)
    assert result.contacts["child_id"].nunique() == 3 and len(result.contacts) == 4
