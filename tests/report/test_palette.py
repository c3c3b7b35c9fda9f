"""The house colours (``hwb_kpis.report.palette``) keep WCAG contrast, and are the style sheet's."""

from __future__ import annotations

import re

import pytest

from hwb_kpis.report.palette import AA_CONTRAST, PALETTE, contrast_ratio
from hwb_kpis.report.render import TEMPLATES_DIR


def test_house_palette_contrast() -> None:
    for name, (fg, bg) in PALETTE.items():
        assert contrast_ratio(fg, bg) >= AA_CONTRAST, name
    css = (TEMPLATES_DIR / "house.css").read_text(encoding="utf-8").lower()
    for fg, bg in PALETTE.values():
        assert {fg, bg} - {"#ffffff"} <= set(re.findall(r"#[0-9a-f]{6}", css))


def test_contrast_ratio_extremes() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1)
