"""Replacing a whole folder atomically: outputs of a run, a saved model.

Files are written to a temporary sibling folder and flushed to disk; the
finished folder then takes the place of the old one. On Linux the swap is one
``renameat2(RENAME_EXCHANGE)``; elsewhere it is two renames, and a swap
interrupted between them is repaired by :func:`recover` (the previous folder
is put back). A reader sees the old folder or the complete new one, never
half of each.

Example:
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out"
    >>> write_folder(target, lambda folder: (folder / "a.txt").write_text("hi"))
    2
    >>> sorted(p.name for p in target.iterdir())
    ['a.txt']
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_folder(target: Path, fill: Callable[[Path], T]) -> T:
    """Call ``fill`` on an empty staging folder, then put it in place of ``target`` atomically.

    If ``fill`` raises, ``target`` is left exactly as it was.
    """
    target = Path(target)
    recover(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        value = fill(staging)
        _fsync_tree(staging)
        _swap_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return value


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _backup_of(target: Path) -> Path:
    return target.parent / f".{target.name}.previous"


def recover(target: str | Path) -> bool:
    """Put the previous folder back if a two-rename swap was interrupted; True if it did.

    Example:
        >>> recover("/nonexistent/analysis")
        False
    """
    target = Path(target)
    _remove_dead_staging(target)
    backup = _backup_of(target)
    if backup.is_dir() and not target.exists():
        os.rename(backup, target)
        return True
    if backup.is_dir():
        shutil.rmtree(backup, ignore_errors=True)
    return False


def _remove_dead_staging(target: Path) -> None:
    """Delete staging folders ``.NAME.tmp-PID`` left by processes that were killed (their PID no longer runs)."""
    if not target.parent.is_dir():
        return
    for leftover in target.parent.glob(f".{target.name}.tmp-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _swap_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        return  # staging now holds the previous folder; the caller removes it
    backup = _backup_of(target)
    os.rename(target, backup)
    os.rename(staging, target)
    shutil.rmtree(backup, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories with Linux renameat2(RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
