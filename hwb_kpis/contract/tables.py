"""The raw data contract (``contract/tables.yml``) as Python objects: one :class:`TableSpec` per raw
table, the outcome list, the optional pass-through columns.

Nothing here reads a raw file; :mod:`hwb_kpis.ingest` reads and cleans against these specs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONTRACT_FILE = Path(__file__).with_name("tables.yml")

#: kinds read as dates (``date_or_year_month`` also accepts ``2009-03`` and ``03/2009``)
DATE_KINDS = ("date", "date_or_year_month")


@dataclass(frozen=True)
class Column:
    """One column of a raw table."""

    name: str
    kind: str
    required: bool = False
    #: never copied into the quarantine (identifiers, dates of birth, free text that may hold names)
    masked: bool = False
    #: False: used while cleaning, never written out of ingest
    keep: bool = True
    #: for ids: the pseudonym's prefix
    prefix: str = ""
    #: for ids unique per row (contact ids): hash every row rather than once per distinct id
    per_row: bool = False
    description: str = ""
    #: the column counts as in the extract when any of these is (default: the column itself)
    provided_by: tuple[str, ...] = ()
    #: how ingest derives the column when the extract has none (``how``, ``from``, ``note``)
    when_absent: Mapping[str, Any] | None = field(default=None, compare=False)
    #: why a KPI that needs the column cannot be computed without it (plain words)
    absent: str = ""

    @property
    def derivable(self) -> bool:
        """True when ingest can derive the column from others when the extract lacks it."""
        return self.when_absent is not None


@dataclass(frozen=True)
class Derived:
    """A column computed at ingest from contract columns (see :mod:`hwb_kpis.ingest.derive`)."""

    name: str
    sources: tuple[str, ...]
    how: str
    description: str = ""


@dataclass(frozen=True)
class TableSpec:
    """One raw table of the data contract."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    #: columns read as dates, in column order
    dates: tuple[str, ...]
    #: columns that identify one record; two rows with the same key but different content conflict
    key: tuple[str, ...]
    #: values never copied into the quarantine (identifiers, dob, free text that may hold names)
    masked: tuple[str, ...]
    #: an empty table (header only) is allowed
    may_be_empty: bool = False
    #: optional pass-through columns (blank when the file has none)
    optional: tuple[str, ...] = ()
    #: every column with its kind and flags, in column order
    column_specs: tuple[Column, ...] = ()
    derived: tuple[Derived, ...] = ()
    description: str = field(default="", compare=False)
    #: why a KPI that needs the table cannot be computed without it (plain words)
    absent: str = field(default="", compare=False)
    #: how the table is made from another when the extract lacks it (``from``, ``needs``, ``note``,
    #: ``lacks``), or None
    when_absent: Mapping[str, Any] | None = field(default=None, compare=False)

    def column(self, name: str) -> Column:
        """The spec of column ``name``."""
        return next(c for c in self.column_specs if c.name == name)

    def of_kind(self, *kinds: str) -> tuple[str, ...]:
        """The columns of the given kinds, in column order."""
        return tuple(c.name for c in self.column_specs if c.kind in kinds)

    @property
    def must_have(self) -> tuple[str, ...]:
        """Required columns a file must hold: those ingest cannot derive when absent."""
        return tuple(c.name for c in self.column_specs if c.required and not c.derivable)

    def absent_reason(self, column: str) -> str:
        """Why a KPI needing ``column`` cannot be computed when the extract lacks it."""
        reason = self.column(column).absent if column in self.columns else ""
        return reason or f"the {self.name.replace('_', '-')} list has no {column.replace('_', ' ')} column"


def _column(name: str, entry: dict[str, Any]) -> Column:
    pseudonym = entry.get("pseudonym") or {}
    return Column(
        name=name, kind=entry["kind"], required=bool(entry.get("required", False)),
        masked=bool(entry.get("masked", False)), keep=bool(entry.get("keep", True)),
        prefix=str(pseudonym.get("prefix", "")), per_row=bool(pseudonym.get("per_row", False)),
        description=str(entry.get("description", "")),
        provided_by=tuple(entry.get("provided_by") or (name,)),
        when_absent=_words(entry.get("when_absent")), absent=" ".join(str(entry.get("absent", "")).split()),
    )


def _words(entry: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """A ``when_absent`` entry with its ``note`` on one line."""
    if entry is None:
        return None
    out = dict(entry)
    if "note" in out:
        out["note"] = " ".join(str(out["note"]).split())
    return out


def _table(name: str, entry: dict[str, Any], optional: tuple[str, ...], kinds: dict[str, str]) -> TableSpec:
    columns = tuple(_column(col, spec) for col, spec in entry["columns"].items())
    unknown = [f"{c.name}: {c.kind}" for c in columns if c.kind not in kinds]
    if unknown:
        raise ValueError(f"{CONTRACT_FILE}: {name} has columns of unknown kind ({', '.join(unknown)})")
    derived = tuple(
        Derived(name=col, sources=tuple(spec["from"]), how=spec["how"], description=str(spec.get("description", "")))
        for col, spec in (entry.get("derived") or {}).items()
    )
    return TableSpec(
        name=name,
        columns=tuple(c.name for c in columns),
        required=tuple(c.name for c in columns if c.required),
        dates=tuple(c.name for c in columns if c.kind in DATE_KINDS),
        key=tuple(entry["key"]),
        masked=tuple(c.name for c in columns if c.masked),
        may_be_empty=bool(entry.get("may_be_empty", False)),
        optional=optional,
        column_specs=columns,
        derived=derived,
        description=str(entry.get("description", "")),
        absent=" ".join(str(entry.get("absent", "")).split()),
        when_absent=_words(entry.get("when_absent")),
    )


def load_contract(path: Path = CONTRACT_FILE) -> dict[str, Any]:
    """The contract file as read (a dict of ``kinds``, ``outcomes``, ``optional_columns``, ``tables``)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


_CONTRACT = load_contract()

#: what each column kind means
KINDS: dict[str, str] = {str(k): str(v) for k, v in _CONTRACT["kinds"].items()}

#: optional pass-through columns any table may carry
OPTIONAL_COLUMNS: tuple[str, ...] = tuple(_CONTRACT["optional_columns"])
#: the kind of each optional column
OPTIONAL_KINDS: dict[str, str] = {name: str(entry["kind"]) for name, entry in _CONTRACT["optional_columns"].items()}

#: every raw table, by name, in contract order
SPECS: dict[str, TableSpec] = {
    name: _table(name, entry, OPTIONAL_COLUMNS, KINDS) for name, entry in _CONTRACT["tables"].items()
}
CONTACTS = SPECS["contacts"]
REFERRALS = SPECS["referrals"]
LOOKED_AFTER = SPECS["looked_after"]
TABLES: tuple[str, ...] = tuple(SPECS)

#: the outcomes a contact may have (after mapping)
OUTCOMES: tuple[str, ...] = tuple(_CONTRACT["outcomes"])
#: outcomes that record a decision that the social care threshold was NOT met
THRESHOLD_NOT_MET: tuple[str, ...] = tuple(k for k, v in _CONTRACT["outcomes"].items() if v["threshold_not_met"])

# the column lists under the names the rest of the package has long used
CONTACT_COLUMNS = CONTACTS.columns
CONTACT_REQUIRED = CONTACTS.required
#: the contact dates proper (``child_dob`` is read as a date too: ``CONTACTS.dates``)
CONTACT_DATES = CONTACTS.of_kind("date")
LOOKED_AFTER_COLUMNS = LOOKED_AFTER.columns
LOOKED_AFTER_REQUIRED = LOOKED_AFTER.required
LOOKED_AFTER_DATES = LOOKED_AFTER.dates
