"""An authority beside its comparators, region and England in DfE's published statistics
(:func:`la_summary`, :func:`cla_starts`), data-driven look-alikes (:func:`lookalikes`) and our own
re-referral rate beside the published one (:func:`own_vs_published`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hwb_kpis.dfe.read import NATIONAL, REGIONAL, la_rows, read_dfe, resolve_la
from hwb_kpis.errors import HwbKpisError

#: the ``level`` column of :func:`la_summary`, in display order
LEVELS = ("authority", "comparator", "region", "england")

LOOKALIKE_NOTE = (
    "Data-driven look-alikes: the authorities nearest on referral rate per 10,000 children and "
    "re-referral % in DfE's published figures. These are NOT DfE's official statistical "
    "neighbours (take those from DfE's children's services statistical neighbour benchmarking tool)."
)


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


def children_in_need(path_cin: str | Path, la: str) -> pd.DataFrame:
    """Children in need at 31 March per year (count and rate per 10,000 children) for ``la``, its
    region and England, from DfE's table B1 (children in need): columns ``year``, ``area``,
    ``level``, ``children``, ``rate_per_10000``, ``code``."""
    path = Path(path_cin)
    df = read_dfe(path)
    for c in ("at31_episodes", "at31_episodes_rate"):
        if c not in df.columns:
            raise HwbKpisError(f"{path}: column {c} missing; expected DfE table B1 (children in need)")
    rows = _area_rows(df, la, None, path)
    out = pd.DataFrame(
        {
            "year": rows["year"].astype("int64"),
            "area": rows["area"].astype("string"),
            "level": rows["level"].astype("string"),
            "children": rows["at31_episodes"].astype("Int64"),
            "rate_per_10000": rows["at31_episodes_rate"],
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
    las = la_rows(df).dropna(subset=["referrals_rate", "re_referrals_percent"])
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


def latest_year(summary: pd.DataFrame, up_to: int | None = None) -> int | None:
    """The latest year in which the authority has a published re-referral %, at most ``up_to``."""
    own = summary[(summary["level"] == "authority") & summary["rereferral_pct"].notna()]
    if up_to is not None and (own["year"] <= up_to).any():
        own = own[own["year"] <= up_to]
    return int(own["year"].max()) if len(own) else None


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
