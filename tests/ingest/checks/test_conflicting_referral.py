"""Rule conflicting_referral: one referral_id, two different contents."""

from hwb_kpis.contract.tables import REFERRALS
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import broken, rows_of

ROW = {"child_id": "K1", "referral_date": "2015-11-03", "source_code": "6"}


def test_every_row_of_a_conflicting_id_is_found_and_exact_copies_are_not():
    rows = rows_of(REFERRALS, [
        ROW | {"referral_id": "R1"},
        ROW | {"referral_id": "R1", "nfa": "Y"},        # conflicts with row 2
        ROW | {"referral_id": "R2"},
        ROW | {"referral_id": "R2"},                    # an exact copy: dropped, not quarantined
        ROW | {"referral_id": "R3"},
    ])
    assert broken("conflicting_referral", rows) == [(2, "referral_id"), (3, "referral_id")]
    assert rows.duplicate.tolist() == [False, False, False, True, False]


def test_reason_and_place():
    rule = RULES["conflicting_referral"]
    assert (rule.reason, rule.order, rule.tables) == ("duplicate referral_id with different content", 125,
                                                      ("referrals",))
