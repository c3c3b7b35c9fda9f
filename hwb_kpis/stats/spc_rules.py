"""The four special-cause rules of NHS England's "Making Data Count", one function each (as
NHSRplotthedots ``ptd_special_cause_type``), and :func:`special_causes`, which applies them in
priority order to one segment of a chart.

Each rule takes the points ``y`` of one segment (in time order) with the segment's lines and
returns a boolean per point: whether the rule flags it.

* :func:`beyond_limit` a point above the upper or below the lower process limit;
* :func:`trend` 7 points in a row strictly rising or strictly falling (all 7 flagged; equal
  values break a trend);
* :func:`two_of_three` 2 of 3 consecutive points beyond the 2-sigma line on the same side of the
  mean, the third also on that side (only the points beyond 2 sigma, and not beyond the process
  limit, are flagged);
* :func:`shift` 7 points in a row on the same side of the mean (a point exactly on the mean breaks
  the run; all 7 flagged).
"""

from __future__ import annotations

import numpy as np

RUN = 7  #: points for a trend or a shift
RULES = ("beyond_limit", "trend", "two_of_three", "shift")  #: in priority order


def _windows(a: np.ndarray, k: int) -> np.ndarray:
    return np.lib.stride_tricks.sliding_window_view(a, k)


def _spread(window_hits: np.ndarray, n: int, k: int) -> np.ndarray:
    """Points covered by any window (of length k, starting at index i) where window_hits[i]."""
    out = np.zeros(n, dtype=bool)
    for offset in range(k):
        out[offset:offset + len(window_hits)] |= window_hits
    return out


def side_of_mean(y: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """+1 above the mean, -1 below, 0 on it."""
    return np.sign(y - mean).astype(int)


def beyond_limit(y: np.ndarray, lpl: np.ndarray, upl: np.ndarray) -> np.ndarray:
    """Points strictly above the upper or below the lower process limit."""
    return (y > upl) | (y < lpl)


def trend_runs(y: np.ndarray, run: int = RUN) -> tuple[np.ndarray, np.ndarray]:
    """(rising, falling): points in a run of ``run`` strictly rising, and strictly falling, points."""
    n = len(y)
    if n < run:
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    dw = _windows(np.sign(np.diff(y)).astype(int), run - 1)  # run - 1 differences = run points
    return _spread((dw == 1).all(axis=1), n, run), _spread((dw == -1).all(axis=1), n, run)


def trend(y: np.ndarray, run: int = RUN) -> np.ndarray:
    """Points in a run of ``run`` strictly rising or strictly falling points."""
    rising, falling = trend_runs(y, run)
    return rising | falling


def two_of_three(y: np.ndarray, mean: np.ndarray, lpl: np.ndarray, upl: np.ndarray,
                 near_lower: np.ndarray, near_upper: np.ndarray) -> np.ndarray:
    """Points beyond a 2-sigma line (``near_lower``/``near_upper``) but within the process limits,
    two of three consecutive points being so on the same side of the mean as all three."""
    n = len(y)
    if n < 3:
        return np.zeros(n, dtype=bool)
    close = ~beyond_limit(y, lpl, upl) & ((y < near_lower) | (y > near_upper))
    cw = _windows(close.astype(int), 3)
    rw = _windows(side_of_mean(y, mean), 3)
    hit = (cw.sum(axis=1) >= 2) & (np.abs(rw.sum(axis=1)) == 3)
    return _spread(hit, n, 3) & close


def shift(y: np.ndarray, mean: np.ndarray, run: int = RUN) -> np.ndarray:
    """Points in a run of ``run`` points on the same side of the mean (none on it)."""
    n = len(y)
    if n < run:
        return np.zeros(n, dtype=bool)
    sw = _windows(side_of_mean(y, mean), run)
    return _spread((sw != 0).all(axis=1) & (sw == sw[:, :1]).all(axis=1), n, run)


def trend_direction(y: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """The direction (+1 rising, -1 falling) of the trend each point of ``in_trend`` belongs to:
    the direction of its only trend; a point in both a rising and a falling trend (a peak or a
    trough shared by two) takes the direction towards the next point. Never 0 for a point in a
    trend, even where a rising and a falling trend meet on a tie (two equal points)."""
    rising, falling = trend_runs(y)
    both = rising & falling
    own = np.where(rising, 1, np.where(falling, -1, 0))
    return np.where(in_trend & ~both, own, np.where(in_trend, _towards_next(y, in_trend), 0))


def _towards_next(y: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """Towards the next point while the trend goes on, else from the previous point."""
    n = len(y)
    sdy = np.sign(np.diff(y)).astype(int) if n > 1 else np.zeros(0, dtype=int)
    trend_next = np.append(in_trend[1:], False)
    right = np.append(sdy, sdy[-1:] if n > 1 else [0])  # sign(y[i+1] - y[i])
    left = np.insert(sdy, 0, 0)  # sign(y[i] - y[i-1])
    return np.where(in_trend & trend_next, right, left)


def special_causes(y: np.ndarray, mean: np.ndarray, lpl: np.ndarray, upl: np.ndarray,
                   near_lower: np.ndarray, near_upper: np.ndarray) -> dict[str, np.ndarray]:
    """Every rule on one segment: ``rule_<name>`` per rule, ``rule`` (the first rule in
    :data:`RULES` order that fired, or "") and ``direction`` (+1 high / -1 low / 0)."""
    flags = {
        "beyond_limit": beyond_limit(y, lpl, upl),
        "trend": trend(y),
        "two_of_three": two_of_three(y, mean, lpl, upl, near_lower, near_upper),
        "shift": shift(y, mean),
    }
    rtm = side_of_mean(y, mean)
    # direction of each special cause: side of the mean, or direction of the trend
    directions = {"beyond_limit": rtm, "trend": trend_direction(y, flags["trend"]),
                  "two_of_three": rtm, "shift": rtm}
    conditions = [flags[r] for r in RULES]
    rule = np.select(conditions, list(RULES), default="")
    direction = np.select(conditions, [directions[r] for r in RULES], default=0)
    # NHSRplotthedots: "Above"/"Below" — a flagged point on the mean counts as below
    direction = np.where((rule != "") & (rule != "trend") & (direction == 0), -1, direction)
    return {
        **{f"rule_{r}": flags[r] for r in RULES},
        "rule": rule, "direction": direction.astype(int),
    }
