"""The stage-timing hook: code that runs in stages (the cleaning pipeline) takes an optional
``timings(stage, seconds)`` callback and calls it as each stage ends, so that a benchmark or a
log can time the stages without reaching into private functions."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: ``timings(stage, seconds)``: called when a stage ends (a stage may be reported more than once;
#: add the seconds up)
Timings = Callable[[str, float], None]


class Clock:
    """Times named stages, adds up the seconds of each (``spent``) and reports each to ``timings``."""

    def __init__(self, timings: Timings | None = None) -> None:
        self.timings = timings
        self.spent: defaultdict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the ``with`` block as stage ``name``."""
        start = time.perf_counter()
        yield
        self.report(name, time.perf_counter() - start)

    def report(self, name: str, seconds: float) -> None:
        """Count ``seconds`` as spent in stage ``name``."""
        self.spent[name] += seconds
        if self.timings is not None:
            self.timings(name, seconds)
