"""The proofreader's corrections of each episode, kept in the folder's catalog.

A correction for one sentence or for the article lives with the episode, in the ``corrections``
table of ``catalog.sqlite`` (created here, beside the catalog's own tables): every later render
of the same article applies them, whichever command renders it. Each episode's MP3 also carries
the corrections it was spoken with (``TXXX:newsaudio corrections``), so a catalog rebuilt from
the MP3s — lost, or damaged and set aside by ``feed --rebuild`` — gets them back. Their rows go
when the episode does (``Catalog.remove``). Corrections for every article are the project
lexicon's, not the catalog's.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from newsaudio.errors import NewsaudioError
from newsaudio.publishing.catalog import CATALOG_FILE, Catalog, has_table
from newsaudio.textprep.corrections import Correction
from newsaudio.textprep.lexicon import fold, lookup_key

log = logging.getLogger(__name__)

TABLE = "corrections"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    slug TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('sentence', 'article')),
    sentence TEXT NOT NULL,          -- the sentence's key (textprep.corrections.sentence_key)
    key TEXT NOT NULL,               -- the written word's letters as the lexicon matches them
    written TEXT NOT NULL,
    spoken TEXT NOT NULL,
    PRIMARY KEY (slug, sentence, key)
)"""


def to_json(corrections: Iterable[Correction]) -> str:
    """Corrections as the MP3's tag keeps them."""
    rows = [[c.scope, c.sentence, c.written, c.spoken] for c in corrections]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")) if rows else ""


def from_json(text: str) -> tuple[Correction, ...]:
    """The corrections :func:`to_json` wrote; none from text that is not theirs."""
    try:
        rows = json.loads(text) if text else []
        return tuple(
            Correction(str(written), str(spoken), scope, str(sentence))
            for scope, sentence, written, spoken in rows
            if scope in ("sentence", "article")
        )
    except (ValueError, TypeError) as exc:
        log.warning("corrections in an MP3 tag not read (%s)", exc)
        return ()


def episode_corrections(catalog: Catalog, slug: str) -> tuple[Correction, ...]:
    """The episode's corrections, sentence ones first, each group in the order of its words."""
    _ensure_table(catalog)
    rows = catalog.execute(
        f"SELECT scope, sentence, written, spoken FROM {TABLE} WHERE slug = ? "
        "ORDER BY scope DESC, sentence, key",
        (slug,),
    ).fetchall()
    return tuple(
        Correction(written, spoken, scope, sentence) for scope, sentence, written, spoken in rows
    )


def save_corrections(catalog: Catalog, slug: str, corrections: Iterable[Correction]) -> None:
    """Add ``corrections`` to the episode's, each replacing one of the same word in the same
    place. Call inside ``catalog.transaction()``."""
    _ensure_table(catalog)
    for item in corrections:
        if item.scope == "all":
            continue  # the project lexicon's
        catalog.execute(
            f"INSERT OR REPLACE INTO {TABLE} (slug, scope, sentence, key, written, spoken) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (slug, item.scope, item.sentence, _key(item.written), item.written, item.spoken),
        )


def replace_corrections(catalog: Catalog, slug: str, corrections: Iterable[Correction]) -> None:
    """The episode's corrections, all of them (what it had before a failed render). Call inside
    ``catalog.transaction()``."""
    _ensure_table(catalog)
    catalog.execute(f"DELETE FROM {TABLE} WHERE slug = ?", (slug,))
    save_corrections(catalog, slug, corrections)


def stored_corrections(out_dir: Path) -> dict[str, tuple[Correction, ...]]:
    """Every episode's corrections in ``out_dir``, by the identity of its article (what a render
    knows of the article it reads): none for a folder without a catalog. Read without writing a
    byte (a render that then fails leaves the folder as it was); a catalog that cannot be read
    gives none here, and is reported where the render places its episode."""
    path = out_dir / CATALOG_FILE
    if not path.is_file() or path.is_symlink():
        return {}
    # With no WAL file the database is at rest: read it as immutable, which creates no WAL or
    # shared-memory file; another process's WAL means it is in use, and is read with it.
    mode = "ro" if path.with_name(f"{CATALOG_FILE}-wal").exists() else "ro&immutable=1"
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)
    except sqlite3.Error as exc:
        log.info("%s: corrections not read (%s)", path, exc)
        return {}
    try:
        return _stored(db, out_dir)
    except sqlite3.Error as exc:
        log.info("%s: corrections not read (%s)", path, exc)
        return {}
    finally:
        db.close()


def _stored(db: sqlite3.Connection, out_dir: Path) -> dict[str, tuple[Correction, ...]]:
    episodes = db.execute("SELECT slug, identity, audio_file FROM episodes").fetchall()
    if has_table(db.execute, TABLE):
        rows = db.execute(f"SELECT slug, scope, sentence, written, spoken FROM {TABLE}")
        by_slug: dict[str, list[Correction]] = {}
        for slug, scope, sentence, written, spoken in rows:
            by_slug.setdefault(slug, []).append(Correction(written, spoken, scope, sentence))
        found = {identity: tuple(by_slug.get(slug, ())) for slug, identity, _ in episodes}
    else:  # a catalog rebuilt without them: the MP3s carry them
        found = {identity: _carried(out_dir / audio) for _, identity, audio in episodes}
    return {identity: made for identity, made in found.items() if identity and made}


def _key(written: str) -> str:
    return fold(lookup_key(written))


def _ensure_table(catalog: Catalog) -> None:
    """Create the table when the catalog has none: a new catalog (built from the MP3s, or from a
    version before corrections) takes the corrections the MP3s carry."""
    if has_table(catalog.execute, TABLE):
        return
    catalog.execute(_SCHEMA)
    for episode in catalog.episodes():
        carried = _carried(catalog.out_dir / episode.audio_file)
        if carried:
            log.info("%s: %d corrections read back from the MP3", episode.slug, len(carried))
            save_corrections(catalog, episode.slug, carried)


def _carried(audio: Path) -> tuple[Correction, ...]:
    """The corrections the MP3 at ``audio`` was spoken with; none when it cannot be read."""
    from newsaudio.publishing.tags import read_tags  # loads mutagen: only the MP3s need it

    try:
        return from_json(read_tags(audio).corrections)
    except NewsaudioError:
        return ()
