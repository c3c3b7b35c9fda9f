"""The generator's calibration data (``hwb_kpis/demo/calibration.yml`` through
``hwb_kpis.demo.calibration``): the targets the backtests check are the ones written there, and
the trends reach them in the months the seed report names."""

from __future__ import annotations

import numpy as np
import pytest

from hwb_kpis.demo import calibration as cal
from hwb_kpis.demo.calibration import Behaviour


def test_the_extract_and_calibration_month():
    assert (cal.DEFAULT_SEED, cal.DEFAULT_START, cal.DEFAULT_END) == (20151130, "2013-04", "2015-11")
    assert cal.CALIBRATION == {"month": "2015-11", "health_share": 0.17, "marf_all": 0.34, "marf_health": 0.74,
                               "conversion": 0.58, "repeat_all": 0.51, "repeat_health": 0.47}
    assert cal.IHA_COHORTS == (("2015-01", 14, 1), ("2015-10", 20, 18))
    assert len(cal.SCHOOL_SEASON) == 12 and cal.SCHOOL_SEASON[7] < 0.2  # August


def test_conversion_rises_from_december_2014_to_the_calibration_month():
    default = Behaviour("")
    assert cal.conversion_target("2014-06", default) == pytest.approx(0.29)
    assert cal.conversion_target("2014-11", default) == pytest.approx(0.30)
    assert cal.conversion_target("2014-12", default) == pytest.approx(0.31)
    assert cal.conversion_target("2015-11", default) == pytest.approx(0.58)
    rates = [cal.conversion_target(f"2015-{m:02d}", default) for m in range(1, 12)]
    assert all(b > a for a, b in zip(rates, rates[1:], strict=False))
    assert cal.conversion_target("2015-11", Behaviour("", conv_shift=0.5)) > 0.58


def test_marf_repeat_iha_and_consent_trends():
    default = Behaviour("")
    assert cal.marf_shift("2015-03", default) == -0.9 and cal.marf_shift("2015-11", default) == pytest.approx(0)
    assert cal.repeat_target("2014-12", default) == 0.56 and cal.repeat_target("2015-10", default) == pytest.approx(0.52)
    assert cal.iha_on_time_share("2013-04") == 0.35 and cal.iha_on_time_share("2014-12") == pytest.approx(0.10)
    assert cal.iha_on_time_share("2015-01") == pytest.approx(0.07) and cal.iha_on_time_share("2015-10") == 0.90
    assert cal.consent_fraction("2015-01") == 0.60 and cal.consent_fraction("2015-10") == pytest.approx(0.25)


def test_months_since():
    assert cal.months_since("2015-11", "2014-12") == 11 and cal.months_since("2014-10", "2014-12") == -2


def test_other_authorities_vary_around_the_default():
    rng = np.random.Generator(np.random.PCG64(1))
    b = cal.other_behaviour("LA002", rng)
    assert not b.calibrated and b.name == "LA002"
    assert 0.13 <= b.health_share <= 0.21 and b.volume > 0 and b.la_rate > 0
