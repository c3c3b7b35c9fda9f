"""The notebooks' parameters have one home (``hwb_kpis.report.parameters``): the notebooks, the
build and ``hwb-kpis report`` all agree with it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from hwb_kpis.config import DEFAULT_MONTH, IHA_LIMITS, VIEWS
from hwb_kpis.report import parameters
from hwb_kpis.report.options import ReportOptions
from tests.support import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _declared(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return {s.targets[0].id: ast.literal_eval(s.value) for s in ast.parse(source).body}


def test_names_required_standard_and_extra() -> None:
    assert parameters.NAMES == {"month", "processed_dir", "raw_dir", "view", "as_of", "lookback_days",
                                "iha_limit", "internal", "reports_dir", "settings_dir", "maturing_share", "link_days", "agency",
                                "shared_file", "dfe_dir", "la_code", "comparators"}
    assert parameters.REQUIRED == ("month", "processed_dir")
    assert set(parameters.STANDARD) | set(parameters.EXTRA) == parameters.NAMES
    assert parameters.EXTRA == ("agency", "shared_file", "dfe_dir", "la_code", "comparators")
    assert parameters.DEFAULTS["month"] == DEFAULT_MONTH and parameters.DEFAULTS["internal"] is False
    assert parameters.parameter("view").choices == VIEWS and parameters.parameter("iha_limit").choices == IHA_LIMITS
    assert all(parameters.HELP[name] for name in parameters.NAMES)


def test_every_standard_parameter_comes_from_an_option() -> None:
    fields = set(ReportOptions.__dataclass_fields__)
    assert {parameters.parameter(n).option for n in parameters.STANDARD} <= fields


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_declare_known_names_with_the_defaults_here(path: Path) -> None:
    declared = _declared(path)
    assert set(declared) <= parameters.NAMES, sorted(set(declared) - parameters.NAMES)
    assert set(parameters.REQUIRED) <= set(declared)
    assert {k: v for k, v in declared.items()} == {k: parameters.DEFAULTS[k] for k in declared}


def test_extra_values_leave_out_what_was_not_asked_for(tmp_path: Path) -> None:
    assert parameters.extra_values() == {}
    assert parameters.extra_values(dfe_dir=tmp_path / "x" / "..", la_code="E06000060", comparators=("E1", "E2")) == {
        "dfe_dir": str(tmp_path), "la_code": "E06000060", "comparators": ["E1", "E2"]}
    assert parameters.extra_values(comparators=[]) == {}


def test_cli_report_options_are_the_parameters() -> None:
    """``hwb-kpis report`` offers every parameter, with the help written here."""
    import typer

    from hwb_kpis.cli import app

    options = {p.opts[0]: p for p in typer.main.get_command(app).commands["report"].params}
    for p in parameters.PARAMETERS:
        if p.name == "agency":  # the feedback page's agency: `hwb-kpis feedback --agency`
            assert "--agency" in {q.opts[0] for q in typer.main.get_command(app).commands["feedback"].params}
            continue
        if p.name == "shared_file":  # set by the feedback build for its own pages, never by hand
            assert not p.cli
            continue
        assert options[p.cli].help == p.help, p.name
        if p.option and p.name not in ("processed_dir", "raw_dir", "reports_dir", "settings_dir"):  # the CLI's folders are the project's
            default = options[p.cli].default
            assert getattr(default, "value", default) in (p.default, None), p.name
