"""Benchmarking against DfE published statistics (explore-education-statistics CSV format).

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

import json
import math
from pathlib import Path

import numpy as np
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

NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"
#: the ``level`` column of :func:`la_summary`, in display order
LEVELS = ("authority", "comparator", "region", "england")

LOOKALIKE_NOTE = (
    "Data-driven look-alikes: the authorities nearest on referral rate per 10,000 children and "
    "re-referral % in DfE's published figures. These are NOT DfE's official statistical "
    "neighbours (take those from DfE's children's services statistical neighbour benchmarking tool)."
)

DOWNLOAD_HINT = (
    "download it from explore-education-statistics.service.gov.uk: 'Characteristics of children "
    "in need' → Data catalogue → 'Children in need referrals and re-referrals' (C1) — and "
    "'Children looked after in England' for looked-after starts"
)


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


def _la_rows(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["geographic_level"] == LOCAL]


def resolve_la(df: pd.DataFrame, la: str, path: str | Path) -> list[str]:
    """The ``new_la_code`` value(s) for ``la`` (new, superseded or old code, or name).

    A name used by two codes (Dorset County Council until 2019, Dorset Council after) gives both:
    their years do not overlap, so together they are one series.
    """
    key = str(la).strip()
    rows = _la_rows(df)
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


def _area_rows(df: pd.DataFrame, la: str, comparators, path) -> pd.DataFrame:
    """Rows for the authority, comparators, its region and England, with ``area``/``level``/``code``."""
    la_codes = resolve_la(df, la, path)
    la_rows = df[df["new_la_code"].isin(la_codes)]
    latest = la_rows.sort_values("year").iloc[-1]
    name = latest.get("la_name", la)
    region_code = latest.get("region_code")
    parts = [la_rows.assign(area=name, level="authority", code=la_rows["new_la_code"])]
    for comp in comparators or []:
        c_codes = resolve_la(df, comp, path)
        if set(c_codes) == set(la_codes):
            continue
        c_rows = df[df["new_la_code"].isin(c_codes)]
        c_name = c_rows.sort_values("year").iloc[-1].get("la_name", comp)
        parts.append(c_rows.assign(area=c_name, level="comparator", code=c_rows["new_la_code"]))
    if pd.notna(region_code) and "region_code" in df.columns:
        reg = df[(df["geographic_level"] == REGIONAL) & (df["region_code"] == region_code)]
        if len(reg):
            parts.append(reg.assign(area=reg["region_name"], level="region", code=region_code))
    nat = df[df["geographic_level"] == NATIONAL]
    parts.append(nat.assign(area="England", level="england", code=nat.get("country_code", "E92000001")))
    out = pd.concat(parts, ignore_index=True)
    out["level_order"] = out["level"].map({v: i for i, v in enumerate(LEVELS)})
    return out


def _column(df: pd.DataFrame, name: str, path) -> pd.Series:
    if name not in df.columns:
        raise HwbKpisError(f"{path}: column {name} missing; expected DfE table C1 (referrals and re-referrals)")
    return df[name]


def la_summary(path: str | Path, la: str, comparators: list[str] | None = None) -> pd.DataFrame:
    """Referrals, re-referral % (within 12 months) and NFA % by year for ``la``, its comparators,
    its region and England, from DfE table C1.

    Columns ``year`` (year ending 31 March), ``area``, ``level`` (authority, comparator, region,
    england), ``referrals``, ``rereferral_pct``, ``nfa_pct``, plus ``referral_rate`` (per 10,000
    children) and ``code``. Suppressed figures are missing.
    """
    path = Path(path)
    df = read_dfe(path)
    rows = _area_rows(df, la, comparators, path)
    out = pd.DataFrame(
        {
            "year": rows["year"].astype("int64"),
            "area": rows["area"].astype("string"),
            "level": rows["level"].astype("string"),
            "referrals": _column(rows, "referrals", path).astype("Int64"),
            "rereferral_pct": _column(rows, "re_referrals_percent", path),
            "nfa_pct": _column(rows, "no_further_action_percent", path),
            "referral_rate": rows["referrals_rate"] if "referrals_rate" in rows else pd.NA,
            "code": rows["code"].astype("string"),
            "_order": rows["level_order"],
        }
    )
    out = out.sort_values(["year", "_order", "area"]).drop(columns="_order")
    return out.reset_index(drop=True)


def cla_starts(path_cla: str | Path, la: str) -> pd.DataFrame:
    """Children starting to be looked after per year (count and rate per 10,000 children) for
    ``la``, its region and England, from DfE's "Children looked after" national table."""
    path = Path(path_cla)
    df = read_dfe(path)
    wanted = "starting to be looked after"
    category = next(
        (
            c for c in df.columns
            if c not in ("year", "time_period") and not pd.api.types.is_numeric_dtype(df[c])
            and df[c].str.contains(wanted, case=False, na=False).any()
        ),
        None,
    )
    if category is None or "number" not in df.columns:
        raise HwbKpisError(
            f"{path}: no 'Children starting to be looked after' rows or no 'number' column; "
            "expected DfE's children looked after number and rate file"
        )
    starts = df[df[category].str.contains(wanted, case=False, na=False)]
    rows = _area_rows(starts, la, None, path)
    out = pd.DataFrame(
        {
            "year": rows["year"].astype("int64"),
            "area": rows["area"].astype("string"),
            "level": rows["level"].astype("string"),
            "starts": rows["number"].astype("Int64"),
            "rate_per_10000": rows["rate_per_10000"] if "rate_per_10000" in rows else pd.NA,
            "code": rows["code"].astype("string"),
            "_order": rows["level_order"],
        }
    )
    return out.sort_values(["year", "_order"]).drop(columns="_order").reset_index(drop=True)


def lookalikes(path: str | Path, la: str, n: int = 5, year: int | None = None) -> pd.DataFrame:
    """The ``n`` authorities nearest to ``la`` on referral rate per 10,000 children and
    re-referral % (each standardised across authorities) in ``year`` (default: the latest year
    the authority has both figures).

    Data-driven, NOT DfE's statistical neighbours: ``result.attrs["note"]`` says so, and every
    display of it must too. Columns ``code``, ``area``, ``region``, ``year``, ``referral_rate``,
    ``rereferral_pct``, ``distance``.
    """
    path = Path(path)
    df = read_dfe(path)
    la_codes = resolve_la(df, la, path)
    for c in ("referrals_rate", "re_referrals_percent"):
        _column(df, c, path)
    las = _la_rows(df).dropna(subset=["referrals_rate", "re_referrals_percent"])
    own = las[las["new_la_code"].isin(la_codes)]
    if own.empty:
        raise HwbKpisError(f"{path}: {la!r} has no published referral rate and re-referral % to compare")
    if year is None:
        year = int(own["year"].max())
    pool = las[las["year"] == year]
    me = pool[pool["new_la_code"].isin(la_codes)]
    if me.empty:
        raise HwbKpisError(f"{path}: {la!r} has no published referral rate and re-referral % for {year}")
    x = pool[["referrals_rate", "re_referrals_percent"]].astype("float64").to_numpy()
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    z = (x - x.mean(axis=0)) / sd
    z_me = z[pool.index.get_indexer(me.index[:1])[0]]
    dist = np.sqrt(((z - z_me) ** 2).sum(axis=1))
    out = pd.DataFrame(
        {
            "code": pool["new_la_code"].astype("string"),
            "area": pool["la_name"].astype("string"),
            "region": pool["region_name"].astype("string"),
            "year": pool["year"].astype("int64"),
            "referral_rate": pool["referrals_rate"],
            "rereferral_pct": pool["re_referrals_percent"],
            "distance": dist.round(3),
        }
    )
    out = out[~out["code"].isin(la_codes)].sort_values(["distance", "area"]).head(n).reset_index(drop=True)
    out.attrs["note"] = LOOKALIKE_NOTE
    return out


def _plain(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


def format_benchmark(df: pd.DataFrame, fmt: str = "table") -> str:
    """Render a benchmark table as ``json`` (a list of records, missing → null) or a plain ``table``."""
    if fmt == "json":
        records = [
            {k: _plain(v) for k, v in row.items()} for row in df.astype("object").to_dict("records")
        ]
        return json.dumps(records, indent=2)
    if fmt == "table":
        shown = df.copy()
        for c in ("rereferral_pct", "nfa_pct", "referral_rate", "rate_per_10000"):
            if c in shown.columns:
                shown[c] = shown[c].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
        for c in ("referrals", "starts"):
            if c in shown.columns:
                shown[c] = shown[c].map(lambda v: "suppressed" if pd.isna(v) else f"{int(v):,}")
        return shown.to_string(index=False)
    raise HwbKpisError(f"unknown format {fmt!r}: use json or table")


# --- helpers for the benchmarking notebook ------------------------------------------------------

#: file name patterns of the DfE downloads (the years in the name change with each release)
DFE_FILES = {
    "referrals": "c1_children_in_need_referrals_and_rereferrals*.csv",
    "cla": "cla_number_and_rate_per_10k_children*.csv",
}

MEASURES = {
    "referral_rate": "Referrals per 10,000 children",
    "rereferral_pct": "Re-referrals within 12 months, %",
    "nfa_pct": "Closed with no further action, %",
}

#: line colours: the authority stands out, England is black, the region green (Okabe-Ito)


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


def latest_year(summary: pd.DataFrame, up_to: int | None = None) -> int | None:
    """The latest year in which the authority has a published re-referral %, at most ``up_to``."""
    own = summary[(summary["level"] == "authority") & summary["rereferral_pct"].notna()]
    if up_to is not None and (own["year"] <= up_to).any():
        own = own[own["year"] <= up_to]
    return int(own["year"].max()) if len(own) else None


def comparison_sentences(summary: pd.DataFrame, year: int) -> list[str]:
    """Plain-words comparison of the authority with its region and England in ``year``."""
    rows = summary[summary["year"] == year]
    own = rows[rows["level"] == "authority"]
    if own.empty:
        return [f"DfE published no figures for the authority in {year_label(year)}."]
    name = own["area"].iloc[0]
    sentences = []
    for column, what, unit in (
        ("referral_rate", "referrals per 10,000 children", ""),
        ("rereferral_pct", "of referrals were re-referrals within 12 months", "%"),
        ("nfa_pct", "of referrals were closed with no further action", "%"),
    ):
        mine = own[column].iloc[0]
        if pd.isna(mine):
            continue
        others = []
        for level in ("region", "england"):
            other = rows.loc[rows["level"] == level, ["area", column]]
            if len(other) and pd.notna(other[column].iloc[0]):
                value = float(other[column].iloc[0])
                others.append(f"{other['area'].iloc[0]} {value:,.1f}{unit}")
        against = f" (compared with {' and '.join(others)})" if others else ""
        if unit:
            sentences.append(f"In {year_label(year)}, {mine:,.1f}% {what} in {name}{against}.")
        else:
            sentences.append(f"In {year_label(year)}, {name} had {mine:,.1f} {what}{against}.")
    return sentences


def figure_alt_text(summary: pd.DataFrame) -> str:
    """Alt text for :func:`hwb_kpis.report.plots.benchmark_figure`."""
    areas = list(dict.fromkeys(summary.sort_values("level", key=lambda s: s.map(LEVELS.index))["area"]))
    years = f"{int(summary['year'].min())} to {int(summary['year'].max())}"
    return (
        "Three line charts, years ending 31 March " + years + ": referrals per 10,000 children, "
        "re-referrals within 12 months (%) and referrals closed with no further action (%), "
        "one line each for " + ", ".join(areas) + ". The figures are in the table below."
    )


def own_vs_published(rereferral: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Our re-referral rate per reporting year beside DfE's published figure for the authority.

    ``rereferral`` is :func:`hwb_kpis.kpis.rereferral_12m`'s frame: its reporting-year rows
    (``period == "year"``, ``month`` like ``2014/15`` = DfE year 2015, group ``all``) are used.
    Columns ``year``, ``numerator``, ``denominator``, ``our_pct``, ``published_pct``, ``note``
    (``part year`` when the extract does not cover April to March; ``earlier referrals not in
    the extract`` when the 12-month look-back reaches before the extract's first contact).
    """
    rows = rereferral
    if "kpi" in rows.columns:
        rows = rows[rows["kpi"] == "rereferral_12m"]
    if "period" in rows.columns:
        rows = rows[rows["period"] == "year"]
    rows = rows[rows["group"] == "all"]
    label = rows["month"].astype("string")
    rows = rows[label.str.fullmatch(r"\d{4}/\d{2}").fillna(False).astype(bool)]
    partial = rows["partial_period"] if "partial_period" in rows else pd.Series(False, index=rows.index)
    incomplete = rows["incomplete_history"] if "incomplete_history" in rows else pd.Series(False, index=rows.index)
    notes = [
        "; ".join(n for n, flag in (("part year", p), ("earlier referrals not in the extract", i)) if flag)
        for p, i in zip(partial.fillna(False).astype(bool), incomplete.fillna(False).astype(bool), strict=True)
    ]
    out = pd.DataFrame(
        {
            "year": (pd.to_numeric(rows["month"].astype("string").str[:4]) + 1).astype("int64").to_numpy(),
            "numerator": rows["numerator"].to_numpy(),
            "denominator": rows["denominator"].to_numpy(),
            "our_pct": (pd.to_numeric(rows["rate"], errors="coerce") * 100).round(1).to_numpy(),
            "note": notes,
        }
    )
    published = summary.loc[summary["level"] == "authority", ["year", "rereferral_pct"]]
    out = out.merge(published.rename(columns={"rereferral_pct": "published_pct"}), on="year", how="left")
    return out[["year", "numerator", "denominator", "our_pct", "published_pct", "note"]]
