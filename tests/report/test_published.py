"""The pack's one disclosure plan (hwb_kpis/report/published.py): the KPI files' counts share the
pages' keys, and a build's plan is kept in the processed folder for every page to read."""

from pathlib import Path

import pandas as pd
import pytest

from hwb_kpis.privacy.disclosure import SHOWN, SMALL, WITHHELD
from hwb_kpis.report import published
from tests.report.frames import monthly


def _kpi_table() -> pd.DataFrame:
    rows = [monthly("contacts", "all", [100], start="2015-11"), monthly("contacts", "health", [3], start="2015-11"),
            monthly("contacts", "police", [97], start="2015-11"), monthly("marf", "all", [40], start="2015-11")]
    frame = pd.concat(rows, ignore_index=True)
    frame["denominator"] = 100
    frame["rate"] = frame["numerator"] / 100
    return frame


def test_the_kpi_files_counts_are_keyed_as_the_pages_key_them():
    """The KPI table's health contacts are page 00's health contacts (one key, one decision)."""
    ledger = published.kpis_ledger(_kpi_table(), "2015-11")
    assert published.count_key("contacts", "recoded", "health", "2015-11") in ledger
    assert published.kpi_keys("marf", "all", "2015-11") == (published.count_key("marf", "recoded", "all", "2015-11"),
                                                            published.count_key("contacts", "recoded", "all", "2015-11"))
    decisions = ledger.protect()
    health = published.count_key("contacts", "recoded", "health", "2015-11")
    police = published.count_key("contacts", "recoded", "police", "2015-11")
    assert decisions.status(health) == SMALL
    assert decisions.status(police) == WITHHELD  # all − police would give health away


@pytest.fixture
def processed(tmp_path) -> Path:
    (tmp_path / "contacts.parquet").write_bytes(b"not read")
    return tmp_path


def _no_plan_may_be_made(*args, **kwargs):
    raise AssertionError("the kept plan should have been read")


def test_a_build_keeps_its_plan_and_every_page_reads_it(processed, monkeypatch):
    tables = {"summary": {}, "contacts": None}
    made = published.pack_plan(tables, "2015-11", processed_dir=processed, lookback_days=400, iha_limit="20wd")
    assert (processed / published.PLAN_FILE).is_file()
    monkeypatch.setattr(published, "plan_ledger", _no_plan_may_be_made)
    # another process (another page): new tables object, no look-back or limit of its own
    read = published.pack_plan({"summary": {}}, "2015-11", processed_dir=processed)
    assert read.keys() == made.keys()


def test_a_kept_plan_is_not_used_for_other_data_or_other_parameters(processed, monkeypatch):
    published.pack_plan({"summary": {}}, "2015-11", processed_dir=processed, lookback_days=400)
    inputs = published.PlanInputs("2015-11", lookback_days=400)
    assert published.load_plan(processed, inputs) is not None
    assert published.load_plan(processed, published.PlanInputs("2015-11", lookback_days=365)) is None
    assert published.load_plan(processed, published.PlanInputs("2015-11", lookback_days=365), any_lookback=True)
    assert published.load_plan(processed, published.PlanInputs("2015-12", lookback_days=400)) is None
    (processed / "contacts.parquet").write_bytes(b"a new extract, cleaned")
    assert published.load_plan(processed, inputs) is None


def test_the_kept_plan_gives_back_every_decision(processed):
    ledger = published.kpis_ledger(_kpi_table(), "2015-11")
    decisions = ledger.protect()
    inputs = published.PlanInputs("2015-11")
    published.save_plan(decisions, processed, inputs)
    read = published.load_plan(processed, inputs)
    assert sorted(map(repr, read.keys())) == sorted(map(repr, decisions.keys()))
    for key in decisions.keys():
        assert read.status(key) == decisions.status(key) and read.planned(key) == decisions.planned(key)
    assert {read.status(k) for k in read.keys()} == {SHOWN, SMALL, WITHHELD}
