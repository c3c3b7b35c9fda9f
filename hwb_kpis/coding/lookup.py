"""The ordered free-text lookup (``reference/source_lookup.csv``): patterns tried in ``order``,
the first that matches gives the source code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hwb_kpis.coding.codes import label_key, load_reference
from hwb_kpis.coding.text import TEXT_FIELDS, check_pattern, contains
from hwb_kpis.config import REFERENCE_DIR
from hwb_kpis.errors import HwbKpisError

LOOKUP_FILE = REFERENCE_DIR / "source_lookup.csv"


def label_patterns(reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """Lookup rows that come before every row of the file: a free text that is exactly one of
    the code list's labels (DfE's ``Individual - other (including strangers)``), whatever its
    punctuation, with or without an Annex A letter prefix, is that label's code. ``Unknown`` is
    left to the catch-all (it means no source)."""
    ref = load_reference() if reference is None else reference
    ref = ref[ref["group"] != "unknown"]
    patterns = [r"^(?:[a-z][0-9]?\) *)?(?:\d{1,2}[a-f]?\W+)?" + r"\W+".join(label_key(label).split()) + r"\W*$"
                for label in ref["label"]]
    return pd.DataFrame({"order": np.arange(-len(ref), 0, dtype="int64"), "pattern": patterns,
                         "code": list(ref["code"]), "note": "the code list's own label (reference/referral_sources.csv)"})


def load_lookup(path: Path | str | None = None) -> pd.DataFrame:
    """The free-text lookup sorted by ``order``: ``order, pattern, code, note``, after the exact
    labels of the code list (:func:`label_patterns`)."""
    path = Path(path or LOOKUP_FILE)
    try:
        lookup = pd.read_csv(path, dtype="str", keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise HwbKpisError(f"{path}: cannot read the source lookup ({exc})") from None
    missing = {"order", "pattern", "code"} - set(lookup.columns)
    if missing:
        raise HwbKpisError(f"{path}: missing column(s) {sorted(missing)}")
    valid = set(load_reference()["code"])
    for i, row in lookup.iterrows():
        where = f"{path}: row {i + 2}"  # spreadsheet numbering
        check_pattern(row["pattern"], where)
        if row["code"].strip() not in valid:
            raise HwbKpisError(f"{where}: code {row['code']!r} is not a source code")
        if not row["order"].strip().lstrip("-").isdigit():
            raise HwbKpisError(f"{where}: order {row['order']!r} is not a whole number")
    lookup["code"] = lookup["code"].str.strip()
    lookup["order"] = lookup["order"].astype("int64")
    lookup = lookup.sort_values("order", kind="stable").reset_index(drop=True)
    return pd.concat([label_patterns(), lookup], ignore_index=True)


def first_match(text: pd.DataFrame, fields: tuple[str, ...], lookup: pd.DataFrame,
                rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the positions ``rows`` of the cleaned ``text``: (code, field) of the first lookup
    pattern (in order) that matches any of ``fields``, the field as its index in
    :data:`TEXT_FIELDS`; ``None`` / -1 where none matches."""
    code = np.full(len(rows), None, dtype=object)
    field_of = np.full(len(rows), -1, dtype=np.int64)
    for pattern, target in zip(lookup["pattern"], lookup["code"], strict=True):
        for field in fields:
            todo = np.flatnonzero(field_of < 0)
            if not len(todo):
                return code, field_of
            hit = todo[contains(text[field].iloc[rows[todo]], pattern)]
            code[hit] = target
            field_of[hit] = TEXT_FIELDS.index(field)
    return code, field_of
