"""The board's KPI table as the pack publishes it: through the pack's one disclosure plan
(:func:`published_kpis`), in the file every pack keeps (``kpis.csv``, which
next month's pack compares with: :mod:`hwb_kpis.report.revisions`) and with human labels for
people (:func:`labelled`: the measure, the agency, the month), as the Excel copy shows it
(:mod:`hwb_kpis.report.workbook`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from hwb_kpis import config
from hwb_kpis.kpis import registry
from hwb_kpis.privacy import disclosure
from hwb_kpis.privacy.disclosure import Decisions
from hwb_kpis.report import tabular
from hwb_kpis.report.labels import group_label
from hwb_kpis.report.manifest import MANIFEST
from hwb_kpis.report.words import month_name

#: the pack's KPI file and the file that says what it was built from
KPIS_FILE = "kpis.csv"
PACK_FILE = MANIFEST  #: one pack.json: what the pack was built from, and its pages (manifest)
#: the columns of kpis.csv (the KPI table's own names)
COLUMNS = ("kpi", "group", "month", "numerator", "denominator", "rate")


def published_kpis(kpi_df: pd.DataFrame, month: str, *, internal: bool = False, decisions: Decisions | None = None,
                   view: str = config.DEFAULT_VIEW, limit: str = config.DEFAULT_IHA_LIMIT) -> pd.DataFrame:
    """The monthly KPI rows up to ``month`` as the pack publishes them (unless ``internal``): each
    count as ``decisions`` decide — the pack's one plan (:func:`hwb_kpis.report.published.pack_plan`),
    so a count a page withholds is withheld here too; None: a plan over this table alone — a count
    of 1 to 4 as ``<5``, a count withheld so that none of those can be worked out as ``c``, a rate
    resting on either as ``*``; other counts as whole numbers and rates as fractions. ``view`` and
    ``limit`` are the pack's (the keys of its counts). This is the only call through which the
    pack's KPI files (``kpis.csv``, the KPI sheet of ``kpis.xlsx``) meet disclosure control."""
    from hwb_kpis.report import published as plan

    rows = plan.monthly_rows(kpi_df, month)
    table = pd.DataFrame({c: rows[c].astype("object").to_numpy() for c in COLUMNS})
    table["kpi"], table["group"], table["month"] = (table[c].astype(str) for c in ("kpi", "group", "month"))
    shown = table.copy()
    for c in ("numerator", "denominator"):
        shown[c] = table[c].map(lambda v: None if pd.isna(v) else int(v)).astype("object")
    shown["rate"] = table["rate"].map(lambda v: v if pd.isna(v) else float(v)).astype("object")
    if not internal and len(table):
        if decisions is None:
            decisions = plan.kpis_ledger(rows, month, view=view, limit=limit).protect()
        cells = [_published_row(decisions, plan.kpi_keys(k, g, m, view, limit), n, d, r)
                 for k, g, m, n, d, r in zip(table["kpi"], table["group"], table["month"], shown["numerator"],
                                             shown["denominator"], shown["rate"], strict=True)]
        for i, c in enumerate(("numerator", "denominator", "rate")):
            shown[c] = pd.Series([row[i] for row in cells], index=shown.index, dtype="object")
    return shown.sort_values(["kpi", "group", "month"], kind="stable").reset_index(drop=True)


def _published_row(decisions: Decisions, keys, numerator, denominator, rate) -> tuple:
    """One KPI row's (numerator, denominator, rate) as published: a count as a whole number, ``<5``
    or ``c``; the rate ``*`` unless both counts are shown."""
    values = (numerator, denominator)
    statuses = [decisions.status(k, v) for k, v in zip(keys, values, strict=True)]
    counts = [v if s == disclosure.SHOWN else decisions.cell(k, v) for k, v, s in zip(keys, values, statuses, strict=True)]
    shown = all(s == disclosure.SHOWN for s in statuses)
    return counts[0], counts[1], rate if shown or pd.isna(rate) else disclosure.SUPPRESSED_RATE


def write_pack_kpis(published: pd.DataFrame | None, folder: Path, *, month: str, summary: Mapping[str, Any],
                    internal: bool, synthetic: bool) -> None:
    """Keep the pack's KPI table (``kpis.csv``; none when ``published`` is None) and what the pack
    was built from (``pack.json``: the month, the extract's date, whether internal or synthetic)
    in ``folder``."""
    if published is not None:
        tabular.write_csv(published, folder / KPIS_FILE)
    info = {"month": month, "extract_date": summary.get("extract_date"), "internal": bool(internal),
            "synthetic": bool(synthetic), "kpis": KPIS_FILE if published is not None else None}
    tabular.write_text(json.dumps(info, indent=2) + "\n", folder / PACK_FILE)


def read_pack_kpis(folder: Path) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """An earlier pack's KPI table (every cell as text) and ``pack.json``; None when the folder
    holds no ``kpis.csv`` (a pack built before packs kept one, or no pack)."""
    path = Path(folder) / KPIS_FILE
    if not path.is_file():
        return None
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        return None
    info_path = Path(folder) / PACK_FILE
    try:
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
    except (OSError, ValueError):
        info = {}
    return table[list(COLUMNS)], info


def cell_text(value) -> str:
    """A published cell as ``kpis.csv`` writes it (``1380``, ``<5``, ``0.514``, ``""``), so that a
    table in memory and one read back compare equal."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def measure_name(kpi: str, group: str) -> tuple[str, str]:
    """(measure, agency) as a person reads them: ``("Repeat contacts", "health")``."""
    try:
        label = registry.label(kpi)
    except Exception:  # a KPI an older pack kept that the registry no longer has
        label = kpi.replace("_", " ")
    return label, "all agencies" if group == "all" else group_label(group)


def labelled(published: pd.DataFrame) -> pd.DataFrame:
    """The published KPI table with human labels: Measure, Agency, Month (a date, first of the
    month), Month name, Count, Out of and Rate (a fraction; ``*`` when suppressed; empty for a
    count KPI)."""
    kpi, group, month = (published[c].astype(str) for c in ("kpi", "group", "month"))
    names = {key: measure_name(*key) for key in set(zip(kpi, group, strict=True))}
    rate = kpi.map({k: registry_is_rate(k) for k in set(kpi)}).to_numpy(bool)
    months = {m: month_name(m) for m in set(month)}
    pairs = list(zip(kpi, group, strict=True))
    return pd.DataFrame({
        "Measure": [names[p][0] for p in pairs],
        "Agency": [names[p][1] for p in pairs],
        "Month": pd.to_datetime(month + "-01").to_numpy(),
        "Month name": month.map(months).to_numpy(),
        "Count": published["numerator"].to_numpy(),
        "Out of": published["denominator"].where(rate, None).to_numpy(),
        "Rate": published["rate"].where(rate, None).to_numpy(),
    })


def registry_is_rate(kpi: str) -> bool:
    """Whether a KPI's headline is a rate (False for counts and KPIs the registry does not know)."""
    try:
        return registry.is_rate(kpi)
    except Exception:
        return True
