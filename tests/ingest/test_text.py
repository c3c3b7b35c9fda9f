"""Text normalisation (hwb_kpis/ingest/text.py): cell text trimmed and folded exactly as Python's
``str.strip`` and ``re.sub(r"\\s+", " ")`` would, header and value keys."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest

from hwb_kpis.ingest.text import clean_text, norm_header, norm_value


@pytest.mark.parametrize("values", [
    ["  a  b ", "c", ""],                     # ASCII, a double space
    ["a b", "plain"],                          # ASCII, nothing to fold
    ["\tx\u00a0\u00a0y ", "caf\u00e9  au lait", None],  # Unicode whitespace
])
def test_clean_text_is_strip_then_fold(values):
    expected = [None if v is None else re.sub(r"\s+", " ", v.strip()) for v in values]
    assert clean_text(pa.array(values, type=pa.string())).to_pylist() == expected


def test_header_and_value_keys():
    assert norm_header("\ufeff Contact  ID ") == "contact id"
    assert norm_value(" Early_Help - ") == "early help"
