"""Value maps: the canonical value of each entry of a coded column (outcome, yes/no, gender),
from the analyst's mapping first, then the built-in variants in ``reference/value_maps.yml``."""

from __future__ import annotations

import pandas as pd
import yaml

from hwb_kpis import config
from hwb_kpis.ingest.distinct import expand, factorize
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.text import norm_value

VALUE_MAPS_FILE = config.REFERENCE_DIR / "value_maps.yml"


def value_maps() -> dict[str, dict[str, str]]:
    """Built-in variants (``reference/value_maps.yml``) as {column: {normalised variant: canonical}}."""
    data = yaml.safe_load(VALUE_MAPS_FILE.read_text(encoding="utf-8"))
    return {
        col: {norm_value(v): str(canonical) for canonical, variants in groups.items() for v in variants}
        for col, groups in data.items()
    }


def map_values(values: pd.Series, column: str, mapping: Mapping) -> pd.Series:
    """Canonical value of each entry (mapping file first, then ``reference/value_maps.yml``);
    NA where blank or not recognised."""
    lookup = {**value_maps().get(column, {}), **mapping.values.get(column, {})}
    codes, uniques = factorize(values)
    normalised = uniques.astype("string").fillna("").map(norm_value, na_action="ignore")
    return expand(normalised.map(lookup).astype("string"), codes, values.index)
