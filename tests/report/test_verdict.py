"""SPC verdicts in words (hwb_kpis.report.verdict): the only home of the verdict phrases."""

from __future__ import annotations

import pytest

from hwb_kpis.report import verdict as vd
from tests.report.frames import spc


@pytest.mark.parametrize(
    ("ys", "special", "direction", "key"),
    [
        ([0.5] * 12 + [0.52], False, "increase", "common_cause"),
        ([0.5] * 12 + [0.9], True, "increase", "improvement"),
        ([0.5] * 12 + [0.9], True, "decrease", "concern"),
        ([0.5] * 12 + [0.1], True, "decrease", "improvement"),
        ([0.5] * 12 + [0.9], True, "neutral", "neither"),
    ],
)
def test_spc_verdict_follows_side_and_direction(ys, special, direction, key):
    verdict = vd.spc_verdict(spc(ys, special), direction)
    assert verdict["key"] == key
    assert verdict["icon"] == vd.VERDICTS[key][0]
    assert not verdict["trial"]


def test_spc_verdict_uses_variation_column_and_trial_limits():
    frame = spc([0.5] * 5 + [0.9], True)
    frame["variation"] = "special cause concern"
    verdict = vd.spc_verdict(frame, "increase")
    assert verdict["key"] == "concern" and verdict["trial"]
    assert vd.spc_verdict(spc([0.5]))["key"] == "too_few"


def test_spc_sentence_plain_words():
    s = vd.spc_sentence(spc([0.5] * 12 + [0.9], True, mean=0.5), "Repeat contacts", improvement_direction="decrease")
    assert s.startswith("🟠 Repeat contacts: special cause concern")
    assert "outside the range normal variation would give" in s and "average is 50%" in s
    assert "between 40% and 60%" in s
    counts = spc([1400.0] * 13, mean=1400.0)
    counts["lpl"], counts["upl"] = 1100.0, 1700.0
    s = vd.spc_sentence(counts, "Contacts", is_rate=False)
    assert "common cause" in s and "1,400" in s and "1,100 and 1,700" in s


def test_chart_title_states_the_verdict():
    assert vd.chart_title({"key": "common_cause"}, "Repeat contacts") == "Repeat contacts: no signal of change"
    assert vd.chart_title({"key": "concern"}, "Repeat contacts") == "Repeat contacts: a real change for the worse"


def test_icon_key_names_every_variation_icon():
    key = vd.icon_key()
    assert key.startswith(f"{vd.VERDICTS['common_cause'][0]} means the latest month is within normal variation; ")
    for name in ("improvement", "concern", "neither"):
        assert f"{vd.VERDICTS[name][0]} {vd.ICON_MEANINGS[name]}" in key
    assert key.endswith("neither direction is better.")
    assert "real change" in vd.NO_SIGNAL_CLAUSE
