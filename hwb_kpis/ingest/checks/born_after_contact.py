"""Rule born_after_contact: a child born after the contact about them."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule
from hwb_kpis.ingest.dates import IMPOSSIBLE


@rule(code="born_after_contact", order=80, reason=f"{IMPOSSIBLE} (born after contact)", tables=("contacts",))
def find(rows):
    """``child_dob`` is after ``contact_date``."""
    yield "child_dob", (rows.dates("child_dob") > rows.dates("contact_date")).fillna(False)
