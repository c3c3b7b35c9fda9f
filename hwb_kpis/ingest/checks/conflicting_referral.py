"""Rule conflicting_referral: two referrals with the same referral_id but different content."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule

CONFLICT_REFERRAL = "duplicate referral_id with different content"


@rule(code="conflicting_referral", order=125, reason=CONFLICT_REFERRAL, tables=("referrals",))
def find(rows):
    """Rows share a ``referral_id`` but differ elsewhere (every such row; exact copies are dropped instead)."""
    yield rows.spec.key[0], rows.key_conflicts()
