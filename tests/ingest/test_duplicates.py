"""Repeated records (hwb_kpis/ingest/duplicates.py): exact copies found with or without key numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb_kpis.ingest.duplicates import exact_duplicates
from hwb_kpis.privacy import DEMO_KEY


@pytest.mark.parametrize("numbers", ["digests", "all equal", None])
def test_repeated_contact_ids_are_found_with_or_without_key_numbers(numbers):
    import numpy as np

    from hwb_kpis.privacy import keyed_digests

    data = pd.DataFrame({
        "contact_id": pd.array(["a", "b", "a", "c", "b", "d", "a"], dtype="string"),
        "outcome": pd.array(["nfa", "nfa", "nfa", "nfa", "advice", "nfa", "nfa"], dtype="string"),
    })
    key_numbers = {"digests": keyed_digests(data["contact_id"], DEMO_KEY).view("<u8").ravel(),
                   "all equal": np.zeros(len(data), dtype=np.uint64),  # every number clashes
                   None: None}[numbers]
    dup, repeated = exact_duplicates(data, ["contact_id", "outcome"], "contact_id", key_numbers)
    assert repeated.tolist() == [True, True, True, False, True, False, True]
    assert dup.tolist() == [False, False, True, False, False, False, True]  # exact copies after the first
