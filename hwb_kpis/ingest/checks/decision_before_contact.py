"""Rule decision_before_contact: a contact decided before it was made."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import rule
from hwb_kpis.ingest.dates import IMPOSSIBLE


@rule(code="decision_before_contact", order=70, reason=f"{IMPOSSIBLE} (decision before contact)",
      tables=("contacts",))
def find(rows):
    """``decision_date`` is before ``contact_date``."""
    yield "decision_date", (rows.dates("decision_date") < rows.dates("contact_date")).fillna(False)
