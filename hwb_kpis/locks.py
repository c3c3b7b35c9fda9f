"""Lock files and the temporary folders of interrupted runs: an exclusive lock that never follows
a symbolic link (so a planted link cannot make a run truncate or lock another file), and the
clearing of temporary folders whose process (named in the folder's name) no longer runs."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hwb_kpis.errors import HwbKpisError

#: a temporary folder without a process id in its name is cleared once it is this old (seconds)
ANONYMOUS_LEFTOVER_AGE = 24 * 3600


@contextmanager
def locked(path: Path, *, wait: bool = True, busy: str = "") -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing, never through a symbolic link).
    ``wait=False``: raise ``HwbKpisError`` (``busy``, or a plain message) when another process holds it."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise HwbKpisError(f"{path}: the lock file is a symbolic link; remove it (a lock is never followed)") from None
        raise
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise HwbKpisError(busy or f"{path}: locked by another run") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (another user's process counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_alive(name: str) -> bool:
    """Whether the process whose id follows the prefix of a temporary folder's name
    (``.clean-<pid>-…``, ``.YYYY-MM.tmp-<pid>-…``) still runs; a name without one counts as alive."""
    match = re.search(r"(?:^\.clean|\.(?:tmp|old))-(\d+)-", name)
    return True if not match else process_alive(int(match.group(1)))


def remove_leftovers(folder: Path, prefix: str) -> list[Path]:
    """Remove the folders ``<prefix>*`` in ``folder`` left by processes that no longer run (or,
    without a process id in their name, not touched for a day). Returns those removed."""
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.glob(f"{prefix}*"):
        if not path.is_dir() or path.is_symlink():
            continue
        has_pid = re.match(rf"{re.escape(prefix)}\d+-", path.name) is not None
        stale = not owner_alive(path.name) if has_pid else time.time() - path.stat().st_mtime > ANONYMOUS_LEFTOVER_AGE
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
