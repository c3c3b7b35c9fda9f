"""Publishing a pack atomically: it is built in a hidden folder beside its final place
(``reports/.YYYY-MM.tmp-<pid>-xxxx``; an internal pack's final place is ``reports/YYYY-MM-internal``) and renamed into place at the end, so a month's pack is
either complete or absent; an older pack is set aside (``.YYYY-MM.old-<pid>-xxxx``) and removed
only once the new one is in. What a build killed outright left behind is cleared by the next.
One build of a month runs at a time (:func:`month_lock`)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hwb_kpis.errors import HwbKpisError
from hwb_kpis.locks import locked, remove_if_unlocked
from hwb_kpis.locks import owner_alive as _owner_alive  # noqa: F401 - the test of a folder's process

#: what an e-mail attachment may weigh; a bigger pack is written with a warning
PACK_SIZE_LIMIT = 10 * 1024 * 1024


@contextmanager
def month_lock(out_dir: Path, month: str) -> Iterator[None]:
    """Hold the lock of one month's pack (``out_dir/.YYYY-MM.lock``, removed when done; never
    followed through a symbolic link): a second build of the month stops at once with a one-line
    error instead of replacing the first one's pack."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f".{month}.lock"
    with locked(path, wait=False, remove=True,
                busy=f"another build of {month} is running (it holds {path}); wait for it to finish"):
        yield


def copy_earlier(final: Path, folder: Path, leave_out: list[str]) -> None:
    """Copy the published pack ``final`` into the staging ``folder``, without the pages named in
    ``leave_out`` (their HTML and executed notebook), which are about to be built again."""
    skip = {f"{n}.html" for n in leave_out} | {f"{n}.ipynb" for n in leave_out}
    shutil.copytree(final, folder, dirs_exist_ok=True, symlinks=True,
                    ignore=lambda _dir, names: [n for n in names if n in skip])


def check_target(final: Path, force: bool) -> None:
    """Refuse to replace an existing pack unless ``force``."""
    agencies_only = final.is_dir() and {p.name for p in final.iterdir()} == {"agencies"}  # `hwb-kpis feedback` ran first
    if final.exists() and not force and not agencies_only:
        raise HwbKpisError(f"{final} already exists: use --force to replace it")


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def remove_abandoned_builds(out_dir: Path, echo: Callable[[str], Any] = print) -> list[Path]:
    """Clear what a build killed outright (``kill -9``, power cut) left in ``out_dir``: temporary
    folders of dead processes are removed; a previous pack set aside by a dead process just
    before its replacement was moved in is put back when no pack of that month exists, else
    removed. Returns the folders dealt with."""
    found: list[Path] = []
    if not out_dir.is_dir():
        return found
    for lock in sorted(out_dir.glob(".????-??.lock")):
        if remove_if_unlocked(lock):
            found.append(lock)
    for folder in sorted(out_dir.glob(".*-*")):
        match = re.fullmatch(r"\.(\d{4}-\d{2}(?:-internal)?)\.(tmp|old)-.+", folder.name)
        if not match or not folder.is_dir() or _owner_alive(folder.name):
            continue
        month, kind = match.groups()
        final = out_dir / month
        if kind == "old" and not final.exists():
            folder.rename(final)
            echo(f"restored the pack for {month}, set aside by a build that was interrupted")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            echo(f"removed {folder.name}, left by a build that was interrupted")
        found.append(folder)
    return found


@contextmanager
def staging(final: Path, echo: Callable[[str], Any] = print) -> Iterator[Path]:
    """A new, empty temporary folder beside ``final`` (abandoned builds cleared first), removed
    again if the block raises; the block fills it and :func:`publish` moves it into place."""
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_builds(final.parent, echo)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-{os.getpid()}-", dir=final.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; the pack is an ordinary folder
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def publish(tmp: Path, final: Path, echo: Callable[[str], Any] = print) -> None:
    """Move the finished pack into place; an older pack is removed only after the new one is in."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{tmp.name.split('.tmp-', 1)[-1]}")
        final.rename(old)
    try:
        tmp.rename(final)
    except OSError:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        echo(f"replaced the earlier pack in {final}")
