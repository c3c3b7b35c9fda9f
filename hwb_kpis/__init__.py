"""hwb-kpis: children's social care front-door KPIs for a Health & Wellbeing Board.

Flow (one module per arrow): raw extract -> ``ingest`` (+ ``schemas``, ``privacy``) ->
``coding`` -> processed Parquet -> ``kpis`` and ``stats`` -> notebooks -> ``report``.
"""

__version__ = "0.2.0"
