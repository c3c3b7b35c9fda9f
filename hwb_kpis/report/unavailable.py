"""What a page shows in place of a part the extract cannot give: the part's name and why, in
plain words (made by :func:`hwb_kpis.report.pages.base.needs`, shown by
:mod:`hwb_kpis.report.display`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Unavailable:
    """A part of a page the extract cannot show: what (a measure's label) and why. Shown by
    :mod:`hwb_kpis.report.display` as one line of plain words (nothing when ``quiet``); false in
    a test, empty as a table, and iterating it gives itself (a loop over a section's sentences
    shows the reason once)."""

    what: str
    reason: str
    quiet: bool = False
    #: the page has given the reason already: a short line pointing back to it
    said: bool = False

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Iterator[Unavailable]:
        return iter([self])

    def __len__(self) -> int:
        return 0

    @property
    def sentence(self) -> str:
        """``"Contacts submitted on a MARF cannot be shown: Annex A List 1 does not say ..."``."""
        reason = self.reason.rstrip(".")
        return f"*{self.what} cannot be shown from this extract: {reason}.*"

    @property
    def markdown(self) -> str:
        """What a page shows in its place: the reason, a pointer back to it, or nothing."""
        if self.quiet:
            return ""
        return f"*{self.what}: not in this extract (see above).*" if self.said else self.sentence
