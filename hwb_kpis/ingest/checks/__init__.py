"""Quarantine rules: one rule per module in this package, each registered with its code, order,
reason and tables (:mod:`.registry`), each with its own test in ``tests/ingest/checks/``.

:func:`find_problems` applies the rules of a table in order; the first rule a row breaks is its
reason. Exact copies of a row are dropped before (never flagged).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hwb_kpis.ingest.checks.registry import RULES, Rule, ordered, rule  # noqa: F401

if TYPE_CHECKING:
    from hwb_kpis.ingest.rows import Rows

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "registry":
        importlib.import_module(f"{__name__}.{_module.name}")


@dataclass
class Problems:
    """The verdict on each row: ``reason`` and ``column`` (``""`` where none), and ``free``: rows
    neither dropped as exact copies nor given a reason."""

    reason: np.ndarray
    column: np.ndarray
    free: np.ndarray

    @property
    def flagged(self) -> np.ndarray:
        """Rows given a reason."""
        return self.reason != ""


def find_problems(rows: Rows) -> Problems:
    """Apply the table's rules in order; each row keeps the first reason found."""
    n = len(rows.data)
    reason = np.full(n, "", dtype=object)
    column = np.full(n, "", dtype=object)
    free = ~rows.duplicate
    for r in ordered(rows.spec.name):
        if r.find is None:  # applied by the readers
            continue
        for col, mask in r.find(rows):
            m = np.asarray(mask, dtype=bool) & free
            if m.any():
                reason[m] = r.reason
                column[m] = col
                free[m] = False
    return Problems(reason=reason, column=column, free=free)
