"""The documentation a user's clone carries holds together: every relative link in README.md and
docs/ points to a file of the repository (and a ``#section`` to a heading that exists), and no doc
sends the reader to ``../shared`` or ``../seed``, which only the project's own machines have."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.support import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
#: [text](target) and ![alt](target); the target ends at whitespace or ")"
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
#: [label]: target
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)", re.M)
OUTSIDE = re.compile(r"(?:\.\./)+(?:shared|seed)\b")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def prose(text: str) -> str:
    """The text without fenced code blocks and inline code (examples there are not links)."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def links(text: str) -> list[str]:
    body = prose(text)
    return INLINE_LINK.findall(body) + REFERENCE_LINK.findall(body)


def is_external(target: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(heading)
        n = seen.get(base, 0)
        out.add(base if n == 0 else f"{base}-{n}")
        seen[base] = n + 1
    return out


def git_ignored(path: Path) -> bool:
    result = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT, capture_output=True)
    return result.returncode == 0


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_docs_are_there():
    names = {rel(p) for p in DOCS}
    for name in ["README.md", "docs/README.md", "docs/kpi-definitions.md", "docs/data-contract.md",
                 "docs/aqa/assumptions-and-caveats.md"]:
        assert name in names, name


@pytest.mark.parametrize("doc", DOCS, ids=rel)
def test_every_relative_link_points_to_a_file_of_the_repository(doc):
    broken = []
    for target in links(doc.read_text(encoding="utf-8")):
        if is_external(target):
            continue
        file_part, _, anchor = target.partition("#")
        path = (doc.parent / file_part).resolve() if file_part else doc
        if not path.is_relative_to(ROOT):
            broken.append(f"{target}: outside the repository")
        elif not path.exists():
            broken.append(f"{target}: no such file")
        elif git_ignored(path):
            broken.append(f"{target}: git-ignored, so not in a clone")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{target}: no heading #{anchor} in {rel(path)}")
    assert not broken, f"{rel(doc)}: " + "; ".join(broken)


@pytest.mark.parametrize("doc", DOCS, ids=rel)
def test_no_doc_refers_to_shared_or_seed(doc):
    found = sorted(set(OUTSIDE.findall(doc.read_text(encoding="utf-8"))))
    assert not found, (f"{rel(doc)} refers to {found}: a user's clone has no ../shared or ../seed; "
                       "describe the material in words or carry it in docs/")


def test_the_link_checker_sees_broken_links_and_anchors(tmp_path):
    """The checker itself: a link in prose is found, one in code is not, slugs match GitHub's."""
    text = "See [a](docs/a.md#the-monthly-run-analysts) and `[b](nope.md)`.\n```\n[c](x.md)\n```\n[d]: e.md\n"
    assert links(text) == ["docs/a.md#the-monthly-run-analysts", "e.md"]
    assert slug("The monthly run (analysts)") == "the-monthly-run-analysts"
    assert slug("`hwb-kpis clean` writes") == "hwb-kpis-clean-writes"
    assert OUTSIDE.findall("read ../shared/spec/x.md and ../../seed/") == ["../shared", "../../seed"]
