"""The register of quarantine rules: each rule registers its code, its order, its reason and the
tables it applies to (``@rule(...)`` on the function that finds the rows breaking it).

A row breaking several rules is quarantined once, for the rule that comes first in ``order``;
:func:`ordered` is the list, and ``docs/interfaces.md`` shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from hwb_kpis.ingest.rows import Rows

#: a rule's finder: ``(column, rows breaking the rule in that column)`` pairs
Finder = Callable[["Rows"], Iterable[tuple[str, np.ndarray]]]


@dataclass(frozen=True)
class Rule:
    """One quarantine rule."""

    code: str
    #: rules are applied in increasing order; the first broken decides a row's reason
    order: int
    #: the reason written to the quarantine
    reason: str
    #: the tables it applies to (None: every table)
    tables: tuple[str, ...] | None
    #: finds the rows breaking it; None for a rule applied by the readers (a malformed row)
    find: Finder | None
    #: what it checks (the first line of the finder's docstring)
    summary: str = ""

    def applies_to(self, table: str) -> bool:
        return self.tables is None or table in self.tables


RULES: dict[str, Rule] = {}


def rule(*, code: str, order: int, reason: str, tables: tuple[str, ...] | None = None,
         summary: str = "") -> Callable[[Finder], Finder]:
    """Register the decorated finder as quarantine rule ``code``."""

    def register(find: Finder) -> Finder:
        add(Rule(code=code, order=order, reason=reason, tables=tables, find=find,
                 summary=summary or (find.__doc__ or "").strip().splitlines()[0]))
        return find

    return register


def add(new: Rule) -> Rule:
    """Register ``new``; codes and orders must be unique."""
    if new.code in RULES:
        raise ValueError(f"quarantine rule {new.code!r} registered twice")
    clash = [r.code for r in RULES.values() if r.order == new.order]
    if clash:
        raise ValueError(f"quarantine rules {clash[0]!r} and {new.code!r} have the same order {new.order}")
    RULES[new.code] = new
    return new


def ordered(table: str | None = None) -> list[Rule]:
    """The rules in the order they are applied (only those for ``table`` when given)."""
    return sorted((r for r in RULES.values() if table is None or r.applies_to(table)), key=lambda r: r.order)
