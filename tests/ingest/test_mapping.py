"""Mapping files (hwb_kpis/ingest/mapping.py): errors name the file and the problem."""

from __future__ import annotations

import pytest

from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest import load_mapping


def test_mapping_file_errors(tmp_path):
    bad = tmp_path / "m.yml"
    bad.write_text("columns:\n  contacts:\n    Foo: not_a_column\n")
    with pytest.raises(InputFileError, match="not_a_column.*not in the data contract"):
        load_mapping(bad)
    with pytest.raises(InputFileError, match="mapping file not found"):
        load_mapping(tmp_path / "missing.yml")
