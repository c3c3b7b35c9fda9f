"""Rule born_long_before_contact: a birth more than 25 years (by default,
``reference/ingest_limits.yml``) before the contact: not a child of this service, or a typing slip
(1900, 1950) that would otherwise give an impossible age."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.ingest.checks.implausible_date import IMPLAUSIBLE
from hwb_kpis.ingest.checks.registry import rule
from hwb_kpis.ingest.limits import birth_window


@rule(code="born_long_before_contact", order=85, reason=f"{IMPLAUSIBLE} (born long before contact)",
      tables=("contacts",))
def find(rows):
    """``child_dob`` is more than the allowed years before ``contact_date``."""
    years_before, _ = birth_window()
    earliest = rows.dates_moved("contact_date", -pd.DateOffset(years=years_before))
    yield "child_dob", (rows.dates("child_dob") < earliest).fillna(False)
