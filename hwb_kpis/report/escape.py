"""Escaping text that comes from outside the package (a DfE area name, a folder an analyst typed,
an authority code) before it is put into markdown or HTML on a page: it is shown as text, never
read as markup, a link, code or a script."""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

#: characters markdown gives a meaning to anywhere in a line (a backslash makes each plain text);
#: ``<`` and ``&`` become entities; brackets escaped, ``(``, ``)`` and ``!`` can make no link
_MARKDOWN = re.compile(r"([\\`*_\[\]|~#])")
#: what makes a list or a quote at the start of a line
_LINE_START = re.compile(r"^(\d*)([+\->.)])")
#: the start of an HTML tag, comment or declaration (``<script``, ``</p``, ``<!--``, ``<?``)
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def markdown_text(value: Any) -> str:
    """``value`` as text that markdown shows exactly as it is: HTML special characters as
    entities, markdown's own characters escaped, line breaks as spaces (blank for a missing value)."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    text = " ".join(str(value).split())
    text = _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))
    return _LINE_START.sub(r"\1\\\2", text)


def without_html(markdown: str) -> str:
    """``markdown`` with any raw HTML tag made plain text (``<script>`` shows as ``<script>``):
    the pages never put HTML in markdown, so one that is there came from a value."""
    return _TAG_START.sub("&lt;", markdown)
