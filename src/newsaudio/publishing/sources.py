"""Where each episode came from — kept privately, so ``newsaudio proof`` can render it again.

Re-rendering an episode needs its article (a file path or a URL) and the voice that spoke it, but
an output folder is made to be published, and nothing in it may hold a local path. So they are
kept outside the folder, in ``sources.sqlite`` beside the sentence cache (``$NEWSAUDIO_CACHE_DIR``,
else the user's cache folder), by the output folder's real path and the episode's slug. Nothing
published depends on it: when it is lost, or the folder moved, ``newsaudio proof ARTICLE`` finds
the episode from its article and notes its source again. :func:`remember_source` and
:func:`episode_source` are the only ways in and out.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from newsaudio.resources import user_cache_folder

log = logging.getLogger(__name__)

SOURCES_FILE = "sources.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    folder TEXT NOT NULL,        -- the output folder's real path
    slug TEXT NOT NULL,
    source TEXT NOT NULL,        -- the article: an absolute path or a URL
    voice TEXT NOT NULL,         -- the voice profile: its file, else its name
    formats TEXT NOT NULL,       -- the talking-book files asked for (".epub .daisy.zip")
    PRIMARY KEY (folder, slug)
)"""


@dataclass(frozen=True)
class EpisodeSource:
    """What rendering an episode again takes: its article, its voice and its book formats."""

    source: str
    voice: str
    formats: tuple[str, ...] = ()


def remember_source(out_dir: Path, slug: str, source: EpisodeSource) -> None:
    """Note where the episode ``slug`` of ``out_dir`` came from; a failure is only logged (the
    episode is published whatever happens here)."""
    try:
        with _database() as db:
            db.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
                (_folder(out_dir), slug, source.source, source.voice, " ".join(source.formats)),
            )
    except (OSError, sqlite3.Error) as exc:
        log.warning("cannot note where %s came from (%s)", slug, exc)


def episode_source(out_dir: Path, slug: str) -> EpisodeSource | None:
    """Where the episode ``slug`` of ``out_dir`` came from, if it was noted."""
    try:
        with _database() as db:
            row = db.execute(
                "SELECT source, voice, formats FROM sources WHERE folder = ? AND slug = ?",
                (_folder(out_dir), slug),
            ).fetchone()
    except (OSError, sqlite3.Error) as exc:
        log.warning("cannot read where %s came from (%s)", slug, exc)
        return None
    return EpisodeSource(row[0], row[1], tuple(row[2].split())) if row else None


def source_of(given: str | Path) -> str:
    """An article as given on the command line or read (``Article.origin``), as it can be found
    again from anywhere: a URL as it is, a file by its absolute path (a ``file:`` URI too)."""
    text = str(given)
    if text.startswith("file:"):
        return url2pathname(urlparse(text).path)
    if "://" in text:
        return text
    return os.path.abspath(text)


def _folder(out_dir: Path) -> str:
    return os.path.realpath(out_dir)


@contextlib.contextmanager
def _database() -> Iterator[sqlite3.Connection]:
    folder = user_cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / SOURCES_FILE, timeout=30.0)
    # A note that can be made again (`proof ARTICLE`): not worth a flush to the disk per render.
    db.execute("PRAGMA synchronous = OFF")
    try:
        with db:  # one transaction: committed, or rolled back on an error
            db.execute(_SCHEMA)
            yield db
    finally:
        db.close()
