"""Redaction of free text kept as evidence (hwb_kpis.privacy.redact): an allow-list, so that
only known words survive (the misses of a deny-list are in tests/test_safe_outputs.py)."""

from __future__ import annotations

import pytest

from hwb_kpis.privacy.redact import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Call from Mrs Jane Smith", "Call from [redacted]"),
     ("Dr Patel", "[redacted]"),
     ("Jane Smith DSL", "[redacted] DSL"),
     ("School Nurse Jane Smith", "School Nurse [redacted]"),
     ("PC Jones", "PC [redacted]"),
     ("rang 07700 900123", "rang [redacted]"),
     ("tel: 01865 123456 or +44 (0)1296 383 000", "tel: [redacted] or [redacted]"),
     ("(01865) 123456", "[redacted]"),
     ("email jane.smith@oxfordhealth.nhs.uk", "email [redacted]"),
     ("Oak Green School", "[redacted] School"),  # an unlisted place name: the safe side
     ("Stoke Mandeville Hospital", "[redacted] Hospital"),
     ("Thames Valley Police", "Thames Valley Police"),
     ("Designated Safeguarding Lead", "Designated Safeguarding Lead"),
     ("NHS 111", "NHS 111"), ("A&E", "A&E"),
     ("called by Sarah from school", "called by [redacted] from school"),
     ("worried, Kai seen with a bruise", "worried, [redacted] seen with a [redacted]"),
     ("Sarah rang about the child", "[redacted] rang about the child"),  # first word: recognised too
     ("seen on Tuesday by school nurse", "seen on Tuesday by school nurse"),  # a known word
     ("from Oak Green School today", "from [redacted] School [redacted]"),
     ("phoned by NHS 111 re Amira", "phoned by NHS 111 re [redacted]")],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_redact_truncates_to_80_characters():
    out = redact("on behalf of school nurse " * 10)
    assert len(out) <= 80 and out.endswith("…")
    assert redact(None) is None


def test_redaction_settings_are_read_from_the_recoding_rules_file(tmp_path):
    from hwb_kpis.coding import load_rules
    from hwb_kpis.privacy.redact import load_redaction

    assert load_redaction() == load_rules()[1]  # one section of one file, read the same way
    assert load_redaction().max_chars == 80
    path = tmp_path / "rules.yml"
    path.write_text("redaction:\n  max_chars: 20\n  known_words: [Oak, called, by, and]\n")
    red = load_redaction(path)
    assert red.max_chars == 20 and "oak" in red.known_words
    assert redact("called by Oak and Sarah", red) == "called by Oak and […"  # cut at 20 characters
    assert redact("called by Oak", red) == "called by Oak"  # a known word is kept
    assert redact("called by Elm", red) == "called by [redacted]"  # any other is not
    path.write_text("redaction:\n  known_words: [yes, on]\n")  # YAML reads these as true
    with pytest.raises(Exception, match="quote yes, no, on and off"):
        load_redaction(path)
