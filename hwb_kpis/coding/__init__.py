"""Referral source coding: the DfE code list and groups (:mod:`.codes`), the free text matched
(:mod:`.text`), the ordered free-text lookup (:mod:`.lookup`), the editable recoding rules
(:mod:`.rules`) and their audit (:mod:`.audit`)."""

from hwb_kpis.coding.audit import AUDIT_COLUMNS, recoding_summary, unknown_sources
from hwb_kpis.coding.codes import (
    REFERENCE_FILE,
    STR,
    health_codes,
    load_reference,
    normalise_code,
    source_groups,
    view_columns,
)
from hwb_kpis.coding.lookup import LOOKUP_FILE, load_lookup
from hwb_kpis.coding.rules import (
    BLANK,
    CODING_COLUMNS,
    RULES_FILE,
    Clause,
    Rule,
    code_contacts,
    load_rules,
)
from hwb_kpis.coding.text import TEXT_FIELDS

__all__ = [
    "AUDIT_COLUMNS", "BLANK", "CODING_COLUMNS", "LOOKUP_FILE", "REFERENCE_FILE", "RULES_FILE", "STR",
    "TEXT_FIELDS", "Clause", "Rule", "code_contacts", "health_codes", "load_lookup", "load_reference",
    "load_rules", "normalise_code", "recoding_summary", "source_groups", "unknown_sources", "view_columns",
]
