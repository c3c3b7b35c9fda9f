"""What the analyst declares for the verdicts, as editable data: change points (``changes.yml``:
where a KPI's process changed, so its SPC chart starts new limits) and targets (``targets.yml``),
read from the analyst's settings folder, else — for the synthetic demonstration only — the demo's
example files, else the package's templates in ``hwb_kpis/reference/`` (which declare nothing:
the package ships no change and no target as fact). With the share of a
month that may still be pending, they make the :class:`VerdictRules` every verdict of a pack is
judged by (docs/verdicts.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hwb_kpis import config
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.kpis import registry
from hwb_kpis.periods import is_month, month_name

CHANGES_FILE = "changes.yml"
TARGETS_FILE = "targets.yml"
#: the demo's example files: used only when the data are synthetic
DEMO_DIR = config.PACKAGE_DIR / "demo"
#: where each file comes from, in the order looked for (see :class:`Origin`)
KINDS = ("settings", "demo", "reference")


@dataclass(frozen=True)
class Change:
    """A declared change in how a KPI's process works, from ``month`` on: its SPC chart starts a
    new segment (new mean and limits) there. ``group`` None: every group of the KPI."""

    kpi: str
    month: str
    what: str
    group: str | None = None

    def applies_to(self, kpi: str, group: str) -> bool:
        return self.kpi == kpi and (self.group is None or self.group == group)


@dataclass(frozen=True)
class Target:
    """A target for one KPI and group, in the KPI's units (a proportion 0-1 for a rate, a count
    for a count), and where it comes from."""

    kpi: str
    value: float
    group: str = "all"
    source: str = ""


@dataclass(frozen=True)
class Origin:
    """Where a declarations file was read from: ``kind`` is ``settings`` (the analyst's folder),
    ``demo`` (the synthetic demonstration's example) or ``reference`` (the package's template,
    which declares nothing); ``path`` the file read."""

    kind: str
    path: Path


@dataclass(frozen=True)
class VerdictRules:
    """What every verdict of a pack is judged by: the declared change points and targets, and the
    share of a month still pending above which the month is "still maturing" (never judged)."""

    changes: tuple[Change, ...] = ()
    targets: tuple[Target, ...] = ()
    maturing_share: float = config.DEFAULT_MATURING_SHARE
    changes_origin: Origin = field(default_factory=lambda: Origin("reference", config.REFERENCE_DIR / CHANGES_FILE))
    targets_origin: Origin = field(default_factory=lambda: Origin("reference", config.REFERENCE_DIR / TARGETS_FILE))

    def changes_for(self, kpi: str, group: str) -> tuple[Change, ...]:
        """The declared changes of ``kpi`` for ``group``, in month order."""
        return tuple(sorted((c for c in self.changes if c.applies_to(kpi, group)), key=lambda c: c.month))

    def target_for(self, kpi: str, group: str) -> Target | None:
        return next((t for t in self.targets if t.kpi == kpi and t.group == group), None)


# --- reading ---------------------------------------------------------------------------------------
def _entries(path: Path, key: str) -> list[Mapping[str, Any]]:
    """The list under ``key`` of a YAML file (none for an empty file or an empty list)."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise HwbKpisError(f"{path}: cannot read it ({str(exc).splitlines()[0]})") from None
    if doc is None:
        return []
    if not isinstance(doc, Mapping) or not isinstance(doc.get(key) or [], list):
        raise HwbKpisError(f"{path}: expected a list under '{key}:' (see the comments of the example file)")
    entries = doc.get(key) or []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, Mapping):
            raise HwbKpisError(f"{path}: entry {i} under '{key}:' is not a set of 'name: value' lines")
    return entries


def _kpi(path: Path, i: int, entry: Mapping[str, Any]) -> str:
    kpi = str(entry.get("kpi", "")).strip()
    if kpi not in registry.registry():
        raise HwbKpisError(f"{path}: entry {i}: kpi {kpi!r} is not a KPI of the registry "
                           f"({', '.join(registry.kpi_ids())})")
    return kpi


def read_changes(path: Path | str) -> tuple[Change, ...]:
    """The change points of a ``changes.yml``: entries ``kpi`` (a registry id), ``month``
    (``YYYY-MM``, the first month of the new process), ``what`` (what changed, in words) and an
    optional ``group`` (default: every group). A malformed entry is an error naming it."""
    path = Path(path)
    out = []
    for i, entry in enumerate(_entries(path, "changes"), 1):
        kpi = _kpi(path, i, entry)
        month = str(entry.get("month", "")).strip()
        if not is_month(month):
            raise HwbKpisError(f"{path}: entry {i} ({kpi}): month {month!r} is not YYYY-MM")
        what = " ".join(str(entry.get("what") or "").split())
        if not what:
            raise HwbKpisError(f"{path}: entry {i} ({kpi}): say what changed ('what:')")
        group = entry.get("group")
        out.append(Change(kpi, month, what, None if group in (None, "") else str(group)))
    return tuple(out)


def _target_value(path: Path, i: int, kpi: str, value: Any) -> float:
    text = str(value).strip()
    try:
        number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise HwbKpisError(f"{path}: entry {i} ({kpi}): target {value!r} is not a number") from None
    if registry.is_rate(kpi) and not 0 <= number <= 1:
        raise HwbKpisError(f"{path}: entry {i} ({kpi}): a rate's target is a share from 0 to 1 (or 0% to 100%), "
                           f"not {value!r}")
    if number < 0:
        raise HwbKpisError(f"{path}: entry {i} ({kpi}): target {value!r} is below zero")
    return number


def read_targets(path: Path | str) -> tuple[Target, ...]:
    """The targets of a ``targets.yml``: entries ``kpi``, ``target`` (a share such as ``0.9`` or
    ``90%`` for a rate, a count for a count KPI), optional ``group`` (default ``all``) and
    ``source`` (where the target comes from). One target per KPI and group."""
    path = Path(path)
    out: list[Target] = []
    for i, entry in enumerate(_entries(path, "targets"), 1):
        kpi = _kpi(path, i, entry)
        group = str(entry.get("group") or "all")
        if "target" not in entry:
            raise HwbKpisError(f"{path}: entry {i} ({kpi}): no 'target:'")
        if any(t.kpi == kpi and t.group == group for t in out):
            raise HwbKpisError(f"{path}: entry {i} ({kpi}): a second target for group {group!r}")
        out.append(Target(kpi, _target_value(path, i, kpi, entry["target"]), group,
                          " ".join(str(entry.get("source") or "").split())))
    return tuple(out)


def find_file(name: str, settings_dir: Path | str | None, synthetic: bool) -> Origin:
    """Where ``name`` (``changes.yml`` or ``targets.yml``) is read from: the analyst's
    ``settings_dir`` when it holds the file; else the demo's example when the data are synthetic;
    else the package's template in ``reference/`` (it declares nothing)."""
    if settings_dir:
        own = Path(settings_dir).expanduser() / name
        if own.is_file():
            return Origin("settings", own.resolve())
    if synthetic:
        return Origin("demo", DEMO_DIR / name)
    return Origin("reference", config.REFERENCE_DIR / name)


def verdict_rules(settings_dir: Path | str | None = None, *, synthetic: bool = False,
                  maturing_share: float = config.DEFAULT_MATURING_SHARE) -> VerdictRules:
    """The :class:`VerdictRules` of a pack: ``changes.yml`` and ``targets.yml`` from
    :func:`find_file` and the maturing share (0 to 1)."""
    share = float(maturing_share)
    if not 0 <= share < 1:
        raise HwbKpisError(f"maturing_share {maturing_share!r} must be a share from 0 up to (not including) 1")
    changes, targets = find_file(CHANGES_FILE, settings_dir, synthetic), find_file(TARGETS_FILE, settings_dir, synthetic)
    return VerdictRules(
        changes=read_changes(changes.path), targets=read_targets(targets.path),
        maturing_share=share, changes_origin=changes, targets_origin=targets,
    )


# --- saying where they come from -------------------------------------------------------------------
#: what each file declares, in the board's words (file names are for the analyst: docs/verdicts.md)
_DECLARED = {CHANGES_FILE: "change points", TARGETS_FILE: "targets"}


def _where(origin: Origin) -> str:
    what = _DECLARED.get(origin.path.name, "settings")
    return {"settings": f"the {what} the board agreed (the pack's settings)",
            "demo": f"the synthetic demonstration's example {what}, not real ones"}.get(origin.kind, "")


def targets_note(rules: VerdictRules) -> str:
    """Where the targets on a page come from, and each target's own source, in words."""
    if not rules.targets:
        return ("No targets are set: the January 2016 report gives none, and the pack invents none. Once the board "
                "agrees targets, the assurance icon says whether each process, as it stands, will meet its target.")
    listed = "; ".join(f"{registry.label(t.kpi)}{'' if t.group == 'all' else f' ({t.group})'}"
                       f"{f' ({t.source})' if t.source else ''}" for t in rules.targets)
    return f"Targets come from {_where(rules.targets_origin)}: {listed}."


def changes_note(rules: VerdictRules) -> str:
    """Where the change points that restart a chart's limits come from, in words."""
    if not rules.changes:
        return ("No change in any process is declared, so each chart has one set of limits over all its months.")
    listed = "; ".join(f"{registry.label(c.kpi)} from {month_name(c.month)}: {c.what}" for c in rules.changes)
    return (f"Limits start again at the changes declared in {_where(rules.changes_origin)}: {listed}. A chart's "
            "average and limits are those of the months since its latest change.")
