"""Identifiers of one synthetic authority: raw child ids (an affine permutation of the child's
number, so ids look arbitrary), contact ids in order, and the running numbers of children and
families; ids carry an ``LA001-`` prefix when the extract holds several authorities."""

from __future__ import annotations

import numpy as np


def id_text(prefix: str, numbers: np.ndarray) -> np.ndarray:
    """``prefix`` + the number zero-padded to 8 digits, vectorised."""
    digits = np.strings.zfill(np.asarray(numbers, dtype=np.int64).astype("U"), 8)
    return np.strings.add(prefix, digits).astype(object)


class Identifiers:
    """The id texts and running numbers of authority ``index`` (0-based) of ``n_authorities``."""

    def __init__(self, index: int, n_authorities: int):
        self.index = index
        self.prefix = f"LA{index + 1:03d}-" if n_authorities > 1 else ""
        self.name = f"LA{index + 1:03d}" if n_authorities > 1 else ""  #: the authority column ("" for one)
        self.next_child = 0
        self.next_family = 0
        self.next_contact = 0

    def child_text(self, keys: np.ndarray) -> np.ndarray:
        """Raw child ids: an affine permutation of the child's number, so ids look arbitrary."""
        ids = (np.asarray(keys, dtype=np.int64) * 48271 + 3141593 + 7919 * self.index) % 100_000_000
        return id_text(f"{self.prefix}P", ids)

    def contact_text(self, n: int) -> np.ndarray:
        """The next ``n`` contact ids."""
        start = self.next_contact
        self.next_contact += n
        return id_text(f"{self.prefix}CT", np.arange(10_000_001 + start, 10_000_001 + start + n))

    def new_children(self, n: int) -> np.ndarray:
        """The numbers of ``n`` children never seen before."""
        keys = self.next_child + np.arange(n, dtype=np.int64)
        self.next_child += n
        return keys

    def new_families(self, first_of_family: np.ndarray) -> np.ndarray:
        """Family numbers of new children: a new family at each ``True``, else the one before."""
        fam = self.next_family + np.cumsum(first_of_family) - 1
        self.next_family += int(first_of_family.sum())
        return fam
