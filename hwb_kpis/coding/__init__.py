"""Referral source coding: DfE codes and groups, the ordered free-text lookup, and the editable
recoding rules with their audit."""

from hwb_kpis.coding.rules import (  # noqa: F401
    AUDIT_COLUMNS,
    BLANK,
    CODING_COLUMNS,
    LOOKUP_FILE,
    REFERENCE_FILE,
    RULES_FILE,
    STR,
    TEXT_FIELDS,
    Clause,
    Rule,
    code_contacts,
    health_codes,
    load_lookup,
    load_reference,
    load_rules,
    normalise_code,
    recoding_summary,
    source_groups,
    unknown_sources,
    view_columns,
)
