"""Repeated records (hwb_kpis/ingest/duplicates.py): exact copies found with or without key numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb_kpis.ingest.duplicates import exact_duplicates
from hwb_kpis.privacy import DEMO_KEY


@pytest.mark.parametrize("numbers", ["digests", None])
def test_repeated_contact_ids_are_found_with_or_without_key_numbers(numbers):

    from hwb_kpis.privacy import keyed_digests

    data = pd.DataFrame({
        "contact_id": pd.array(["a", "b", "a", "c", "b", "d", "a"], dtype="string"),
        "outcome": pd.array(["nfa", "nfa", "nfa", "nfa", "advice", "nfa", "nfa"], dtype="string"),
    })
    key_numbers = {"digests": keyed_digests(data["contact_id"], DEMO_KEY).view("<u8").ravel(),
                   None: None}[numbers]
    dup, repeated = exact_duplicates(data, ["contact_id", "outcome"], "contact_id", key_numbers)
    assert repeated.tolist() == [True, True, True, False, True, False, True]
    assert dup.tolist() == [False, False, True, False, False, False, True]  # exact copies after the first


def test_two_different_keys_with_one_number_are_a_collision():
    """The numbers are the pseudonyms' digests: two different contact ids sharing one would become
    one contact, so it is an error naming the first row of each (never a silent merge)."""
    import numpy as np

    from hwb_kpis.privacy.pseudonym import IdCollision

    data = pd.DataFrame({"contact_id": pd.array(["a", "b", "a", "c"], dtype="string"),
                         "outcome": pd.array(["nfa"] * 4, dtype="string")})
    with pytest.raises(IdCollision) as caught:
        exact_duplicates(data, ["contact_id", "outcome"], "contact_id", np.array([7, 1, 7, 7], dtype=np.uint64))
    assert caught.value.positions == (0, 3)
