"""Complementary (secondary) suppression: which further counts to withhold so that no count the
small-number rule hides can be worked out from totals, differences, shares or means a reader can
form from the same publication.

A :class:`Ledger` holds the counts a publication shows (and the unpublished counts that link
them), and the linear relations between them (``a + b + c = total``, ``a − b = moved in − moved
out``, a rounded share or mean as an interval). :meth:`Ledger.protect` follows the practice of the
GSS guidance on tables from administrative sources and the ESSnet handbook on statistical
disclosure control (``docs/privacy.md``): primary suppression of every count from 1 to 4, then,
while any hidden count's feasible values — solved by linear programming over every relation,
as an attacker would — are narrower than the band (1 to 4 for a ``<5``; a width of 3 for a
``c``), withhold the smallest further count in a relation that widens them, preferring inner
cells to totals. It is deterministic: the same counts give the same decisions, in any process.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from hwb_kpis.nulls import missing
from hwb_kpis.privacy.disclosure import (
    SHOWN,
    SMALL,
    SMALL_MAX,
    SMALL_MIN,
    WITHHELD,
    Decisions,
    is_small,
)

Key = Hashable
#: an unpublished count that links published ones (never shown, so never withheld)
UNPUBLISHED = "unpublished"
#: how far a feasible bound may miss the band through floating point
TOLERANCE = 1e-6
#: candidates tried for one leak in one ring of relations before looking further afield
MAX_TRIES = 12
#: candidates tried for one leak in all (then it falls back on showing small counts as ``c``):
#: keeps a plan of a large component — a month of 3 contacts tied to a year of others — in seconds
MAX_TRIALS = 24


class DisclosureError(RuntimeError):
    """The plan could not protect a count (a relation no withholding can fix)."""


@dataclass(frozen=True)
class Relation:
    """``lo <= Σ coefficient × count <= hi`` (``lo == hi``: an equality)."""

    terms: tuple[tuple[Key, float], ...]
    lo: float
    hi: float
    what: str = ""

    def holds(self, values: Mapping[Key, float]) -> bool:
        total = sum(c * values[k] for k, c in self.terms)
        scale = max(1.0, sum(abs(c * values[k]) for k, c in self.terms))
        return self.lo - 1e-9 * scale <= total <= self.hi + 1e-9 * scale


def _order(key: Key) -> str:
    return repr(key)


class Ledger:
    """Counts and the relations a reader can form between them; :meth:`protect` decides which to
    show. Counts are added with :meth:`count`; relations with :meth:`total`, :meth:`relation`,
    :meth:`share` and :meth:`mean`. Every relation must hold for the true counts (checked)."""

    def __init__(self) -> None:
        self.values: dict[Key, float] = {}
        self.published: dict[Key, bool] = {}
        self.margins: set[Key] = set()
        self.guarded: set[Key] = set()
        self.relations: list[Relation] = []

    def __contains__(self, key: Key) -> bool:
        return key in self.values

    def count(self, key: Key, value, *, published: bool = True, margin: bool = False, guard: bool = True) -> Key:
        """Add (or mark as published) the count ``key``. ``margin``: a total or a headline figure,
        withheld only when no inner count will do. ``guard`` (for an unpublished count): a count
        of children or contacts a reader must not be able to work out when it is from 1 to 4 (an
        unpublished link that only splits a published count, such as a recoding flow, is not).
        Missing values count as 0 (nothing was counted)."""
        v = 0.0 if missing(value) else float(value)
        if key in self.values and abs(self.values[key] - v) > 1e-9:
            raise ValueError(f"count {key!r} added twice with different values ({self.values[key]} and {v})")
        self.values[key] = v
        self.published[key] = self.published.get(key, False) or bool(published)
        if margin:
            self.margins.add(key)
        if guard or published:
            self.guarded.add(key)
        return key

    def relation(self, terms: Mapping[Key, float], lo: float, hi: float | None = None, what: str = "") -> None:
        """``lo <= Σ terms[k] × count[k] <= hi`` (``hi`` None: an equality)."""
        unknown = [k for k in terms if k not in self.values]
        if unknown:
            raise KeyError(f"relation {what or terms!r} names counts not in the ledger: {unknown[:3]}")
        hi = lo if hi is None else hi
        rel = Relation(tuple((k, float(c)) for k, c in terms.items() if c), float(lo), float(hi), what)
        if not rel.holds(self.values):
            raise ValueError(f"relation {what or rel.terms!r} does not hold for the counts")
        if rel.terms:
            self.relations.append(rel)

    def total(self, total: Key, parts: Iterable[Key], what: str = "") -> None:
        """``total = Σ parts``."""
        terms: dict[Key, float] = {total: -1.0}
        for p in parts:
            terms[p] = terms.get(p, 0.0) + 1.0
        self.relation(terms, 0.0, what=what or f"{total!r} is the sum of its parts")

    def share(self, numerator: Key | list[Key], denominator: Key | list[Key], shown_rate: float,
              unit: float = 0.01, what: str = "") -> None:
        """A share published rounded to ``unit`` (0.01: whole percent): the true share lies within
        half a unit of ``shown_rate``, so ``(r − u/2) × den <= num <= (r + u/2) × den`` (a list of keys
        stands for their sum)."""
        if missing(shown_rate):
            return
        num = numerator if isinstance(numerator, list) else [numerator]
        den = denominator if isinstance(denominator, list) else [denominator]
        for bound, (lo, hi) in ((shown_rate - unit / 2, (0.0, math.inf)), (shown_rate + unit / 2, (-math.inf, 0.0))):
            terms: dict[Key, float] = {}
            for k in num:
                terms[k] = terms.get(k, 0.0) + 1.0
            for k in den:
                terms[k] = terms.get(k, 0.0) - bound
            self.relation(terms, lo, hi, what=what or "a rounded share")

    def mean(self, parts: Iterable[Key], shown_mean: float, unit: float = 1.0, what: str = "") -> None:
        """A mean of ``parts`` published rounded to ``unit``: their sum lies within ``n × unit / 2``
        of ``n × shown_mean``."""
        parts = list(parts)
        if not parts or missing(shown_mean):
            return
        n = len(parts)
        self.relation(dict.fromkeys(parts, 1.0), n * (shown_mean - unit / 2), n * (shown_mean + unit / 2),
                      what=what or "a rounded mean")

    # --- deciding ---------------------------------------------------------------------------------

    def protect(self, *, internal: bool = False, hidden: Mapping[Key, str] | None = None) -> Decisions:
        """The statuses of every count: primary suppression, then complementary suppression until
        no hidden count can be narrowed below its band (see the module docstring). ``hidden``:
        published counts that start hidden (``small`` or ``withheld``) as another publication
        already hides them — a page planned after the board pack keeps the pack's ``c``."""
        if internal:
            return Decisions({k: SHOWN for k in self.values}, self.values, internal=True)
        status = {k: (SMALL if is_small(v) else SHOWN) if self.published[k] else UNPUBLISHED
                  for k, v in self.values.items()}
        status.update({k: s for k, s in (hidden or {}).items() if k in status and s in (SMALL, WITHHELD)})
        solver = _Solver(self, status)
        solver.run()
        return Decisions({k: s for k, s in status.items() if s != UNPUBLISHED},
                         {k: v for k, v in self.values.items() if status[k] != UNPUBLISHED},
                         unresolved=sorted(solver.unresolved, key=_order))


class _Solver:
    """The complementary-suppression loop over one ledger (statuses changed in place).

    Feasible points found by any program stay feasible as cells are withheld (withholding only
    relaxes the programs: a point keeps each newly hidden count at its true value), so they are
    pooled: a hidden count that some pooled points put at or below 1 and at or above 4 needs no
    program of its own. A leak is looked for over whole components (sound); a fix is tried on the
    leaky count's neighbourhood (cheap), and the next round checks it over the whole component."""

    def __init__(self, ledger: Ledger, status: dict[Key, str]) -> None:
        self.ledger = ledger
        self.status = status
        self.values = ledger.values
        self.by_key: dict[Key, list[int]] = {}
        for i, rel in enumerate(ledger.relations):
            for k, _ in rel.terms:
                self.by_key.setdefault(k, []).append(i)
        #: the lowest and highest value of each hidden count over the feasible points found so far
        #: (a count not in a point is at its true value): see the class docstring
        self.pool_low: dict[Key, float] = {}
        self.pool_high: dict[Key, float] = {}
        #: counts no withholding could protect (reported, never silently shown)
        self.unresolved: set[Key] = set()

    # --- what is hidden, and how far ---------------------------------------------------------------

    def _variable(self, key: Key) -> bool:
        return self.status[key] != SHOWN

    def _bounds(self, key: Key) -> tuple[float, float | None]:
        return (SMALL_MIN, SMALL_MAX) if self.status[key] == SMALL else (0.0, None)

    def _needs(self, key: Key) -> bool:
        """Whether ``key`` must be as wide as its band: every hidden published count, and an
        unpublished guarded count from 1 to 4."""
        if key in self.unresolved:
            return False
        s = self.status[key]
        return s in (SMALL, WITHHELD) or (s == UNPUBLISHED and key in self.ledger.guarded
                                          and is_small(self.values[key]))

    def _wanted(self, key: Key) -> tuple[float, float]:
        """The (highest minimum, lowest maximum) that make ``key`` safe, given its current min."""
        if self.status[key] == WITHHELD and not is_small(self.values[key]):
            return (math.inf, -math.inf)  # judged on width: see safe()
        return (SMALL_MIN + TOLERANCE, SMALL_MAX - TOLERANCE)

    def safe(self, key: Key, span: tuple[float, float]) -> bool:
        """Whether a hidden count's feasible values are as wide as its band (1 to 4; a width of 3
        for a withheld count that is not itself small)."""
        lo, hi = span
        if self.status[key] == WITHHELD and not is_small(self.values[key]):
            return hi - lo >= SMALL_MAX - SMALL_MIN - TOLERANCE
        return lo <= SMALL_MIN + TOLERANCE and hi >= SMALL_MAX - TOLERANCE

    def _pool_span(self, key: Key) -> tuple[float, float]:
        v = self.values[key]
        return min(v, self.pool_low.get(key, v)), max(v, self.pool_high.get(key, v))

    def _pool(self, keys: list[Key], point) -> None:
        """Pool a feasible point (``keys`` at ``point``'s values)."""
        low, high = self.pool_low, self.pool_high
        for k, v in zip(keys, point, strict=True):
            v = float(v)
            if v < low.get(k, math.inf):
                low[k] = v
            if v > high.get(k, -math.inf):
                high[k] = v

    # --- structure ---------------------------------------------------------------------------------

    def components(self) -> list[tuple[list[Key], list[int]]]:
        """Groups of hidden counts linked by relations (each solved on its own)."""
        parent: dict[Key, Key] = {}

        def find(k: Key) -> Key:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for rel in self.ledger.relations:
            keys = [k for k, _ in rel.terms if self._variable(k)]
            for k in keys:
                parent.setdefault(k, k)
            for k in keys[1:]:
                a, b = find(keys[0]), find(k)
                if a != b:
                    parent[max(a, b, key=_order)] = min(a, b, key=_order)
        members: dict[Key, list[Key]] = {}
        for k in parent:
            members.setdefault(find(k), []).append(k)
        out = []
        for root in sorted(members, key=_order):
            keys = sorted(members[root], key=_order)
            rels = sorted({i for k in keys for i in self.by_key.get(k, [])})
            out.append((keys, rels))
        return out

    def _local(self, target: Key, depth: int = 2) -> tuple[list[Key], list[int]]:
        """The relations within ``depth`` steps of ``target`` (through hidden counts) and their
        hidden counts: a smaller program whose feasible values contain the full one's."""
        rels: set[int] = set()
        frontier = {target}
        for _ in range(depth):
            new = {i for k in frontier for i in self.by_key.get(k, [])} - rels
            rels |= new
            frontier = {k for i in new for k, _ in self.ledger.relations[i].terms if self._variable(k)}
        keys = sorted({k for i in rels for k, _ in self.ledger.relations[i].terms if self._variable(k)}, key=_order)
        return keys, sorted(rels)

    # --- linear programs ---------------------------------------------------------------------------

    def _program(self, keys: list[Key], rels: list[int]) -> dict:
        """The linear program over ``rels``: the hidden counts ``keys`` as variables, shown counts
        as constants, each relation as an equality or one or two inequalities."""
        index = {k: i for i, k in enumerate(keys)}
        a_eq, b_eq, a_ub, b_ub = [], [], [], []
        for r in rels:
            rel = self.ledger.relations[r]
            row = np.zeros(len(keys))
            const = 0.0
            for k, c in rel.terms:
                if k in index:
                    row[index[k]] += c
                else:
                    const += c * self.values[k]
            if not row.any():
                continue
            lo, hi = rel.lo - const, rel.hi - const
            if lo == hi:
                a_eq.append(row)
                b_eq.append(lo)
            else:
                if math.isfinite(hi):
                    a_ub.append(row)
                    b_ub.append(hi)
                if math.isfinite(lo):
                    a_ub.append(-row)
                    b_ub.append(-lo)
        kwargs = {"bounds": [self._bounds(k) for k in keys], "method": "highs"}
        if a_eq:
            kwargs.update(A_eq=np.array(a_eq), b_eq=np.array(b_eq))
        if a_ub:
            kwargs.update(A_ub=np.array(a_ub), b_ub=np.array(b_ub))
        return {"keys": keys, "index": index, "kwargs": kwargs, "pool": False}

    def _solve(self, program: dict, objective: np.ndarray) -> float:
        """Minimum of ``objective · x`` (``-inf`` when unbounded); the optimal point joins the pool."""
        from scipy.optimize import linprog

        res = linprog(objective, **program["kwargs"])
        if res.status == 2:  # HiGHS' presolve can call an unbounded program infeasible: ask again without it
            res = linprog(objective, options={"presolve": False}, **program["kwargs"])
        if res.status == 2:
            raise DisclosureError("the relations of a component cannot all hold (a modelling error)")
        if res.status == 3:
            return -math.inf
        if res.status != 0:
            raise DisclosureError(f"linear programming failed: {res.message}")
        if program["pool"]:  # only a whole component's program, as things stand, gives feasible points
            self._pool(program["keys"], res.x)
        return float(res.fun)

    def _side(self, program: dict, target: Key, upward: bool) -> float:
        c = np.zeros(len(program["keys"]))
        c[program["index"][target]] = -1.0 if upward else 1.0
        value = self._solve(program, c)
        return -value if upward else value

    def span(self, program: dict, target: Key) -> tuple[float, float]:
        """The feasible (min, max) of ``target`` over ``program``."""
        return self._side(program, target, False), self._side(program, target, True)

    def _settle(self, program: dict, target: Key) -> tuple[float, float]:
        """``target``'s span, solving only the sides the pool does not already show are wide."""
        lo, hi = self._pool_span(target)
        low_ok, high_ok = self._wanted(target)
        if self.status[target] == WITHHELD and not is_small(self.values[target]):
            return self.span(program, target) if hi - lo < SMALL_MAX - SMALL_MIN - TOLERANCE else (lo, hi)
        if lo > low_ok:
            lo = self._side(program, target, False)
        if hi < high_ok:
            hi = self._side(program, target, True)
        return lo, hi

    def leaks_in(self, keys: list[Key], rels: list[int]):
        """The counts of a component whose feasible values are narrower than their band, one by
        one (lazily: a caller that fixes the first need not pay for the rest)."""
        targets = [k for k in keys if self._needs(k) and not self.safe(k, self._pool_span(k))]
        if not targets:
            return
        program = self._program(keys, rels)
        program["pool"] = True
        if len(targets) > 1:  # two programs that push every such count down, then up: points for most
            weights = np.array([1.0 if k in targets else 0.0 for k in keys])
            self._solve(program, weights)
            self._solve(program, -weights)
        for t in targets:
            if not self.safe(t, self._settle(program, t)):
                yield t

    # --- fixing ------------------------------------------------------------------------------------

    def _cost(self, key: Key) -> tuple:
        """The order candidates are tried in: inner counts before totals, counts in fewest
        relations (withholding them costs no further withholding), then the smallest (the GSS
        "next smallest"); a zero last (withholding it rarely hides anything)."""
        return (key in self.ledger.margins, self.values[key] == 0, len(self.by_key.get(key, [])), self.values[key],
                _order(key))

    def _candidates(self, ring: set[Key]) -> list[Key]:
        shown = [k for k in ring if self.status[k] == SHOWN and self.ledger.published[k]]
        return sorted(shown, key=self._cost)

    # --- one relation at a time --------------------------------------------------------------------

    def _alone(self, rel: Relation, target: Key) -> tuple[float, float]:
        """``target``'s feasible values from ``rel`` alone (and the bounds of the counts in it)."""
        coef = dict(rel.terms)[target]
        low_rest, high_rest = 0.0, 0.0
        for k, c in rel.terms:
            if k == target:
                continue
            if not self._variable(k):
                low_rest += c * self.values[k]
                high_rest += c * self.values[k]
                continue
            lo, hi = self._bounds(k)
            hi = math.inf if hi is None else hi
            terms = (c * lo, c * hi) if c > 0 else (c * hi, c * lo)
            low_rest += terms[0]
            high_rest += terms[1]
        a, b = rel.lo - high_rest, rel.hi - low_rest  # coef × target lies in [a, b]
        lo, hi = (a / coef, b / coef) if coef > 0 else (b / coef, a / coef)
        own_lo, own_hi = self._bounds(target)
        return max(lo, own_lo), min(hi, math.inf if own_hi is None else own_hi)

    def relationwise(self) -> None:
        """Before any program: in each relation alone, a hidden count must not be pinned. Where
        it is, withhold the cheapest count of that relation that frees it (a leak one relation
        shows is a leak of the whole program, so this never withholds in vain)."""
        changed = True
        while changed:
            changed = False
            for rel in self.ledger.relations:
                for t, _ in rel.terms:
                    if not self._needs(t) or self.safe(t, self._alone(rel, t)):
                        continue
                    for cand in self._candidates({k for k, _ in rel.terms}):
                        self.status[cand] = WITHHELD
                        if self.safe(t, self._alone(rel, t)):
                            changed = True
                            break
                        self.status[cand] = SHOWN


    def _widen(self, target: Key, keys: list[Key], rels: list[int]) -> bool:
        """Withhold the smallest shown count that widens ``target``'s feasible values where they
        fall short, over ``rels``: inner counts before totals, each among the counts of the
        target's own relations first, then of theirs. False when none does."""
        program = self._program(keys, rels)
        lo, hi = self.span(program, target)
        wide = self.safe(target, (lo, hi))
        scope = set(rels)
        rings: list[set[Key]] = []
        seen: set[Key] = {target}
        frontier = {target}
        while frontier:
            ring = {k for f in frontier for i in self.by_key.get(f, []) if i in scope
                    for k, _ in self.ledger.relations[i].terms} - seen
            rings.append(ring)
            seen |= ring
            frontier = {k for k in ring if self._variable(k)}
        low_ok, high_ok = self._wanted(target)
        width_only = self.status[target] == WITHHELD and not is_small(self.values[target])
        tried = 0
        for margins in (False, True):
            for ring in rings:
                for cand in [k for k in self._candidates(ring) if (k in self.ledger.margins) == margins][:MAX_TRIES]:
                    tried += 1
                    if tried > MAX_TRIALS:
                        return False
                    old = self.status[cand]
                    self.status[cand] = WITHHELD
                    trial = self._program(sorted({*keys, cand}, key=_order), rels)
                    if width_only or wide:
                        new_lo, new_hi = self.span(trial, target)
                        better = new_lo < lo - TOLERANCE or new_hi > hi + TOLERANCE
                    else:
                        better = (lo > low_ok and self._side(trial, target, False) < lo - TOLERANCE) or \
                                 (hi < high_ok and self._side(trial, target, True) > hi + TOLERANCE)
                    if better:
                        return True
                    self.status[cand] = old
        return False

    def widen(self, target: Key, keys: list[Key], rels: list[int]) -> bool:
        """Withhold the smallest count that widens ``target``'s feasible values, tried on its
        neighbourhood, then on its whole component."""
        local_keys, local_rels = self._local(target)
        if self._widen(target, local_keys, local_rels):
            return True
        return len(rels) > len(local_rels) and self._widen(target, keys, rels)

    def fallback(self, target: Key) -> None:
        """When no single withheld count widens a leak: show the small counts nearest to it as
        ``c`` — those of its own relations first, then of theirs —, whose value may be anything (a
        reader then cannot add up their lower bounds); then the target itself; failing that,
        report it as unresolved."""
        seen: set[Key] = {target}
        frontier = {target}
        while frontier:
            ring = {k for f in frontier for i in self.by_key.get(f, []) for k, _ in self.ledger.relations[i].terms} - seen
            small = [k for k in ring if self.status[k] == SMALL]
            inner = [k for k in small if k not in self.ledger.margins]
            if small:
                for k in inner or small:
                    self.status[k] = WITHHELD
                return
            seen |= ring
            frontier = {k for k in ring if self._variable(k)}
        if self.status[target] == SMALL:
            self.status[target] = WITHHELD
        else:
            self.unresolved.add(target)

    def component_of(self, key: Key) -> tuple[list[Key], list[int]]:
        """The component (hidden counts and their relations) that holds the hidden count ``key``."""
        keys: set[Key] = {key}
        frontier = [key]
        while frontier:
            k = frontier.pop()
            for i in self.by_key.get(k, []):
                for other, _ in self.ledger.relations[i].terms:
                    if other not in keys and self._variable(other):
                        keys.add(other)
                        frontier.append(other)
        ordered = sorted(keys, key=_order)
        return ordered, sorted({i for k in ordered for i in self.by_key.get(k, [])})

    def run(self) -> None:
        """Component by component, until none leaks: widen the first leak that one more withheld
        count widens (a count pinned through several relations may need others fixed first); when
        none can be, fall back on the first. Withholding a count only relaxes the programs of the
        component it joins (it merges any component it links), so a component found safe stays
        safe unless it is merged into one still being fixed, which is then checked whole."""
        self.relationwise()
        queue = [keys[0] for keys, _ in reversed(self.components())]  # a stack: first component on top
        for _ in range(100_000):
            if not queue:
                return
            keys, rels = self.component_of(queue[-1])
            first = None
            for leak in self.leaks_in(keys, rels):
                if self.widen(leak, keys, rels):
                    break
                first = first or leak
            else:
                if first is None:
                    queue.pop()  # safe: on to the next component
                    continue
                self.fallback(first)
        raise DisclosureError("complementary suppression did not settle")
