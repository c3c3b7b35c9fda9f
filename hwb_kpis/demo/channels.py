"""The agencies ("channels") of the synthetic front door, read from ``channels.yml``: who contacts,
how each behaves and how its contacts are recorded (:class:`Channel`, :class:`Variant`), with
the per-channel numbers as arrays indexed by channel number for the generator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

DATA = yaml.safe_load((Path(__file__).with_name("channels.yml")).read_text(encoding="utf-8"))

SCHOOLS: tuple[str, ...] = tuple(DATA["schools"])
HOSPITALS: tuple[str, ...] = tuple(DATA["hospitals"])
SURGERIES: tuple[str, ...] = tuple(DATA["surgeries"])
ANNEX_LETTERS: tuple[str, ...] = tuple(DATA["annex_letters"])
ANNEX_LABELS: dict[str, str] = dict(DATA["annex_labels"])

#: Annex A style labels, e.g. ``k) 3E: Health services``, ``e) 2A: Schools``
ANNEX = {c: f"{chr(97 + i)}) {c}: {ANNEX_LABELS.get(c, ANNEX_LABELS.get(c[:1], ''))}"
         for i, c in enumerate(ANNEX_LETTERS)}
BLOCKS = ("health", "school", "other")


@dataclass(frozen=True)
class Variant:
    """One way a channel's contact is recorded: the recorded code ("" = blank) and free text."""

    weight: float
    code: str
    details: tuple[str, ...]
    roles: tuple[str, ...] = ("",)
    orgs: tuple[str, ...] = ("",)


@dataclass(frozen=True)
class Channel:
    """A referring agency: true code (what the recoded view shows), block, share within the block,
    MARF use at Nov 2015, conversion logit offset, split of non-referral outcomes
    (nfa, advice, early_help), repeat-slot weight, return weight, recording variants."""

    name: str
    code: str
    block: str  # "health" | "school" | "other"
    share: float
    marf: float
    conv: float
    split: tuple[float, float, float]
    repeat: float
    ret: float
    variants: tuple[Variant, ...]
    school_terms: bool = False


def _variant(row: list) -> Variant:
    weight, code, details, *text = row
    return Variant(weight, code, *(tuple(t) for t in [details, *text]))


def _channel(row: dict) -> Channel:
    return Channel(row["name"], row["code"], row["block"], row["share"], row["marf"], row["conversion"],
                   tuple(row["split"]), row["repeat"], row["return"], tuple(_variant(v) for v in row["variants"]),
                   bool(row.get("school_terms", False)))


CHANNELS: tuple[Channel, ...] = tuple(_channel(row) for row in DATA["channels"])

# the channels' numbers as arrays indexed by channel number
N_CHANNELS = len(CHANNELS)
CODE = np.array([c.code for c in CHANNELS], dtype=object)
HEALTH = np.array([c.block == "health" for c in CHANNELS])
SCHOOL_TERMS = np.array([c.school_terms for c in CHANNELS])
MARF = np.array([c.marf for c in CHANNELS])
CONVERSION = np.array([c.conv for c in CHANNELS])
REPEAT = np.array([c.repeat for c in CHANNELS])
RETURN = np.array([c.ret for c in CHANNELS])
SPLIT = np.array([c.split for c in CHANNELS])
#: channel numbers of each block
BLOCK = {b: np.array([i for i, c in enumerate(CHANNELS) if c.block == b]) for b in BLOCKS}
#: cumulative variant weights of each channel
VARIANT_CUMULATIVE = tuple(np.cumsum(w / w.sum()) for w in (np.array([v.weight for v in c.variants])
                                                             for c in CHANNELS))
