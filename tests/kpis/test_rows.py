"""The tidy KPI rows (hwb_kpis.kpis.rows) built from count matrices."""

from __future__ import annotations

import numpy as np

from hwb_kpis.kpis.rows import COLUMNS, empty_rows, rows_from_counts


def test_rows_from_counts_order_rate_and_flags():
    num = np.array([[1, 0], [2, 2]])
    den = np.array([[4, 0], [2, 3]])
    out = rows_from_counts("marf", ["all", "health"], np.array(["2015-01", "2015-02"]), num, den,
                           incomplete=np.array([True, False]))
    assert list(out.columns) == list(COLUMNS)
    assert out["month"].tolist() == ["2015-01", "2015-01", "2015-02", "2015-02"]
    assert out["group"].tolist() == ["all", "health", "all", "health"]
    assert out["rate"].iloc[0] == 0.25 and np.isnan(out["rate"].iloc[1])  # 0 / 0 has no rate
    assert out["incomplete_history"].tolist() == [True, True, False, False]
    assert not out["partial_period"].any() and out["limit"].isna().all()
    assert (out["period"] == "month").all()


def test_no_periods_gives_empty_rows_with_the_dtypes():
    out = rows_from_counts("marf", ["all"], np.array([]), np.zeros((0, 1)), np.zeros((0, 1)))
    assert len(out) == 0 and list(out.columns) == list(COLUMNS)
    assert out.dtypes.equals(empty_rows().dtypes)
    assert str(out["numerator"].dtype) == "int64" and str(out["kpi"].dtype) == "string"
