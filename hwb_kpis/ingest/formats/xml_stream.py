"""Reading a large XML return record by record without its whole tree in memory, and refusing
what could attack the reader: the one way the XML formats (CIN census, SSDA903 as XML) open a file.

* lxml ``iterparse`` with entity resolution and network access off and libxml2's size limits kept
  (``huge_tree=False``); each record element is freed once handed out, with the siblings before it.
* A document type declaration (``<!DOCTYPE``: where entity expansion "bombs" and external entities
  live) is refused with a one-line :class:`~hwb_kpis.errors.InputFileError`: no DfE return has one.
* Malformed XML is a one-line error naming the file and the line.

Tags are compared by their local name (any namespace is ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from hwb_kpis.errors import InputFileError

#: how much of the file's start is searched for the root element and a document type declaration
PROLOG_BYTES = 1 << 16
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def local(tag: object) -> str:
    """An element's tag without its namespace (``{ns}Child`` -> ``Child``)."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def refuse_dtd(path: Path) -> None:
    """A one-line error when the file declares a document type or entities (XML bombs, external
    entities): DfE returns never do."""
    with open(path, "rb") as fh:
        head = fh.read(PROLOG_BYTES)
    if _DOCTYPE.search(head):
        raise InputFileError(f"{path}: XML with a document type or entity declaration (<!DOCTYPE or <!ENTITY) "
                             "is refused: DfE returns have none, and it can hide an entity-expansion attack")


def tags_at_start(path: Path, limit: int = 60) -> list[str]:
    """The local names of the first ``limit`` elements of an XML file (empty when it is not
    XML), found by scanning its first bytes, never by parsing them (a document type declaration
    is refused later, when the file is read); for detecting a format cheaply."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(PROLOG_BYTES)
    except OSError:
        return []
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return []
    names = [m.group(1).decode("ascii", "replace") for m in _FIRST_TAG.finditer(head)]
    return [n.rsplit(":", 1)[-1] for n in names[:limit]]


def records(path: Path, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Each element named one of ``tags`` (local names), complete, in document order; it is
    cleared (with the elements before it) as soon as the caller asks for the next one, so a
    return of any size is read in a few records' memory. Raises a one-line ``InputFileError``
    on a document type declaration or malformed XML."""
    for _, element in elements(path, (), tags):
        yield element


def elements(path: Path, fields: tuple[str, ...], records: tuple[str, ...]) -> Iterator[tuple[str, etree._Element]]:
    """``(local name, element)`` at the end of each element named in ``fields`` or ``records``,
    in document order (lxml picks them out, so Python sees nothing else); a record is cleared,
    with the records before it, once the caller has taken it. Errors as :func:`records`."""
    refuse_dtd(path)
    wanted = tuple(dict.fromkeys(f"{{*}}{t}" for t in (*fields, *records)))
    record_names = set(records)
    context = etree.iterparse(
        str(path), events=("end",), tag=wanted, resolve_entities=False,
        no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    )
    checked = False
    names: dict[str, str] = {}  # tag -> local name, computed once per tag
    try:
        for _, element in context:
            if not checked:
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise InputFileError(f"{path}: XML with a document type declaration is refused")
                checked = True
            tag = element.tag
            name = names.get(tag) or names.setdefault(tag, local(tag))
            yield name, element
            if name in record_names:
                element.clear(keep_tail=True)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        message = str(exc.msg if hasattr(exc, "msg") else exc).splitlines()[0]
        message = re.sub(r",? line \d+, column \d+$", "", message)
        raise InputFileError(f"{path}: not well-formed XML{line} ({message})") from None


def text(element: etree._Element | None) -> str:
    """An element's text, stripped (``""`` when absent or empty)."""
    if element is None or element.text is None:
        return ""
    return element.text.strip()


def children_text(element: etree._Element) -> dict[str, str]:
    """The text of each direct child of ``element`` by local name (the first of equal names)."""
    out: dict[str, str] = {}
    for child in element:
        if isinstance(child.tag, str):
            out.setdefault(local(child.tag), text(child))
    return out
