"""Rule conflicting_contact: two contacts with the same contact_id but different content."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule

CONFLICT = "duplicate contact_id with different content"


@rule(code="conflicting_contact", order=120, reason=CONFLICT, tables=("contacts",))
def find(rows):
    """Rows share a ``contact_id`` but differ elsewhere (every such row; exact copies are dropped instead)."""
    yield rows.spec.key[0], rows.key_conflicts()
