"""A KPI series and the SPC chart that suits it (hwb_kpis.report.kpi_charts)."""

from __future__ import annotations

import numpy as np

from hwb_kpis.report import kpi_charts as kc
from tests.report.frames import monthly


def test_series_leaves_out_incomplete_months_and_later_months():
    frame = monthly("repeat_contacts", "all", [500] * 24)
    frame.loc[:11, "incomplete_history"] = True
    rows = kc.series(frame, "repeat_contacts", "all", "2015-06")
    assert rows["month"].iloc[0] == "2015-01" and rows["month"].iloc[-1] == "2015-06"


def test_kpi_spc_picks_the_chart_from_the_numbers():
    counts = monthly("contacts", "all", [1400 + (i % 3) * 10 for i in range(24)])
    chart, test = kc.kpi_spc(counts, "contacts", "all", "2015-12")
    assert chart.attrs["chart"] == "xmr" and test is None
    rng = np.random.default_rng(3)
    noisy = monthly("conversion", "all", list(rng.integers(300, 700, 24)))
    chart, test = kc.kpi_spc(noisy, "conversion", "all", "2015-12")
    assert test["use_laney"] and chart.attrs["chart"] == "laney_p_prime"
    calm = monthly("conversion", "all", list(rng.binomial(1000, 0.5, 24)))
    chart, test = kc.kpi_spc(calm, "conversion", "all", "2015-12")
    assert chart.attrs["chart"] in ("p", "laney_p_prime") and chart.attrs["chart"] == ("laney_p_prime" if test["use_laney"] else "p")


def test_kpi_spc_rebases_where_asked():
    rng = np.random.default_rng(4)
    frame = monthly("conversion", "all", list(rng.binomial(1000, 0.3, 12)) + list(rng.binomial(1000, 0.6, 12)))
    chart, _ = kc.kpi_spc(frame, "conversion", "all", "2015-12", rebase_at=["2015-01"])
    assert chart["segment"].nunique() == 2
    assert chart["mean"].iloc[0] < 0.35 < 0.55 < chart["mean"].iloc[-1]


def test_overdispersion_sentences():
    assert "Laney" in kc.overdispersion_sentence({"phi": 3.0, "sigma_z": 1.8, "p_value": 1e-6, "use_laney": True})
    calm = kc.overdispersion_sentence({"phi": 0.9, "sigma_z": 0.9, "p_value": 0.6, "use_laney": False})
    assert "ordinary p-chart" in calm and "consistent with chance alone" in calm
    assert "trend or shift" in kc.overdispersion_sentence({"phi": 3.0, "sigma_z": 0.9, "p_value": 0.001, "use_laney": False})
    assert "could not be run" in kc.overdispersion_sentence(None)


def test_judged_rows_leave_out_maturing_months_and_empty_denominators():
    frame = monthly("conversion", "all", [500] * 6)
    frame.loc[2, "denominator"] = 0
    rows = kc.judged_rows(frame, "conversion", "all", exclude=["2014-06"])
    assert list(rows["month"]) == ["2014-01", "2014-02", "2014-04", "2014-05"]
    chart, test = kc.kpi_spc(frame, "conversion", "all", "2013-12")
    assert chart.empty and test is None and chart.attrs["chart"] == "p" and "upl" in chart.columns
    assert kc.kpi_spc(frame, "conversion", target=0.5)[0]["target"].eq(0.5).all()
