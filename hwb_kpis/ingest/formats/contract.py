"""The project's own format: one CSV or Excel file per contract table (``contacts.csv``,
``looked_after.xlsx``...), named as the mapping says or after the table, with the contract's
column names (or a mapping's renames)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hwb_kpis.contract.tables import SPECS
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable
from hwb_kpis.ingest.readers import find_file, read_table


@dataclass(frozen=True)
class ContractFormat:
    """One file per table of the data contract."""

    name: str = "contract"

    def detect(self, raw_dir: Path, mapping: Mapping) -> bool:
        """True when every table's file is there."""
        try:
            self.locate(raw_dir, mapping)
        except InputFileError:
            return False
        return True

    def locate(self, raw_dir: Path, mapping: Mapping) -> dict[str, Path]:
        """The file of each table, or a one-line ``InputFileError`` naming the first missing."""
        return {name: find_file(raw_dir, name, mapping) for name in SPECS}

    def read(self, raw_dir: Path, mapping: Mapping) -> dict[str, RawTable]:
        """Every table, read in contract order."""
        return {name: read_table(path, SPECS[name], mapping) for name, path in self.locate(raw_dir, mapping).items()}


CONTRACT_FORMAT = ContractFormat()
