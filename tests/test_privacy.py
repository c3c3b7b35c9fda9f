"""Privacy: small-number suppression. (Pseudonymisation: tests/privacy/test_pseudonym.py.)"""

from __future__ import annotations

import pandas as pd

from hwb_kpis.privacy import is_suppressed_ok, suppress


def test_suppression_rule():
    table = pd.DataFrame({"group": ["a", "b", "c", "d"], "numerator": [0, 3, 12, 4000],
                          "denominator": [10, 40, 4, 9000], "rate": [0.0, 0.075, 3.0, 0.444]})
    shown = suppress(table)
    assert shown["numerator"].tolist() == ["0", "<5", "12", "4,000"]
    assert shown["denominator"].tolist() == ["10", "40", "<5", "9,000"]
    assert shown["rate"].tolist() == [0.0, "*", "*", 0.444]
    assert is_suppressed_ok(shown["numerator"]) and is_suppressed_ok(shown["denominator"])
    assert not is_suppressed_ok(table["numerator"])
    internal = suppress(table, internal=True)
    pd.testing.assert_frame_equal(internal, table)
