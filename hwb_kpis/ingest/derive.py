"""The clean columns of the rows kept: each contract column converted as its kind says (ids to
pseudonyms, dates to dates, mapped values to canonical ones, blank text to NA) and the derived
columns of ``contract/tables.yml`` (month, date-of-birth month, age, age band)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hwb_kpis.contract.tables import OPTIONAL_KINDS, Column, TableSpec
from hwb_kpis.ingest.distinct import on_distinct
from hwb_kpis.ingest.limits import authority_pattern
from hwb_kpis.ingest.rows import Rows, collision_error
from hwb_kpis.ingest.subset import KeptRows
from hwb_kpis.ingest.values import map_values
from hwb_kpis.privacy.pseudonym import IdCollision, pseudonymise, pseudonyms_from_digests

AGE_BANDS = ("0-4", "5-9", "10-15", "16+")
#: what an unrecognised coded value becomes
UNKNOWN = "unknown"


def age_band(age_years: pd.Series) -> pd.Series:
    """Age bands used in the analyses: 0-4, 5-9, 10-15, 16+ (years at contact), else unknown."""
    bands = pd.cut(age_years.astype("float64"), bins=[-1, 4, 9, 15, 200], labels=list(AGE_BANDS))
    return bands.astype("string").fillna("unknown")


def year_month(dates: pd.Series) -> pd.Series:
    """``YYYY-MM`` of each date (NA for NaT), formatted once per distinct date."""
    return on_distinct(dates, lambda d: d.dt.strftime("%Y-%m").astype("string"))


def age_years(dob: pd.Series, at: pd.Series) -> pd.Series:
    """Whole years from birth to ``at``, birth taken as the 15th of its month (only the month is
    kept); never below 0; NA when either date is missing."""
    dob_mid = dob.dt.to_period("M").dt.to_timestamp() + pd.Timedelta(days=14)
    age_days = (at - dob_mid).dt.days
    return np.floor(age_days / 365.25).astype("Int64").clip(lower=0)


#: how each derived column of the contract is computed from its source columns
DERIVATIONS: dict[str, Callable[..., pd.Series]] = {
    "year_month": year_month,
    "age_years": age_years,
    "age_band": lambda years: on_distinct(years, age_band),
}


def blank_to_na(text: pd.Series) -> pd.Series:
    """``text`` with ``""`` as NA."""
    values = pa.array(text.array, type=pa.string())
    blank_as_na = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
    return pd.Series(pd.array(blank_as_na, dtype="string"), index=text.index)


def derive(rows: Rows, keep: np.ndarray) -> pd.DataFrame:
    """The clean table: the rows where ``keep`` is true, every column converted as its kind says,
    the derived columns beside the column they come from, then the optional columns and
    ``source_row``."""
    spec = rows.spec
    kept = KeptRows(rows.data, keep)
    values = {c.name: _convert(rows, kept, keep, c) for c in spec.column_specs}
    for d in spec.derived:
        values[d.name] = DERIVATIONS[d.how](*(values[s] for s in d.sources))
    out = {name: values[name] for name in output_columns(spec)}
    for col in spec.optional:
        out[col] = kept[col].astype("string")
        if OPTIONAL_KINDS.get(col) == "la_code" and (out[col] != "").any():
            out[col] = on_distinct(out[col], authority_code)
    out["source_row"] = kept["source_row"].astype("int64")
    return pd.DataFrame(out)


def output_columns(spec: TableSpec) -> list[str]:
    """The contract columns kept, each followed by the columns derived from it (a derived
    column's place is after its first source; a column not kept gives its place to them)."""
    order: list[str] = []

    def place(name: str, keep: bool) -> None:
        if keep:
            order.append(name)
        for d in spec.derived:
            if d.sources[0] == name:
                place(d.name, True)

    for column in spec.column_specs:
        place(column.name, column.keep)
    return order


def _convert(rows: Rows, kept: KeptRows, keep: np.ndarray, column: Column) -> pd.Series:
    """One contract column of the rows kept, converted as its kind says."""
    name = column.name
    if column.kind == "id":
        with rows.clock.stage("pseudonymise"):
            if name in rows.digests:
                return pseudonyms_from_digests(rows.digests[name][keep], prefix=column.prefix)
            ids = kept[name]
            try:
                return pseudonymise(ids, rows.key, prefix=column.prefix, space=rows.id_spaces.get(name))
            except IdCollision as exc:
                source_rows = kept["source_row"].to_numpy()[list(exc.positions)]
                raise collision_error(rows.raw, name, source_rows) from None
    if column.kind in ("date", "date_or_year_month"):
        return rows.kept_dates(name, keep).dt.normalize().astype("datetime64[ns]")
    if column.kind == "outcome":
        return rows.kept_mapped(name, keep).astype("string")
    if column.kind == "yes_no":
        return on_distinct(rows.kept_mapped(name, keep), lambda m: m.map({"yes": True, "no": False}).astype("boolean"))
    if column.kind == "category":
        return on_distinct(kept[name], lambda text: _canonical(text, name, rows)).astype("string")
    if column.kind in ("code", "free_text"):
        return blank_to_na(kept[name])
    return kept[name].astype("string")


def _canonical(text: pd.Series, column: str, rows: Rows) -> pd.Series:
    """The mapped value of each distinct text, else ``unknown`` (NA when blank): the text itself,
    which may be anything typed there (a name), never passes through."""
    mapped = map_values(text, column, rows.mapping)
    return mapped.where(mapped.notna() | (text.fillna("") == ""), UNKNOWN)


def authority_code(text: pd.Series) -> pd.Series:
    """Each authority as recorded when it is a local authority code
    (:func:`~hwb_kpis.ingest.limits.authority_pattern`), ``""`` when blank, else ``unknown``."""
    pattern = authority_pattern()
    text = text.fillna("")
    is_code = text.map(lambda v: bool(pattern.fullmatch(v))).astype(bool)
    return text.where(is_code | (text == ""), UNKNOWN).astype("string")
