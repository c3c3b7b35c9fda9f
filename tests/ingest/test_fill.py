"""Columns the extract lacks, derived before cleaning (hwb_kpis/ingest/fill.py): contact and
referral ids as the keyed rank of identical rows, and each contact's outcome linked from the
referrals, on the hand-made Annex A lists (tests/data/annex_a/README.md works every answer)."""

from __future__ import annotations

import datetime as dt

from hwb_kpis.ingest import Mapping
from hwb_kpis.ingest.fill import fill_absent, link_outcomes
from hwb_kpis.ingest.formats.annex_a import ANNEX_A_FORMAT
from tests.ingest.annex_a import write_annex_a

TODAY = dt.date(2016, 1, 15)


def _raws(tmp_path, **shape):
    write_annex_a(tmp_path / "Annex A.xlsx", **shape)
    return ANNEX_A_FORMAT.read(tmp_path, Mapping())


def test_outcomes_linked_from_the_referrals_as_worked_by_hand(tmp_path):
    raws = _raws(tmp_path)
    fill_absent(raws, link_days=7, today=TODAY)
    contacts = raws["contacts"]
    assert contacts.data["outcome"].tolist() == [
        "referral",       # A 09-01: referred 09-03
        "not_referred",   # A 10-10: next referral 10-20, 10 days > 7
        "not_referred",   # B 10-01: no referral
        "not_referred",   # B 10-20
        "pending",        # C 11-27: within 7 days of the extract's end (11-27)
        "referral",       # C 11-25: referred the same day
        "not_referred", "not_referred",  # D 11-02, twice
    ]
    assert contacts.has("outcome") and "7 days" in contacts.derived["outcome"]


def test_the_link_window_is_a_parameter(tmp_path):
    raws = _raws(tmp_path)
    link_outcomes(raws["contacts"], raws["referrals"], link_days=10, today=TODAY)
    assert raws["contacts"].data["outcome"].tolist()[1] == "referral"  # 10 days: now within the window
    assert "10 days" in raws["contacts"].derived["outcome"]


def test_ids_are_the_keyed_rank_of_identical_rows_and_stable_across_shapes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = _raws(tmp_path / "a")
    other = _raws(tmp_path / "b", compact=True, text_dates=True, title_rows=2)
    for raws in (plain, other):
        fill_absent(raws, today=TODAY)
    ids = plain["contacts"].data["contact_id"].tolist()
    assert len(set(ids)) == 8  # D's two identical contacts differ by their rank
    assert ids[6].endswith("\x1f0") and ids[7].endswith("\x1f1") and ids[6][:-1] == ids[7][:-1]
    # dates written as text or as Excel dates give the same id: stable month to month
    assert other["contacts"].data["contact_id"].tolist() == ids
    assert plain["referrals"].data["referral_id"].nunique() == 4


def test_no_outcome_is_made_up_without_referrals(tmp_path):
    raws = _raws(tmp_path, sheets={"List 1": "contacts", "List 8": "looked_after"})
    fill_absent(raws, today=TODAY)
    assert not raws["contacts"].has("outcome") and set(raws["contacts"].data["outcome"]) == {""}
    assert raws["contacts"].has("contact_id")
