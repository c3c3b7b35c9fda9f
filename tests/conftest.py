"""Shared test fixtures (paths and helpers: :mod:`tests.support`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import DFE_DIR, require_shared

#: fixtures, not tests: nbval (``--nbval-lax``) must not run the deliberately failing notebooks there
collect_ignore = ["data"]


@pytest.fixture(scope="session")
def dfe_dir() -> Path:
    return require_shared(DFE_DIR)


@pytest.fixture(autouse=True)
def _print_in_process(request, monkeypatch):
    """Builds in quick tests print their tiny PDF in the test's own process (starting a printing
    process for each build costs seconds); real packs (slow tests) print as ``hwb-kpis report``
    does, in a process of its own."""
    if request.node.get_closest_marker("slow") is None:
        from hwb_kpis.report import pdf

        monkeypatch.setattr(pdf, "SEPARATE_PROCESS", False)
