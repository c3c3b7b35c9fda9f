"""Redaction of free text kept as evidence (the recoding audit, the list of unknown sources):
emails, phone numbers and anything that looks like a personal name become ``[redacted]``.

The words it may keep are editable data: the ``redaction:`` section of
``reference/recoding_rules.yml`` (``known_words``, ``org_words``, ``max_chars``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from hwb_kpis.config import REFERENCE_DIR
from hwb_kpis.errors import HwbKpisError

#: the recoding rules file, whose ``redaction:`` section holds the settings
RULES_FILE = REFERENCE_DIR / "recoding_rules.yml"
REDACTED = "[redacted]"


@dataclass(frozen=True)
class Redaction:
    """Evidence redaction settings (``redaction:`` in ``recoding_rules.yml``)."""

    max_chars: int
    known_words: frozenset[str]
    org_words: frozenset[str]

    @classmethod
    def from_settings(cls, settings: dict) -> Redaction:
        """From the ``redaction:`` section of ``recoding_rules.yml``."""
        return cls(
            max_chars=int(settings.get("max_chars", 80)),
            known_words=frozenset(str(w).lower() for w in settings.get("known_words") or ()),
            org_words=frozenset(str(w).lower() for w in settings.get("org_words") or ()),
        )


def load_redaction(path: Path | str | None = None) -> Redaction:
    """The redaction settings of ``recoding_rules.yml`` (or ``path``)."""
    path = Path(path or RULES_FILE)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise HwbKpisError(f"{path}: cannot read the redaction settings ({exc})") from None
    return Redaction.from_settings(doc.get("redaction") or {})


_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44 ?(?:\(0\) ?)?\d{2,4}|\(0\d{2,4}\)|0\d{2,4})(?:[ -]?\d){6,8}(?!\d)"
    r"|(?<![\w+])\d(?:[ -]?\d){8,}(?!\d)"
)
_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Rev)\b\.?(?: +[A-Z]\.?)*(?: +[A-Z][a-zA-Z'-]+){1,2}"
)
_RANK = re.compile(
    r"\b(PC|DC|DS|Sgt|Sergeant|Constable|Inspector|Nurse|Sister|Cllr)\.? +"
    r"([A-Z][a-z'-]+(?: +[A-Z][a-z'-]+)?)"
)
_CAPS_RUN = re.compile(r"\b[A-Z][a-z]+(?:['-][A-Za-z]+)*(?: +[A-Z][a-z]+(?:['-][A-Za-z]+)*)+\b")
#: one capitalised word in mid-sentence (after a lower-case word, a digit or a comma; not beside
#: another capitalised word): ``called by Sarah from school``
_LONE_CAP = re.compile(r"(?<=[a-z0-9,)] )[A-Z][a-z]+(?:['-][A-Za-z]+)*\b(?! +[A-Z])")


def _word_key(word: str) -> str:
    return re.sub(r"'s$", "", word.lower())


def redact(text: str | None, redaction: Redaction | None = None) -> str | None:
    """Replace emails, UK phone numbers and anything that looks like a personal name by
    ``[redacted]``, then truncate to ``max_chars`` (default 80, ``…`` marks a cut).

    Names: a courtesy title and what follows (``Mrs Jane Smith``, ``Dr Patel``); the name after
    a rank or role word (``PC Jones`` → ``PC [redacted]``); two or more capitalised words none
    of which is a known word (``Jane Smith``), unless directly followed by an organisation word
    (``Oak Green School``); one capitalised word that is not a known word in mid-sentence
    (``called by Sarah`` → ``called by [redacted]``; a place name is redacted too, which is the
    safe side). A name written in lower case is not recognised."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    red = redaction or load_redaction()
    known, org = red.known_words | red.org_words, red.org_words

    def title(m: re.Match[str]) -> str:
        words = m.group(0).split()
        tail = []
        while len(words) > 2 and _word_key(words[-1]) in known:
            tail.insert(0, words.pop())
        return " ".join([REDACTED, *tail])

    def rank(m: re.Match[str]) -> str:
        names = m.group(2).split()
        if all(_word_key(w) in known for w in names):
            return m.group(0)
        return f"{m.group(1)} {REDACTED}"

    def caps(m: re.Match[str]) -> str:
        words = m.group(0).split()
        out: list[str] = []
        i = 0
        while i < len(words):
            if _word_key(words[i]) in known:
                out.append(words[i])
                i += 1
                continue
            j = i
            while j < len(words) and _word_key(words[j]) not in known:
                j += 1
            rest = [_word_key(w) for w in words[j:]]
            is_org = bool(rest) and all(w in org for w in rest)
            if j - i >= 2 and not is_org:
                out.append(REDACTED)
            else:
                out.extend(words[i:j])
            i = j
        return " ".join(out)

    text = _EMAIL.sub(REDACTED, text)
    text = _PHONE.sub(REDACTED, text)
    text = _TITLE.sub(title, text)
    text = _RANK.sub(rank, text)
    text = _CAPS_RUN.sub(caps, text)
    text = _LONE_CAP.sub(lambda m: m.group(0) if _word_key(m.group(0)) in known else REDACTED, text)
    if len(text) > red.max_chars:
        text = text[: red.max_chars - 1].rstrip() + "…"
    return text
