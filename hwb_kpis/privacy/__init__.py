"""Privacy, in three steps of the flow: keyed pseudonyms at ingest (:mod:`.pseudonym`), redaction
of free text kept as evidence (:mod:`.redact`), and disclosure control of everything published
(:mod:`.disclosure`, the only home of the small-number rule; :mod:`.secondary`, which further
counts to withhold so that none it hides can be worked out)."""

from hwb_kpis.privacy.disclosure import (
    INTERNAL_BANNER,
    SUPPRESSED_COUNT,
    SUPPRESSED_RATE,
    WITHHELD_COUNT,
    Decisions,
    is_suppressed_ok,
    published_html,
    suppress,
)
from hwb_kpis.privacy.pseudonym import (
    DEMO_KEY,
    PseudonymKey,
    keyed_digests,
    pseudonymise,
    pseudonyms_from_digests,
    resolve_key,
)
from hwb_kpis.privacy.redact import redact
from hwb_kpis.privacy.secondary import Ledger

__all__ = [
    "DEMO_KEY", "INTERNAL_BANNER", "SUPPRESSED_COUNT", "SUPPRESSED_RATE", "WITHHELD_COUNT", "Decisions", "Ledger",
    "PseudonymKey",
    "is_suppressed_ok", "keyed_digests", "published_html", "pseudonymise", "pseudonyms_from_digests", "redact", "resolve_key", "suppress",
]
