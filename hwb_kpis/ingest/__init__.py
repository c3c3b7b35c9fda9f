"""Ingest: read a raw extract (any supported format, :mod:`.formats`), map it to the data
contract (:mod:`.mapping`, :mod:`.columns`, :mod:`.additions`, :mod:`.values`), derive what it
lacks (:mod:`.fill`), quarantine what cannot be used (:mod:`.checks`, one rule per module) and
clean the rest (:mod:`.derive`, :mod:`.clean`).

The flow inside, one module per step::

    formats/ (detect, locate) -> readers (csv_file + lines, excel_file, filters, text, columns, additions;
             limits) -> RawTable per table -> fill (ids, outcomes the extract lacks)
             -> clean.clean_table: rows (dates, values, duplicates) -> checks -> quarantine
                                   -> derive (pseudonyms, months, ages) -> CleanTable
"""

from hwb_kpis.contract.tables import CONTACTS, LOOKED_AFTER, SPECS, TableSpec
from hwb_kpis.ingest.checks.conflicting_contact import CONFLICT
from hwb_kpis.ingest.checks.conflicting_period import CONFLICT_PERIOD
from hwb_kpis.ingest.checks.date_before_1900 import EARLIEST_DATE
from hwb_kpis.ingest.checks.date_in_future import FUTURE
from hwb_kpis.ingest.checks.malformed_row import MALFORMED
from hwb_kpis.ingest.checks.missing_value import MISSING
from hwb_kpis.ingest.checks.unknown_outcome import UNKNOWN_OUTCOME
from hwb_kpis.ingest.checks.unknown_yes_no import UNKNOWN_YES_NO
from hwb_kpis.ingest.clean import CleanTable, clean_table, read_and_clean
from hwb_kpis.ingest.dates import IMPOSSIBLE, UNPARSEABLE, parse_dates
from hwb_kpis.ingest.derive import age_band
from hwb_kpis.ingest.mapping import Mapping, load_mapping
from hwb_kpis.ingest.raw import RawTable
from hwb_kpis.ingest.readers import find_file, read_table
from hwb_kpis.ingest.values import map_values

__all__ = [
    "CONFLICT", "CONFLICT_PERIOD", "CONTACTS", "EARLIEST_DATE", "FUTURE", "IMPOSSIBLE", "LOOKED_AFTER", "MALFORMED",
    "MISSING", "SPECS", "UNKNOWN_OUTCOME", "UNKNOWN_YES_NO", "UNPARSEABLE", "CleanTable", "Mapping", "RawTable",
    "TableSpec", "age_band", "clean_table", "find_file", "load_mapping", "map_values", "parse_dates",
    "read_and_clean", "read_table",
]
