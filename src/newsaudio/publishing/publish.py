"""Publishing: episodes put in place and recorded in the catalog; the feed and the listening page
written from it.

A render writes an episode's files to temporary names beside their places (a
:class:`StagedEpisode`) without touching the catalog; :func:`place_episode` then, inside one catalog
transaction, chooses the episode's name, renames its files into place and records it. Only the
process that places needs the catalog — on a cluster, the client alone, while workers on other
machines only stage (SQLite's locking cannot be trusted across machines on a network share).

:func:`publish_feed` is the one call that brings what podcast apps and listeners see up to date
with the catalog: after a render, after ``episodes remove``, by ``newsaudio feed``, and once at the
end of a batch. It writes inside the catalog's transaction, so two processes can never write a
feed that lacks the other's episode, and each file is replaced atomically.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from newsaudio.audio.frames import audio_digest
from newsaudio.config import Config
from newsaudio.errors import AudioError, OutputError
from newsaudio.files import (
    atomic_path,
    folder_moved_into_place,
    moved_into_place,
    remove_temporaries,
)
from newsaudio.interrupts import interrupts_deferred
from newsaudio.publishing.captions import SRT_SUFFIX, VTT_SUFFIX
from newsaudio.publishing.catalog import Catalog
from newsaudio.publishing.daisy import DAISY_ZIP_SUFFIX
from newsaudio.publishing.episode import Episode, episode_guid, episode_json, episode_path
from newsaudio.publishing.epub import EPUB_SUFFIX
from newsaudio.publishing.feed import (
    FEED_FILE,
    existing_channel,
    foreign_items,
    keep_channel_elements,
    render_feed,
)
from newsaudio.publishing.names import placed_name
from newsaudio.publishing.page import PAGE_FILE, EpisodeMedia, render_page
from newsaudio.publishing.tags import EpisodeTags, write_tags
from newsaudio.publishing.withdrawn import forget, withdrawn_slugs
from newsaudio.resources import data_bytes

log = logging.getLogger(__name__)

COVER_FILE = "cover.png"
# Temporary files (``.<name>.<random>.part``) older than this belong to a render that was killed:
# a live render writes its MP3 part continuously and its other parts for milliseconds.
STALE_PART_S = 3600


@dataclass(frozen=True)
class StagedEpisode:
    """An episode whose files are written, under temporary names in its output folder, but not
    yet in place. Its slug, GUID and date are provisional (as for a new article with no name
    collision) until :func:`place_episode` settles them against the catalog."""

    out_dir: Path
    episode: Episode
    # The temporary file of each of the episode's files, by the suffix its final name takes.
    files: Mapping[str, Path]
    # What the MP3's tag holds: rewritten when the GUID or the date settle differently.
    tags: EpisodeTags
    # What the listening page shows beside the player (the side files are not in place yet).
    media: EpisodeMedia
    # The date is the article's own (else it is the render's, and a re-render keeps the first).
    dated: bool
    # An edition: replacing one whose audio differs is a new item for podcast apps (this
    # render's GUID and date); the same audio keeps the GUID and date it had.
    renews: bool = False
    # The talking book's sentences shown as spoken, not as written (None: no book).
    book_fallbacks: int | None = None
    # Where the article was read from (a file: URI or URL), for this machine's private note of it
    # (sources.py): never published.
    origin: str = ""

    def discard(self) -> None:
        """Remove the temporary files (nothing is left once the episode is in place)."""
        for path in self.files.values():
            if path.is_dir():  # the DAISY fileset
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)

    def settled(self, slug: str, previous: Episode | None) -> Episode:
        """The episode under ``slug``, replacing ``previous`` (the same article's episode) if any:
        it keeps the GUID, and the date unless the article has its own (see ``renews``)."""
        episode = self.episode
        names = file_names(slug, self.files)
        if self.renews:
            if previous and not self._audio_changed(previous):
                episode = replace(episode, guid=previous.guid, pub_date=previous.pub_date)
            return replace(episode, slug=slug, **names)
        guid = previous.guid if previous else episode_guid(slug, episode.source_url)
        pub_date = previous.pub_date if previous and not self.dated else episode.pub_date
        return replace(episode, slug=slug, guid=guid, pub_date=pub_date, **names)

    def _audio_changed(self, previous: Episode) -> bool:
        before = self.out_dir / previous.audio_file
        if not before.is_file():
            return True
        try:
            return audio_digest(before) != audio_digest(self.files[".mp3"])
        except AudioError:  # not an MP3 of ours any more: this one is new
            return True


# The Episode fields that name an episode's staged files, and the suffix each name takes.
EPISODE_FILES = {
    "audio_file": ".mp3",
    "transcript_file": ".txt",
    "chapters_file": ".chapters.json",
    "vtt_file": VTT_SUFFIX,
    "srt_file": SRT_SUFFIX,
    "epub_file": EPUB_SUFFIX,
    "daisy_file": DAISY_ZIP_SUFFIX,
}
# Files only some episodes have (editions, ``render --epub``/``--daisy``): named only when
# staged. The DAISY zip comes with its folder, ``<slug>.daisy`` (staged and placed as a whole).
OPTIONAL_FILES = frozenset({EPUB_SUFFIX, DAISY_ZIP_SUFFIX})
REQUIRED_FILES = tuple(s for s in EPISODE_FILES.values() if s not in OPTIONAL_FILES)


def file_names(slug: str, staged: Collection[str] = REQUIRED_FILES) -> dict[str, Any]:
    """The Episode fields that name its files, for an episode called ``slug`` whose staged
    files have the suffixes ``staged`` (an optional file not staged is named None)."""
    return {
        field: placed_name(slug, suffix)
        if suffix in staged or suffix not in OPTIONAL_FILES
        else None
        for field, suffix in EPISODE_FILES.items()
    }


def publish_episode(staged: StagedEpisode, config: Config, *, feed: bool = True) -> Episode:
    """Put ``staged`` in place in its folder's catalog and (with ``feed``) rewrite the feed and the
    page; returns the episode as published. The staged files are gone afterwards, placed or not."""
    try:
        with Catalog.open(staged.out_dir) as catalog:
            return place_episode(catalog, staged, config, feed=feed)
    except OSError as exc:
        raise OutputError(
            f"{staged.out_dir}: cannot write the episode ({exc.strerror or exc})"
        ) from exc
    finally:
        staged.discard()


def place_episode(
    catalog: Catalog, staged: StagedEpisode, config: Config, *, feed: bool = False
) -> Episode:
    """Choose ``staged``'s name, rename its files into place and record it, in one transaction of
    ``catalog``: another process placing an episode in the folder waits, so it can neither take
    the same name nor write a feed without this episode. A failure before the commit leaves the
    catalog and the folder as they were (a kill while renaming: see catalog.py)."""
    out_dir = catalog.out_dir
    # Ctrl-C or SIGTERM waits until the episode is placed, or took effect before any rename.
    with interrupts_deferred() as interrupt, catalog.transaction():
        provisional = staged.episode
        slug, previous = catalog.reserve_slot(provisional.slug, provisional.identity or "")
        episode = staged.settled(slug, previous)
        mp3 = staged.files[".mp3"]
        if (episode.guid, episode.pub_date) != (provisional.guid, provisional.pub_date):
            # Rewritten in place: the tag keeps its padding, the audio behind it does not move.
            write_tags(mp3, replace(staged.tags, guid=episode.guid, date=episode.pub_date))
            episode = replace(episode, audio_bytes=mp3.stat().st_size)
        with contextlib.ExitStack() as stack:
            # Renames happen as the stack exits, in reverse order and only if nothing failed: the
            # side files first, then the MP3 (an MP3 in place means its side files are too), then
            # its record (the episode is complete), then the feed and the page.
            published = stack.enter_context(contextlib.ExitStack())
            record = stack.enter_context(atomic_path(episode_path(out_dir, slug)))
            for suffix, tmp in sorted(staged.files.items(), key=lambda item: item[0] != ".mp3"):
                place = folder_moved_into_place if tmp.is_dir() else moved_into_place
                stack.enter_context(place(tmp, out_dir / placed_name(slug, suffix)))
            record.write_text(episode_json(episode), encoding="utf-8")
            # A rename keeps the size and time the catalog notes.
            catalog.upsert(episode, mp3)
            forget(catalog, slug)  # placed anew: published, even if it had been withdrawn
            if previous is not None:
                _remove_dropped(out_dir, previous, episode)
            if feed:
                stage_feed(catalog, config, published, {slug: staged.media})
        interrupt.done = f"{out_dir / episode.audio_file} was put in place and in the catalog"
    log.info("placed %s: %d chapters", out_dir / episode.audio_file, len(episode.chapters))
    return episode


def _remove_dropped(out_dir: Path, previous: Episode, episode: Episode) -> None:
    """Remove the files the episode had before and has no longer (an EPUB not asked for in
    this render)."""
    for name in set(previous.files) - set(episode.files):
        path = out_dir / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def publish_feed(out_dir: Path, config: Config, *, rebuild: bool = False) -> Path:
    """Rewrite the feed of ``out_dir`` from its catalog; returns the feed's path. ``rebuild``
    first rebuilds the catalog from the folder's MP3s (see :meth:`Catalog.open`)."""
    check_feed(out_dir)
    try:
        with Catalog.open(out_dir, rebuild=rebuild) as catalog, catalog.transaction():
            return write_feed(catalog, config)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the feed ({exc.strerror or exc})") from exc


def repair_folder(out_dir: Path, config: Config) -> list[str]:
    """Record in the catalog what the folder holds (``newsaudio episodes repair``) and rewrite the
    feed; returns each repair made, one line each."""
    check_feed(out_dir)
    try:
        with Catalog.open(out_dir, report=False) as catalog, catalog.transaction():
            write_feed(catalog, config)
            return catalog.repairs
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot repair ({exc.strerror or exc})") from exc


def check_feed(out_dir: Path) -> None:
    """Refuse a feed that is not ours to rewrite (another tool's, unreadable, a link) before the
    catalog is created or changed."""
    if out_dir.is_dir():
        existing_channel(out_dir / FEED_FILE)


def remove_episode(out_dir: Path, slug: str, config: Config) -> Episode:
    """Delete an episode's files and catalog row, and rewrite the feed without it."""
    check_feed(out_dir)
    try:
        with Catalog.open(out_dir) as catalog, catalog.transaction():
            episode = catalog.remove(slug)
            forget(catalog, slug)
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
    in place yet (see :func:`newsaudio.publishing.page.render_page`). Returns the feed's path."""
    out_dir = catalog.out_dir
    feed_path = out_dir / FEED_FILE
    hidden = withdrawn_slugs(catalog)  # their files stay until `episodes remove`
    episodes = [e for e in catalog.episodes() if e.slug not in hidden]
    channel = existing_channel(feed_path)
    keep = foreign_items(channel, {e.guid for e in episodes}, config.feed.base_url, feed_path)
    xml = keep_channel_elements(render_feed(episodes, config.feed, keep=keep), channel, feed_path)
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
