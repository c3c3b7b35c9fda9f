"""Data to Insight's Standard Safeguarding Dataset (SSD) as CSV exports, read as the contract's
tables (what is read, and the words for what is not, are data: ``ssd.yml``):

* ``ssd_contacts`` -> contacts: the outcome from ``cont_contact_outcome_json`` (its flags; a
  contact with ``NEW_REFERRAL_FLAG`` or ``EXISTING_REFERRAL_FLAG`` set is a referral), the source
  from ``cont_contact_source_code`` (else its description, read as free text by coding), the date
  of birth joined from ``ssd_person``;
* ``ssd_cin_episodes`` -> referrals;
* ``ssd_cla_episodes`` -> looked-after periods (starting at an episode with reason ``S``,
  :mod:`.periods`), each with the date of its initial health assessment from ``ssd_cla_health``
  (the first completed check of an assessment type on or after the period's start and before the
  child's next period; dental and other checks are not IHAs);
* ``ssd_person`` -> dates of birth only: forenames, surnames and every other personal field are
  never read (only the named columns are converted by the CSV reader).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from hwb_kpis.contract.tables import CONTACTS, REFERRALS
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.dates import parse_dates
from hwb_kpis.ingest.formats.periods import starts_period
from hwb_kpis.ingest.formats.source import FormatWords, contract_table, files_by_stem, source_spec
from hwb_kpis.ingest.formats.ssda903 import periods_table
from hwb_kpis.ingest.lines import Lines
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable
from hwb_kpis.ingest.text import norm_value

SPEC_FILE = Path(__file__).with_name("ssd.yml")
#: the contract table each SSD file becomes
TABLES = {"ssd_contacts": "contacts", "ssd_cin_episodes": "referrals", "ssd_cla_episodes": "looked_after"}
_FLAG = re.compile(r'"?([A-Z_]+_FLAG)"?\s*:\s*"?([^",}]*)"?', re.IGNORECASE)


@dataclass(frozen=True)
class SsdFormat(FormatWords):
    """The SSD export (see the module docstring)."""

    name: str = "ssd"
    spec_file: Path = field(default=SPEC_FILE, compare=False)

    def files(self, raw_dir: Path) -> dict[str, Path]:
        """The SSD files of the folder, by SSD table: named as the table (any case), or the table's
        name with a suffix (``ssd_contacts_2024-11.csv``) when it is the only such file; two
        candidates for one table are a one-line error naming both."""
        stems = files_by_stem(raw_dir, (".csv",))
        out = {}
        for name in self._spec["files"]:
            if name in stems:
                out[name] = stems[name]
                continue
            found = [p for stem, p in stems.items() if stem.startswith(name) and stem[len(name)] in "_- ."]
            if len(found) > 1:
                raise InputFileError(f"{raw_dir}: more than one file for the SSD table {name} "
                                     f"({', '.join(p.name for p in found)}); keep one")
            if found:
                out[name] = found[0]
        return out

    def detect(self, raw_dir: Path, mapping: Mapping) -> bool:
        try:
            return any(name in TABLES for name in self.files(raw_dir))
        except InputFileError:  # an SSD export, and reading it says what is wrong
            return True

    def locate(self, raw_dir: Path, mapping: Mapping) -> dict[str, Path]:
        raw_dir = Path(raw_dir)
        if not raw_dir.is_dir():
            raise InputFileError(f"{raw_dir}: raw data folder not found")
        found = {TABLES[name]: path for name, path in self.files(raw_dir).items() if name in TABLES}
        if not found:
            raise InputFileError(f"{raw_dir}: no Standard Safeguarding Dataset file found (ssd_contacts.csv, "
                                 "ssd_cin_episodes.csv or ssd_cla_episodes.csv)")
        return found

    def describe(self, raw_dir: Path, mapping: Mapping) -> str:
        return ", ".join(f"{path.name} as {table.replace('_', '-')}" for table, path in self.locate(raw_dir, mapping).items())

    # --- reading ---------------------------------------------------------------------------------
    def _read(self, path: Path, name: str, mapping: Mapping) -> tuple[pd.DataFrame, pd.DataFrame, list[str], Lines | None]:
        """The named fields of one SSD file (others are never read), its malformed rows, notes and lines."""
        from hwb_kpis.ingest.readers import read_file

        columns = {str(c): str(f) for c, f in self._spec["files"][name].items()}  # what -> the SSD field
        required = tuple(columns[c] for c in self._spec["required"][name])
        spec = source_spec(name, {f: "text" for f in columns.values()}, required=required)
        raw = read_file(path, spec, mapping)  # errors name the SSD's own fields
        data = raw.data.rename(columns={f: c for c, f in columns.items()})
        for col, field_name in columns.items():
            if not raw.has(field_name):
                data[col] = ""
        return data, raw.malformed, raw.notes, raw.lines

    def read(self, raw_dir: Path, mapping: Mapping) -> dict[str, RawTable]:
        files = self.files(raw_dir)
        self.locate(raw_dir, mapping)
        dob = self._read(files["ssd_person"], "ssd_person", mapping)[0] if "ssd_person" in files else None
        out: dict[str, RawTable] = {}
        if "ssd_contacts" in files:
            out["contacts"] = self._contacts(files["ssd_contacts"], dob, mapping)
        if "ssd_cin_episodes" in files:
            path = files["ssd_cin_episodes"]
            data, malformed, notes, lines = self._read(path, "ssd_cin_episodes", mapping)
            present = [c for c in REFERRALS.columns if c in data.columns and (c in self._spec["required"]["ssd_cin_episodes"]
                                                                              or (data[c] != "").any())]
            out["referrals"] = contract_table(REFERRALS, path, {c: data[c] for c in present}, data["source_row"],
                                              mapping, notes=notes, malformed=malformed, lines=lines)
        if "ssd_cla_episodes" in files:
            out["looked_after"] = self._looked_after(files["ssd_cla_episodes"], files.get("ssd_cla_health"), mapping)
        return {t: out[t] for t in ("contacts", "referrals", "looked_after") if t in out}

    def _contacts(self, path: Path, dob: pd.DataFrame | None, mapping: Mapping) -> RawTable:
        data, malformed, notes, lines = self._read(path, "ssd_contacts", mapping)
        columns = {c: data[c] for c in ("contact_id", "child_id", "contact_date")}
        for c in ("source_code", "source_detail"):
            if (data[c] != "").any():
                columns[c] = data[c]
        if (data["outcome_json"] != "").any():  # a column blank throughout was not exported: no stand-in
            columns["outcome"] = self.outcomes(data["outcome_json"])
            notes = [*notes, "outcome read from the flags of cont_contact_outcome_json (the JSON itself is never kept)"]
        if dob is not None:
            births = dob[dob["person"] != ""].drop_duplicates("person").set_index("person")["dob"]
            columns["child_dob"] = data["child_id"].map(births).fillna("")
            notes.append(f"dates of birth joined from ssd_person ({int((columns['child_dob'] != '').sum()):,} "
                         "contacts matched); no other field of ssd_person is read")
        return contract_table(CONTACTS, path, columns, data["source_row"], mapping, notes=notes, malformed=malformed,
                              lines=lines)

    def outcomes(self, text: pd.Series) -> np.ndarray:
        """Each contact's outcome from ``cont_contact_outcome_json`` (see ``ssd.yml``)."""
        codes, uniques = pd.factorize(text.astype("string").fillna(""))
        mapped = np.array([self.outcome(str(u)) for u in uniques], dtype=object)
        return mapped[codes] if len(codes) else np.zeros(0, dtype=object)

    def outcome(self, text: str) -> str:
        """One outcome: ``referral``, ``nfa``, ``advice``, ``early_help``, ``pending`` or the
        unknown label (quarantined by cleaning)."""
        spec = self._spec["outcome"]
        flags = _flags(text)
        if flags is None:  # not JSON: some exports write a label
            label = norm_value(text)
            return "pending" if not label else str(spec["text"].get(label, spec["unknown"]))
        yes = {str(v).lower() for v in spec["yes_values"]}
        set_flags = {k for k, v in flags.items() if str(v).strip().lower() in yes}
        for flag, outcome in spec["flags"]:
            if flag in set_flags:
                return str(outcome)
        return "pending" if not set_flags else str(spec["unknown"])

    def _looked_after(self, path: Path, health_path: Path | None, mapping: Mapping) -> RawTable:
        episodes, malformed, notes, lines = self._read(path, "ssd_cla_episodes", mapping)
        is_start = starts_period(episodes["reason"])
        extra = {}
        if health_path is not None:
            health = self._read(health_path, "ssd_cla_health", mapping)[0]
            extra["iha_date"] = first_iha(episodes[is_start], health, self._spec["iha"])
            notes = [*notes, f"initial health assessments: the first completed check of an assessment type in "
                     f"{health_path.name} on or after the start of each period "
                     f"({int((extra['iha_date'] != '').sum()):,} of {int(is_start.sum()):,} periods have one)"]
        return periods_table(episodes, None, path, mapping, malformed=malformed, notes=notes,
                             source="ssd_cla_episodes", extra=extra, lines=lines)


def _flags(text: str) -> dict[str, str] | None:
    """The ``*_FLAG`` keys of an outcome JSON (None when the text holds none)."""
    try:
        value = json.loads(text)
        if isinstance(value, dict):
            return {str(k).upper(): "" if v is None else str(v) for k, v in value.items() if str(k).upper().endswith("_FLAG")}
    except ValueError:
        pass
    found = _FLAG.findall(text)
    return {k.upper(): v for k, v in found} if found else None


def first_iha(starts: pd.DataFrame, health: pd.DataFrame, rules: dict) -> np.ndarray:
    """For each period start (``child``, ``start`` as read), the ISO date of the first health
    check that is an initial health assessment (type matches ``rules["types"]``, status one of
    ``rules["statuses"]``, dated on or after the start and before the child's next period), or ``""``."""
    out = np.full(len(starts), "", dtype=object)
    if not len(starts) or not len(health):
        return out
    kinds = health["type"].astype("string").fillna("").str.contains(rules["types"], case=False, regex=True)
    statuses = {str(s).lower() for s in rules["statuses"]}
    done = health["status"].astype("string").fillna("").str.strip().str.lower().isin(statuses)
    checks = health[(kinds & done).to_numpy(dtype=bool)]
    checks = pd.DataFrame({"child": checks["child"].astype(str).to_numpy(),
                           "day": parse_dates(checks["date"].astype("string"))[0].to_numpy()})
    checks = checks[checks["day"].notna()].sort_values("day", kind="stable")
    periods = pd.DataFrame({"child": starts["child"].astype(str).to_numpy(),
                            "day": parse_dates(starts["start"].astype("string"))[0].to_numpy(),
                            "row": np.arange(len(starts))})
    periods = periods[periods["day"].notna()].sort_values(["child", "day"], kind="stable")
    periods["next_start"] = periods.groupby("child")["day"].shift(-1)
    periods = periods.sort_values("day", kind="stable")
    checks["iha"] = checks["day"]
    linked = pd.merge_asof(periods, checks, on="day", by="child", direction="forward")
    ok = linked["iha"].notna() & (linked["next_start"].isna() | (linked["iha"] < linked["next_start"]))
    out[linked.loc[ok, "row"].to_numpy()] = linked.loc[ok, "iha"].dt.strftime("%Y-%m-%d").to_numpy()
    return out


SSD_FORMAT = SsdFormat()
