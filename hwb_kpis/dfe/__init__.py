"""DfE published statistics (children in need, referrals and re-referrals, children looked after)
and comparisons of an authority with its region, England and comparators."""

from hwb_kpis.dfe.published import (  # noqa: F401
    DFE_FILES,
    DOWNLOAD_HINT,
    ID_COLUMNS,
    LA_CODE_ALIASES,
    LEVELS,
    LOOKALIKE_NOTE,
    MEASURES,
    SUPPRESSION_MARKERS,
    cla_starts,
    comparison_sentences,
    figure_alt_text,
    find_dfe_file,
    format_benchmark,
    la_summary,
    latest_year,
    lookalikes,
    own_vs_published,
    read_dfe,
    reporting_year,
    resolve_la,
    year_label,
)
