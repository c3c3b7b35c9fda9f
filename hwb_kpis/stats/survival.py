"""Time to re-contact after a "threshold not met" decision: Kaplan-Meier curves for pictures and
a Cox proportional-hazards model (statsmodels ``PHReg``) for what goes with coming back sooner.

An *episode* starts at a contact whose outcome was a threshold-not-met decision (``nfa``,
``advice``, ``early_help``); it ends at the same child's next contact (event) or is censored at
the end of the extract (or at a horizon, such as the repeat window).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight

from hwb_kpis.stats.multiplicity import bh_adjust

DEFAULT_HORIZONS = (91, 182, 365)  #: about 3, 6 and 12 months, in days
HORIZON_LABELS = {91: "3 months", 182: "6 months", 365: "12 months"}


def recontact_episodes(
    contacts: pd.DataFrame,
    *,
    extract_end: Any = None,
    child_col: str = "child_id",
    date_col: str = "contact_date",
    outcome_col: str = "outcome",
    group_col: str = "source_group",
    not_met: Sequence[str],
    covariates: Sequence[str] = (),
) -> pd.DataFrame:
    """Episodes for :func:`km_recontact` from a processed contacts frame.

    For each contact whose outcome is one of ``not_met`` (the decisions that a threshold was not
    met; the caller names them): ``duration_days`` to the same child's next
    contact on a strictly later date (``event`` True) or to ``extract_end`` (default: the latest
    contact date in the frame; ``event`` False). Contacts the same day do not count as a
    re-contact. Returns ``child_id, contact_date, month, group, outcome, duration_days, event``
    and the ``covariates`` columns of the starting contact (those present), for
    :func:`recontact_hazards`.

    Assumes the frame holds every contact of the period (not a filtered subset: filtering by
    source would hide re-contacts from other sources). Episodes starting near the extract end
    are short and censored, which Kaplan-Meier handles; do not compute a plain share from them.
    """
    dates = pd.to_datetime(contacts[date_col]).dt.normalize()
    end = pd.Timestamp(extract_end) if extract_end is not None else dates.max()
    # next strictly later contact date of the same child: unique (child, date), shift within child
    visits = (pd.DataFrame({"child": contacts[child_col].to_numpy(), "date": dates.to_numpy()})
              .drop_duplicates().sort_values(["child", "date"], kind="stable"))
    visits["next_date"] = visits.groupby("child", sort=False)["date"].shift(-1)
    idx = contacts[outcome_col].astype("string").isin(list(not_met)).fillna(False).to_numpy(bool)
    start = pd.DataFrame({
        "child_id": contacts[child_col].to_numpy()[idx],
        "contact_date": dates.to_numpy()[idx],
        "group": (contacts[group_col].to_numpy()[idx] if group_col in contacts.columns
                  else np.full(int(idx.sum()), "all", dtype=object)),
        "outcome": contacts[outcome_col].to_numpy()[idx],
    })
    extra = [c for c in covariates if c in contacts.columns and c not in start.columns]
    for c in extra:
        start[c] = contacts[c].to_numpy()[idx]
    start = start.merge(visits.rename(columns={"child": "child_id", "date": "contact_date"}),
                        on=["child_id", "contact_date"], how="left")
    event = start["next_date"].notna() & (start["next_date"] <= end)
    stop = start["next_date"].where(event, end)
    start["duration_days"] = (stop - start["contact_date"]).dt.days.astype("int64")
    start["event"] = event.to_numpy(bool)
    start["month"] = start["contact_date"].dt.strftime("%Y-%m").astype("string")
    start = start[start["duration_days"] >= 0]
    for c in ("child_id", "group", "outcome"):
        start[c] = start[c].astype("string")
    cols = ["child_id", "contact_date", "month", "group", "outcome", "duration_days", "event", *extra]
    return start[cols].sort_values(["contact_date", "child_id"], kind="stable").reset_index(drop=True)


def _km_one(durations: np.ndarray, events: np.ndarray, alpha: float) -> pd.DataFrame:
    """Kaplan-Meier steps with pointwise log-log CIs for S(t) (Greenwood variance)."""
    sf = SurvfuncRight(durations.astype(float), events.astype(int))
    s = np.asarray(sf.surv_prob, dtype=float)
    se = np.asarray(sf.surv_prob_se, dtype=float)
    z = sps.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(s)
        theta = z * se / (s * np.abs(log_s))
        lo = s ** np.exp(theta)
        hi = s ** np.exp(-theta)
    lo = np.where((s <= 0) | (s >= 1), s, lo)
    hi = np.where((s <= 0) | (s >= 1), s, hi)
    steps = pd.DataFrame({
        "time": np.concatenate([[0.0], np.asarray(sf.surv_times, float)]),
        "surv": np.concatenate([[1.0], s]),
        "surv_ci_low": np.concatenate([[1.0], lo]),
        "surv_ci_high": np.concatenate([[1.0], hi]),
        "n_risk": np.concatenate([[len(durations)], np.asarray(sf.n_risk, float)]).astype("int64"),
        "n_events": np.concatenate([[0], np.asarray(sf.n_events, float)]).astype("int64"),
    })
    return steps


def km_curves(
    episodes: pd.DataFrame,
    *,
    duration_col: str = "duration_days",
    event_col: str = "event",
    group_col: str | None = "group",
    include_all: bool = True,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan-Meier curves by group (statsmodels ``SurvfuncRight``).

    Returns one row per event time per group (plus time 0): ``group, time`` (days), ``surv``
    (share not yet re-contacted), ``surv_ci_low/high`` (pointwise log-log CI, Greenwood),
    ``recontacted`` = 1 - surv with ``recontacted_ci_low/high``, ``n_risk``, ``n_events``.
    ``include_all`` adds the group ``all``.

    Assumes censoring (extract end) is unrelated to the chance of re-contact, and that episodes
    are independent (a child with several episodes makes the CIs a little too narrow).
    """
    groups: list[tuple[str, pd.DataFrame]] = []
    if group_col is not None and group_col in episodes.columns:
        groups += [(str(g), d) for g, d in episodes.groupby(group_col, sort=True, observed=True)]
    if include_all or not groups:
        groups.append(("all", episodes))
    parts = []
    for g, d in groups:
        if len(d) == 0:
            continue
        steps = _km_one(d[duration_col].to_numpy(float), d[event_col].to_numpy(bool), alpha)
        steps.insert(0, "group", g)
        parts.append(steps)
    if not parts:  # no episode at all: the columns, no rows
        parts.append(pd.DataFrame({"group": pd.Series(dtype="string"),
                                   **{c: pd.Series(dtype="float64") for c in ("time", "surv", "surv_ci_low", "surv_ci_high")},
                                   "n_risk": pd.Series(dtype="int64"), "n_events": pd.Series(dtype="int64")}))
    out = pd.concat(parts, ignore_index=True)
    out["group"] = out["group"].astype("string")
    out["recontacted"] = 1 - out["surv"]
    out["recontacted_ci_low"] = 1 - out["surv_ci_high"]
    out["recontacted_ci_high"] = 1 - out["surv_ci_low"]
    return out


def km_recontact(
    episodes: pd.DataFrame,
    *,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    duration_col: str = "duration_days",
    event_col: str = "event",
    group_col: str | None = "group",
    include_all: bool = True,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Share re-contacted within each horizon (default 91, 182, 365 days = 3, 6, 12 months) by
    group: 1 - S(h) from the Kaplan-Meier curve, with its pointwise CI.

    Returns ``group, horizon_days, horizon`` (label), ``share, ci_low, ci_high`` (0-1),
    ``episodes`` (in the group), ``at_risk`` (still followed at the horizon), ``events`` (by the
    horizon). ``share`` is NA when nobody in the group was followed that long (at_risk = 0 and
    the curve has not reached 0).

    Assumes the episodes of :func:`recontact_episodes`; see :func:`km_curves`. Do not report a
    horizon where ``at_risk`` is small (fewer than about 10): the estimate rests on a few children.
    """
    curves = km_curves(episodes, duration_col=duration_col, event_col=event_col,
                       group_col=group_col, include_all=include_all, alpha=alpha)
    rows = []
    for g, c in curves.groupby("group", sort=False):
        d = episodes if g == "all" else episodes[episodes[group_col].astype("string") == g]
        dur = d[duration_col].to_numpy(float)
        ev = d[event_col].to_numpy(bool)
        for h in horizons:
            step = c[c["time"] <= h].iloc[-1]
            at_risk = int((dur >= h).sum())
            followed = at_risk > 0 or step["surv"] == 0
            rows.append({
                "group": g, "horizon_days": int(h), "horizon": HORIZON_LABELS.get(int(h), f"{h} days"),
                "share": 1 - step["surv"] if followed else np.nan,
                "ci_low": 1 - step["surv_ci_high"] if followed else np.nan,
                "ci_high": 1 - step["surv_ci_low"] if followed else np.nan,
                "episodes": len(d), "at_risk": at_risk, "events": int((ev & (dur <= h)).sum()),
            })
    out = pd.DataFrame(rows, columns=["group", "horizon_days", "horizon", "share", "ci_low", "ci_high", "episodes",
                                      "at_risk", "events"])
    out["group"] = out["group"].astype("string")
    out["horizon"] = out["horizon"].astype("string")
    return out


# --- Cox proportional hazards ---------------------------------------------------------------------
#: the columns of a :func:`recontact_hazards` table
HAZARD_COLUMNS = ("term", "level", "label", "hazard_ratio", "ci_low", "ci_high", "p_value", "q_value", "n",
                  "is_reference")
_OTHER_SMALL = "other (small)"


def _category(s: pd.Series) -> pd.Series:
    """Strings for a categorical term; booleans -> yes/no; missing -> unknown."""
    if not (pd.api.types.is_bool_dtype(s) or str(s.dtype) == "boolean"):
        values = set(s.dropna().unique().tolist())
        if not values or not values <= {True, False}:
            return s.astype("string").fillna("unknown")
    s = s.astype("boolean").map({True: "yes", False: "no"}, na_action="ignore")
    return s.astype("string").fillna("unknown")


def recontact_hazards(
    episodes: pd.DataFrame,
    terms: dict[str, str],
    *,
    reference: dict[str, str] | None = None,
    horizon_days: int | None = None,
    time: bool = True,
    strata_col: str | None = None,
    cluster_col: str | None = None,
    duration_col: str = "duration_days",
    event_col: str = "event",
    date_col: str = "contact_date",
    min_level_n: int = 20,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Cox proportional-hazards model of the time to re-contact (statsmodels ``PHReg``, Efron
    ties): what goes with a child coming back *sooner* after a threshold-not-met decision.

    ``episodes``: :func:`recontact_episodes` (with its ``covariates``); ``terms``: term name ->
    column (categorical; booleans become yes/no, missing ``unknown``, levels with fewer than
    ``min_level_n`` episodes pooled into ``other (small)``; the reference level is
    ``reference[term]``, else the most frequent). ``horizon_days`` censors every episode there
    (the repeat window: a re-contact later than that is not a repeat). ``time`` adds the start
    date, in years since the first episode, for a change in the re-contact rate over the period.
    ``strata_col`` (e.g. the start month): a baseline hazard of its own for each value, so that
    how busy the front door was in a calendar month is not mistaken for a difference between
    groups whose decisions fall in different months; ``cluster_col`` (e.g. the child): robust
    (sandwich) standard errors allowing for one child's several episodes being alike. Both are
    off by default: on the synthetic backtest (tests/backtests/seeds.py) neither changed what was
    covered, and each costs seconds on a year of episodes.

    Returns one row per level: ``term, level, label, hazard_ratio, ci_low, ci_high, p_value``,
    ``q_value`` (Benjamini-Hochberg over every non-reference row of the model: the family),
    ``n`` (episodes) and ``is_reference``; ``attrs``: ``n``, ``events``, ``horizon_days``.

    A hazard ratio of 2 means that, at any time since the decision, children in that group are
    contacted again at twice the rate of the reference group. Assumes proportional hazards (the
    ratio holds at every duration), censoring unrelated to re-contact, and episodes independent
    between children (siblings are not: the CIs are then a little too narrow). Not causal.
    """
    reference = reference or {}
    dur = episodes[duration_col].to_numpy(float)
    ev = episodes[event_col].to_numpy(bool)
    if horizon_days is not None:
        ev = ev & (dur <= horizon_days)
        dur = np.minimum(dur, horizon_days)
    exog_parts: list[pd.Series] = []
    info: list[dict[str, Any]] = []
    for term, col in terms.items():
        if col not in episodes.columns:
            continue
        s = _category(episodes[col]).reset_index(drop=True)
        counts = s.value_counts()
        small = counts.index[counts < min_level_n]
        if len(small):
            s = s.where(~s.isin(small), _OTHER_SMALL)
            counts = s.value_counts()
        if len(counts) < 2:
            continue
        ref = reference.get(term)
        if ref is None or ref not in counts.index:
            ref = sorted(counts.index[counts == counts.max()])[0]
        info.append({"term": term, "level": ref, "label": f"{term}: {ref} (reference)", "col": None,
                     "n": int(counts[ref])})
        for lvl in sorted(counts.index):
            if lvl == ref:
                continue
            c = f"{term}[{lvl}]"
            exog_parts.append(pd.Series((s == lvl).to_numpy(float), name=c))
            info.append({"term": term, "level": lvl, "label": f"{term}: {lvl} vs {ref}", "col": c,
                         "n": int(counts[lvl])})
    if time and date_col in episodes.columns and len(episodes):
        start = pd.to_datetime(episodes[date_col])
        years = ((start - start.min()).dt.days / 365.25).to_numpy(float)
        if np.ptp(years) > 0:
            exog_parts.append(pd.Series(years, name="time"))
            info.append({"term": "time", "level": "per 12 months", "label": "time: per 12 months", "col": "time",
                         "n": len(episodes)})
    if not exog_parts or ev.sum() == 0:
        raise ValueError("recontact_hazards: no term varies, or no episode ends in a re-contact")
    exog = pd.concat(exog_parts, axis=1)
    strata = None
    if strata_col is not None and strata_col in episodes.columns:
        strata = episodes[strata_col].astype("string").fillna("").to_numpy()
    groups = None
    if cluster_col is not None and cluster_col in episodes.columns:
        groups = pd.factorize(episodes[cluster_col].astype("string").fillna(""))[0]
    res = PHReg(dur, exog.to_numpy(float), status=ev.astype(int), ties="efron", strata=strata).fit(groups=groups)
    params = np.asarray(res.params, float)
    se = np.asarray(res.bse, float)
    zq = sps.norm.ppf(1 - alpha / 2)
    pvals = np.asarray(res.pvalues, float)
    index = {c: i for i, c in enumerate(exog.columns)}
    rows = []
    for r in info:
        if r["col"] is None:
            rows.append({**r, "hazard_ratio": 1.0, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                         "is_reference": True})
            continue
        i = index[r["col"]]
        rows.append({**r, "hazard_ratio": float(np.exp(params[i])), "ci_low": float(np.exp(params[i] - zq * se[i])),
                     "ci_high": float(np.exp(params[i] + zq * se[i])), "p_value": float(pvals[i]),
                     "is_reference": False})
    out = pd.DataFrame(rows)
    out["q_value"], _ = bh_adjust(out["p_value"])
    out = out[list(HAZARD_COLUMNS)]
    for c in ("term", "level", "label"):
        out[c] = out[c].astype("string")
    out["n"] = out["n"].astype("int64")
    out["is_reference"] = out["is_reference"].astype(bool)
    out.attrs.update({"n": len(episodes), "events": int(ev.sum()), "horizon_days": horizon_days})
    return out
