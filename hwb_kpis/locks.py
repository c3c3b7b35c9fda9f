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
def locked(path: Path, *, wait: bool = True, busy: str = "", remove: bool = False) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing, never through a symbolic link).
    ``wait=False``: raise ``HwbKpisError`` (``busy``, or a plain message) when another process
    holds it. ``remove``: delete the lock file when done (a lock taken on a file another process
    removed meanwhile is taken again on the new one)."""
    path = Path(path)
    while True:
        fd = _open_lock(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            raise HwbKpisError(busy or f"{path}: locked by another run") from None
        if not remove or _same_file(fd, path):
            break
        os.close(fd)  # the file was removed by the run that held it: lock the new one
    try:
        yield
    finally:
        if remove:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        os.close(fd)  # closing releases the lock


def _open_lock(path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise HwbKpisError(f"{path}: the lock file is a symbolic link; remove it (a lock is never followed)") from None
        raise


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        now = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)


def remove_if_unlocked(path: Path) -> bool:
    """Remove a lock file no process holds (left by a run that was killed); True when removed."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        with locked(path, wait=False, remove=True):
            return True
    except HwbKpisError:
        return False


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
