"""Value maps (hwb_kpis/ingest/values.py): the mapping first, then reference/value_maps.yml."""

from __future__ import annotations

import pandas as pd

from hwb_kpis.ingest import Mapping, map_values


def test_outcome_and_marf_normalisation():
    outcomes = map_values(pd.Series(["NFA", " Referral ", "Early_Help", "early-help", "No Further Action", "x"]), "outcome", Mapping())
    assert outcomes.tolist()[:5] == ["nfa", "referral", "early_help", "early_help", "nfa"]
    assert pd.isna(outcomes.iloc[5])
    marf = map_values(pd.Series(["Y", "yes", "1", "TRUE", "n", "No", "0", "false"]), "marf", Mapping())
    assert marf.tolist() == ["yes"] * 4 + ["no"] * 4
