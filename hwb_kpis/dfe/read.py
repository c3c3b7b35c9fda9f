"""Reading DfE published statistics (explore-education-statistics CSV format).

The files are DfE's "Characteristics of children in need" (table C1: referrals and re-referrals)
and "Children looked after in England" downloads. Their format, checked against the 2013–2023
files:

* UTF-8 with a byte-order mark before the first header (read with ``encoding="utf-8-sig"``);
* ``time_period`` is the reporting year as the year it ends: ``2015`` = 1 April 2014 to
  31 March 2015 (older releases write ``201415``; both are read as 2015);
* ``geographic_level`` is ``National``, ``Regional`` or ``Local authority``;
* suppressed or not-applicable cells are ``c``, ``x``, ``z``, ``:`` (and ``low``/``u`` in some
  releases): all read as missing, never as zero.

A local authority may be given by its current code (``E06000060``), a superseded code
(``E10000002``, Buckinghamshire County Council before 2020 — DfE's files re-code the history to
the current code), its old three-digit DfE code (``825``) or its name.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.periods import year_ending, year_ending_label

#: cell values DfE uses for suppressed, not applicable or not available figures
SUPPRESSION_MARKERS = ("c", "x", "z", ":", "low", "u", "k", "")

#: identifying (non-measure) columns of an explore-education-statistics file, lower case
ID_COLUMNS = (
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "category",
)

#: superseded ONS codes -> the code DfE's files use now (the whole series is re-coded)
LA_CODE_ALIASES = {
    "E10000002": "E06000060",  # Buckinghamshire County Council -> Buckinghamshire Council (2020)
    "E06000048": "E06000057",  # Northumberland (2009 code -> 2019 boundary code)
    "E08000020": "E08000037",  # Gateshead (2013 boundary code)
}

#: the ``geographic_level`` values
NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"

DOWNLOAD_HINT = (
    "download it from explore-education-statistics.service.gov.uk: 'Characteristics of children "
    "in need' → Data catalogue → 'Children in need referrals and re-referrals' (C1) — and "
    "'Children looked after in England' for looked-after starts"
)

#: file name patterns of the DfE downloads (the years in the name change with each release)
DFE_FILES = {
    "referrals": "c1_children_in_need_referrals_and_rereferrals*.csv",
    "cla": "cla_number_and_rate_per_10k_children*.csv",
    "cin": "b1_children_in_need_*.csv",
}


def _num(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    text = text.mask(text.str.lower().isin(SUPPRESSION_MARKERS))
    return pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce").astype("Float64")


def _year(values: pd.Series, path: Path) -> pd.Series:
    text = values.astype("string").str.strip()
    four = text.str.fullmatch(r"\d{4}")
    six = text.str.fullmatch(r"\d{6}")  # 201415 = year ending March 2015
    bad = ~(four | six).fillna(False)
    if bad.any():
        raise HwbKpisError(
            f"{path}: time_period {text[bad].iloc[0]!r} is not a year (expected 2015 or 201415)"
        )
    year = pd.to_numeric(text.str[:4]).astype("int64")
    return year.where(four.astype(bool), year + 1)


def read_dfe(path: str | Path) -> pd.DataFrame:
    """Read one explore-education-statistics CSV.

    Column names are stripped and lower-cased (DfE spells ``Category`` and ``category``); the
    identifying columns stay text, every other column becomes a nullable number with the
    suppression markers as missing; ``year`` (int, year ending 31 March) is added.
    """
    path = Path(path)
    if not path.is_file():
        raise HwbKpisError(f"{path}: DfE statistics file not found; {DOWNLOAD_HINT}")
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise HwbKpisError(f"{path}: not a readable DfE CSV file ({exc.__class__.__name__})") from None
    df.columns = [str(c).strip().lstrip("\ufeff").lower() for c in df.columns]
    missing = [c for c in ("time_period", "geographic_level") if c not in df.columns]
    if missing:
        raise HwbKpisError(
            f"{path}: not an explore-education-statistics file: column(s) {', '.join(missing)} missing"
        )
    for c in df.columns:
        text = df[c].astype("string").str.strip()
        numbers = _num(text)
        # a measure column: every cell is a number or a suppression marker; anything else stays
        # text (the CLA file's category sits under a mislabelled "population_count" header)
        is_measure = c not in ID_COLUMNS and bool((numbers.notna() | text.str.lower().isin(SUPPRESSION_MARKERS)).all())
        df[c] = numbers if is_measure else text
    df["year"] = _year(df["time_period"], path)
    return df


def la_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The local-authority rows of a DfE table."""
    return df[df["geographic_level"] == LOCAL]


def resolve_la(df: pd.DataFrame, la: str, path: str | Path) -> list[str]:
    """The ``new_la_code`` value(s) for ``la`` (new, superseded or old code, or name).

    A name used by two codes (Dorset County Council until 2019, Dorset Council after) gives both:
    their years do not overlap, so together they are one series.
    """
    key = str(la).strip()
    rows = la_rows(df)
    if "new_la_code" not in rows.columns:
        raise HwbKpisError(f"{path}: column new_la_code missing; is this a local-authority file?")
    codes = rows["new_la_code"].astype("string")
    upper = key.upper()
    target = LA_CODE_ALIASES.get(upper, upper)
    hit = codes.str.upper() == target
    if not hit.any() and "old_la_code" in rows.columns:
        old = rows["old_la_code"].astype("string").str.lstrip("0")
        hit = (old == key.lstrip("0")) & (key.lstrip("0") != "")
    if not hit.any() and "la_name" in rows.columns:
        hit = rows["la_name"].astype("string").str.casefold() == key.casefold()
    found = sorted(codes[hit].dropna().unique().tolist())
    if not found:
        raise HwbKpisError(
            f"{path}: local authority {la!r} not found (give the new code such as E06000060, "
            "the old 3-digit code such as 825, or the name as DfE spells it)"
        )
    return found


def find_dfe_file(dfe_dir: str | Path, kind: str = "referrals") -> Path | None:
    """The newest DfE file of ``kind`` (``referrals`` or ``cla``) in ``dfe_dir``, or None."""
    folder = Path(dfe_dir)
    if not folder.is_dir():
        return None
    found = sorted(folder.glob(DFE_FILES[kind]))
    return found[-1] if found else None


def reporting_year(month: str) -> int:
    """The DfE reporting year (year ending 31 March) holding ``month`` (``YYYY-MM``):
    ``2015-11`` → 2016 (April 2015 to March 2016), ``2015-03`` → 2015."""
    return year_ending(month)


def year_label(year: int) -> str:
    """DfE's year ending 31 March as the package labels reporting years: 2015 → ``"2014/15"``."""
    return year_ending_label(year)
