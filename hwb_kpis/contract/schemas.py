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

from hwb_kpis.arrow import text_array
from hwb_kpis.contract.ids import pseudonym_words
from hwb_kpis.contract.tables import CONTACTS, LOOKED_AFTER, OUTCOMES, REFERRALS, TABLES, TableSpec

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


def raw_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """What a reader returns for ``spec``: every contract column as text (``""`` when blank) and
    the row's ``source_row``."""
    return pa.DataFrameSchema(
        {col: pa.Column("string", nullable=False) for col in spec.columns}
        | {"source_row": pa.Column("int64", pa.Check.ge(1))},
        strict=False,
        name=f"raw {spec.name}",
    )


RAW_CONTACTS = raw_schema(CONTACTS)
RAW_REFERRALS = raw_schema(REFERRALS)
RAW_LOOKED_AFTER = raw_schema(LOOKED_AFTER)

PROCESSED_CONTACTS = pa.DataFrameSchema(
    {
        "contact_id": pa.Column("string", [matches(r"^c[0-9a-f]{16}$"), unique_ids("c")],
                                description="pseudonym (`c` + 16 hex, keyed BLAKE2b of the raw contact id)"),
        "child_id": pa.Column("string", matches(_PSEUDONYM),
                              description="pseudonym (16 hex, keyed BLAKE2b of the raw child id)"),
        "contact_date": pa.Column("datetime64[ns]", description="date of the contact (no time)"),
        "month": pa.Column("string", matches(_MONTH, few_distinct=True),
                           description="calendar month of `contact_date`, `YYYY-MM`"),
        "source_code_recorded": pa.Column(
            "string", matches(_CODE, few_distinct=True), nullable=True,
            description="source code as exported, normalised (`3e`, ` 3E `, `k) 3E: Health services` -> `3E`); "
                        "NA when blank or invalid"),
        "source_group_recorded": pa.Column("string", description="group of the recorded code; `unknown` when NA"),
        "source_code": pa.Column("string", matches(_CODE, few_distinct=True),
                                 description="recoded source code (`10` when nothing matched)"),
        "source_group": pa.Column("string", description="group of `source_code` (`health`, `schools`, `police`, ...; "
                                                        "see `reference/referral_sources.csv`)"),
        "recode_rule": pa.Column("string", nullable=True, description="the rule that changed the code; NA when unchanged"),
        "marf": pa.Column("boolean", nullable=True, description="submitted on a MARF; NA = unknown"),
        "outcome": pa.Column("string", pa.Check.isin(OUTCOMES), nullable=True,
                             description="one of the contract's outcomes; NA only when the extract has no outcome "
                                         "and none could be derived (the KPIs that need it are then unavailable)"),
        "decision_date": pa.Column("datetime64[ns]", nullable=True, description="date of the decision"),
        "dob_month": pa.Column("string", matches(_MONTH, few_distinct=True), nullable=True,
                               description="date of birth reduced to its month, `YYYY-MM`"),
        "age_years": pa.Column("Int64", pa.Check.in_range(0, 30), nullable=True,
                               description="whole years at contact (birth taken as the 15th of its month)"),
        "age_band": pa.Column("string", pa.Check.isin(["0-4", "5-9", "10-15", "16+", "unknown"]),
                              description="age band at contact"),
        "gender": pa.Column("string", nullable=True,
                            description="a canonical value (`reference/value_maps.yml` or the mapping); `unknown` when unrecognised"),
        "authority": pa.Column("string", nullable=True,
                               description="optional: a local authority code, `unknown` for anything else; `\"\"` when absent"),
        "source_row": pa.Column("int64", pa.Check.ge(2),
                                description="row number in the raw file (spreadsheet numbering: header = row 1)"),
    },
    checks=[
        pa.Check(lambda df: (df["decision_date"].isna() | (df["decision_date"] >= df["contact_date"])).all(),
                 name="decision on or after contact"),
    ],
    strict=True,
    name="processed contacts",
    description="one row per clean contact",
)

PROCESSED_REFERRALS = pa.DataFrameSchema(
    {
        "referral_id": pa.Column("string", [matches(r"^r[0-9a-f]{16}$"), unique_ids("r")],
                                 description="pseudonym (`r` + 16 hex, keyed BLAKE2b of the raw referral id; from a "
                                             "contact: the contact's pseudonym)"),
        "child_id": pa.Column("string", matches(_PSEUDONYM), description="pseudonym, as in contacts"),
        "referral_date": pa.Column("datetime64[ns]", description="date of the referral (no time)"),
        "month": pa.Column("string", matches(_MONTH, few_distinct=True),
                           description="calendar month of `referral_date`, `YYYY-MM`"),
        "source_code_recorded": pa.Column("string", matches(_CODE, few_distinct=True), nullable=True,
                                          description="source code as exported, normalised; NA when blank or invalid"),
        "source_group_recorded": pa.Column("string", description="group of the recorded code; `unknown` when NA"),
        "source_code": pa.Column("string", matches(_CODE, few_distinct=True),
                                 description="the recorded code (`10` when unknown); for referrals made from contacts, "
                                             "the contact's recoded code"),
        "source_group": pa.Column("string", description="group of `source_code`"),
        "nfa": pa.Column("boolean", nullable=True, description="closed with no further action; NA = unknown"),
        "authority": pa.Column("string", nullable=True, description="optional pass-through"),
        "source_row": pa.Column("int64", pa.Check.ge(2),
                                description="row number in the raw file (for referrals made from contacts: the contact's)"),
    },
    strict=True,
    name="processed referrals",
    description="one row per clean referral (from a list of referrals, or the contacts that became a referral)",
)

PROCESSED_LOOKED_AFTER = pa.DataFrameSchema(
    {
        "child_id": pa.Column("string", matches(_PSEUDONYM), description="pseudonym, as in contacts"),
        "period_start": pa.Column("datetime64[ns]", description="date became looked after"),
        "consent_date": pa.Column("datetime64[ns]", nullable=True,
                                  description="consent for the health assessment obtained"),
        "health_notified_date": pa.Column("datetime64[ns]", nullable=True,
                                          description="request sent to the health provider"),
        "iha_date": pa.Column("datetime64[ns]", nullable=True, description="initial health assessment completed"),
        "month": pa.Column("string", matches(_MONTH, few_distinct=True),
                           description="calendar month of `period_start`, `YYYY-MM`"),
        "authority": pa.Column("string", nullable=True, description="optional pass-through"),
        "source_row": pa.Column("int64", pa.Check.ge(2), description="row number in the raw file"),
    },
    strict=True,
    name="processed looked_after",
    description="one row per clean period of care",
)

#: the processed schema of each table, by table name
PROCESSED = {"contacts": PROCESSED_CONTACTS, "referrals": PROCESSED_REFERRALS, "looked_after": PROCESSED_LOOKED_AFTER}


def empty_frame(schema: pa.DataFrameSchema) -> pd.DataFrame:
    """A table with no rows and the columns and dtypes of ``schema`` (what is written for a
    table the extract does not have)."""
    return pd.DataFrame({name: pd.Series(dtype=str(column.dtype)) for name, column in schema.columns.items()})

QUARANTINE = pa.DataFrameSchema(
    {
        "table": pa.Column(str, pa.Check.isin(TABLES), description="the raw table"),
        "file": pa.Column(str, description="the raw file's name"),
        "row": pa.Column("int64", description="the line the row starts on in the raw file (spreadsheet numbering)"),
        "column": pa.Column(str, description="the column at fault (`(whole row)` for a malformed row or an unbalanced quote)"),
        "reason": pa.Column(str, pa.Check.str_length(min_value=1), description="why the row was quarantined"),
        "value": pa.Column(str, nullable=True,
                           description="the offending value when it is a code or a date (at most 80 characters); "
                                       "`[masked]` otherwise and for masked columns"),
    },
    strict=True,
    coerce=True,
    name="quarantine",
    description="one row per quarantined raw row",
)
