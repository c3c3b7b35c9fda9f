"""Threshold training (hwb_kpis.report.training) and its words (hwb_kpis.report.verdict)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.report import training
from hwb_kpis.report.verdict import training_sentence


def test_read_training_takes_groups_codes_and_uk_dates(tmp_path):
    path = tmp_path / "training.csv"
    path.write_text("Agency,Date,What\npolice,2015-03-01,All officers\n3e,15/05/2015,A&E staff\n,,\n", encoding="utf-8")
    lines = training.read_training(path)
    assert [(t.agency.id, t.month, t.what) for t in lines] == [("police", "2015-03", "All officers"),
                                                                 ("3E", "2015-05", "A&E staff")]


@pytest.mark.parametrize("text,where", [
    ("agency,date,what\nChief Constable Smith,2015-03-01,x\n", "line 2, column agency"),
    ("agency,date,what\npolice,soon,x\n", "line 2, column date"),
    ("who,when\npolice,2015-03-01\n", "line 1: no column 'agency'"),
])
def test_a_bad_training_line_is_named_without_echoing_it(tmp_path, text, where):
    path = tmp_path / "training.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HwbKpisError) as err:
        training.read_training(path)
    assert where in str(err.value) and str(path) in str(err.value)
    assert "Smith" not in str(err.value) and "soon" not in str(err.value)


def test_the_package_template_declares_nothing_and_the_demo_is_for_synthetic_data_only(tmp_path):
    assert training.read_training(training.training_origin(tmp_path, False).path) == []
    assert training.training_origin(tmp_path, True).kind == "demo"
    (tmp_path / "training.csv").write_text("agency,date,what\nschools,2015-01-01,x\n", encoding="utf-8")
    assert training.training_origin(tmp_path, True).kind == "settings"


def _results(p_levels, lows, highs, measure="conversion"):
    n = len(p_levels)
    return pd.DataFrame({"agency": [f"a{i}" for i in range(n)], "measure": measure, "status": "fitted",
                         "level_p": p_levels, "level_low": lows, "level_high": highs, "slope_p": 0.9,
                         "slope_low": 0.9, "slope_high": 1.1})


def test_the_board_says_no_training_is_recorded_in_plain_words(tmp_path):
    """Real data without a training file: the board summary says so without naming the file
    (the file's name and how to fill it are for analysts: agency pages and docs)."""
    import re

    sentences = training.board_sentences(pd.DataFrame(), view="recoded", month="2015-11", settings_dir=tmp_path,
                                         synthetic=False)
    assert sentences == [training.BOARD_NONE_RECORDED]
    assert not re.search(r"\.csv\b|settings|\b[1-9][A-F]\b", sentences[0])
    assert "training.csv" in training.HOW_TO_ADD  # the agency pages keep the how-to


def test_a_change_is_named_only_when_its_interval_excludes_none_and_it_survives_the_fdr():
    r = training.named_changes(_results([0.001, 0.03, 0.04, 0.6], [1.2, 1.01, 1.01, 0.8], [1.9, 1.5, 1.6, 1.3]))
    # BH q: 0.004, 0.053, 0.053, 0.6 -> only the first survives although three intervals exclude 1
    assert r["level_excludes"].tolist() == [True, True, True, False]
    assert r["level_named"].tolist() == [True, False, False, False]
    assert not r["slope_named"].any()
    alone = training.named_changes(_results([0.03], [1.01], [1.5]))
    assert alone["level_named"].tolist() == [True]


def _row(**kw):
    row = {"status": "fitted", "n_before": 23, "n_after": 8, "min_before": 6, "min_after": 6, "level_pp": 6.2,
           "level_pp_low": 1.1, "level_pp_high": 11.6, "level_named": True, "level_excludes": True,
           "slope_named": False, "slope_odds_ratio": 1.0}
    row.update(kw)
    return row


def test_training_sentences_follow_the_style_guide():
    named = training_sentence("Police", "March 2015", "the share progressed", _row())
    assert "rose by about 6 percentage points" in named and "95% interval +1 to +12 points" in named
    assert "23 months before and 8 from March 2015 on" in named and "not a forecast" in named
    chance = training_sentence("Police", "March 2015", "the share progressed", _row(level_named=False))
    assert "could be chance" in chance and "rose" not in chance
    none = training_sentence("Police", "March 2015", "the share progressed",
                             _row(level_named=False, level_excludes=False, level_pp=-2.0, level_pp_low=-8.0))
    assert "no clear change" in none and "consistent with no change" in none and "\u22128" in none
    few = training_sentence("Police", "March 2015", "the share progressed",
                            _row(status="too few months", n_before=4, n_after=2))
    assert "cannot yet be compared" in few and "at least 6 months before and 6 from it on" in few


def test_fit_training_on_the_default_data_recovers_the_planted_police_change():
    from hwb_kpis import kpis
    from hwb_kpis.demo.calibration import TRAINING
    from hwb_kpis.report.data import ensure_processed

    tables = ensure_processed("data/processed", "data/raw", echo=lambda _: None)
    lines = training.read_training(training.DEMO_TRAINING)
    fit = training.fit_training(kpis.flag_repeats(tables["contacts"]), lines, view="recoded", month="2015-10")
    police = fit[(fit["agency"] == "police") & (fit["measure"] == "conversion")].iloc[0]
    planted = np.exp(next(t["conversion_logit"] for t in TRAINING if t["agency"] == "police"))
    assert police["level_low"] <= planted <= police["level_high"]
    assert set(fit["measure"]) == {"conversion", "repeat_contacts"} and (fit["status"] == "fitted").all()


def test_too_few_months_is_said_not_fitted():
    from hwb_kpis import kpis
    from tests.kpis.fixtures import make_contacts

    c = make_contacts([(f"k{i}", f"2015-{m:02d}-0{1 + i % 5}", "nfa" if i % 3 else "referral", "6" if i % 2 else "2A")
                       for m in range(1, 10) for i in range(12)])
    lines = [training.Training(training.agency("police"), pd.Timestamp("2015-07-01"), "x")]
    fit = training.fit_training(kpis.flag_repeats(c), lines, view="recoded", month="2015-09")
    assert fit["status"].tolist() == ["too few months", "too few months"]
    assert fit["n_after"].tolist()[0] == 3
