"""What an extract can answer: for each KPI of the registry, whether the extract holds every
table and column the KPI ``needs`` (``registry.yml``), and when it does not, why, in plain words.
No KPI is computed from a stand-in: a KPI whose input is missing is *unavailable*, never
estimated from something else.

The words come from data: a source format's own (``ingest/formats/annex_a.yml``: "Annex A List 8
holds the date of the last health assessment, not the initial one"), then, for a table made
from another (referrals from contacts), the contract's ``when_absent: lacks``, then the
contract's ``absent`` words for the table or column (``contract/tables.yml``).

``ingest_summary.json`` carries the result (``kpis``: ``available`` and ``unavailable``); the
``hwb-kpis kpis`` command and every page ask :func:`of_tables`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from hwb_kpis.contract.tables import SPECS
from hwb_kpis.kpis.registry import registry

#: ``why(table, column)``: why the extract lacks a table (column None) or a column, in words
Why = Callable[[str, str | None], str]


@dataclass(frozen=True)
class Capabilities:
    """The KPIs an extract can answer, and why it cannot answer the others."""

    available: tuple[str, ...]
    unavailable: dict[str, str] = field(default_factory=dict)

    def has(self, kpi: str) -> bool:
        """True when ``kpi`` can be computed from the extract."""
        return kpi in self.available

    def reason(self, kpi: str) -> str | None:
        """Why ``kpi`` cannot be computed (None when it can)."""
        return self.unavailable.get(kpi)

    def as_dict(self) -> dict[str, Any]:
        """What ``ingest_summary.json`` holds under ``kpis``."""
        return {"available": list(self.available), "unavailable": dict(self.unavailable)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Capabilities:
        return cls(tuple(data.get("available", ())), dict(data.get("unavailable", {})))


def column_provided(table: str, column: str, columns: Iterable[str]) -> bool:
    """True when a table holding ``columns`` provides ``column`` (a column the contract says is
    ``provided_by`` others, such as a source code read from free text, counts when any is there)."""
    columns = set(columns)
    spec = SPECS.get(table)
    if spec is None or column not in spec.columns:
        return column in columns
    return any(c in columns for c in spec.column(column).provided_by)


def contract_why(table: str, column: str | None) -> str:
    """The contract's own words for a table or column the extract lacks."""
    spec = SPECS[table]
    if column is None:
        return spec.absent or f"the extract has no {table.replace('_', '-')} list"
    return spec.absent_reason(column)


def reasons(format_absent: Mapping[str, str] | None = None, made_from: Mapping[str, str] | None = None) -> Why:
    """``why(table, column)``: the format's words, else (for a table made from another) the
    contract's ``when_absent: lacks`` words, else the contract's."""
    format_absent = format_absent or {}
    made_from = made_from or {}

    def why(table: str, column: str | None) -> str:
        key = table if column is None else f"{table}.{column}"
        if key in format_absent:
            return format_absent[key]
        if column is not None and table in made_from:
            lacks = (SPECS[table].when_absent or {}).get("lacks", {})
            if column in lacks:
                return " ".join(str(lacks[column]).split())
        return contract_why(table, column)

    return why


def assess(provided: Mapping[str, Iterable[str]], why: Why = contract_why) -> Capabilities:
    """Each KPI of the registry, available when every table it needs is in ``provided`` (table ->
    the columns it holds) with every column it needs; else unavailable, with the first missing
    table's or column's reason."""
    provided = {t: set(cols) for t, cols in provided.items()}
    available, unavailable = [], {}
    for kpi in registry().values():
        reason = None
        for table, columns in kpi.needs.items():
            if table not in provided:
                reason = why(table, None)
                break
            missing = [c for c in columns if not column_provided(table, c, provided[table])]
            if missing:
                reason = why(table, missing[0])
                break
        if reason is None:
            available.append(kpi.id)
        else:
            unavailable[kpi.id] = reason
    return Capabilities(tuple(available), unavailable)


def referrals_from_contacts_provide(contact_columns: Iterable[str]) -> tuple[str, ...] | None:
    """The columns referrals made from contacts hold (None when the contacts have no outcome to
    find referrals by)."""
    columns = set(contact_columns)
    if not column_provided("contacts", "outcome", columns):
        return None
    out = ["referral_id", "child_id", "referral_date"]
    if column_provided("contacts", "source_code", columns):
        out.append("source_code")
    return tuple(out + [c for c in SPECS["referrals"].optional if c in columns])


def of_tables(tables: Mapping[str, Any]) -> Capabilities:
    """The capabilities of a processed folder as read (:func:`hwb_kpis.contract.processed.load_processed`):
    those its ``ingest_summary.json`` records, else judged from the tables themselves (a table
    counts when it is given; its columns are its frame's columns)."""
    summary = tables.get("summary") or {}
    if isinstance(summary, Mapping) and "kpis" in summary:
        return Capabilities.from_dict(summary["kpis"])
    provided: dict[str, tuple[str, ...]] = {}
    for name in SPECS:
        frame = tables.get(name)
        if isinstance(frame, pd.DataFrame):
            provided[name] = tuple(frame.columns)
    if "referrals" not in provided and "contacts" in provided:
        made = referrals_from_contacts_provide(provided["contacts"])
        if made is not None:
            provided["referrals"] = made
    return assess(provided, reasons(made_from={"referrals": "contacts"} if "referrals" not in tables else {}))
