"""Ofsted Annex A workbooks as councils publish them: List 1 (contacts), List 3 (referrals) and
List 8 (children in care) of one ``.xlsx``, read as the contract's contacts, referrals and
looked-after tables. What is read, and why what Annex A lacks cannot be shown, is data:
``annex_a.yml`` beside this module.

A list's sheet is found by its name (``List 1``, ``List 1 - Contacts``, ``LIST 01``, ``List1``)
or, failing that, by its headers; the header row may sit below title rows; headers are matched
ignoring case, spaces and punctuation (``Date of Contact`` or ``DateOfContact``); letter-prefixed
labels (``q) 6: Police``, ``p1) 5D: LA services``, ``a) Male``, ``b) No``) are read as their code
or value. Annex A has no contact id and no outcome: cleaning derives both
(:mod:`hwb_kpis.ingest.fill`). A mapping may still name the workbook (``files``), choose sheets
(``excel: sheet: {contacts: ...}``), rename headers and translate values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from hwb_kpis.contract.tables import SPECS
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.excel_file import HEADER_SEARCH_ROWS, header_row, open_workbook
from hwb_kpis.ingest.formats.source import FormatWords
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable
from hwb_kpis.ingest.readers import EXCEL_SUFFIXES, read_table, table_files

SPEC_FILE = Path(__file__).with_name("annex_a.yml")


@dataclass(frozen=True)
class Located:
    """Where one table of an Annex A extract is: the file and, for a workbook, the sheet."""

    path: Path
    sheet: str | int | None


@dataclass(frozen=True)
class AnnexAFormat(FormatWords):
    """The Ofsted Annex A workbook (see the module docstring)."""

    name: str = "annex-a"
    spec_file: Path = field(default=SPEC_FILE, compare=False)


    @property
    def lists(self) -> dict[int, str]:
        """List number -> contract table."""
        return {int(entry["list"]): table for table, entry in self._spec["lists"].items()}

    def aliases(self, table: str) -> dict[str, str]:
        """The Annex A headers of a table -> contract columns."""
        return {str(h): str(c) for h, c in self._spec["lists"][table]["headers"].items()}

    def list_number(self, sheet_name: str) -> int | None:
        """The list a sheet's name says it is (``List 1 - Contacts`` -> 1), or None."""
        m = re.match(self._spec["sheet_pattern"], str(sheet_name), re.IGNORECASE)
        return int(m.group(1)) if m else None

    # --- finding the workbook and its lists ---------------------------------------------------
    def workbooks(self, raw_dir: Path, mapping: Mapping) -> list[Path]:
        """The workbooks of the raw folder (the ones the mapping names, if it names any)."""
        raw_dir = Path(raw_dir)
        if not raw_dir.is_dir():
            raise InputFileError(f"{raw_dir}: raw data folder not found")
        named = {mapping.files[t] for t in self.lists.values() if t in mapping.files}
        files = sorted(p for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith("~$"))
        if named:
            return [p for p in files if p.name in named and p.suffix.lower() in EXCEL_SUFFIXES]
        return [p for p in files if p.suffix.lower() in EXCEL_SUFFIXES]

    def sheets(self, path: Path, mapping: Mapping) -> dict[str, str | int]:
        """The sheet of each list found in a workbook: the mapping's choice, else by sheet name,
        else by headers."""
        wb = open_workbook(path)
        try:
            names = list(wb.sheetnames)
            found: dict[str, str | int] = {}
            for name in names:
                table = self.lists.get(self.list_number(name) or -1)
                if table and table not in found:
                    found[table] = name
            for table in self.lists.values():
                if table in found:
                    continue
                for name in names:
                    if self.list_number(name) is None and self._looks_like(wb[name], table, mapping):
                        found[table] = name
                        break
        finally:
            wb.close()
        found.update({t: s for t, s in mapping.sheets.items() if t in self.lists.values()})
        return {t: found[t] for t in SPECS if t in found}

    def _looks_like(self, ws, table: str, mapping: Mapping) -> bool:
        """True when one of the top rows of a sheet names every column the table must have."""
        top = []
        for row in ws.iter_rows(values_only=True, max_row=HEADER_SEARCH_ROWS):
            top.append(row)
        spec = SPECS[table]
        return bool(top) and _names_every(top[header_row(top, spec, mapping, self.aliases(table))], spec, mapping,
                                          self.aliases(table))

    def detect(self, raw_dir: Path, mapping: Mapping) -> bool:
        """True when the folder holds a workbook with one of the lists, no file named as a
        contract table and no mapping naming files (those folders are the contract format's;
        ``--format annex-a`` reads them as Annex A all the same)."""
        raw_dir = Path(raw_dir)
        if not raw_dir.is_dir() or mapping.files:
            return False
        present = {p.name.lower() for p in raw_dir.iterdir() if p.is_file()}
        if any(name.lower() in present for t in SPECS for name in table_files(t, mapping)):
            return False
        try:
            return any(self.sheets(p, mapping) for p in self.workbooks(raw_dir, mapping))
        except InputFileError:
            return False

    def locate_lists(self, raw_dir: Path, mapping: Mapping) -> dict[str, Located]:
        """Where each list is; a one-line error when there is no Annex A list or more than one
        workbook holds them."""
        found: dict[str, Located] = {}
        for table in self.lists.values():
            named = mapping.files.get(table)
            if named and Path(named).suffix.lower() not in EXCEL_SUFFIXES:  # a list exported as CSV
                path = Path(raw_dir) / named
                if not path.is_file():
                    raise InputFileError(f"{path}: file not found (named for {table} by {mapping.name})")
                found[table] = Located(path, None)
        books = {p: self.sheets(p, mapping) for p in self.workbooks(raw_dir, mapping)}
        books = {p: s for p, s in books.items() if s}
        if len(books) > 1:
            raise InputFileError(f"{raw_dir}: more than one Annex A workbook ({', '.join(p.name for p in books)}); "
                                 "keep one, or name it in a mapping (files:)")
        for path, sheets in books.items():
            for table, sheet in sheets.items():
                found.setdefault(table, Located(path, sheet))
        if not found:
            raise InputFileError(f"{raw_dir}: no Annex A workbook found (a .xlsx with sheets List 1, List 3 or List 8)")
        return {t: found[t] for t in SPECS if t in found}

    def locate(self, raw_dir: Path, mapping: Mapping) -> dict[str, Path]:
        """The file of each list found."""
        return {t: where.path for t, where in self.locate_lists(raw_dir, mapping).items()}

    def read(self, raw_dir: Path, mapping: Mapping) -> dict[str, RawTable]:
        """Every list found, as the contract's tables (only the columns they use are read)."""
        out = {}
        for table, where in self.locate_lists(raw_dir, mapping).items():
            raw = read_table(where.path, SPECS[table], mapping, aliases=self.aliases(table), sheet=where.sheet)
            if where.sheet is not None:
                raw.notes.insert(0, f"read from sheet {where.sheet!r}")
            out[table] = raw
        return out

    def describe(self, raw_dir: Path, mapping: Mapping) -> str:
        """What was found, for the run's log."""
        number = {t: n for n, t in self.lists.items()}
        return ", ".join(
            f"List {number[t]} ({where.path.name}" + (f", sheet {where.sheet!r}" if where.sheet is not None else "")
            + f") as {t.replace('_', '-')}"
            for t, where in self.locate_lists(raw_dir, mapping).items()
        )


def _names_every(row: tuple, spec, mapping: Mapping, aliases: dict[str, str]) -> bool:
    from hwb_kpis.ingest.columns import HeaderNames

    name_of = HeaderNames(spec, mapping, aliases)
    names = {name_of(v) for v in row if v is not None and str(v).strip()}
    return all(c in names for c in spec.must_have)


ANNEX_A_FORMAT = AnnexAFormat()
