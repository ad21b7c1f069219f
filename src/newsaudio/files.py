"""Atomic file writes: a reader sees the old file or the new one, never half of either, even
after a power cut (the data reaches the disk before the rename, the rename before we go on)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def temporary_path(target: Path) -> Path:
    """A new empty file beside ``target``, named like the temporaries :func:`remove_temporaries`
    clears (``.<name>.<random>.part``), so a killed process's leftovers are found."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def moved_into_place(tmp: Path, target: Path) -> Iterator[None]:
    """Rename ``tmp`` to ``target`` when the block succeeds; remove ``tmp`` whatever happens.

    ``tmp`` must be in ``target``'s folder, so that the rename is atomic on one file system.
    """
    try:
        yield
        os.chmod(tmp, 0o644)
        _fsync(tmp)
        os.replace(tmp, target)
        with contextlib.suppress(OSError):  # some file systems cannot sync a folder: no matter
            _fsync(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    """Flush ``path`` (a file, or a folder's entries after a rename) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    On any exception (including KeyboardInterrupt) the temporary file is removed and ``target`` is
    left as it was.
    """
    tmp = temporary_path(target)
    with moved_into_place(tmp, target):
        yield tmp


@contextlib.contextmanager
def folder_moved_into_place(tmp: Path, target: Path) -> Iterator[None]:
    """Rename the folder ``tmp`` to ``target`` when the block succeeds; remove ``tmp`` whatever
    happens. A folder cannot replace another in one rename: the old one is renamed aside first
    and removed after, so ``target`` is missing only between two renames."""
    try:
        yield
        os.chmod(tmp, 0o755)
        aside = None
        if target.exists():
            aside = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=tmp.parent)
            )
            os.replace(target, aside / target.name)
        os.replace(tmp, target)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


# What the atomic writes and the audio scratch file are called while they are being written.
TEMPORARY_PATTERNS = (".*.part", ".*.f32")


def remove_temporaries(
    folder: Path, older_than: float | None = None, newer_than: float | None = None
) -> list[Path]:
    """Delete the temporary files of renders that were killed: those not modified for
    ``older_than`` seconds, or modified since the time ``newer_than`` (a batch's own, after its
    workers were stopped). They are never in the feed, but they take space."""
    now = time.time()
    removed = []
    for pattern in TEMPORARY_PATTERNS:
        for path in folder.glob(pattern):
            try:
                modified = path.stat().st_mtime
                if (older_than is not None and now - modified > older_than) or (
                    newer_than is not None and modified >= newer_than
                ):
                    if path.is_dir():  # a staged folder (an episode's DAISY fileset)
                        shutil.rmtree(path)
                    else:
                        path.unlink()
                    removed.append(path)
            except FileNotFoundError:
                continue  # another process finished or removed it meanwhile
    return removed
