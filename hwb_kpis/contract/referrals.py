"""The referrals of an extract that lists none: the contacts whose outcome is a referral, dated by
the contact date (``docs/kpi-definitions.md``), in the processed referrals' columns. Written to
``referrals.parquet`` by the pipeline and used by the KPIs when a processed folder is read
without it. Arrow filters and slices the columns: this runs on every clean of a contacts extract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: the processed referral columns a contact gives, and the contact column each comes from
FROM_CONTACTS = {
    "referral_id": "contact_id", "child_id": "child_id", "referral_date": "contact_date", "month": "month",
    "source_code_recorded": "source_code_recorded", "source_group_recorded": "source_group_recorded",
    "source_code": "source_code", "source_group": "source_group", "authority": "authority",
    "source_row": "source_row",
}


def _take(values: pd.Series, keep: np.ndarray, mask: pa.Array) -> pd.Series:
    """``values`` at the rows ``keep`` (Arrow's filter for text, numpy's for the rest)."""
    if isinstance(values.dtype, pd.StringDtype):
        return pd.Series(pd.array(pc.filter(pa.array(values.array, type=pa.string()), mask), dtype=values.dtype))
    if values.dtype.kind in "biufmM":
        return pd.Series(values.to_numpy()[keep], dtype=values.dtype)
    return pd.Series(values.array[keep])


def referrals_from_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """One row per contact with outcome ``referral``: its pseudonym as the referral id (``r`` for
    ``c``), child, date, month, source codes of both views, authority and row; ``nfa`` unknown
    (NA): a contact says nothing about how the referral was closed."""
    keep = (contacts["outcome"] == "referral").fillna(False).to_numpy(dtype=bool)
    mask = pa.array(keep, type=pa.bool_())
    out = {}
    for column, source in FROM_CONTACTS.items():
        if source in contacts.columns:
            out[column] = _take(contacts[source], keep, mask)
        else:
            out[column] = pd.Series(pd.NA, index=range(int(keep.sum())), dtype="string")
    ids = pa.array(out["referral_id"].array, type=pa.string())
    out["referral_id"] = pd.Series(pd.array(pc.binary_join_element_wise("r", pc.utf8_slice_codeunits(ids, 1), ""),
                                            dtype=out["referral_id"].dtype))
    frame = pd.DataFrame(out)
    unknown = pd.arrays.BooleanArray(np.zeros(len(frame), dtype=bool), np.ones(len(frame), dtype=bool))
    frame.insert(frame.columns.get_loc("authority"), "nfa", unknown)
    return frame
