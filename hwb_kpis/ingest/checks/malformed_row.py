"""Rule malformed_row: a row that cannot be split into the header's number of fields (applied by
the CSV reader, which alone sees it; the quarantine names the whole row)."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import Rule, add

MALFORMED = "malformed row (wrong number of fields)"

add(Rule(code="malformed_row", order=10, reason=MALFORMED, tables=None, find=None,
         summary="A row of a delimited file has more or fewer fields than the header (applied by the reader)."))
