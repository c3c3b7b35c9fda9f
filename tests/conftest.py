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
