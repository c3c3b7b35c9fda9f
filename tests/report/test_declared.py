"""What the analyst declares (hwb_kpis.report.declared): changes.yml and targets.yml, where they
are read from, and that the package declares nothing as fact for real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from hwb_kpis import config
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.report import declared


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_package_declares_nothing_and_the_demo_declares_its_planted_redesign():
    assert declared.read_changes(config.REFERENCE_DIR / "changes.yml") == ()
    assert declared.read_targets(config.REFERENCE_DIR / "targets.yml") == ()
    real = declared.verdict_rules(None, synthetic=False)
    assert real.changes == () and real.targets == () and real.changes_origin.kind == "reference"
    demo = declared.verdict_rules(None, synthetic=True)
    assert [(c.kpi, c.month) for c in demo.changes] == [("iha_within_28_days", "2015-01")]
    assert [(t.kpi, t.value) for t in demo.targets] == [("iha_within_28_days", 0.9)]
    assert demo.targets_origin.kind == "demo" and "not a real one" in declared.targets_note(demo)
    assert "No targets are set" in declared.targets_note(real) and "No change" in declared.changes_note(real)


def test_the_analysts_own_files_win_even_on_synthetic_data(tmp_path):
    folder = write(tmp_path / "settings", "targets.yml",
                   "targets:\n  - kpi: repeat_contacts\n    target: 45%\n    group: health\n    source: HWB, March 2016\n")
    rules = declared.verdict_rules(folder, synthetic=True, maturing_share=0.1)
    assert rules.targets == (declared.Target("repeat_contacts", 0.45, "health", "HWB, March 2016"),)
    assert rules.targets_origin == declared.Origin("settings", (folder / "targets.yml").resolve())
    assert rules.changes_origin.kind == "demo"  # no changes.yml of their own: the demo's, as the data are synthetic
    assert rules.maturing_share == 0.1 and rules.target_for("repeat_contacts", "health").value == 0.45
    assert rules.target_for("repeat_contacts", "all") is None
    assert declared.targets_note(rules) == ("Targets come from the targets the board agreed (the pack's settings): Repeat contacts "
                                            "(health) (HWB, March 2016).")


def test_changes_apply_to_every_group_unless_one_is_named(tmp_path):
    folder = write(tmp_path, "changes.yml", "changes:\n  - {kpi: conversion, month: 2015-02, what: new threshold}\n"
                   "  - {kpi: conversion, month: 2014-06, what: police triage, group: police}\n")
    rules = declared.verdict_rules(folder)
    assert [c.month for c in rules.changes_for("conversion", "police")] == ["2014-06", "2015-02"]
    assert [c.what for c in rules.changes_for("conversion", "all")] == ["new threshold"]
    assert "Contacts progressed to referral from February 2015: new threshold" in declared.changes_note(rules)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("changes.yml", "changes:\n  - {kpi: nope, month: 2015-01, what: x}\n", "entry 1: kpi 'nope' is not a KPI"),
    ("changes.yml", "changes:\n  - {kpi: conversion, month: 2015/01, what: x}\n", "month '2015/01' is not YYYY-MM"),
    ("changes.yml", "changes:\n  - {kpi: conversion, month: 2015-01}\n", "say what changed"),
    ("changes.yml", "changes: {kpi: conversion}\n", "expected a list under 'changes:'"),
    ("changes.yml", "changes:\n  - conversion\n", "entry 1 under 'changes:' is not"),
    ("changes.yml", "changes: [\n", "cannot read it"),
    ("targets.yml", "targets:\n  - {kpi: marf, target: 120%}\n", "a rate's target is a share from 0 to 1"),
    ("targets.yml", "targets:\n  - {kpi: contacts, target: lots}\n", "target 'lots' is not a number"),
    ("targets.yml", "targets:\n  - {kpi: contacts, target: -3}\n", "is below zero"),
    ("targets.yml", "targets:\n  - {kpi: marf}\n", "no 'target:'"),
    ("targets.yml", "targets:\n  - {kpi: marf, target: 0.3}\n  - {kpi: marf, target: 0.4}\n", "a second target"),
])
def test_a_bad_entry_is_a_one_line_error_naming_file_and_entry(tmp_path, name, text, message):
    path = write(tmp_path, name, text) / name
    read = declared.read_changes if name == "changes.yml" else declared.read_targets
    with pytest.raises(HwbKpisError, match=message) as err:
        read(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_maturing_share_is_checked():
    with pytest.raises(HwbKpisError, match="maturing_share"):
        declared.verdict_rules(None, maturing_share=1.2)
