"""Rule unknown_yes_no: a yes/no column holding something else."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule

UNKNOWN_YES_NO = "unrecognised yes/no value"


@rule(code="unknown_yes_no", order=110, reason=UNKNOWN_YES_NO)
def find(rows):
    """A yes/no column holds a value that is neither a known yes nor a known no (blank is unknown, not wrong)."""
    for col in rows.spec.of_kind("yes_no"):
        yield col, rows.unmapped(col)
