"""Who gets a feedback page: the partner agencies of ``reference/feedback.yml`` (source groups
that are organisations, and each health service by its code), what each is called, and which
contacts are its own in a view."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import yaml

from hwb_kpis import config
from hwb_kpis.coding.codes import load_reference, view_columns
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.report.labels import group_label

SETTINGS_FILE = config.REFERENCE_DIR / "feedback.yml"


@cache
def settings() -> dict[str, Any]:
    """``reference/feedback.yml``: the agencies, the short-page threshold, the training settings."""
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Agency:
    """A partner agency: ``id`` is a source group (``police``) or a source code (``3E``)."""

    id: str
    label: str
    is_code: bool

    @property
    def group(self) -> str:
        """The agency's group in a KPI table (``police``, ``code:3E``)."""
        return f"code:{self.id}" if self.is_code else self.id

    @property
    def slug(self) -> str:
        """The page's file name without ``.html``: ``police``, ``code-3e``."""
        return f"code-{self.id.lower()}" if self.is_code else self.id.replace("_", "-")

    def members(self, contacts: pd.DataFrame, view: str) -> np.ndarray:
        """Which contacts are the agency's in ``view`` (by their source code or group)."""
        code_col, group_col = view_columns(view)
        col = contacts[code_col if self.is_code else group_col].astype("string")
        return (col == self.id).fillna(False).to_numpy(bool)


def agency(agency_id: str) -> Agency:
    """The :class:`Agency` of a source group id or a source code (an error naming the known ones
    otherwise)."""
    ref = load_reference()
    text = str(agency_id).strip()
    codes = {c.upper(): c for c in ref["code"]}
    if text.upper() in codes:
        code = codes[text.upper()]
        row = ref[ref["code"] == code].iloc[0]
        words = row["health_breakdown"] if isinstance(row["health_breakdown"], str) else row["short_label"]
        return Agency(code, str(words), True)
    if text in set(ref["group"]):
        return Agency(text, group_label(text), False)
    raise HwbKpisError(f"agency {text!r} is neither a source group ({', '.join(sorted(set(ref['group'])))}) nor a "
                       f"source code of reference/referral_sources.csv")


def feedback_agencies(only: list[str] | None = None) -> list[Agency]:
    """The agencies that get a page (``reference/feedback.yml``), or those of ``only`` (each must
    be one of them)."""
    listed = [agency(a) for a in settings()["agencies"]]
    if not only:
        return listed
    wanted = [agency(a) for a in only]
    for a in wanted:
        if a not in listed:
            raise HwbKpisError(f"agency {a.id!r} gets no feedback page (reference/feedback.yml lists "
                               f"{', '.join(x.id for x in listed)})")
    return wanted
