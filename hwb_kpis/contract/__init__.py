"""The data contract: the raw tables and their columns (``tables.yml``, :mod:`.tables`), the
pandera schemas that guard the raw and processed tables (:mod:`.schemas`), and the processed
folder (:mod:`.processed`).

The schemas are imported on first use (pandera takes seconds to import), so that reading the
table specs stays cheap.
"""

from hwb_kpis.contract.tables import (  # noqa: F401
    CONTACTS,
    LOOKED_AFTER,
    OPTIONAL_COLUMNS,
    OUTCOMES,
    REFERRALS,
    SPECS,
    TABLES,
    THRESHOLD_NOT_MET,
    Column,
    TableSpec,
)

_SCHEMA_NAMES = ("PROCESSED_CONTACTS", "PROCESSED_LOOKED_AFTER", "PROCESSED_REFERRALS", "QUARANTINE", "RAW_CONTACTS",
                 "RAW_LOOKED_AFTER", "RAW_REFERRALS", "empty_frame", "matches", "unique_ids")


def __getattr__(name: str):
    if name in _SCHEMA_NAMES:
        from hwb_kpis.contract import schemas

        return getattr(schemas, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
