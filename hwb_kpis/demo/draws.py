"""Deterministic random draws and small numeric helpers of the synthetic generator: weighted
picks without replacement, weighted text choices, exact shares of a total, the logistic link and
its intercept. Each takes the generator's ``numpy.random.Generator``: the same calls in the same
order give the same extract."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def logit(p):
    return np.log(p / (1.0 - p))


def weighted_pick(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` items drawn without replacement with probability proportional to weight
    (Efraimidis-Spirakis keys); returned sorted."""
    n = len(weights)
    k = int(min(max(k, 0), n))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    u = rng.random(n)
    keys = np.log(np.maximum(u, 1e-300)) / np.maximum(weights, 1e-12)
    if k == n:
        return np.arange(n, dtype=np.int64)
    idx = np.argpartition(-keys, k - 1)[:k]
    return np.sort(idx).astype(np.int64)


def choose_text(rng: np.random.Generator, table: Mapping[str, float], n: int) -> np.ndarray:
    """``n`` texts drawn from ``table`` (text -> weight, in order)."""
    labels = np.array(list(table), dtype=object)
    w = np.array(list(table.values()), dtype=float)
    cum = np.cumsum(w / w.sum())
    idx = np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(labels) - 1)
    return labels[idx]


def largest_remainder(total: int, probs: np.ndarray) -> np.ndarray:
    """Whole counts summing to ``total`` in the proportions ``probs`` (largest remainders)."""
    raw = probs / probs.sum() * total
    base = np.floor(raw).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def solve_intercept(x: np.ndarray, target: float) -> float:
    """L such that mean(sigmoid(L + x)) == target (bisection; deterministic)."""
    if len(x) == 0:
        return float(logit(target))
    lo, hi = -12.0, 12.0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if float(np.mean(sigmoid(mid + x))) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
