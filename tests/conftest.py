"""Shared test fixtures. Tests that read ``../shared/`` skip with a clear reason when it is absent
(a user's clone has no ``../shared/``)."""

from __future__ import annotations

from pathlib import Path

import pytest

#: fixtures, not tests: nbval (``--nbval-lax``) must not run the deliberately failing notebooks there
collect_ignore = ["data"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DFE_DIR = SHARED / "data" / "dfe"
TEST_DATA = Path(__file__).resolve().parent / "data"


def require_shared(path: Path) -> Path:
    """Return ``path`` or skip: the DfE files live in ../shared/, which only the project's own
    machines have; they are never copied into the repository."""
    if not path.exists():
        pytest.skip(f"{path} not found: ../shared/ (DfE statistics) is only present on project machines")
    return path


@pytest.fixture(scope="session")
def dfe_dir() -> Path:
    return require_shared(DFE_DIR)
