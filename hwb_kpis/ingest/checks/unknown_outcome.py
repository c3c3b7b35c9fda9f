"""Rule unknown_outcome: an outcome that maps to none of the contract's outcomes."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule

UNKNOWN_OUTCOME = "unknown outcome"


@rule(code="unknown_outcome", order=100, reason=UNKNOWN_OUTCOME)
def find(rows):
    """An outcome column holds a value that neither the mapping nor ``reference/value_maps.yml`` knows."""
    for col in rows.spec.of_kind("outcome"):
        yield col, rows.unmapped(col)
