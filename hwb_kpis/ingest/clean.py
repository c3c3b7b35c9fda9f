"""Cleaning one raw table: apply the quarantine rules, set the broken rows apart with their
reason, build the clean columns of the rest, and reconcile the row counts.

Row numbers are spreadsheet numbering: the header is row 1, the first data row is row 2 (for an
Excel sheet with title rows above the header, rows are counted from the top of the sheet).

Every raw data row ends in exactly one place, and every physical line below the header is a row,
a blank line or a further line of a row whose quoted field holds line breaks::

    raw rows  = clean rows + quarantined rows + exact duplicates dropped + left out by the mapping's filters
                + rows folded into another by the format (SSDA903 episodes continuing a period of care)
    raw lines = raw rows + blank lines + continuation lines

and :func:`clean_table` raises :class:`~hwb_kpis.errors.ReconciliationError` if either ever fails.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from hwb_kpis.errors import ReconciliationError
from hwb_kpis.ingest.checks import find_problems
from hwb_kpis.ingest.derive import derive
from hwb_kpis.ingest.fill import DEFAULT_LINK_DAYS
from hwb_kpis.ingest.formats import choose, read_extract
from hwb_kpis.ingest.lines import Lines
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.quarantine import quarantine_frame
from hwb_kpis.ingest.raw import RawTable
from hwb_kpis.ingest.rows import Rows
from hwb_kpis.privacy.pseudonym import IdSpace, PseudonymKey
from hwb_kpis.timings import Clock, Timings


@dataclass
class CleanTable:
    """The outcome of cleaning one raw table."""

    name: str
    clean: pd.DataFrame
    quarantine: pd.DataFrame
    summary: dict[str, Any]


def clean_table(
    raw: RawTable,
    mapping: Mapping,
    key: PseudonymKey,
    *,
    today: dt.date | None = None,
    timings: Timings | None = None,
    id_spaces: dict[str, IdSpace] | None = None,
) -> CleanTable:
    """Validate and clean one raw table. The first rule a row breaks decides its reason, in the
    order of :func:`hwb_kpis.ingest.checks.ordered` (missing required value, unparseable date,
    impossible date, date in the future, the table's own date rules, unknown outcome,
    unrecognised yes/no value, conflicting duplicate).

    ``timings`` (see :mod:`hwb_kpis.timings`) hears ``"pseudonymise"`` (hashing ids) and
    ``"parse/validate"`` (the rest). ``id_spaces`` (per id column) holds the ids of the tables
    cleaned before, so that a pseudonym shared with a different id there stops the clean too."""
    start = time.perf_counter()
    clock = Clock(timings)
    rows = Rows(raw, mapping, key, today=today, clock=clock, id_spaces=id_spaces)
    problems = find_problems(rows)
    bad = ~problems.free & ~rows.duplicate
    quarantine = quarantine_frame(raw, raw.data.loc[bad], problems.reason[bad], problems.column[bad])
    clean = derive(rows, problems.free)
    pa.default_memory_pool().release_unused()  # return freed memory to the system
    summary = reconcile(raw, len(clean), quarantine, duplicates_dropped=int(rows.duplicate.sum()))
    if timings is not None:
        timings("parse/validate", time.perf_counter() - start - clock.spent["pseudonymise"])
    return CleanTable(name=raw.spec.name, clean=clean, quarantine=quarantine, summary=summary)


def reconcile(raw: RawTable, clean_rows: int, quarantine: pd.DataFrame, *, duplicates_dropped: int) -> dict[str, Any]:
    """The table's summary (``ingest_summary.json``); raises ``ReconciliationError`` unless
    raw rows = clean + quarantined + duplicates dropped, and raw lines = raw rows + blank lines +
    continuation lines (a reader that cannot tell lines counts one line per row)."""
    raw_rows = raw.raw_rows
    lines = raw.lines or Lines(raw_rows)
    summary = {
        "file": str(raw.path),
        "raw_lines": lines.lines,
        "blank_lines": lines.blank,
        "continuation_lines": lines.continuation,
        "raw_rows": raw_rows,
        "clean_rows": clean_rows,
        "quarantined": len(quarantine),
        "duplicates_dropped": duplicates_dropped,
        "filtered_out": raw.filtered_out,
        "folded": raw.folded,
        "folded_note": raw.folded_note,
        "reconciled": raw_rows == clean_rows + len(quarantine) + duplicates_dropped + raw.filtered_out + raw.folded
        and lines.records == raw_rows,
        "quarantine_by_reason": {
            f"{col}: {why}": int(n) for (col, why), n in quarantine.groupby(["column", "reason"]).size().items()
        },
        "notes": list(raw.notes),
        "columns": list(raw.columns_present),
        "derived": dict(raw.derived),
    }
    if lines.records != raw_rows:
        raise ReconciliationError(
            f"{raw.path}: lines do not reconcile: raw lines {lines.lines} != raw rows {raw_rows} + blank lines "
            f"{lines.blank} + continuation lines {lines.continuation}"
        )
    if not summary["reconciled"]:
        raise ReconciliationError(
            f"{raw.path}: row counts do not reconcile: raw {raw_rows} != clean {clean_rows} + "
            f"quarantined {len(quarantine)} + duplicates dropped {duplicates_dropped} + filtered out {raw.filtered_out}"
            f" + folded {raw.folded}"
        )
    return summary


def read_and_clean(raw_dir: Path, mapping: Mapping, key: PseudonymKey, *, today: dt.date | None = None,
                   fmt: str = "auto", link_days: int = DEFAULT_LINK_DAYS) -> dict[str, CleanTable]:
    """Read and clean every table of the raw folder (in the format it is in, or ``fmt``)."""
    raws = read_extract(choose(raw_dir, mapping, fmt), raw_dir, mapping, link_days=link_days, today=today)
    spaces = {"child_id": IdSpace()}
    return {name: clean_table(raw, mapping, key, today=today, id_spaces=spaces) for name, raw in raws.items()}
