"""Months still maturing (hwb_kpis.report.maturing)."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.report import maturing
from tests.report.frames import monthly


def test_kpis_that_read_decisions_mature_with_the_months_pending_share():
    assert maturing.matures_with_decisions("conversion") and maturing.matures_with_decisions("repeat_contacts")
    assert not maturing.matures_with_decisions("contacts") and not maturing.matures_with_decisions("marf")
    frame = pd.concat([monthly("conversion", "all", [500] * 3), monthly("pending", "all", [0, 50, 150])])
    kind, months = maturing.maturing_months(frame, "conversion", "police")  # every group: the month's share
    assert kind == "decisions" and months == {"2014-03": 0.15}
    assert maturing.maturing_months(frame, "conversion", share=0.04)[1] == {"2014-02": 0.05, "2014-03": 0.15}
    assert maturing.maturing_months(frame, "marf") == (None, {})


def test_iha_cohorts_mature_as_their_children_become_due():
    iha = monthly("iha_within_28_days", "all", [5, 5, 1], den=10).assign(not_yet_due=[0, 1, 9])
    kind, months = maturing.maturing_months(iha, "iha_within_28_days")
    assert kind == "due" and months == {"2014-02": 1 / 11, "2014-03": 9 / 19}
