"""The `hwb-kpis benchmark` command on the real DfE file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hwb_kpis.cli import app


def test_cli_benchmark_json(c1: Path) -> None:
    result = CliRunner().invoke(app, ["benchmark", "--dfe", str(c1), "--la", "E10000002", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    levels = {r["level"] for r in records}
    assert levels == {"authority", "region", "england"}
    bucks = [r for r in records if r["year"] == 2015 and r["level"] == "authority"][0]
    assert bucks["referrals"] == 5129 and bucks["rereferral_pct"] == pytest.approx(27.3)


def test_cli_benchmark_unknown_la_one_line(c1: Path) -> None:
    result = CliRunner().invoke(app, ["benchmark", "--dfe", str(c1), "--la", "E99999999"])
    assert result.exit_code == 2
    assert "E99999999" in result.output and "Traceback" not in result.output
