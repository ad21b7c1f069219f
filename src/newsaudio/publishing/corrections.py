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
from collections.abc import Iterable
from pathlib import Path

from newsaudio.errors import NewsaudioError
from newsaudio.publishing.catalog import CATALOG_FILE, Catalog
from newsaudio.textprep.corrections import Correction, fold
from newsaudio.textprep.lexicon import lookup_key

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
    rows = catalog.connection.execute(
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
        catalog.connection.execute(
            f"INSERT OR REPLACE INTO {TABLE} (slug, scope, sentence, key, written, spoken) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (slug, item.scope, item.sentence, _key(item.written), item.written, item.spoken),
        )


def replace_corrections(catalog: Catalog, slug: str, corrections: Iterable[Correction]) -> None:
    """The episode's corrections, all of them (what it had before a failed render). Call inside
    ``catalog.transaction()``."""
    _ensure_table(catalog)
    catalog.connection.execute(f"DELETE FROM {TABLE} WHERE slug = ?", (slug,))
    save_corrections(catalog, slug, corrections)


def corrections_by_identity(out_dir: Path) -> dict[str, tuple[Correction, ...]]:
    """Every episode's corrections in ``out_dir``, by the identity of its article (what a render
    knows of the article it reads): none for a folder without a catalog."""
    if not (out_dir / CATALOG_FILE).is_file():
        return {}
    found: dict[str, tuple[Correction, ...]] = {}
    with Catalog.open(out_dir) as catalog, catalog.transaction():
        for episode in catalog.episodes():
            corrections = episode_corrections(catalog, episode.slug)
            if episode.identity and corrections:
                found[episode.identity] = corrections
    return found


def _key(written: str) -> str:
    return fold(lookup_key(written))


def _ensure_table(catalog: Catalog) -> None:
    """Create the table when the catalog has none: a new catalog (built from the MP3s, or from a
    version before corrections) takes the corrections the MP3s carry."""
    db = catalog.connection
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone()
    if exists:
        return
    db.execute(_SCHEMA)
    from newsaudio.publishing.tags import read_tags

    for episode in catalog.episodes():
        try:
            carried = from_json(read_tags(catalog.out_dir / episode.audio_file).corrections)
        except NewsaudioError:
            continue
        if carried:
            log.info("%s: %d corrections read back from the MP3", episode.slug, len(carried))
            save_corrections(catalog, episode.slug, carried)
