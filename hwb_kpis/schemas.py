"""Pandera contracts of the raw and processed tables (``docs/interfaces.md``).

The raw contract says what a file must look like after renaming: every contract column present
as text. The processed contracts pin the types and the domain of every column written to
``data/processed/``; the pipeline validates before writing, so a change that breaks the contract
fails loudly instead of producing a wrong pack.
"""

from __future__ import annotations

import pandera.pandas as pa

from hwb_kpis import config

_CODE = r"^(1[A-D]|2[AB]|3[A-F]|4|5[A-D]|6|7|8|9|10)$"
_MONTH = r"^\d{4}-\d{2}$"
_PSEUDONYM = r"^[0-9a-f]{16}$"


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
        "contact_id": pa.Column("string", pa.Check.str_matches(r"^c[0-9a-f]{16}$"), unique=True),
        "child_id": pa.Column("string", pa.Check.str_matches(_PSEUDONYM)),
        "contact_date": pa.Column("datetime64[ns]"),
        "month": pa.Column("string", pa.Check.str_matches(_MONTH)),
        "source_code_recorded": pa.Column("string", pa.Check.str_matches(_CODE), nullable=True),
        "source_group_recorded": pa.Column("string"),
        "source_code": pa.Column("string", pa.Check.str_matches(_CODE)),
        "source_group": pa.Column("string"),
        "recode_rule": pa.Column("string", nullable=True),
        "marf": pa.Column("boolean", nullable=True),
        "outcome": pa.Column("string", pa.Check.isin(config.OUTCOMES)),
        "decision_date": pa.Column("datetime64[ns]", nullable=True),
        "dob_month": pa.Column("string", pa.Check.str_matches(_MONTH), nullable=True),
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
        "child_id": pa.Column("string", pa.Check.str_matches(_PSEUDONYM)),
        "period_start": pa.Column("datetime64[ns]"),
        "consent_date": pa.Column("datetime64[ns]", nullable=True),
        "health_notified_date": pa.Column("datetime64[ns]", nullable=True),
        "iha_date": pa.Column("datetime64[ns]", nullable=True),
        "month": pa.Column("string", pa.Check.str_matches(_MONTH)),
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
