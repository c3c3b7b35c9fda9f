"""The seeded synthetic extract (``docs/calibration.md``): never real children.

:func:`write_extract` and :func:`iter_chunks` (:mod:`hwb_kpis.demo.generator`); the calibration
and the agencies are data (``calibration.yml``, ``channels.yml``), read by
:mod:`~hwb_kpis.demo.calibration` and :mod:`~hwb_kpis.demo.channels`. Names are loaded on first
use, so that ``import hwb_kpis.demo`` (the CLI's defaults) costs nothing.
"""

from __future__ import annotations

import importlib
from typing import Any

#: the public names and the module of each
_HOMES = {
    "write_extract": "generator", "write_training_example": "generator", "iter_chunks": "generator", "Chunk": "generator", "MARKER": "generator",
    "DEFAULT_SEED": "calibration", "DEFAULT_START": "calibration", "DEFAULT_END": "calibration",
    "CALIBRATION": "calibration", "IHA_COHORTS": "calibration", "LA_STARTS_PER_MONTH": "calibration",
    "MARF_LOGIT": "calibration", "MONTHLY_CONTACTS": "calibration", "REPEAT_WINDOW": "calibration",
    "REREFERRAL_LOGIT": "calibration", "SCHOOL_SEASON": "calibration", "SCHOOL_TERM_MONTH": "calibration",
    "VOLUME_WINDOW": "calibration",
    "ANNEX_LABELS": "channels", "ANNEX_LETTERS": "channels", "CHANNELS": "channels", "Channel": "channels",
    "HOSPITALS": "channels", "SCHOOLS": "channels", "SURGERIES": "channels", "Variant": "channels",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
