"""No emoji anywhere in the package, the notebooks, the templates or the docs: they draw as empty
boxes on machines without an emoji font and in PDFs, and a coloured circle says its meaning by
colour alone. The verdict icons are SVG drawings (hwb_kpis.report.icons)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: pictographs and the symbol blocks emoji live in, and the emoji variation selector
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\uFE0F\u200D]")
SUFFIXES = {".py", ".ipynb", ".yml", ".yaml", ".csv", ".md", ".j2", ".css", ".html", ".txt", ".toml", ".cfg"}


def files() -> list[Path]:
    roots = [ROOT / "hwb_kpis", ROOT / "notebooks", ROOT / "docs", ROOT / "benchmarks"]
    found = [p for r in roots if r.exists() for p in r.rglob("*") if p.is_file() and p.suffix in SUFFIXES]
    return sorted([*found, ROOT / "README.md"])


@pytest.mark.parametrize("path", files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_emoji(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    hits = [(n, m.group(0)) for n, line in enumerate(text.splitlines(), 1) for m in EMOJI.finditer(line)]
    assert not hits, f"{path.relative_to(ROOT)} has emoji (line, character): {hits[:5]}"


def test_the_pattern_catches_the_old_icons():
    for icon in ("\u26aa", "\U0001F535", "\U0001F7E0", "\U0001F7E3", "\u26ab", "\u26a0\ufe0f"):
        assert EMOJI.search(icon)
    for fine in ("p\u2032", "\u2013", "\u2192", "\u2020", "\u2264", "\u00a3"):
        assert not EMOJI.search(fine)
