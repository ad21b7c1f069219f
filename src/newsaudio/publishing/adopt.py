"""An episode read back from its files in the folder: its ``.episode.json`` record when that
describes this very MP3, else the MP3's ID3 tags. How the catalog adopts an MP3 it has no row for
(a render killed between its renames, a folder from before the catalog, a rebuild)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from newsaudio.errors import FeedError, NewsaudioError
from newsaudio.publishing.episode import (
    EPISODE_SUFFIX,
    Episode,
    EpisodeChapter,
    as_utc,
    episode_guid,
    read_episode,
)
from newsaudio.publishing.names import placed_name

log = logging.getLogger(__name__)

# What newsaudio writes into TENC: MP3s without it (a jingle dropped into the folder) are not
# adopted as episodes.
ENCODER = "newsaudio"


def episode_from_files(mp3: Path) -> Episode | None:
    """The episode an MP3 holds: its ``.episode.json`` backup when that describes this very MP3,
    else its ID3 tags. None for MP3s newsaudio did not write, or cannot read."""
    stat = mp3.stat()
    slug = mp3.stem
    rendered = datetime.fromtimestamp(stat.st_mtime, timezone.utc).replace(microsecond=0)
    record = matching_record(mp3)
    if record is not None:
        # Records from before the catalog lack the chapters; their JSON chapters have them.
        chapters = record.chapters or _json_chapters(mp3.parent, record.chapters_file)
        return replace(record, rendered=record.rendered or rendered, chapters=chapters)
    from newsaudio.publishing.tags import mp3_duration_ms, read_tags

    try:
        tags = read_tags(mp3)
        duration_ms = mp3_duration_ms(mp3)
    except NewsaudioError as exc:
        log.warning("%s: not an episode, skipped (%s)", mp3, exc)
        return None
    if tags.encoder != ENCODER and not tags.guid:
        log.warning("%s: not written by newsaudio, skipped", mp3)
        return None

    def beside(suffix: str) -> str | None:
        name = placed_name(slug, suffix)
        return name if (mp3.parent / name).is_file() else None

    return Episode(
        slug=slug,
        guid=tags.guid or episode_guid(slug, tags.url),
        title=tags.title or slug,
        description=tags.description or tags.title,
        audio_file=mp3.name,
        audio_bytes=stat.st_size,
        duration_s=duration_ms / 1000,
        pub_date=as_utc(tags.date),
        transcript_file=f"{slug}.txt",
        source_url=tags.url,
        author=tags.artist or None,
        chapters_file=beside(".chapters.json"),
        identity=tags.url,
        voice=tags.voice or None,
        chapters=tuple(EpisodeChapter(c.title, c.start_ms, c.end_ms) for c in tags.chapters),
        rendered=rendered,
        vtt_file=beside(".vtt"),
        srt_file=beside(".srt"),
        epub_file=beside(".epub"),
        daisy_file=beside(".daisy.zip"),
    )


def shorter_than_chapters(mp3: Path, episode: Episode) -> bool:
    """Whether the MP3 ends before its last chapter does (cut short by a copy or a full disk)."""
    if not episode.chapters:
        return False
    from newsaudio.publishing.tags import mp3_duration_ms

    try:
        duration_ms = mp3_duration_ms(mp3)
    except NewsaudioError:
        return True
    # A chapter may end a frame or two after the stream: the MP3's frames are 26 ms each.
    return episode.chapters[-1].end_ms > duration_ms + 500


def matching_record(mp3: Path) -> Episode | None:
    """The MP3's ``.episode.json`` record, if it is readable and describes this very file."""
    try:
        record = read_episode(mp3.with_name(f"{mp3.stem}{EPISODE_SUFFIX}"))
        size = mp3.stat().st_size
    except (OSError, FeedError):
        return None
    return record if record.audio_file == mp3.name and record.audio_bytes == size else None


def _json_chapters(folder: Path, name: str | None) -> tuple[EpisodeChapter, ...]:
    """The chapters of a Podcasting 2.0 JSON chapters file; none if it is missing or unreadable."""
    if not name:
        return ()
    try:
        document = json.loads((folder / name).read_text(encoding="utf-8"))
        return tuple(
            EpisodeChapter(c["title"], round(c["startTime"] * 1000), round(c["endTime"] * 1000))
            for c in document["chapters"]
        )
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.warning("%s: chapters not read (%s)", folder / name, exc)
        return ()
