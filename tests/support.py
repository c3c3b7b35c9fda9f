"""Paths and helpers shared by tests in every folder (``from tests.support import ...``). Tests
that read ``../shared/`` skip with a clear reason when it is absent (a user's clone has none)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DFE_DIR = SHARED / "data" / "dfe"
REALFORMAT_DIR = SHARED / "data" / "realformat"
TEST_DATA = Path(__file__).resolve().parent / "data"


def require_shared(path: Path) -> Path:
    """Return ``path`` or skip: ``../shared/`` (DfE statistics, third-party format samples) is only
    on the project's own machines; it is never copied into the repository."""
    if not path.exists():
        pytest.skip(f"{path} not found: ../shared/ is only present on project machines")
    return path
