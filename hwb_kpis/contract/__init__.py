"""The data contract: the raw and processed tables, their columns, and the pandera schemas that
guard them."""

from hwb_kpis.contract.schemas import (  # noqa: F401
    PROCESSED_CONTACTS,
    PROCESSED_LOOKED_AFTER,
    QUARANTINE,
    RAW_CONTACTS,
    RAW_LOOKED_AFTER,
    matches,
    unique_ids,
)
