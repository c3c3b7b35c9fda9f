"""Fixtures of the report tests (helpers: :mod:`tests.report.fakes`)."""

from __future__ import annotations

import pytest

from tests.report.fakes import FakePipeline


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> FakePipeline:
    return FakePipeline().install(monkeypatch)
