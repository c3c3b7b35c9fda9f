"""The stage-timing hook (hwb_kpis/timings.py)."""

from __future__ import annotations

import pytest

from hwb_kpis.timings import Clock


def test_a_clock_adds_up_each_stage_and_reports_each_time():
    heard = []
    clock = Clock(lambda stage, seconds: heard.append((stage, seconds)))
    for _ in range(2):
        with clock.stage("read"):
            pass
    clock.report("write", 1.5)
    assert [s for s, _ in heard] == ["read", "read", "write"]
    assert clock.spent["read"] == pytest.approx(sum(sec for s, sec in heard if s == "read"))
    assert clock.spent["write"] == 1.5 and clock.spent["code"] == 0.0


def test_a_clock_without_a_callback_still_counts_and_a_failed_stage_is_not_reported():
    clock = Clock()
    with clock.stage("read"):
        pass
    assert clock.spent["read"] >= 0
    heard = []
    clock = Clock(lambda stage, seconds: heard.append(stage))
    with pytest.raises(RuntimeError), clock.stage("read"):
        raise RuntimeError("boom")
    assert heard == []
