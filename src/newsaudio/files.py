"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    The temporary file lives in the same folder so that the final ``os.replace`` is a rename on one
    file system. On any exception (including KeyboardInterrupt) the temporary file is removed and
    ``target`` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


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
                    path.unlink()
                    removed.append(path)
            except FileNotFoundError:
                continue  # another process finished or removed it meanwhile
    return removed
