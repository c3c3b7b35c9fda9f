"""Columns the extract does not hold, derived before cleaning as ``contract/tables.yml`` says
(``when_absent``), each with a note in plain words for ``ingest_summary.json`` and the pages:

``keyed_rank``
    an id for each row (contacts, referrals) when the extract has none: the child, the date and
    the source as written, and the row's rank among identical (child, date, source) rows, joined
    into one text that cleaning then pseudonymises with the key like any id (a keyed hash, stable
    from month to month: the same rows give the same ids).
``linked_referral``
    the outcome of each contact when the extract has none but lists referrals: ``referral`` when
    a referral of the same child is dated on the contact's day or up to ``link_days`` days after
    it; else ``pending`` when the contact is less than ``link_days`` days before the end of the
    extract (the referral may still come); else ``not_referred`` (taken as threshold not met).

The derivations work on the raw text (dates parsed as cleaning parses them); rows whose dates
cannot be read get a placeholder and are quarantined by cleaning for the date itself.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from hwb_kpis.config import DEFAULT_LINK_DAYS
from hwb_kpis.contract.tables import SPECS
from hwb_kpis.ingest.dates import parse_dates
from hwb_kpis.ingest.raw import RawTable


def fill_absent(raws: dict[str, RawTable], *, link_days: int = DEFAULT_LINK_DAYS,
                today: dt.date | None = None) -> None:
    """Derive, in place, every column a table lacks that the contract says how to derive (outcomes
    first, as contact ids do not depend on them)."""
    contacts, referrals = raws.get("contacts"), raws.get("referrals")
    if contacts is not None and not contacts.has("outcome") and referrals is not None:
        link_outcomes(contacts, referrals, link_days=link_days, today=today)
    for raw in raws.values():
        for column in raw.spec.column_specs:
            how = (column.when_absent or {}).get("how")
            if how == "keyed_rank" and not raw.has(column.name):
                keyed_rank(raw, column.name, tuple(column.when_absent["from"]))


def _note(raw: RawTable, column: str, **values) -> str:
    return str(SPECS[raw.spec.name].column(column).when_absent["note"]).format(**values)


def _mark(raw: RawTable, column: str, values, note: str) -> None:
    raw.data[column] = pd.array(np.asarray(values, dtype=object), dtype="string")
    raw.add_present(column)
    raw.derived[column] = note


def _dates(raw: RawTable, column: str) -> pd.Series:
    return parse_dates(raw.data[column])[0]


def _child_key(raw: RawTable) -> pd.Series:
    """The child as matched across tables: (authority, child id) as one text."""
    child = raw.data["child_id"].astype("string")
    if "authority" in raw.data.columns and (raw.data["authority"] != "").any():
        return raw.data["authority"].astype("string") + "\x1f" + child
    return child


def keyed_rank(raw: RawTable, column: str, sources: tuple[str, ...]) -> None:
    """``column`` as the text of (sources, rank among identical rows), ready to pseudonymise."""
    parts = []
    for source in sources:
        text = raw.data[source].astype("string")
        if source in raw.spec.dates:
            text = _dates(raw, source).dt.strftime("%Y-%m-%d").astype("string").fillna(text)
        parts.append(text.fillna(""))
    if "authority" in raw.data.columns:
        parts.insert(0, raw.data["authority"].astype("string").fillna(""))
    key = parts[0]
    for part in parts[1:]:
        key = key + "\x1f" + part
    rank = key.groupby(key, sort=False).cumcount().astype("string")
    _mark(raw, column, (key + "\x1f" + rank).to_numpy(dtype=object), _note(raw, column))


def link_outcomes(contacts: RawTable, referrals: RawTable, *, link_days: int = DEFAULT_LINK_DAYS,
                  today: dt.date | None = None) -> None:
    """Each contact's outcome from the referrals (see the module docstring)."""
    today_ts = pd.Timestamp(today or dt.date.today())
    contact_day = _dates(contacts, "contact_date")
    referral_day = _dates(referrals, "referral_date")
    usable = lambda d: d.notna() & (d <= today_ts)  # noqa: E731 (future dates are quarantined)
    ends = [d[usable(d)].max() for d in (contact_day, referral_day)]
    end = max((e for e in ends if pd.notna(e)), default=None)
    left = pd.DataFrame({"child": _child_key(contacts), "day": contact_day, "row": np.arange(len(contact_day))})
    left = left[usable(contact_day).to_numpy() & (left["child"] != "").to_numpy()]
    right = pd.DataFrame({"child": _child_key(referrals), "next_referral": referral_day})
    right = right[usable(referral_day).to_numpy() & (right["child"] != "").to_numpy()]
    outcome = np.full(len(contact_day), "pending", dtype=object)  # rows without a usable date: quarantined
    if len(left):
        left = left.sort_values("day", kind="stable")
        right = right.sort_values("next_referral", kind="stable")
        right["day"] = right["next_referral"]
        linked = pd.merge_asof(left, right, on="day", by="child", direction="forward")
        gap = (linked["next_referral"] - linked["day"]).dt.days
        referred = (gap <= link_days).fillna(False).to_numpy(dtype=bool)
        open_window = (linked["day"] + pd.Timedelta(days=link_days) > end).to_numpy(dtype=bool)
        outcome[linked["row"].to_numpy()] = np.where(referred, "referral",
                                                     np.where(open_window, "pending", "not_referred"))
    _mark(contacts, "outcome", outcome, _note(contacts, "outcome", link_days=link_days))
