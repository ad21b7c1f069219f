"""The SQLite file under the episode catalog: opened for writing, or copied for reading without
writing a byte; a damaged file told from a full or read-only disk; links refused.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from newsaudio.errors import FeedError, NewsaudioError, OutputError

CATALOG_FILE = "catalog.sqlite"
# How long a writer waits for another process's transaction. Placing an episode holds it for a
# few renames and the feed's rewrite (the files are complete before): milliseconds to seconds.
LOCK_TIMEOUT_S = 300.0
# SQLite's own files beside the catalog while it is open (write-ahead log, shared-memory index).
WAL_SUFFIXES = ("-wal", "-shm")


class CatalogDamaged(FeedError):
    """The catalog file is corrupt or not ours: `newsaudio feed --rebuild` sets it aside."""


def damaged(path: Path, problem: object) -> FeedError:
    return CatalogDamaged(
        f"{path}: the episode catalog is damaged ({problem}); "
        "run `newsaudio feed --rebuild` to rebuild it from the MP3s"
    )


# SQLite's primary result codes that mean the file itself is bad; the others (SQLITE_FULL,
# SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM…) are the disk's or the folder's.
_CORRUPT_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB
_CORRUPT_WORDS = ("malformed", "not a database")  # Python 3.10 has no sqlite_errorcode


def database_error(path: Path, exc: sqlite3.Error) -> NewsaudioError:
    """The one-line error for an SQLite failure on the catalog: damaged only when the file is;
    a full, read-only or unreadable disk says so (following a rebuild advice there would move a
    healthy catalog aside)."""
    code = getattr(exc, "sqlite_errorcode", None)
    corrupt = (
        code & 0xFF in _CORRUPT_CODES
        if code is not None
        else any(word in str(exc) for word in _CORRUPT_WORDS)
    )
    if corrupt:
        return damaged(path, exc)
    return OutputError(
        f"{path}: cannot use the episode catalog ({exc}); check the disk's free space and "
        "the folder's permissions"
    )


def connect(path: Path) -> sqlite3.Connection:
    """The catalog at ``path`` for reading and writing (created when missing), in WAL mode."""
    try:
        # isolation_level=None: no implicit transactions; ours are explicit BEGIN IMMEDIATE.
        db = sqlite3.connect(path, timeout=LOCK_TIMEOUT_S, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode = WAL")
        # Safe against a killed process, not a power cut; the folder's files are the truth the
        # catalog is reconciled with anyway, and publishing stays quick.
        db.execute("PRAGMA synchronous = NORMAL")
        # What a row held before an update or a delete is overwritten, not left in free space:
        # the folder is served, and an earlier version recorded local paths.
        db.execute("PRAGMA secure_delete = ON")
    except sqlite3.DatabaseError as exc:
        raise database_error(path, exc) from exc
    return db


def refuse_links(path: Path) -> None:
    """The catalog and its WAL files are regular files in the folder: SQLite follows a symlink,
    and would change a database elsewhere."""
    for suffix in ("", *WAL_SUFFIXES):
        name = path.with_name(path.name + suffix)
        if name.is_symlink() or (name.exists() and not name.is_file()):
            raise OutputError(
                f"{name}: is a link or not a regular file; newsaudio writes only its own files "
                "inside the output folder (remove it, then run `newsaudio feed --rebuild`)"
            )


def read_copy(path: Path) -> sqlite3.Connection:
    """A copy in memory of the catalog at ``path`` (empty when there is none), made without
    writing in its folder: listing a folder must not change it (it may be read-only, or another
    tool's). SQLite opening even a read-only connection creates the WAL files beside the
    catalog, so a catalog without them (every writer gone) is read as immutable; one being
    written (its WAL there) through them, which it then only reads."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    memory.row_factory = sqlite3.Row
    if not path.exists():
        return memory
    uri = Path(os.path.abspath(path)).as_uri()
    wal = path.with_name(path.name + WAL_SUFFIXES[0])
    for _ in range(3):
        writing = wal.exists()
        before = path.stat()
        try:
            source = sqlite3.connect(f"{uri}?mode=ro{'' if writing else '&immutable=1'}", uri=True)
            with contextlib.closing(source):
                source.backup(memory)
        except sqlite3.DatabaseError as exc:
            raise database_error(path, exc) from exc
        after = path.stat()
        # A writer that began meanwhile may have moved pages under an immutable read: again.
        unchanged = (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size)
        if writing or (unchanged and not wal.exists()):
            return memory
    raise FeedError(f"{path}: the episode catalog kept changing while it was read; try again")
