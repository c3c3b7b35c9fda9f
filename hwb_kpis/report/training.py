"""Whether an agency's threshold training changed what it sends (the January 2016 report's
recommendation 2): the analyst's ``training.csv`` (agency, date, what was delivered) and, for each
agency with a date, an interrupted time series of its conversion and repeat rates around it.

**The model.** For each agency and measure, a segmented binomial GLM
(:func:`hwb_kpis.stats.controlled_its.segmented_break`) of the agency's monthly rate against the
contacts of every agency with no training date (the comparison, sharing each month's common
shocks: the rise in conversion through 2015 moved every agency), over at most
``max_months_each_side`` months either side of the training month: the level change (at the
training month) and the slope change, each with its 95% CI. The months before and after needed
(``reference/feedback.yml``) are stated; with fewer, no model is fitted and the page says so.

**Naming a change.** Many agencies make many tests; a change is named only when its 95% CI
excludes zero *and* it survives the Benjamini–Hochberg false-discovery control across the
agencies with a training date (one family per measure and kind of change: level, slope;
``statsmodels.stats.multitest``), so the board pack and every agency page name the same changes.

Where ``training.csv`` is read from: the analyst's settings folder; on synthetic data only, the
demo's example (:mod:`hwb_kpis.report.declared`'s rule); else the package's empty template.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from hwb_kpis import config
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.kpis.arrays import contact_days
from hwb_kpis.periods import month_name
from hwb_kpis.report.declared import Origin, find_file
from hwb_kpis.report.feedback_agencies import Agency, agency, settings
from hwb_kpis.stats.controlled_its import segmented_break

TRAINING_FILE = "training.csv"
#: the synthetic demonstration's example (the agencies and months its generator plants)
DEMO_TRAINING = config.PACKAGE_DIR / "demo" / TRAINING_FILE
COLUMNS = ("agency", "date", "what")
#: measure -> (numerator, denominator) of :func:`monthly_counts`, and its words
MEASURES = {"conversion": ("referrals", "decided"), "repeat_contacts": ("repeats", "contacts")}
MEASURE_LABELS = {"conversion": "Progressed to referral", "repeat_contacts": "Repeat contacts"}
MEASURE_WORDS = {"conversion": "the share of its contacts progressed to referral",
                 "repeat_contacts": "the share of its contacts that were repeat contacts"}
#: what a page says without a training.csv
HOW_TO_ADD = ("No threshold training dates are recorded. To see whether an agency's training changed what it sends, "
              "list it in training.csv in the settings folder: one line per training, with the agency (a source "
              "group such as police, or a code such as 3E), the date it was delivered and what was delivered "
              "(docs/feedback.md). The page then compares the agency's conversion and repeat rates before and after.")
#: the board pack's words for the same (board pages name no file: the how-to is the analysts')
BOARD_NONE_RECORDED = ("No threshold training dates are recorded yet. Once the council records when each agency's "
                       "threshold training was delivered, this page will say whether that agency's conversion and "
                       "repeat rates changed afterwards.")
HOW_TO_ADD_ONE = "Add a line to training.csv (agency, date, what) to compare its rates before and after (docs/feedback.md)."
DEMO_NOTE = ("The training dates below are the synthetic demonstration's example (the generator plants a change for "
             "these agencies), not a real training record.")
RESULT_COLUMNS = ("agency", "measure", "month", "what", "status", "n_before", "n_after", "min_before", "min_after", "level_pp", "level_pp_low",
                  "level_pp_high", "level_odds_ratio", "level_low", "level_high", "level_p", "slope_odds_ratio",
                  "slope_low", "slope_high", "slope_p", "level_q", "slope_q", "level_excludes", "slope_excludes",
                  "level_named", "slope_named")


@dataclass(frozen=True)
class Training:
    """One line of ``training.csv``: ``agency`` trained from ``date`` (its month: ``month``)."""

    agency: Agency
    date: pd.Timestamp
    what: str

    @property
    def month(self) -> str:
        return self.date.strftime("%Y-%m")


def training_origin(settings_dir: Path | str | None, synthetic: bool) -> Origin:
    """Where ``training.csv`` is read from (see the module docstring)."""
    return find_file(TRAINING_FILE, settings_dir, synthetic)


def read_training(path: Path | str) -> list[Training]:
    """The lines of a ``training.csv``: ``agency`` (a source group such as ``police`` or a code such
    as ``3E``), ``date`` (ISO ``2015-03-01`` or UK ``01/03/2015``), ``what`` (free text). A bad line
    is an error naming the file, line and column (the cell itself is not echoed)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise HwbKpisError(f"{path}: cannot read it ({exc.strerror})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in COLUMNS[:2] if c not in header]
    if missing:
        raise HwbKpisError(f"{path}: line 1: no column {missing[0]!r} (expected columns: {', '.join(COLUMNS)})")
    out = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        try:
            who = agency(cells.get("agency", ""))
        except HwbKpisError:
            raise HwbKpisError(f"{path}: line {line}, column agency: not a source group or source code of "
                               f"reference/referral_sources.csv") from None
        raw = cells.get("date", "")
        date = pd.to_datetime(raw, format="ISO8601", errors="coerce")
        if pd.isna(date):
            date = pd.to_datetime(raw, format="%d/%m/%Y", errors="coerce")
        if pd.isna(date):
            raise HwbKpisError(f"{path}: line {line}, column date: not a date (use 2015-03-01 or 01/03/2015)")
        out.append(Training(who, pd.Timestamp(date).normalize(), " ".join(cells.get("what", "").split())))
    return out


def monthly_counts(flagged: pd.DataFrame, members: np.ndarray, *, lookback_days: int) -> pd.DataFrame:
    """Per month of ``flagged`` (``flag_repeats`` output) restricted to ``members``: ``contacts``,
    ``decided`` (outcome known and not pending), ``referrals``, and ``repeats`` with ``contacts``
    counted only in months with a full look-back of history (``repeat_ok``)."""
    sub = flagged[members]
    outcome = sub["outcome"].astype("string")
    frame = pd.DataFrame({
        "month": sub["month"].astype("string").to_numpy(),
        "contacts": 1,
        "decided": (outcome.notna() & (outcome != "pending")).to_numpy(int),
        "referrals": (outcome == "referral").fillna(False).to_numpy(int),
        "repeats": sub["is_repeat"].astype(bool).to_numpy(int),
    })
    counts = frame.groupby("month", sort=True).sum()
    first_day = int(contact_days(flagged).min()) if len(flagged) else 0
    starts = pd.PeriodIndex(counts.index, freq="M").start_time
    days = ((starts - pd.Timestamp("1970-01-01")).days).to_numpy()
    counts["repeat_ok"] = days - first_day >= lookback_days
    return counts


def _month_positions(months: Iterable[str]) -> np.ndarray:
    per = pd.PeriodIndex(list(months), freq="M")
    return np.asarray(per.year * 12 + per.month, dtype=float)


def fit_training(flagged: pd.DataFrame, trainings: list[Training], *, view: str, month: str,
                 lookback_days: int = config.DEFAULT_LOOKBACK_DAYS, exclude_months: Iterable[str] = (),
                 placebo: Iterable[tuple[Agency, pd.Timestamp]] = ()) -> pd.DataFrame:
    """One row per (training line, measure) with :data:`RESULT_COLUMNS`: the fitted level and slope
    change (``status`` ``fitted``), or why not (``too few months``, ``could not be fitted``), the
    Benjamini–Hochberg q-values across all fitted changes, and whether each change is named (95% CI
    excludes zero and q below the false-discovery rate). Months after ``month`` and
    ``exclude_months`` (still maturing) are left out. ``placebo``: (agency, date) pairs to fit as if
    trained (for checking the method: comparison still the untrained agencies)."""
    cfg = settings()["training"]
    lines = [(t.agency, t.date, t.what) for t in trainings] + [(a, d, "") for a, d in placebo]
    trained = {t.agency for t in trainings}
    excluded = set(exclude_months)
    in_trained = np.zeros(len(flagged), dtype=bool)
    for a in trained:
        in_trained |= a.members(flagged, view)
    rows = []
    for who, date, what in lines:
        members = who.members(flagged, view)
        comparison = ~members & ~in_trained
        own = monthly_counts(flagged, members, lookback_days=lookback_days)
        other = monthly_counts(flagged, comparison, lookback_days=lookback_days)
        both = own.join(other.add_suffix("_cmp"), how="inner")
        both = both[(both.index <= month) & ~both.index.isin(excluded)]
        at = date.strftime("%Y-%m")
        pos_at = _month_positions([at])[0]
        for measure, (num, den) in MEASURES.items():
            data = both[both["repeat_ok"]] if measure == "repeat_contacts" else both
            pos = _month_positions(data.index)
            window = (pos >= pos_at - cfg["max_months_each_side"]) & (pos < pos_at + cfg["max_months_each_side"])
            data, pos = data[window], pos[window]
            usable = (data[den] > 0) & (data[f"{den}_cmp"] > 0)
            data, pos = data[usable.to_numpy()], pos[usable.to_numpy()]
            before, after = int((pos < pos_at).sum()), int((pos >= pos_at).sum())
            row = {"agency": who.id, "measure": measure, "month": at, "what": what, "n_before": before,
                   "n_after": after, "min_before": cfg["min_months_before"], "min_after": cfg["min_months_after"]}
            if before < cfg["min_months_before"] or after < cfg["min_months_after"]:
                rows.append({**row, "status": "too few months"})
                continue
            try:
                r = segmented_break(pos, data[num], data[den], at=pos_at,
                                    comparison=(data[f"{num}_cmp"], data[f"{den}_cmp"]), alpha=cfg["alpha"])
            except (ValueError, ArithmeticError, np.linalg.LinAlgError):
                rows.append({**row, "status": "could not be fitted"})
                continue
            rows.append({**row, "status": "fitted", "level_pp": r.level_pp, "level_pp_low": r.level_pp_ci[0],
                         "level_pp_high": r.level_pp_ci[1], "level_odds_ratio": r.level_odds_ratio,
                         "level_low": float(np.exp(r.level_ci[0])), "level_high": float(np.exp(r.level_ci[1])),
                         "level_p": r.level_p, "slope_odds_ratio": r.slope_odds_ratio,
                         "slope_low": float(np.exp(r.slope_ci[0])), "slope_high": float(np.exp(r.slope_ci[1])),
                         "slope_p": r.slope_p})
    out = pd.DataFrame(rows, columns=[c for c in RESULT_COLUMNS])
    return named_changes(out)


def named_changes(results: pd.DataFrame) -> pd.DataFrame:
    """``results`` with ``level_q``/``slope_q`` — Benjamini–Hochberg q-values across agencies, within
    each family of one measure and one kind of change (level, slope) — and ``level_named``/
    ``slope_named``: the 95% CI excludes no change (odds ratio 1) and q is below the
    false-discovery rate."""
    out = results.copy()
    rate = settings()["training"]["false_discovery_rate"]
    fitted = (out["status"] == "fitted").to_numpy()
    for term in ("level", "slope"):
        out[f"{term}_q"] = np.nan
        for measure in out.loc[fitted, "measure"].unique():
            family = fitted & (out["measure"] == measure).to_numpy()
            pvals = out.loc[family, f"{term}_p"].to_numpy(float)
            out.loc[family, f"{term}_q"] = multipletests(pvals, alpha=rate, method="fdr_bh")[1]
        excludes = (out[f"{term}_low"] > 1) | (out[f"{term}_high"] < 1)
        out[f"{term}_excludes"] = fitted & excludes.fillna(False).to_numpy(bool)
        out[f"{term}_named"] = out[f"{term}_excludes"] & (out[f"{term}_q"] < rate).fillna(False).to_numpy(bool)
    return out


def when_words(t: Training) -> str:
    """``police, March 2015``."""
    return f"{t.agency.label}, {month_name(t.month)}"


def board_sentences(contacts: pd.DataFrame, *, view: str, month: str, settings_dir, synthetic: bool,
                    lookback_days: int = config.DEFAULT_LOOKBACK_DAYS, exclude_months: Iterable[str] = ()) -> list[str]:
    """The board pack's summary of every training line (the same models and false-discovery
    control as the agency pages): one sentence per agency and measure, or, in plain words, that no
    training dates are recorded (the file's name and how to fill it are on the agency pages and in
    docs/feedback.md)."""
    from hwb_kpis import kpis
    from hwb_kpis.report.verdict import training_sentence

    origin = training_origin(settings_dir, synthetic)
    lines = read_training(origin.path)
    if not lines:
        return [BOARD_NONE_RECORDED]
    flagged = kpis.flag_repeats(contacts, lookback_days=lookback_days)
    results = fit_training(flagged, lines, view=view, month=month, lookback_days=lookback_days,
                           exclude_months=exclude_months)
    out = [DEMO_NOTE] if origin.kind == "demo" else []
    for t in lines:
        rows = results[(results["agency"] == t.agency.id) & (results["month"] == t.month)]
        out += [training_sentence(t.agency.label[:1].upper() + t.agency.label[1:], month_name(t.month),
                                  MEASURE_WORDS[r["measure"]], r) for _, r in rows.iterrows()]
    return out
