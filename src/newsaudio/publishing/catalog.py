"""The episode catalog: every episode of an output folder, in SQLite (``catalog.sqlite``).

The feed (and the listening page) are rendered from here. One rule keeps the catalog honest: **an
episode exists when its MP3 does**. Every time the catalog is opened it is reconciled with the
folder's MP3s — a row whose MP3 is gone is dropped, an MP3 newsaudio wrote that has no row (a
render killed between renaming its files and committing) is adopted, and a row whose MP3 changed is
read again. So a process killed at any moment leaves nothing the next one cannot put right.

Writers are serialized by SQLite itself: :meth:`Catalog.transaction` is ``BEGIN IMMEDIATE``, which
one process at a time holds (WAL mode lets readers go on meanwhile). Choosing a slug, renaming an
episode's files into place, recording it and writing the feed all happen inside one transaction,
so two renders into one folder never take the same slug and never write a feed without the other's
episode.

Each episode also keeps ``<slug>.episode.json`` beside its MP3: a portable, readable backup of its
row. A missing catalog (a folder from before the catalog, or a deleted file) is built from those
records and the MP3s' ID3 tags on first use; a damaged one is an error that says to run
``newsaudio feed --rebuild``, which moves it aside and builds a new one the same way.

Only commands that write open it so (:meth:`Catalog.open`: render, feed, ``episodes remove`` and
``episodes repair``), and each repair is said: :attr:`Catalog.repairs`. Listing reads a copy in
memory (:meth:`Catalog.read`), reconciled there: the folder is left byte for byte as it was, even
read-only or another tool's, and what a writer would repair is listed as pending.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsaudio.errors import EXIT_INPUT, FeedError
from newsaudio.files import atomic_path
from newsaudio.publishing.adopt import episode_from_files, matching_record, shorter_than_chapters
from newsaudio.publishing.catalog_file import (
    CATALOG_FILE,
    WAL_SUFFIXES,
    CatalogDamaged,
    connect,
    damaged,
    database_error,
    read_copy,
    refuse_links,
)
from newsaudio.publishing.episode import (
    EPISODE_SUFFIX,
    Episode,
    episode_json,
    newest_first,
    read_episode,
)
from newsaudio.publishing.sources import EpisodeSource, remember_source, source_of
from newsaudio.reading.article import public_identity

log = logging.getLogger(__name__)

__all__ = ["CATALOG_FILE", "SCHEMA_VERSION", "Catalog", "CatalogDamaged", "damaged"]

SCHEMA_VERSION = 2
# What each older schema lacks: added in place when a catalog of that version is opened.
_MIGRATIONS = {
    1: ("ALTER TABLE episodes ADD COLUMN epub_file TEXT",
        "ALTER TABLE episodes ADD COLUMN daisy_file TEXT"),
}  # fmt: skip
_COLUMNS = (
    "slug", "guid", "identity", "title", "description", "pub_date", "rendered", "duration_s",
    "audio_file", "audio_bytes", "audio_mtime_ns", "transcript_file", "chapters_file", "vtt_file",
    "srt_file", "source_url", "author", "image", "voice", "chapters", "epub_file", "daisy_file",
)  # fmt: skip
_SCHEMA = """
CREATE TABLE episodes (
    slug TEXT PRIMARY KEY,
    guid TEXT NOT NULL,
    identity TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    pub_date TEXT NOT NULL,          -- ISO 8601, UTC
    rendered TEXT,                   -- ISO 8601, UTC
    duration_s REAL NOT NULL,
    audio_file TEXT NOT NULL,
    audio_bytes INTEGER NOT NULL,
    audio_mtime_ns INTEGER NOT NULL, -- with audio_bytes: has the MP3 changed since it was recorded?
    transcript_file TEXT NOT NULL,
    chapters_file TEXT,
    vtt_file TEXT,
    srt_file TEXT,
    source_url TEXT,
    author TEXT,
    image TEXT,
    voice TEXT,
    chapters TEXT NOT NULL,          -- JSON: [{"title", "start_ms", "end_ms"}, ...]
    epub_file TEXT,                  -- and daisy_file, the zip (its folder drops ".zip")
    daisy_file TEXT
);
CREATE INDEX episodes_identity ON episodes (identity)
"""


# Tables other modules keep beside the episodes, one row or more per episode (by its slug): their
# rows go when the episode does. publishing/corrections.py: the proofreader's corrections.
EPISODE_TABLES = ("corrections",)


class Catalog:
    """The episodes of one output folder. Use :meth:`open`; write inside :meth:`transaction`."""

    def __init__(
        self, out_dir: Path, connection: sqlite3.Connection, *, read_only: bool = False
    ) -> None:
        self.out_dir = out_dir
        self.path = out_dir / CATALOG_FILE
        self.read_only = read_only
        # What reconciling with the folder changed (or, read-only, would change), one line each.
        self.repairs: list[str] = []
        self._db = connection

    @classmethod
    @contextlib.contextmanager
    def open(
        cls, out_dir: Path, *, rebuild: bool = False, report: bool = True
    ) -> Iterator[Catalog]:
        """The folder's catalog, created (from the folder's episodes) when missing and reconciled
        with the MP3s, for commands that write. ``rebuild`` moves a damaged catalog aside and
        re-reads every MP3. Each repair is logged as a warning (``report``) and listed in
        :attr:`repairs`."""
        path = _catalog_path(out_dir)
        if rebuild:
            _set_aside_if_damaged(path)
        catalog = cls(out_dir, connect(path))
        try:
            with catalog.transaction():
                forgotten = catalog._prepare(rebuild)
            if forgotten:
                catalog._compact()
            for repair in catalog.repairs if report else ():
                log.warning("%s", repair)
            yield catalog
        finally:
            catalog._db.close()

    @classmethod
    @contextlib.contextmanager
    def read(cls, out_dir: Path) -> Iterator[Catalog]:
        """The folder's catalog as the next writer will see it, from a copy in memory: nothing in
        the folder is created, changed or removed. :attr:`repairs` lists what is pending."""
        path = _catalog_path(out_dir)
        catalog = cls(out_dir, read_copy(path), read_only=True)
        try:
            with catalog.transaction():
                catalog._prepare(rebuild=False)
            yield catalog
        finally:
            catalog._db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One writer at a time across processes; rolled back on any exception (or a kill)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise database_error(self.path, exc) from exc
            raise FeedError(f"{self.path}: cannot lock the episode catalog ({exc})") from exc
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from exc
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise database_error(self.path, exc) from exc

    def execute(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> sqlite3.Cursor:
        """Run ``sql`` on the catalog's database: for the tables other modules keep beside the
        episodes (each creates its own, ``CREATE TABLE IF NOT EXISTS``). Write inside
        :meth:`transaction`. An SQLite failure is the catalog's one-line error."""
        try:
            return self._db.execute(sql, parameters)
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from exc

    def episodes(self) -> list[Episode]:
        """Every episode, newest first."""
        return newest_first([_from_row(r) for r in self._db.execute("SELECT * FROM episodes")])

    def get(self, slug: str) -> Episode | None:
        row = self._db.execute("SELECT * FROM episodes WHERE slug = ?", (slug,)).fetchone()
        return _from_row(row) if row else None

    def by_identity(self, identity: str) -> Episode | None:
        row = self._db.execute(
            "SELECT * FROM episodes WHERE identity = ? ORDER BY slug LIMIT 1", (identity,)
        ).fetchone()
        return _from_row(row) if row else None

    def reserve_slot(self, base: str, identity: str) -> tuple[str, Episode | None]:
        """The slug for an article and the episode it replaces, if any. Call inside the
        transaction that then puts the episode's files in place and :meth:`upsert`\\ s it.

        The same article (same identity) keeps its slug, so a re-render replaces its files and
        feed entry. A different article whose name gives the same slug gets the next free one
        (``name-2``, ``name-3``…), so two articles never overwrite each other's files. Episodes
        recorded without an identity (before identities were kept) count as the same article.
        """
        same = self.by_identity(identity)
        if same is not None:
            return same.slug, same
        slug, n = base, 1
        while True:
            taken = self.get(slug)
            if taken is None and not (self.out_dir / f"{slug}.mp3").exists():
                return slug, None
            if taken is not None and taken.identity is None:
                return slug, taken
            n += 1
            slug = f"{base}-{n}"

    def upsert(self, episode: Episode, audio: Path | None = None) -> None:
        """Record ``episode``, replacing its slug's row. ``audio`` is its MP3, if not yet renamed
        into place (a rename keeps the size and time the catalog notes)."""
        stat = (audio or self.out_dir / episode.audio_file).stat()
        row = episode.to_dict()
        row["chapters"] = json.dumps([asdict(c) for c in episode.chapters], ensure_ascii=False)
        row["audio_mtime_ns"] = stat.st_mtime_ns
        row["audio_bytes"] = stat.st_size
        names = ", ".join(_COLUMNS)
        marks = ", ".join(f":{c}" for c in _COLUMNS)
        self._db.execute(f"INSERT OR REPLACE INTO episodes ({names}) VALUES ({marks})", row)

    def remove(self, slug: str) -> Episode:
        """Delete an episode's files (the MP3 first, so a kill midway cannot bring it back) and
        its row. Call inside a transaction."""
        episode = self.get(slug)
        if episode is None:
            raise FeedError(
                f"{self.out_dir}: no episode {slug!r} (see `newsaudio episodes`)",
                exit_code=EXIT_INPUT,
            )
        for name in episode.files:
            path = self.out_dir / name
            if path.is_dir():  # the DAISY fileset
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        self._db.execute("DELETE FROM episodes WHERE slug = ?", (slug,))
        self._forget(slug)
        return episode

    def _forget(self, slug: str) -> None:
        """Delete the rows other modules keep for the episode ``slug``."""
        for (table,) in self._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
            f"({', '.join('?' * len(EPISODE_TABLES))})",
            EPISODE_TABLES,
        ).fetchall():
            self._db.execute(f"DELETE FROM {table} WHERE slug = ?", (slug,))

    def _prepare(self, rebuild: bool) -> int:
        """Create the schema and import the folder if new, check it, reconcile with the MP3s,
        forget local paths; returns how many episodes had one."""
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if version == 0 and tables == 0:
                # One statement at a time: executescript() would COMMIT our transaction first.
                for statement in _SCHEMA.split(";"):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                rebuild = True
            elif version in _MIGRATIONS:
                for upgrade in range(version, SCHEMA_VERSION):
                    for statement in _MIGRATIONS[upgrade]:
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version > SCHEMA_VERSION:
                raise FeedError(f"{self.path}: made by a newer newsaudio (schema {version})")
            elif version != SCHEMA_VERSION:
                raise damaged(self.path, f"unknown schema {version}")
            columns = [r[1] for r in self._db.execute("PRAGMA table_info(episodes)")]
            if sorted(columns) != sorted(_COLUMNS):
                raise damaged(self.path, "unexpected table layout")
            check = self._db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise damaged(self.path, check)
            if rebuild:
                self._db.execute("DELETE FROM episodes")
            self._reconcile(adopting=rebuild)
            return self._forget_paths()
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from exc

    def _repair(self, done: str, pending: str | None = None) -> None:
        """Note a repair: ``done`` by a writer, ``pending`` (else ``done``) when read-only."""
        self.repairs.append(pending if self.read_only and pending else done)

    def _reconcile(self, adopting: bool) -> None:
        """Make the catalog say what the folder holds, and note every change a person made: a
        deleted MP3 drops its episode (and its side files), a changed one is read again (and
        dropped if it no longer holds its chapters: truncated), a new one is adopted (expected
        when ``adopting``: a new or rebuilt catalog). Read-only, the folder is not touched."""
        recorded = {
            audio: (slug, size, mtime)
            for slug, audio, size, mtime in self._db.execute(
                "SELECT slug, audio_file, audio_bytes, audio_mtime_ns FROM episodes"
            )
        }
        on_disk = {}
        for path in self.out_dir.glob("*.mp3"):
            if path.name.startswith("."):
                continue
            if path.is_symlink():  # not ours: it may point anywhere
                log.warning("%s: a link, not an episode; skipped", path)
                continue
            on_disk[path.name] = path
        for audio, (slug, _, _) in recorded.items():
            if audio not in on_disk:
                self._drop(slug, f"{self.out_dir / audio} is gone")
        for name, path in sorted(on_disk.items()):
            stat = path.stat()
            known = recorded.get(name)
            if known and (known[1], known[2]) == (stat.st_size, stat.st_mtime_ns):
                continue
            episode = episode_from_files(path)
            if episode is not None and shorter_than_chapters(path, episode):
                self._repair(
                    f"{path}: shorter than its chapters (truncated?); not published, render the "
                    "article again"
                )
                episode = None
            if episode is not None:
                if known:
                    self._repair(
                        f"{path}: changed since it was rendered; read again",
                        f"{path}: changed since it was rendered; listed as it is now",
                    )
                elif not adopting:
                    self._repair(
                        f"{path}: not in the catalog (a render stopped before recording it?); "
                        "recorded",
                        f"{path}: not in the catalog (a render stopped before recording it?); "
                        "listed",
                    )
                self.upsert(episode)
                if matching_record(path) is None and not self.read_only:
                    # The MP3 is in place without its record (lost, or a render was killed
                    # between the two renames): write the backup again.
                    with atomic_path(path.with_name(f"{episode.slug}{EPISODE_SUFFIX}")) as tmp:
                        tmp.write_text(episode_json(episode), encoding="utf-8")
            elif known:
                self._db.execute("DELETE FROM episodes WHERE slug = ?", (known[0],))

    def _drop(self, slug: str, reason: str) -> None:
        """Forget the episode ``slug`` whose MP3 went, with the side files it leaves behind."""
        episode = self.get(slug)
        self._db.execute("DELETE FROM episodes WHERE slug = ?", (slug,))
        self._forget(slug)
        left = [
            name
            for name in (episode.files[1:] if episode else ())
            if (self.out_dir / name).is_file() and not (self.out_dir / name).is_symlink()
        ]
        if self.read_only:
            also = f" (its {', '.join(left)} would be removed)" if left else ""
            self.repairs.append(f"{reason}: episode {slug} is not listed{also}")
            return
        for name in left:
            (self.out_dir / name).unlink()
        also = f"; removed {', '.join(left)}" if left else ""
        self.repairs.append(f"{reason}: episode {slug} dropped from the catalog and the feed{also}")

    def _forget_paths(self) -> int:
        """Episodes recorded by an earlier version name their article by its local path (a user's
        name, the folder layout) in a folder made to be served: they get the identity a render
        gives now (a hash of the path), the path goes to the cache (for re-rendering), and their
        ``.episode.json`` records are rewritten. Returns how many there were."""
        rows = [
            (slug, identity)
            for slug, identity in self._db.execute(
                "SELECT slug, identity FROM episodes WHERE identity IS NOT NULL"
            )
            if public_identity(identity) != identity
        ]
        for slug, identity in rows:
            public = public_identity(identity)
            self._db.execute("UPDATE episodes SET identity = ? WHERE slug = ?", (public, slug))
            if not self.read_only:
                # The voice is not known: proofing takes the configured one, or --voice.
                remember_source(self.out_dir, slug, EpisodeSource(source_of(identity), ""))
                record = self.out_dir / f"{slug}{EPISODE_SUFFIX}"
                with contextlib.suppress(FeedError):  # no record, or not ours: nothing to clean
                    episode = read_episode(record)
                    if episode.identity == identity:
                        with atomic_path(record) as tmp:
                            tmp.write_text(
                                episode_json(replace(episode, identity=public)), encoding="utf-8"
                            )
        if rows:
            records = f"{len(rows)} episode record{'s' if len(rows) > 1 else ''}"
            self._repair(
                f"{self.out_dir}: local file paths removed from {records} (where each article "
                "came from is kept in the cache, not in this folder)",
                f"{self.out_dir}: {records} hold a local file path; the next render, feed or "
                "`newsaudio episodes repair` removes it",
            )
        return len(rows)

    def _compact(self) -> None:
        """Rewrite the catalog file whole and empty its log: an earlier version's deleted and
        replaced rows leave their text in free pages (local paths among them)."""
        try:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from exc


def has_table(execute: Callable[[str, tuple[str, ...]], sqlite3.Cursor], name: str) -> bool:
    """Whether table ``name`` exists, asked through :meth:`Catalog.execute` or a connection's
    ``execute``: reading a catalog must not create the tables other modules keep in it."""
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return execute(query, (name,)).fetchone() is not None


def _set_aside_if_damaged(path: Path) -> None:
    """Move a catalog that cannot be opened to ``catalog.sqlite.damaged-<time>`` (kept for a
    post-mortem), with its WAL files, so a new one can be built."""
    if not path.exists():
        return
    try:
        with Catalog.read(path.parent):
            return
    except CatalogDamaged as exc:  # only a damaged file: a full disk is no reason to move it
        log.warning("%s", exc)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    for suffix in ("", *WAL_SUFFIXES):
        old = path.with_name(path.name + suffix)
        if old.exists():
            old.replace(path.with_name(f"{path.name}.damaged-{stamp}{suffix}"))


def _catalog_path(out_dir: Path) -> Path:
    """The catalog of ``out_dir``, which must exist; a link there is refused (SQLite would
    follow it, to read or write a database elsewhere)."""
    if not out_dir.is_dir():
        raise FeedError(f"{out_dir}: no such output folder", exit_code=EXIT_INPUT)
    path = out_dir / CATALOG_FILE
    refuse_links(path)
    return path


def _from_row(row: sqlite3.Row) -> Episode:
    data: dict[str, Any] = dict(row)
    del data["audio_mtime_ns"]
    data["chapters"] = json.loads(data["chapters"])
    return Episode.from_dict(data)


def check_folder(out_dir: Path) -> None:
    """Refuse, before any work, an output folder whose catalog is not a file of its own (a link
    SQLite would follow to a database elsewhere)."""
    refuse_links(out_dir / CATALOG_FILE)
