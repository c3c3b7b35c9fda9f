"""Value maps: the canonical value of each entry of a coded column (outcome, yes/no, gender),
from the analyst's mapping first, then the built-in variants in ``reference/value_maps.yml``
(by column, then by the column's kind). Ofsted Annex A's letter prefixes (``a) Male``,
``b) No``) are read as the label after them."""

from __future__ import annotations

import re

import pandas as pd
import yaml

from hwb_kpis import config
from hwb_kpis.contract.tables import SPECS
from hwb_kpis.ingest.distinct import expand, factorize
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.text import norm_value

VALUE_MAPS_FILE = config.REFERENCE_DIR / "value_maps.yml"
#: an Annex A list label's letter prefix: ``a) ``, ``p1) ``
_ANNEX_A_PREFIX = re.compile(r"^[a-z][0-9]?\)\s*")


def value_maps() -> dict[str, dict[str, str]]:
    """Built-in variants (``reference/value_maps.yml``) as {column or kind: {normalised variant: canonical}}."""
    data = yaml.safe_load(VALUE_MAPS_FILE.read_text(encoding="utf-8"))
    return {
        col: {norm_value(v): str(canonical) for canonical, variants in groups.items() for v in variants}
        for col, groups in data.items()
    }


def kind_of(column: str) -> str:
    """The contract kind of ``column`` (the first table that has it), or ``""``."""
    for spec in SPECS.values():
        if column in spec.columns:
            return spec.column(column).kind
    return ""


def without_prefix(value: str) -> str:
    """A normalised value without an Annex A letter prefix (``a) male`` -> ``male``)."""
    return _ANNEX_A_PREFIX.sub("", value)


def map_values(values: pd.Series, column: str, mapping: Mapping) -> pd.Series:
    """Canonical value of each entry (mapping file first, then ``reference/value_maps.yml`` for
    the column, then for its kind); NA where blank or not recognised. A value not found as written
    is looked up again without an Annex A letter prefix."""
    builtin = value_maps()
    lookup = {**builtin.get(kind_of(column), {}), **builtin.get(column, {}), **mapping.values.get(column, {})}
    codes, uniques = factorize(values)
    normalised = uniques.astype("string").fillna("").map(norm_value, na_action="ignore")
    found = normalised.map(lookup).astype("string")
    retry = found.isna() & (normalised != "")
    if retry.any():
        found[retry] = normalised[retry].map(without_prefix).map(lookup).astype("string")
    return expand(found, codes, values.index)
