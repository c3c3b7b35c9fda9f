"""Redaction of free text kept as evidence (the recoding audit, the list of unknown sources, the
quarantine): an ALLOW-LIST. Only known words are kept, whatever their case; every other word or
number becomes ``[redacted]`` (a run of them, one ``[redacted]``), so that a name is removed
however it is written (``JANE SMITH``, ``SMITH, Jane``, ``J. Smith``, ``O'Neill-Smith``, ``Zoë``), and
so are postcodes, dates of birth, phone numbers and e-mail addresses.

The words it may keep are editable data: the ``redaction:`` section of
``reference/recoding_rules.yml`` (``known_words``, ``org_words``, ``max_chars``), and the DfE
source codes of ``reference/referral_sources.csv`` (``3E``, ``2A``...).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from hwb_kpis.config import REFERENCE_DIR
from hwb_kpis.errors import HwbKpisError

#: the recoding rules file, whose ``redaction:`` section holds the settings
RULES_FILE = REFERENCE_DIR / "recoding_rules.yml"
SOURCES_FILE = REFERENCE_DIR / "referral_sources.csv"
REDACTED = "[redacted]"


@dataclass(frozen=True)
class Redaction:
    """Evidence redaction settings (``redaction:`` in ``recoding_rules.yml``)."""

    max_chars: int
    known_words: frozenset[str]
    org_words: frozenset[str]

    @classmethod
    def from_settings(cls, settings: dict) -> Redaction:
        """From the ``redaction:`` section of ``recoding_rules.yml`` (a word YAML read as true or
        false, such as an unquoted ``yes``, is refused: it would silently not be kept)."""
        words = {}
        for name in ("known_words", "org_words"):
            values = list(settings.get(name) or ())
            odd = [v for v in values if isinstance(v, bool) or not isinstance(v, (str, int))]
            if odd:
                raise HwbKpisError(f"redaction.{name}: {odd!r} are not words; quote yes, no, on and off")
            words[name] = frozenset(str(w).lower() for w in values)
        return cls(max_chars=int(settings.get("max_chars", 80)), **words)

    def allowing(self, words: Iterable[str]) -> Redaction:
        """These settings with ``words`` known as well (such as the field names of the audit)."""
        return replace(self, known_words=self.known_words | {str(w).lower() for w in words})


def load_redaction(path: Path | str | None = None) -> Redaction:
    """The redaction settings of ``recoding_rules.yml`` (or ``path``)."""
    path = Path(path or RULES_FILE)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise HwbKpisError(f"{path}: cannot read the redaction settings ({exc})") from None
    return Redaction.from_settings(doc.get("redaction") or {})


@cache
def source_codes() -> frozenset[str]:
    """The DfE source codes (``reference/referral_sources.csv``), lower case: kept in evidence."""
    with open(SOURCES_FILE, encoding="utf-8", newline="") as fh:
        return frozenset(row["code"].strip().lower() for row in csv.DictReader(fh))


_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
#: a word: letters or digits, with apostrophes, hyphens, dots, ampersands or underscores inside
_WORD = re.compile(r"[^\W_](?:[\w'’&.-]*[^\W_])?")
_MARK = "\x00"
#: a run of redacted words, with the spaces and punctuation of a name, number or postcode between
#: (and a bracket or plus sign of a phone number around)
_RUN = re.compile(rf"[(+]?{_MARK}(?:[\s()+\-./,'’]*{_MARK})*\)?")


def _one_mark(m: re.Match[str]) -> str:
    """A run of redacted words as one mark (a closing bracket it did not open is given back)."""
    run = m.group(0)
    if run.endswith(")") and run.count("(") < run.count(")"):
        return _MARK + ")"
    return _MARK


def _word_key(word: str) -> str:
    return re.sub(r"['’]s$", "", word.lower())


def redact(text: str | None, redaction: Redaction | None = None) -> str | None:
    """Keep the known words of ``text`` (any case) and replace every other word, number, e-mail
    address or phone number by ``[redacted]`` (a run of them by one), then truncate to
    ``max_chars`` (default 80, ``…`` marks a cut). A single letter before ``)`` is kept (an Annex
    A list letter: ``k) 3E: Health services``); a single letter anywhere else is an initial."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    red = redaction or load_redaction()
    known = red.known_words | red.org_words | source_codes()

    def word(m: re.Match[str]) -> str:
        token = m.group(0)
        if _word_key(token) in known or token.lower() in known:
            return token
        if len(token) == 1 and token.isalpha() and m.string[m.end(): m.end() + 1] == ")":
            return token
        return _MARK

    text = _EMAIL.sub(_MARK, text.replace(_MARK, ""))
    text = _WORD.sub(word, text)
    text = _RUN.sub(_one_mark, text).replace(_MARK, REDACTED)
    if len(text) > red.max_chars:
        text = text[: red.max_chars - 1].rstrip() + "…"
    return text


def is_known_text(text: str, redaction: Redaction | None = None) -> bool:
    """Whether ``text`` is made of known words only (nothing in it would be redacted)."""
    return REDACTED not in (redact(text, replace(redaction or load_redaction(), max_chars=10**6)) or "")
