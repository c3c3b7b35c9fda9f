"""What the benchmarking page says (hwb_kpis.dfe.sentences)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hwb_kpis.dfe import comparison_sentences, figure_alt_text, la_summary


def test_comparison_sentences_are_computed(c1: Path) -> None:
    sentences = comparison_sentences(la_summary(c1, "825"), 2015)
    assert any("27.3% of referrals were re-referrals" in s and "England" in s for s in sentences)


def summary_frame() -> pd.DataFrame:
    """A hand-built la_summary frame: the authority, its region and England in 2015."""
    return pd.DataFrame({
        "year": [2015, 2015, 2015, 2014], "area": ["Oakshire", "South East", "England", "Oakshire"],
        "level": ["authority", "region", "england", "authority"],
        "referrals": pd.array([5000, 60000, 600000, 4800], dtype="Int64"),
        "rereferral_pct": [27.3, 22.0, 24.0, 25.0], "nfa_pct": [float("nan"), 10.0, 9.0, 8.0],
        "referral_rate": [480.5, 500.0, 548.3, 470.0],
    })


def test_comparison_sentences_on_a_hand_built_summary():
    sentences = comparison_sentences(summary_frame(), 2015)
    assert sentences == [
        "In 2014/15, Oakshire had 480.5 referrals per 10,000 children (compared with South East 500.0 "
        "and England 548.3).",
        "In 2014/15, 27.3% of referrals were re-referrals within 12 months in Oakshire (compared with "
        "South East 22.0% and England 24.0%).",
    ]  # the authority's missing NFA % gives no sentence
    assert comparison_sentences(summary_frame(), 2010) == ["DfE published no figures for the authority in 2009/10."]


def test_figure_alt_text_names_the_years_and_areas_in_level_order():
    text = figure_alt_text(summary_frame().iloc[::-1])
    assert "years ending 31 March 2014 to 2015" in text
    assert "one line each for Oakshire, South East, England." in text
