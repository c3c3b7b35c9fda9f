"""How the synthetic contacts are written down in the raw extract: the recorded code and free
text of each contact (its channel's recording variants), noise in codes and text, mixed date
formats, and the varied spellings of outcomes, MARF flags and genders (``recording.yml``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from hwb_kpis.config import OUTCOMES
from hwb_kpis.demo import channels as ch
from hwb_kpis.demo.dates import Dates, Month
from hwb_kpis.demo.draws import choose_text
from hwb_kpis.demo.ids import Identifiers

DATA = yaml.safe_load((Path(__file__).with_name("recording.yml")).read_text(encoding="utf-8"))
OUTCOME_TEXT: dict[str, dict[str, float]] = DATA["outcomes"]
MARF_TEXT: dict[bool, dict[str, float]] = {True: DATA["marf"]["on_marf"], False: DATA["marf"]["not_on_marf"]}
GENDER_TEXT: tuple[dict[str, float], ...] = tuple(DATA["genders"])
DATES: dict = DATA["dates"]
LOOKED_AFTER_UK_SHARE: float = DATES["looked_after_uk_share"]
ISO, UK, EXCEL = 0, 1, 2  #: date format codes (see :meth:`Dates.text`)


def pick_variants(rng, chan: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(recording variant of each contact, by its channel's weights; three uniform picks per
    contact choosing its detail, role and organisation texts)."""
    vu = rng.random(len(chan))
    variant = np.zeros(len(chan), dtype=np.int64)
    for ci in range(ch.N_CHANNELS):
        sel = chan == ci
        if sel.any():
            cum = ch.VARIANT_CUMULATIVE[ci]
            variant[sel] = np.minimum(np.searchsorted(cum, vu[sel], side="right"), len(cum) - 1)
    return variant, rng.random((len(chan), 3))


def _free_text(chan: np.ndarray, variant: np.ndarray, picks: np.ndarray) -> tuple[np.ndarray, ...]:
    """(recorded code, source detail, referrer role, referrer organisation) of every contact."""
    n = len(chan)
    code, detail, role, org = (np.empty(n, dtype=object) for _ in range(4))
    for ci in range(ch.N_CHANNELS):
        for vi, var in enumerate(ch.CHANNELS[ci].variants):
            sel = np.flatnonzero((chan == ci) & (variant == vi))
            if not len(sel):
                continue
            code[sel] = var.code
            for arr, opts, col in ((detail, var.details, 0), (role, var.roles, 1), (org, var.orgs, 2)):
                o = np.array(opts, dtype=object)
                arr[sel] = o[np.minimum((picks[sel, col] * len(o)).astype(np.int64), len(o) - 1)]
    return code, detail, role, org


def _code_noise(rng, code: np.ndarray) -> np.ndarray:
    """Recorded codes as typed: some in lower case, padded, or as Annex A labels."""
    noise = DATA["codes"]
    cu = rng.random(len(code))
    nonblank = code != ""
    code_text = code.copy()
    lower = nonblank & (cu < noise["lower_case"])
    code_text[lower] = np.strings.lower(code[lower].astype("U")).astype(object)
    pad = nonblank & (cu >= noise["lower_case"]) & (cu < noise["padded"])
    code_text[pad] = np.strings.add(np.strings.add(" ", code[pad].astype("U")), " ").astype(object)
    lab = nonblank & (cu >= noise["padded"]) & (cu < noise["annex_label"])
    code_text[lab] = pd.Series(code[lab], dtype=object).map(ch.ANNEX).to_numpy(dtype=object)
    return code_text


def _text_noise(rng, detail: np.ndarray, role: np.ndarray) -> None:
    """Free text as typed (in place): some details in lower case, some roles with a trailing space."""
    noise = DATA["free_text"]
    fu = rng.random(len(detail))
    low = fu < noise["lower_case"]
    detail[low] = np.strings.lower(detail[low].astype("U")).astype(object)
    sp = (fu >= noise["lower_case"]) & (fu < noise["trailing_space"]) & (role != "")
    role[sp] = np.strings.add(role[sp].astype("U"), " ").astype(object)


def date_formats(rng, month: Month, n: int) -> np.ndarray:
    """Format code of each contact's dates: mostly UK early on and ISO later; a few Excel serials."""
    uk_share = DATES["uk_share_before"] if month.label < DATES["uk_until"] else DATES["uk_share_after"]
    fmt = (rng.random(n) < uk_share).astype(np.int64)
    if month.label < DATES["excel_until"]:
        fmt = np.where(rng.random(n) < DATES["excel_share"], EXCEL, fmt)
    return fmt


def _spelled(rng, codes: np.ndarray, tables) -> np.ndarray:
    """Each value written with one of its spellings (``tables``: (value, spellings) pairs)."""
    out = np.empty(len(codes), dtype=object)
    for value, table in tables:
        sel = codes == value
        out[sel] = choose_text(rng, table, int(sel.sum()))
    return out


def contact_rows(rng, month: Month, ids: Identifiers, chan, variant, picks, keys, dob, gender, day, marf, outcome,
                 decision_day, dates: Dates) -> pd.DataFrame:
    """The month's contacts as raw text rows in date order, with new contact ids (``keys``,
    ``dob`` and ``gender``: each contact's child)."""
    n = len(chan)
    code, detail, role, org = _free_text(chan, variant, picks)
    code_text = _code_noise(rng, code)
    _text_noise(rng, detail, role)
    fmt = date_formats(rng, month, n)
    date_text = dates.text(day, fmt)
    dec_text = np.where(decision_day < 0, "", dates.text(np.maximum(decision_day, dates.first),
                                                        np.where(fmt == EXCEL, ISO, fmt))).astype(object)
    dob_text = dates.text(dob, rng.choice(len(DATES["dob_formats"]), size=n, p=DATES["dob_formats"]))
    gender_text = _spelled(rng, gender, enumerate(GENDER_TEXT))
    marf_text = _spelled(rng, marf, MARF_TEXT.items())
    # outcomes the generator never gives (not_referred: only derived at ingest) have no spellings
    out_text = _spelled(rng, outcome, ((i, OUTCOME_TEXT[name]) for i, name in enumerate(OUTCOMES) if name in OUTCOME_TEXT))
    order = np.lexsort((np.arange(n), day))
    frame = pd.DataFrame({
        "contact_id": np.empty(n, dtype=object),
        "child_id": ids.child_text(keys),
        "contact_date": date_text, "source_code": code_text, "source_detail": detail,
        "referrer_role": role, "referrer_org": org, "marf": marf_text, "outcome": out_text,
        "decision_date": dec_text, "child_dob": dob_text, "gender": gender_text,
    }).iloc[order].reset_index(drop=True)
    frame["contact_id"] = ids.contact_text(n)
    return frame
