"""The options of one pack build, checked once: a :class:`ReportOptions` is valid by construction
(month, view, IHA limit, date, windows), its folders are absolute, and the rest of the build reads
it without checking again."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hwb_kpis.config import (
    DEFAULT_IHA_LIMIT,
    DEFAULT_LINK_DAYS,
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_MATURING_SHARE,
    DEFAULT_SOURCE_FORMAT,
    DEFAULT_VIEW,
    IHA_LIMITS,
    SOURCE_FORMATS,
    VIEWS,
    default_notebooks_dir,
    default_settings_dir,
)
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.periods import check_month
from hwb_kpis.report import parameters


def absolute(path: str | Path) -> Path:
    """``path`` with ``~`` expanded, made absolute against the current folder (notebooks run in
    their own folder, so every folder handed to them must be absolute)."""
    path = Path(path).expanduser()
    return (path if path.is_absolute() else Path.cwd() / path).resolve()


def check_date(value: object, what: str = "as_of") -> str | None:
    """``value`` as text when it is a date written ``YYYY-MM-DD``, a real day, in the window of
    plausible dates (from ``reference/ingest_limits.yml``'s earliest date to 2262, pandas' last);
    ``None`` when empty; otherwise an :class:`HwbKpisError`, before any notebook runs (``today``,
    ``12/31/2015`` or ``2015`` would be read in ways nobody meant)."""
    if value is None or str(value).strip() == "":
        return None
    import datetime as dt

    from hwb_kpis.ingest.limits import earliest_date

    text = str(value).strip()
    try:
        day = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        day = None
    if day is None:
        raise HwbKpisError(f"{what} {value!r} is not a date (expected YYYY-MM-DD)")
    earliest = earliest_date().date()
    if not earliest <= day <= dt.date(2262, 4, 11):
        raise HwbKpisError(f"{what} {value!r} is not a date (expected YYYY-MM-DD) between {earliest} and 2262-04-11")
    return text


def _check_choice(value: str, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise HwbKpisError(f"{what} {value!r} must be one of {', '.join(choices)}")
    return value


def _whole_number(value: Any, what: str, least: int = 1) -> int:
    try:
        whole = not isinstance(value, bool) and int(value) == value and value >= least
    except (TypeError, ValueError):
        whole = False
    if not whole:
        raise HwbKpisError(f"{what} must be a whole number, at least {least} (got {value!r})")
    return int(value)


@dataclass(frozen=True)
class ReportOptions:
    """Everything one ``hwb-kpis report`` needs to know, checked when made.

    ``only`` names notebooks (with or without ``.ipynb``; empty: all); ``parameters`` holds extra
    notebook parameters (:data:`hwb_kpis.report.parameters.EXTRA`, e.g. ``dfe_dir``), each passed
    to the notebooks that declare it; ``keep_notebooks`` keeps the executed notebooks in the pack
    for analysts. ``jobs`` below 1 means 1."""

    month: str
    raw_dir: Path
    processed_dir: Path
    out_dir: Path
    notebooks_dir: Path | None = None  # default: the project's notebooks/ folder
    only: tuple[str, ...] = ()
    internal: bool = False
    force: bool = False
    mapping_path: Path | None = None
    key_file: Path | None = None
    jobs: int = 2
    timeout: int = 600  # seconds one notebook cell may run
    view: str = DEFAULT_VIEW
    as_of: str | None = None
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    iha_limit: str = DEFAULT_IHA_LIMIT
    link_days: int = DEFAULT_LINK_DAYS
    #: the source format of the raw extract (``auto``: detected)
    source_format: str = DEFAULT_SOURCE_FORMAT
    settings_dir: Path | None = None  # default: the project's settings/ folder (docs/verdicts.md)
    maturing_share: float = DEFAULT_MATURING_SHARE
    parameters: Mapping[str, Any] = field(default_factory=dict)
    keep_notebooks: bool = True

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("month", check_month(self.month))
        put("view", _check_choice(self.view, VIEWS, "view"))
        put("iha_limit", _check_choice(self.iha_limit, IHA_LIMITS, "iha_limit"))
        put("as_of", check_date(self.as_of))
        put("lookback_days", _whole_number(self.lookback_days, "lookback_days"))
        put("link_days", _whole_number(self.link_days, "link_days", least=0))
        put("source_format", _check_choice(self.source_format, SOURCE_FORMATS, "format"))
        put("timeout", _whole_number(self.timeout, "timeout"))
        put("jobs", max(1, int(self.jobs)))
        for name in ("raw_dir", "processed_dir", "out_dir"):
            put(name, absolute(getattr(self, name)))
        put("notebooks_dir", absolute(self.notebooks_dir) if self.notebooks_dir else default_notebooks_dir())
        put("settings_dir", absolute(self.settings_dir) if self.settings_dir else default_settings_dir())
        put("maturing_share", _share(self.maturing_share, "maturing_share"))
        for name in ("mapping_path", "key_file"):
            value = getattr(self, name)
            put(name, absolute(value) if value else None)
        put("only", _names(self.only))
        put("internal", bool(self.internal))
        put("force", bool(self.force))
        put("parameters", dict(self.parameters or {}))

    @property
    def pack_dir(self) -> Path:
        """Where the pack is published: ``out_dir/YYYY-MM`` for the board, ``out_dir/YYYY-MM-internal``
        for an internal copy (small numbers not suppressed), so that one is never taken for the other."""
        return self.out_dir / (f"{self.month}-internal" if self.internal else self.month)

    @property
    def kind(self) -> str:
        """``"board pack"`` or ``"internal pack"``: what the terminal calls it."""
        return "internal pack" if self.internal else "board pack"

    def notebook_values(self) -> dict[str, Any]:
        """The standard notebook parameters for this build (:func:`parameters.standard_values`)."""
        return parameters.standard_values(self)


def _share(value: Any, what: str) -> float:
    try:
        share = float(value)
        ok = not isinstance(value, bool) and 0 <= share < 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise HwbKpisError(f"{what} must be a share from 0 up to (not including) 1, such as 0.05 (got {value!r})")
    return share


def _names(only: Iterable[str] | str | None) -> tuple[str, ...]:
    if not only:
        return ()
    if isinstance(only, str):
        only = [only]
    return tuple(str(n) for n in only)
