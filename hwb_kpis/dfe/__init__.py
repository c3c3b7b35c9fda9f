"""DfE published statistics (children in need, referrals and re-referrals, children looked after):
reading the files (:mod:`.read`), comparing an authority with its region, England and
comparators (:mod:`.compare`), the words of the benchmarking page (:mod:`.sentences`) and the
``hwb-kpis benchmark`` command's text (:mod:`.output`)."""

from hwb_kpis.dfe.compare import (
    LEVELS,
    LOOKALIKE_NOTE,
    children_in_need,
    cla_starts,
    la_summary,
    latest_year,
    lookalikes,
    own_vs_published,
)
from hwb_kpis.dfe.output import format_benchmark
from hwb_kpis.dfe.read import (
    DFE_FILES,
    DOWNLOAD_HINT,
    ID_COLUMNS,
    LA_CODE_ALIASES,
    SUPPRESSION_MARKERS,
    find_dfe_file,
    read_dfe,
    reporting_year,
    resolve_la,
    year_label,
)
from hwb_kpis.dfe.sentences import MEASURES, comparison_sentences, figure_alt_text

__all__ = [
    "DFE_FILES", "DOWNLOAD_HINT", "ID_COLUMNS", "LA_CODE_ALIASES", "LEVELS", "LOOKALIKE_NOTE", "MEASURES",
    "SUPPRESSION_MARKERS", "children_in_need", "cla_starts", "comparison_sentences", "figure_alt_text", "find_dfe_file",
    "format_benchmark", "la_summary", "latest_year", "lookalikes", "own_vs_published", "read_dfe",
    "reporting_year", "resolve_la", "year_label",
]
