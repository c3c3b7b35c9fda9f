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
    assert "ordinary p-chart" in kc.overdispersion_sentence({"phi": 0.9, "sigma_z": 0.9, "p_value": 0.6, "use_laney": False})
    assert "trend or shift" in kc.overdispersion_sentence({"phi": 3.0, "sigma_z": 0.9, "p_value": 0.001, "use_laney": False})
    assert "could not be run" in kc.overdispersion_sentence(None)


def test_kpi_chart_carries_one_verdict_for_title_sentence_and_figure():
    values = [500] * 23 + [800]
    chart = kc.kpi_chart(monthly("repeat_contacts", "all", values), "repeat_contacts", "all", "2015-12")
    assert chart.label == "Repeat contacts" and chart.is_rate
    assert chart.verdict["key"] == "concern"  # fewer repeats is better: a jump up is a concern
    assert chart.title == "Repeat contacts: a real change for the worse"
    assert chart.sentence.startswith(f"{chart.verdict['icon']} Repeat contacts: ")
    assert chart.chart_choice_sentence
    fig = chart.figure(y_label="Share", as_of="30 November 2015")
    assert fig.get_suptitle() == chart.title and "Data to 30 November 2015." in fig.texts[-1].get_text()
    count = kc.kpi_chart(monthly("contacts", "all", [1400] * 24), "contacts", label="Contacts received")
    assert not count.is_rate and count.chart_choice_sentence == "" and count.test is None
    assert "1,400" in count.sentence
