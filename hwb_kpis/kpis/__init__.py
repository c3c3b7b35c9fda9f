"""The board KPIs of ``docs/kpi-definitions.md``: tidy rows of numerator, denominator and rate
per KPI, group and month."""

from hwb_kpis.contract.processed import load_processed  # noqa: F401,E402  (the `kpis` command's input)
from hwb_kpis.kpis.engine import (  # noqa: F401
    ALL,
    COLUMNS,
    HEALTH,
    IHA_STEPS,
    KPI_NAMES,
    RECORD_KEYS,
    contacts,
    conversion,
    extract_as_of,
    flag_repeats,
    format_kpis,
    health_share,
    iha_steps,
    iha_within,
    kpi_table,
    marf,
    repeat_contacts,
    rereferral_12m,
)
