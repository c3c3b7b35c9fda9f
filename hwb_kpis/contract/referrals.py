"""The referrals of an extract that lists none: the contacts whose outcome is a referral, dated
by the contact date (``docs/kpi-definitions.md``), in the processed referrals' columns. Written
to ``referrals.parquet`` by the pipeline and used by the KPIs when a processed folder is read
without it."""

from __future__ import annotations

import pandas as pd

#: the processed referral columns a contact gives, and the contact column each comes from
FROM_CONTACTS = {
    "referral_id": "contact_id", "child_id": "child_id", "referral_date": "contact_date", "month": "month",
    "source_code_recorded": "source_code_recorded", "source_group_recorded": "source_group_recorded",
    "source_code": "source_code", "source_group": "source_group", "authority": "authority",
    "source_row": "source_row",
}


def referrals_from_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """One row per contact with outcome ``referral``: its pseudonym as the referral id (``r`` for
    ``c``), child, date, month, source codes of both views, authority and row; ``nfa`` unknown
    (NA): a contact says nothing about how the referral was closed."""
    is_referral = (contacts["outcome"] == "referral").fillna(False).to_numpy(dtype=bool)
    chosen = contacts.loc[is_referral]
    out = {}
    for column, source in FROM_CONTACTS.items():
        values = chosen[source] if source in chosen.columns else pd.Series(pd.NA, index=chosen.index, dtype="string")
        out[column] = values.reset_index(drop=True)
    out["referral_id"] = ("r" + out["referral_id"].astype("string").str.slice(1)).astype("string")
    frame = pd.DataFrame(out)
    frame.insert(frame.columns.get_loc("authority"), "nfa", pd.array([pd.NA] * len(frame), dtype="boolean"))
    return frame
