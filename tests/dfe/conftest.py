"""The DfE files of ../shared/data/dfe/ as fixtures (tests using them skip without ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2023.csv"


@pytest.fixture(scope="module")
def c1(dfe_dir: Path) -> Path:
    return dfe_dir / C1
