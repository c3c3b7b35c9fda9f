"""The threshold training planted by the synthetic generator (``demo/calibration.yml``,
``training``) is recovered by the feedback pages' interrupted time series
(:func:`hwb_kpis.report.training.fit_training`) on several seeds: the planted level change lies
inside the 95% interval on at least 5 of 6 seeds, and agencies with no training show no named
change in at least 95% of (agency, seed) pairs (fitted at the trained agencies' dates)."""

from __future__ import annotations

import numpy as np
import pytest

from hwb_kpis import kpis
from hwb_kpis.demo import write_extract
from hwb_kpis.demo.calibration import DEFAULT_SEED, TRAINING
from hwb_kpis.pipeline import run_clean
from hwb_kpis.report import training
from hwb_kpis.report.feedback_agencies import feedback_agencies

pytestmark = pytest.mark.slow  # writes and cleans six extracts
SEEDS = (DEFAULT_SEED, 1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def fits(tmp_path_factory):
    example = training.read_training(training.DEMO_TRAINING)
    trained = {t.agency for t in example}
    out = {}
    for seed in SEEDS:
        raw, processed = tmp_path_factory.mktemp(f"raw{seed}"), tmp_path_factory.mktemp(f"processed{seed}")
        write_extract(raw, seed=seed, start="2013-10", echo=lambda s: None)
        run_clean(raw, processed, echo=lambda s: None)
        flagged = kpis.flag_repeats(kpis.load_processed(processed)["contacts"])
        placebo = [(a, t.date) for a in feedback_agencies() if a not in trained for t in example]
        out[seed] = training.fit_training(flagged, example, view="recoded", month="2015-10", placebo=placebo)
    return out, trained


def test_the_example_training_file_lists_the_planted_agencies_and_months():
    example = training.read_training(training.DEMO_TRAINING)
    assert [(t.agency.id, t.month) for t in example] == [(t["agency"], t["month"]) for t in TRAINING]


def test_planted_level_change_recovered_inside_its_95_percent_interval(fits):
    results, _ = fits
    for planted in TRAINING:
        odds_ratio = float(np.exp(planted["conversion_logit"]))
        inside = 0
        for seed, fit in results.items():
            row = fit[(fit["agency"] == planted["agency"]) & (fit["measure"] == "conversion") & (fit["what"] != "")]
            assert len(row) == 1 and row["status"].iloc[0] == "fitted", (seed, row)
            inside += bool(row["level_low"].iloc[0] <= odds_ratio <= row["level_high"].iloc[0])
        assert inside >= 5, (planted["agency"], inside)


def test_untrained_agencies_show_no_named_change(fits):
    results, trained = fits
    ids = {a.id for a in trained}
    pairs = named = 0
    for fit in results.values():
        placebo = fit[~fit["agency"].isin(ids) & (fit["status"] == "fitted")]
        for _, rows in placebo.groupby("agency"):
            pairs += 1
            named += bool((rows["level_named"] | rows["slope_named"]).any())
    assert pairs >= 12 * len(SEEDS) * 0.9
    assert named <= 0.05 * pairs, (named, pairs)
