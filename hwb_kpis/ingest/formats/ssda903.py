"""The SSDA903 children-looked-after return, as CSVs (``header.csv``, ``episodes.csv``; the
return's other files are ignored, and the run says so) or as XML (``<CHILD>`` records of a
``<HEADER>`` and ``<EPISODE>`` elements, streamed), read as the contract's looked-after table:
one row per period of care, starting at an episode with ``RNE = S`` (:mod:`.periods`).

Reconciliation counts episode rows: episodes read = periods + episodes continuing a period +
quarantined + duplicates. The date of birth is joined from the header to say which children the
header lacks; the return has no initial health assessment date, no contacts and no referrals
(``ssda903.yml`` says so in the words the pages use)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from hwb_kpis.contract.tables import LOOKED_AFTER
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.formats import xml_stream
from hwb_kpis.ingest.formats.periods import FOLDED_NOTE, period_notes, starts_period
from hwb_kpis.ingest.formats.source import FormatWords, contract_table, files_by_stem, source_spec
from hwb_kpis.ingest.lines import Lines
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable

SPEC_FILE = Path(__file__).with_name("ssda903.yml")
CSV_SUFFIXES = (".csv",)


@dataclass(frozen=True)
class Ssda903Format(FormatWords):
    """The SSDA903 return (see the module docstring)."""

    name: str = "ssda903"
    spec_file: Path = field(default=SPEC_FILE, compare=False)

    # --- finding the return --------------------------------------------------------------------
    def _csv(self, raw_dir: Path) -> dict[str, Path]:
        """The return's CSVs by what they are: ``episodes.csv`` and ``header.csv``, else the one
        file whose headers are those of the table (as DfE's validator finds them); a one-line
        error when several files could be one table."""
        stems = files_by_stem(raw_dir, CSV_SUFFIXES)
        heads = {stem: _headers(path) for stem, path in stems.items()}
        out: dict[str, Path] = {}
        for name in self._spec["files"]:
            signature = {str(h).upper() for h in self._spec["signatures"][name]}
            if name in stems:  # by its name (reading it says what it lacks)
                out[name] = stems[name]
                continue
            matches = [stems[stem] for stem in stems if signature <= heads[stem]]
            if len(matches) > 1:
                raise InputFileError(f"{raw_dir}: more than one file looks like the SSDA903 {name} table "
                                     f"({', '.join(p.name for p in matches)}); keep one, or name it {name}.csv")
            if matches:
                out[name] = matches[0]
        return out

    def _xml(self, raw_dir: Path) -> list[Path]:
        xml = self._spec["xml"]
        found = []
        for path in files_by_stem(raw_dir, (".xml",)).values():
            tags = xml_stream.tags_at_start(path)
            if xml["episode"] in tags or (xml["header"] in tags and xml["child"] in tags):
                found.append(path)
        return found

    def detect(self, raw_dir: Path, mapping: Mapping) -> bool:
        """True when the folder holds a CSV of episodes (``CHILD``, ``DECOM``, ``RNE``) or an SSDA903 XML."""
        try:
            episodes = self._csv(raw_dir).get("episodes")
            signature = {str(h).upper() for h in self._spec["signatures"]["episodes"]}
            return (episodes is not None and signature <= _headers(episodes)) or bool(self._xml(raw_dir))
        except InputFileError:  # several candidates: it is a 903, and reading it says what is wrong
            return True

    def locate(self, raw_dir: Path, mapping: Mapping) -> dict[str, Path]:
        """``{"looked_after": episodes file}``, or a one-line error."""
        raw_dir = Path(raw_dir)
        if not raw_dir.is_dir():
            raise InputFileError(f"{raw_dir}: raw data folder not found")
        csv = self._csv(raw_dir)
        xml = self._xml(raw_dir)
        if "episodes" in csv and xml:
            raise InputFileError(f"{raw_dir}: the SSDA903 return is there twice ({csv['episodes'].name} and "
                                 f"{xml[0].name}); keep one")
        if len(xml) > 1:
            raise InputFileError(f"{raw_dir}: more than one SSDA903 XML ({', '.join(p.name for p in xml)}); keep one")
        if "episodes" in csv:
            return {"looked_after": csv["episodes"]}
        if xml:
            return {"looked_after": xml[0]}
        raise InputFileError(f"{raw_dir}: no SSDA903 return found (episodes.csv with CHILD, DECOM and RNE, "
                             "or an SSDA903 XML)")

    def ignored(self, raw_dir: Path) -> list[str]:
        """The return's other CSVs (``oc2``, ``missing``, ``uasc``...: a ``CHILD`` column), which
        this format does not read (said in the run's notes); another source's files are not its."""
        used = {p.name for p in self._csv(raw_dir).values()}
        return sorted(p.name for p in files_by_stem(raw_dir, CSV_SUFFIXES).values()
                      if p.name not in used and "CHILD" in _headers(p))

    def describe(self, raw_dir: Path, mapping: Mapping) -> str:
        path = self.locate(raw_dir, mapping)["looked_after"]
        if path.suffix.lower() == ".xml":
            return f"{path.name} (XML) as looked-after periods"
        header = self._csv(raw_dir).get("header")
        return f"{path.name}{' and ' + header.name if header else ''} as looked-after periods"

    # --- reading ---------------------------------------------------------------------------------
    def read(self, raw_dir: Path, mapping: Mapping) -> dict[str, RawTable]:
        """The looked-after periods of the return."""
        path = self.locate(raw_dir, mapping)["looked_after"]
        lines = None
        if path.suffix.lower() == ".xml":
            episodes, dob, malformed = self._read_xml(path)
            notes = []
        else:
            episodes, malformed, lines = self._read_csv(path, "episodes", mapping)
            header_path = self._csv(raw_dir).get("header")
            dob = self._read_csv(header_path, "header", mapping)[0] if header_path else None
            notes = [] if header_path else ["no header.csv: dates of birth not joined"]
        others = self.ignored(raw_dir)
        if others:
            notes.append(f"files not read (the KPIs need only the episodes): {', '.join(others)}")
        short = {str(c).upper() for c in self._spec.get("short_breaks", [])}
        if "legal_status" in episodes.columns and short:
            is_short = starts_period(episodes["reason"]) & episodes["legal_status"].astype("string").fillna("") \
                .str.strip().str.upper().isin(short).to_numpy()
            if is_short.any():
                notes.append(f"{int(is_short.sum()):,} periods start on a short-break legal status "
                             f"({', '.join(sorted(short))}); they are kept, though DfE's published counts of "
                             "children starting to be looked after leave them out")
        return {"looked_after": periods_table(episodes, dob, path, mapping, malformed=malformed, notes=notes,
                                              lines=lines)}

    def _read_csv(self, path: Path, name: str, mapping: Mapping) -> tuple[pd.DataFrame, pd.DataFrame, Lines | None]:
        from hwb_kpis.ingest.readers import read_file

        columns = {str(c): str(h) for c, h in self._spec["files"][name].items()}  # what -> the return's header
        required = tuple(columns[c] for c in self._spec["required"][name])
        spec = source_spec(name, {h: "text" for h in columns.values()}, required=required)
        raw = read_file(path, spec, mapping)  # errors name the return's own headers
        return raw.data.rename(columns={h: c for c, h in columns.items()}), raw.malformed, raw.lines

    def _read_xml(self, path: Path) -> tuple[pd.DataFrame, pd.DataFrame, None]:
        """The episodes, the dates of birth of the headers, and no malformed rows (XML has none: it
        is well-formed or refused)."""
        xml = self._spec["xml"]
        child, start, reason, end, end_reason, legal_status, rows = [], [], [], [], [], [], []
        dob_child, dob = [], []
        for record in xml_stream.records(path, (xml["record"],)):
            child_id, birth = "", ""
            for part in record:
                name = xml_stream.local(part.tag)
                if name == xml["header"]:
                    fields = xml_stream.children_text(part)
                    child_id, birth = fields.get(xml["child"], ""), fields.get(xml["dob"], "")
                    dob_child.append(child_id)
                    dob.append(birth)
                elif name == xml["episode"]:
                    fields = xml_stream.children_text(part)
                    child.append(child_id)
                    start.append(fields.get(xml["start"], ""))
                    reason.append(fields.get(xml["reason"], ""))
                    end.append(fields.get(xml["end"], ""))
                    end_reason.append(fields.get(xml["end_reason"], ""))
                    legal_status.append(fields.get(xml["legal_status"], ""))
                    rows.append(part.sourceline or 0)
        episodes = pd.DataFrame({"child": child, "start": start, "reason": reason, "end": end,
                                 "end_reason": end_reason, "legal_status": legal_status, "source_row": rows})
        return episodes, pd.DataFrame({"child": dob_child, "dob": dob}), None


def periods_table(episodes: pd.DataFrame, dob: pd.DataFrame | None, path: Path, mapping: Mapping, *,
                  malformed: pd.DataFrame | None = None, notes: list[str] | None = None,
                  source: str = "the SSDA903 episodes", extra: dict[str, np.ndarray] | None = None,
                  lines: Lines | None = None) -> RawTable:
    """The looked-after table from episodes (``child``, ``start``, ``reason``, ``source_row``):
    one row per episode with reason ``S``, the others folded (counted, not rows). ``extra``:
    further contract columns, one value per period start in episode order (SSD's ``iha_date``)."""
    episodes = episodes.astype({"child": "string", "start": "string", "reason": "string"})
    is_start = starts_period(episodes["reason"])
    notes = list(notes or [])
    notes[:0] = period_notes(episodes, is_start, source=source)
    if dob is not None:
        known = set(dob.loc[dob["dob"].astype("string").fillna("") != "", "child"].astype(str))
        children = set(episodes["child"].astype(str)) - {""}
        lacking = len(children - known)
        notes.append(f"dates of birth joined from the header: {len(children) - lacking:,} of {len(children):,} "
                     "children with episodes have one")
    starts = episodes[is_start]
    return contract_table(
        LOOKED_AFTER, path, {"child_id": starts["child"].to_numpy(), "period_start": starts["start"].to_numpy(),
                             **(extra or {})},
        np.asarray(starts["source_row"], dtype="int64"), mapping, notes=notes, malformed=malformed,
        folded=int((~is_start).sum()), folded_note=FOLDED_NOTE, lines=lines,
    )


def _headers(path: Path) -> set[str]:
    """The upper-case headers of a CSV file (its first line; empty when unreadable)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            first = next(csv.reader(fh), [])
    except OSError:
        return set()
    return {h.strip().upper() for h in first}


SSDA903_FORMAT = Ssda903Format()
