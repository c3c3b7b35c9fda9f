"""Pandera contracts of the raw and processed tables (``docs/interfaces.md``).

The raw contract says what a file must look like after renaming: every contract column present
as text. The processed contracts pin the types and the domain of every column written to
``data/processed/``; the pipeline validates before writing, so a change that breaks the contract
fails loudly instead of producing a wrong pack.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from hwb_kpis import config
from hwb_kpis.arrow import text_array
from hwb_kpis.contract.ids import pseudonym_words

_CODE = r"^(1[A-D]|2[AB]|3[A-F]|4|5[A-D]|6|7|8|9|10)$"
_MONTH = r"^[0-9]{4}-[0-9]{2}$"
_PSEUDONYM = r"^[0-9a-f]{16}$"


def matches(pattern: str, *, few_distinct: bool = False) -> pa.Check:
    """Every value matches ``pattern`` (written anchored, ``^...$``): ``Check.str_matches`` run by
    pyarrow's RE2 in one pass (``$`` is the end of the text, never before a final newline), and
    with ``few_distinct`` (code lists, months) once per distinct value. When it fails, the failing
    rows are reported as ``str_matches`` would report them."""
    pc.match_substring_regex(pyarrow.array([""]), pattern)  # fail at import on a pattern RE2 cannot run

    def check(series: pd.Series) -> bool | pd.Series:
        text = text_array(series)
        values = pc.unique(text) if few_distinct else text
        if pc.all(pc.fill_null(pc.match_substring_regex(values, pattern), True)).as_py():
            return True
        ok = pc.fill_null(pc.match_substring_regex(text, pattern), True).to_numpy(zero_copy_only=False)
        return pd.Series(ok, index=series.index)

    return pa.Check(check, name="str_matches", error=f"str_matches('{pattern}')")


_MIX = 0x9E3779B97F4A7C15  # odd, so w0 -> w0 * _MIX is one-to-one


def unique_ids(prefix: str = "") -> pa.Check:
    """No value repeats, like ``Column(unique=True)`` except that missing values are not compared
    (pandera drops them before a check; use it on columns that cannot be missing). For pseudonym-shaped values (``prefix`` + 16
    characters) each value's two 8-byte words are mixed into one integer (equal text gives equal
    integers) and the integers sorted: when no two are equal the values are unique, which is
    about three times faster than a hash table of 10 million strings. Otherwise (a clash of the
    mixed integers, or other values) every value is compared exactly and repeated rows reported."""

    def check(series: pd.Series) -> bool | pd.Series:
        words = pseudonym_words(series, prefix)
        if words is not None:
            mixed = words[:, 0] * np.uint64(_MIX)  # wraps modulo 2**64
            mixed += words[:, 1]
            mixed.sort()
            if not bool(np.any(mixed[1:] == mixed[:-1])):
                return True
        return ~series.duplicated(keep=False)

    return pa.Check(check, name="unique_ids", error="values must be unique")


def _text(required: bool = False) -> pa.Column:
    checks = [pa.Check.str_length(min_value=1)] if required else []
    return pa.Column("string", checks=checks, nullable=not required, coerce=False)


RAW_CONTACTS = pa.DataFrameSchema(
    {col: pa.Column("string", nullable=False) for col in config.CONTACT_COLUMNS}
    | {"source_row": pa.Column("int64", pa.Check.ge(1))},
    strict=False,
    name="raw contacts",
)

RAW_LOOKED_AFTER = pa.DataFrameSchema(
    {col: pa.Column("string", nullable=False) for col in config.LOOKED_AFTER_COLUMNS}
    | {"source_row": pa.Column("int64", pa.Check.ge(1))},
    strict=False,
    name="raw looked_after",
)

PROCESSED_CONTACTS = pa.DataFrameSchema(
    {
        "contact_id": pa.Column("string", [matches(r"^c[0-9a-f]{16}$"), unique_ids("c")]),
        "child_id": pa.Column("string", matches(_PSEUDONYM)),
        "contact_date": pa.Column("datetime64[ns]"),
        "month": pa.Column("string", matches(_MONTH, few_distinct=True)),
        "source_code_recorded": pa.Column("string", matches(_CODE, few_distinct=True), nullable=True),
        "source_group_recorded": pa.Column("string"),
        "source_code": pa.Column("string", matches(_CODE, few_distinct=True)),
        "source_group": pa.Column("string"),
        "recode_rule": pa.Column("string", nullable=True),
        "marf": pa.Column("boolean", nullable=True),
        "outcome": pa.Column("string", pa.Check.isin(config.OUTCOMES)),
        "decision_date": pa.Column("datetime64[ns]", nullable=True),
        "dob_month": pa.Column("string", matches(_MONTH, few_distinct=True), nullable=True),
        "age_years": pa.Column("Int64", pa.Check.in_range(0, 30), nullable=True),
        "age_band": pa.Column("string", pa.Check.isin(["0-4", "5-9", "10-15", "16+", "unknown"])),
        "gender": pa.Column("string", nullable=True),
        "authority": pa.Column("string", nullable=True),
        "source_row": pa.Column("int64", pa.Check.ge(2)),
    },
    checks=[
        pa.Check(lambda df: (df["decision_date"].isna() | (df["decision_date"] >= df["contact_date"])).all(),
                 name="decision on or after contact"),
    ],
    strict=True,
    name="processed contacts",
)

PROCESSED_LOOKED_AFTER = pa.DataFrameSchema(
    {
        "child_id": pa.Column("string", matches(_PSEUDONYM)),
        "period_start": pa.Column("datetime64[ns]"),
        "consent_date": pa.Column("datetime64[ns]", nullable=True),
        "health_notified_date": pa.Column("datetime64[ns]", nullable=True),
        "iha_date": pa.Column("datetime64[ns]", nullable=True),
        "month": pa.Column("string", matches(_MONTH, few_distinct=True)),
        "authority": pa.Column("string", nullable=True),
        "source_row": pa.Column("int64", pa.Check.ge(2)),
    },
    strict=True,
    name="processed looked_after",
)

QUARANTINE = pa.DataFrameSchema(
    {
        "table": pa.Column(str, pa.Check.isin(config.TABLES)),
        "file": pa.Column(str),
        "row": pa.Column("int64"),
        "column": pa.Column(str),
        "reason": pa.Column(str, pa.Check.str_length(min_value=1)),
        "value": pa.Column(str, nullable=True),
    },
    strict=True,
    coerce=True,
    name="quarantine",
)
