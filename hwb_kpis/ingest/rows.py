"""One raw table while it is cleaned: its text, and what is worked out once and shared by the
quarantine rules (:mod:`hwb_kpis.ingest.checks`) and the derived fields
(:mod:`hwb_kpis.ingest.derive`): parsed dates, mapped values, the digests of ids hashed per row,
exact copies and conflicting keys."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from hwb_kpis.errors import PseudonymCollisionError
from hwb_kpis.ingest.dates import parse_distinct_dates
from hwb_kpis.ingest.distinct import expand, factorize
from hwb_kpis.ingest.duplicates import exact_duplicates, repeated
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable
from hwb_kpis.ingest.subset import filter_rows
from hwb_kpis.ingest.values import map_values
from hwb_kpis.privacy.pseudonym import IdCollision, IdSpace, PseudonymKey, keyed_digests
from hwb_kpis.timings import Clock


class Rows:
    """A raw table being cleaned. ``duplicate`` marks the exact copies (after the first) and
    ``repeated_key`` the rows whose first key column is not unique; ``digests[column]`` holds the
    keyed digests of ids hashed every row (they find repeated ids by sorting integers and become
    the pseudonyms of the rows kept)."""

    def __init__(self, raw: RawTable, mapping: Mapping, key: PseudonymKey, *,
                 today: dt.date | None = None, clock: Clock | None = None,
                 id_spaces: dict[str, IdSpace] | None = None) -> None:
        self.raw, self.spec, self.data = raw, raw.spec, raw.data
        self.mapping, self.key = mapping, key
        #: per id column, the ids hashed in earlier tables of the extract (collisions across tables)
        self.id_spaces = id_spaces or {}
        self.today = pd.Timestamp(today or dt.date.today())
        self.clock = clock or Clock()
        self.digests: dict[str, np.ndarray] = {}
        for column in self.spec.column_specs:
            if column.kind == "id" and column.per_row:
                with self.clock.stage("pseudonymise"):
                    self.digests[column.name] = keyed_digests(self.data[column.name], key)
        first = self.spec.key[0]
        numbers = self.digests[first].view("<u8").ravel() if first in self.digests else None
        content = [c for c in self.data.columns if c != "source_row"]
        # exact copies are left in place until the end (one filter of the table instead of two)
        # but are never flagged
        try:
            self.duplicate, self.repeated_key = exact_duplicates(self.data, content, first, numbers)
        except IdCollision as exc:
            raise collision_error(raw, first, self.data["source_row"].to_numpy()[list(exc.positions)]) from None
        self._dates: dict[str, tuple[np.ndarray, pd.Series, pd.Series]] = {}  # (codes, dates, problem)
        self._parsed: dict[str, pd.Series] = {}
        self._mapped: dict[str, pd.Series] = {}

    def dates(self, column: str) -> pd.Series:
        """The date column parsed (NaT when blank or bad), each distinct text once."""
        if column not in self._parsed:
            codes, dates, _ = self._distinct_dates(column)
            self._parsed[column] = expand(dates, codes, self.data.index)
        return self._parsed[column]

    def dates_moved(self, column: str, offset: pd.DateOffset) -> pd.Series:
        """The date column parsed and moved by ``offset`` (a calendar offset, such as 10 months),
        each distinct date moved once (NaT for a date too near the ends of pandas' date range, which
        earlier rules quarantine anyway)."""
        codes, dates, _ = self._distinct_dates(column)
        safe = dates.where(dates.between(pd.Timestamp("1700-01-01"), pd.Timestamp("2250-01-01")))
        return expand(safe + offset, codes, self.data.index)

    def date_problem(self, column: str, problem: str) -> np.ndarray:
        """Rows whose date in ``column`` has ``problem`` (:data:`~hwb_kpis.ingest.dates.UNPARSEABLE`
        or :data:`~hwb_kpis.ingest.dates.IMPOSSIBLE`)."""
        codes, _, problems = self._distinct_dates(column)
        return (problems == problem).fillna(False).to_numpy(dtype=bool)[codes]

    def _distinct_dates(self, column: str) -> tuple[np.ndarray, pd.Series, pd.Series]:
        if column not in self._dates:
            codes, uniques = factorize(self.data[column])
            allow = self.spec.column(column).kind == "date_or_year_month"
            dates, problem = parse_distinct_dates(uniques, allow_year_month=allow)
            self._dates[column] = (codes, dates, problem)
        return self._dates[column]

    def mapped(self, column: str) -> pd.Series:
        """The canonical value of each entry of a mapped column (NA when blank or unknown)."""
        if column not in self._mapped:
            self._mapped[column] = map_values(self.data[column], column, self.mapping)
        return self._mapped[column]

    def unmapped(self, column: str) -> np.ndarray:
        """Rows with a value in ``column`` that maps to nothing."""
        return (self.mapped(column).isna() & (self.data[column] != "")).to_numpy(dtype=bool)

    def key_conflicts(self) -> np.ndarray:
        """Rows, exact copies aside, whose key (every key column filled) is shared with another
        row of different content. Dates in the key compare as dates (``05/01/2015`` is
        ``2015-01-05``)."""
        among = self.repeated_key & ~self.duplicate  # a repeated key needs a repeated first column
        conflicting = repeated(self._key_text(among), among)
        keyed = (self.data[list(self.spec.key)] != "").all(axis=1).to_numpy()
        return conflicting & keyed

    def _key_text(self, among: np.ndarray) -> pd.Series:
        parts = []
        for column in self.spec.key:
            text = self.data.loc[among, column]
            if column in self.spec.dates:
                text = self.dates(column)[among].dt.strftime("%Y-%m-%d").fillna(text)
            parts.append(text)
        key = parts[0]
        for part in parts[1:]:
            key = key + "|" + part
        return key

    def kept_dates(self, column: str, keep: np.ndarray) -> pd.Series:
        """The parsed dates of the rows kept (and the full column forgotten, to free memory)."""
        dates = filter_rows(self.dates(column), keep)
        self._parsed.pop(column, None)
        self._dates.pop(column, None)
        return dates

    def kept_mapped(self, column: str, keep: np.ndarray) -> pd.Series:
        """The canonical values of the rows kept (and the full column forgotten)."""
        values = filter_rows(self.mapped(column), keep)
        self._mapped.pop(column, None)
        return values


#: what a collision error says happened
COLLISION_ADVICE = ("a 64-bit keyed-hash collision (vanishingly rare by chance: check the extract for "
                    "forged ids); cleaning stops rather than merge two records into one")


def collision_error(raw: RawTable, column: str, rows: np.ndarray) -> PseudonymCollisionError:
    """The error for two different ids of ``column`` sharing one pseudonym, at spreadsheet ``rows``
    (one row: the other id is in an earlier table). Names rows, never the ids."""
    if len(rows) >= 2:
        what = f"two different {column} values share one pseudonym (rows {rows[0]} and {rows[1]})"
    else:
        what = f"the {column} of row {rows[0]} has the pseudonym of a different id, also used by another id in an earlier table"
    return PseudonymCollisionError(f"{raw.path}: {what}: {COLLISION_ADVICE}")
