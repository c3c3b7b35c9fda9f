"""The project's own format: one CSV or Excel file per contract table (``contacts.csv``,
``referrals.csv``, ``looked_after.xlsx``...), named as the mapping says or after the table, with
the contract's column names (or a mapping's renames). Every table is optional; a file the
mapping names must be there."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hwb_kpis.contract.tables import SPECS
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable
from hwb_kpis.ingest.readers import find_file, read_table, table_files


@dataclass(frozen=True)
class ContractFormat:
    """One file per table of the data contract."""

    name: str = "contract"
    description: str = "one file per table of the data contract"
    #: why a KPI cannot be computed when this format lacks a table or column: the contract's words
    absent: dict[str, str] = field(default_factory=dict)

    def detect(self, raw_dir: Path, mapping: Mapping) -> bool:
        """True when any table's file is there."""
        try:
            return bool(self.locate(raw_dir, mapping))
        except InputFileError:
            return False

    def locate(self, raw_dir: Path, mapping: Mapping) -> dict[str, Path]:
        """The file of each table that has one (a file the mapping names must exist), or a
        one-line ``InputFileError`` when there is none at all."""
        found = {name: find_file(raw_dir, name, mapping, required=False) for name in SPECS}
        found = {name: path for name, path in found.items() if path is not None}
        if not found:
            looked = "; ".join(" or ".join(table_files(name, mapping)) for name in SPECS)
            raise InputFileError(f"{raw_dir}: no table of the extract found (looked for {looked})")
        return found

    def read(self, raw_dir: Path, mapping: Mapping) -> dict[str, RawTable]:
        """Every table found, read in contract order."""
        return {name: read_table(path, SPECS[name], mapping) for name, path in self.locate(raw_dir, mapping).items()}

    def describe(self, raw_dir: Path, mapping: Mapping) -> str:
        """What was found, for the run's log."""
        return ", ".join(f"{name} from {path.name}" for name, path in self.locate(raw_dir, mapping).items())


CONTRACT_FORMAT = ContractFormat()
