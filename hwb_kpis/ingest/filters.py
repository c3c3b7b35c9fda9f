"""The mapping's row filters (``filters:``): which headers of a file they test, and which rows
they keep. A row is kept when, for every filter of its table, its value is one of those listed
(compared as values are: ignoring case, spacing, hyphens and underscores). The rows left out are
counted, so that the reconciliation still accounts for every raw row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hwb_kpis.contract.tables import TableSpec
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.distinct import on_distinct
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.text import norm_header, norm_value


def filter_headers(headers: list[str], path: Path, spec: TableSpec, mapping: Mapping) -> dict[str, tuple[str, ...]]:
    """``{file header: values kept}`` for the table's filters; a filter naming a header the file
    does not have is an error naming the mapping and the file."""
    wanted = mapping.filters.get(spec.name, {})
    by_norm = {}
    for header in headers:
        by_norm.setdefault(norm_header(header), header)
    out = {}
    for key, values in wanted.items():
        if key not in by_norm:
            raise InputFileError(f"{path}: the row filter of {mapping.name} names column {key!r}, which this file does not have")
        out[by_norm[key]] = values
    return out


def kept_rows(columns: dict[str, pd.Series], filters: dict[str, tuple[str, ...]], n: int) -> np.ndarray:
    """Rows whose value passes every filter (``columns``: each filtered header's text)."""
    keep = np.ones(n, dtype=bool)
    for header, values in filters.items():
        text = columns[header].astype("string").fillna("")
        keep &= on_distinct(text, lambda u, allowed=frozenset(values): u.map(lambda v: norm_value(v) in allowed)
                            ).to_numpy(dtype=bool)
    return keep
