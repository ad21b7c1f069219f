"""Publishing: the feed and the listening page, written from the episode catalog.

:func:`publish_feed` is the one call that brings what podcast apps and listeners see up to date
with the catalog: after a render, after ``episodes remove``, by ``newsaudio feed``, and once at the
end of a batch. It writes inside the catalog's transaction, so two processes can never write a
feed that lacks the other's episode, and each file is replaced atomically.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from pathlib import Path

from newsaudio.catalog import Catalog
from newsaudio.config import Config
from newsaudio.errors import OutputError
from newsaudio.feed import FEED_FILE, Episode, render_feed
from newsaudio.files import atomic_path, remove_temporaries
from newsaudio.page import PAGE_FILE, EpisodeMedia, render_page
from newsaudio.resources import data_bytes

log = logging.getLogger(__name__)

COVER_FILE = "cover.png"
# Temporary files (``.<name>.<random>.part``) older than this belong to a render that was killed:
# a live render writes its MP3 part continuously and its other parts for milliseconds.
STALE_PART_S = 3600


def publish_feed(out_dir: Path, config: Config, *, rebuild: bool = False) -> Path:
    """Rewrite the feed of ``out_dir`` from its catalog; returns the feed's path. ``rebuild``
    first rebuilds the catalog from the folder's MP3s (see :meth:`Catalog.open`)."""
    try:
        with Catalog.open(out_dir, rebuild=rebuild) as catalog, catalog.transaction():
            return write_feed(catalog, config)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the feed ({exc.strerror or exc})") from exc


def remove_episode(out_dir: Path, slug: str, config: Config) -> Episode:
    """Delete an episode's files and catalog row, and rewrite the feed without it."""
    try:
        with Catalog.open(out_dir) as catalog, catalog.transaction():
            episode = catalog.remove(slug)
            write_feed(catalog, config)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot remove {slug} ({exc.strerror or exc})") from exc
    return episode


def write_feed(catalog: Catalog, config: Config) -> Path:
    """The feed (and cover art) from ``catalog``; call inside ``catalog.transaction()``."""
    with contextlib.ExitStack() as stack:
        return stage_feed(catalog, config, stack)


def stage_feed(
    catalog: Catalog,
    config: Config,
    stack: contextlib.ExitStack,
    media: Mapping[str, EpisodeMedia] | None = None,
) -> Path:
    """Write the feed, the listening page and the cover art to temporary files that ``stack``
    renames into place as it exits (nothing is renamed if it exits with an exception). Call inside
    ``catalog.transaction()``. ``media``: chapters and cues of episodes whose side files are not
    in place yet (see :func:`newsaudio.page.render_page`). Returns the feed's path."""
    out_dir = catalog.out_dir
    feed_path = out_dir / FEED_FILE
    episodes = catalog.episodes()
    xml = render_feed(episodes, config.feed)
    stack.enter_context(atomic_path(feed_path)).write_text(xml, encoding="utf-8")
    cover_path = out_dir / COVER_FILE
    if not config.feed.image and not cover_path.exists():
        # The feed's default itunes:image points here; podcast apps reject a feed without art.
        stack.enter_context(atomic_path(cover_path)).write_bytes(data_bytes(COVER_FILE))
    page = render_page(episodes, config.feed, out_dir, media)
    stack.enter_context(atomic_path(out_dir / PAGE_FILE)).write_text(page, encoding="utf-8")
    remove_stale_parts(out_dir)
    return feed_path


def remove_stale_parts(out_dir: Path, max_age_s: float = STALE_PART_S) -> list[Path]:
    """Delete temporary files that killed renders left behind; returns what was removed."""
    removed = remove_temporaries(out_dir, older_than=max_age_s)
    for path in removed:
        log.info("%s: removed a stale temporary file", path)
    return removed
