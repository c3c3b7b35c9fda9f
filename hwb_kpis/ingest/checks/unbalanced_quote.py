"""Rule unbalanced_quote: a quoted field spanning more than a few lines, or never closed (a stray
quote; applied by the CSV reader, which sets its line apart and reads on from the next line)."""

from __future__ import annotations

from hwb_kpis.ingest.checks.registry import Rule, add
from hwb_kpis.ingest.lines import UNBALANCED

add(Rule(code="unbalanced_quote", order=5, reason=UNBALANCED, tables=None, find=None,
         summary="A quoted field spans more lines than reference/ingest_limits.yml allows, or is never closed "
                 "(applied by the reader)."))
