"""Each rule has one home: the small-number rule lives in ``hwb_kpis/privacy/disclosure.py`` and
the verdict words in ``hwb_kpis/report/verdict.py``; nothing else may write them again (the two
rules that drifted apart before, and gave pages that contradicted each other)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "hwb_kpis"
DISCLOSURE = PACKAGE / "privacy" / "disclosure.py"
VERDICT = PACKAGE / "report" / "verdict.py"

#: a line may compare with 4 or 5 for another reason when it says so
NOT_THE_RULE = "not the small-number rule"
VERDICT_PHRASES = re.compile(r"special[ -]cause|common[ -]cause|real change", re.I)
SMALL_WORDS = re.compile(r"<\s?5\b|fewer than (5|five)\b", re.I)


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (words about a rule, not the rule)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                out.add(id(body[0].value))
    return out


def string_constants(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = docstring_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.lineno, node.value


def small_number_comparisons(path: Path):
    """Comparisons with the literals 4 or 5 and ``between(1, 4)`` calls: how the rule is written."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for node in ast.walk(ast.parse("\n".join(lines))):
        literals = []
        if isinstance(node, ast.Compare):
            literals = [n for n in [node.left, *node.comparators] if isinstance(n, ast.Constant)]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "between":
            literals = [a for a in node.args if isinstance(a, ast.Constant)]
        if any(lit.value in (4, 5) and not isinstance(lit.value, bool) for lit in literals):
            if NOT_THE_RULE not in lines[node.lineno - 1]:
                yield node.lineno, lines[node.lineno - 1].strip()


@pytest.mark.parametrize("path", [p for p in modules() if p != DISCLOSURE], ids=lambda p: str(p.relative_to(ROOT)))
def test_the_small_number_rule_lives_only_in_disclosure(path):
    found = [(n, s) for n, s in string_constants(path) if SMALL_WORDS.search(s)]
    found += list(small_number_comparisons(path))
    assert not found, (f"{path.relative_to(ROOT)} writes the small-number rule again (ask "
                       f"hwb_kpis.privacy.disclosure instead): {found}")


@pytest.mark.parametrize("path", [p for p in modules() if p != VERDICT], ids=lambda p: str(p.relative_to(ROOT)))
def test_verdict_phrases_live_only_in_the_verdict_module(path):
    found = [(n, s) for n, s in string_constants(path) if VERDICT_PHRASES.search(s)]
    assert not found, f"{path.relative_to(ROOT)} words a verdict itself (use hwb_kpis.report.verdict): {found}"


def notebook_markdown() -> list[tuple[str, str]]:
    out = []
    for nb_path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out.append((f"{nb_path.relative_to(ROOT)}:{cell['cell_type']}", text))
    return out


def test_notebooks_write_neither_rule():
    bad = [(where, m.group(0)) for where, text in notebook_markdown()
           for m in [VERDICT_PHRASES.search(text) or SMALL_WORDS.search(text)] if m]
    assert not bad, f"notebooks write a verdict or the small-number rule by hand: {bad}"


def test_the_guard_catches_what_it_guards(tmp_path):
    """The checks above find a rule written again (so a pass means something)."""
    sample = tmp_path / "sample.py"
    sample.write_text('def f(n):\n    """fewer than 5 in a docstring is fine"""\n'
                      '    if n <= 4:\n        return "<5"\n    return "a real change"\n')
    assert [line for line, _ in small_number_comparisons(sample)] == [3]
    assert [s for _, s in string_constants(sample) if SMALL_WORDS.search(s)] == ["<5"]
    assert [s for _, s in string_constants(sample) if VERDICT_PHRASES.search(s)] == ["a real change"]
