"""The KPI registry (``registry.yml``): what each KPI is called, which way is better, its unit,
the SPC chart that suits it and the tables it needs. Editable data, read once."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from hwb_kpis.errors import HwbKpisError

REGISTRY_FILE = Path(__file__).resolve().parent / "registry.yml"
DIRECTIONS = ("increase", "decrease", "neutral")
UNITS = ("rate", "count")
CHARTS = ("p", "xmr")


@dataclass(frozen=True)
class Kpi:
    """One KPI of the registry."""

    id: str
    label: str
    direction: str
    unit: str
    chart: str
    needs: dict[str, tuple[str, ...]]
    definition: str

    @property
    def is_rate(self) -> bool:
        """True when the headline is the rate; False for a count such as the number of contacts."""
        return self.unit == "rate"


@functools.cache
def registry(path: Path | str = REGISTRY_FILE) -> dict[str, Kpi]:
    """Every KPI of ``registry.yml`` by id, in file order; a malformed entry is an error naming it."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise HwbKpisError(f"{path}: cannot read the KPI registry ({exc})") from None
    out: dict[str, Kpi] = {}
    for kpi_id, entry in doc.items():
        where = f"{path}: KPI {kpi_id!r}"
        for key, allowed in (("direction", DIRECTIONS), ("unit", UNITS), ("chart", CHARTS)):
            if entry.get(key) not in allowed:
                raise HwbKpisError(f"{where}: {key} must be one of {', '.join(allowed)}")
        out[str(kpi_id)] = Kpi(
            id=str(kpi_id), label=str(entry["label"]), direction=entry["direction"], unit=entry["unit"],
            chart=entry["chart"], definition=" ".join(str(entry.get("definition", "")).split()),
            needs={str(t): tuple(cols) for t, cols in (entry.get("needs") or {}).items()},
        )
    return out


def kpi_ids() -> tuple[str, ...]:
    """Every KPI id of the registry, in its order (the order of :func:`~hwb_kpis.kpis.kpi_table`)."""
    return tuple(registry())


def kpi(kpi_id: str) -> Kpi:
    """The registry entry of ``kpi_id``; an unknown id is an error."""
    try:
        return registry()[kpi_id]
    except KeyError:
        raise HwbKpisError(f"unknown KPI {kpi_id!r}; known: {', '.join(registry())}") from None


def label(kpi_id: str) -> str:
    return kpi(kpi_id).label


def direction(kpi_id: str) -> str:
    return kpi(kpi_id).direction


def is_rate(kpi_id: str) -> bool:
    return kpi(kpi_id).is_rate


#: the KPI ids, in registry order
KPI_NAMES = kpi_ids()
