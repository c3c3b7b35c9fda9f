"""Rule born_after_contact: a birth more than a few months after the contact about the child
(10 by default, ``reference/ingest_limits.yml``: contacts about an unborn child are real)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.ingest.checks.implausible_date import IMPLAUSIBLE
from hwb_kpis.ingest.checks.registry import rule
from hwb_kpis.ingest.limits import birth_window


@rule(code="born_after_contact", order=80, reason=f"{IMPLAUSIBLE} (born long after contact)", tables=("contacts",))
def find(rows):
    """``child_dob`` is more than the allowed months after ``contact_date``."""
    _, months_after = birth_window()
    latest = rows.dates_moved("contact_date", pd.DateOffset(months=months_after))
    yield "child_dob", (rows.dates("child_dob") > latest).fillna(False)
