"""Backtest of the statistics over seeds (issue 18, "Done when"): page 04's models recover what
the synthetic generator planted and report nothing it did not plant, on the default seed and
seeds 1-5 (the figures README "Statistics" quotes: ``python -m tests.backtests.seeds``)."""

from __future__ import annotations

import pytest

from tests.backtests import seeds

pytestmark = pytest.mark.slow  # writes and cleans six synthetic extracts (about 30 s alone)


@pytest.fixture(scope="module")
def results():
    return seeds.seed_results()


def test_every_planted_mechanism_is_covered_by_its_95_percent_interval_in_5_of_6_seeds(results):
    table = seeds.summary(results)
    assert len(table) == len(seeds.PLANTED) and (table["seeds"] == 6).all()
    assert (table["covered"] >= 5).all(), table.to_string()


def test_null_terms_are_reported_as_findings_in_at_most_5_percent_of_term_seed_pairs(results):
    found, pairs = seeds.null_rate(results)
    assert pairs >= 36  # 7 null terms x 6 seeds, the audit's 42 less any level too small to fit
    assert found / pairs <= 0.05, [r.nulls[r.nulls["finding"]] for r in results]


def test_the_headline_repeat_trend_falls_as_planted_in_every_seed(results):
    assert all(r.trend_falls for r in results), [r.trend_sentence for r in results]


def test_trend_only_series_are_called_over_dispersed_in_at_most_10_percent_of_runs():
    rates = seeds.trend_only_flag_rate()
    assert all(rate <= 0.10 for rate in rates.values()), rates
