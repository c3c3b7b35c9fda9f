"""Rule missing_value: a required column left blank."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule

MISSING = "missing required value"


@rule(code="missing_value", order=20, reason=MISSING)
def find(rows):
    """A required column is blank (a column the extract does not hold at all is not checked: the
    KPIs that need it are unavailable instead)."""
    for col in rows.spec.required:
        if rows.raw.has(col):
            yield col, rows.data[col] == ""
