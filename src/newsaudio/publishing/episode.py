"""An episode as the catalog, the feed and the listening page know it.

:class:`Episode` is one feed item: the catalog (``catalog.py``) stores it, each episode also leaves
``<slug>.episode.json`` beside its MP3 as a portable backup, and the feed and the page are
rendered from it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsaudio.errors import FeedError

EPISODE_SUFFIX = ".episode.json"  # beside <slug>.chapters.json, which is not an episode record
# An edition's identity starts so (it is made of several articles, not read from one).
EDITION_IDENTITY = "newsaudio:edition:"


@dataclass(frozen=True)
class EpisodeChapter:
    """A chapter as the feed and the catalog keep it. (``audio.segments.ChapterMark`` has the
    same shape, but importing it loads numpy and pydub, which listing episodes does not need.)"""

    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Episode:
    """One feed item, as stored in the catalog and in ``<slug>.episode.json``."""

    slug: str
    guid: str
    title: str
    description: str
    audio_file: str
    audio_bytes: int
    duration_s: float
    pub_date: datetime
    transcript_file: str
    source_url: str | None = None
    author: str | None = None
    chapters_file: str | None = None
    # The article's identity (canonical URL, else where it was read from): a re-render of the same
    # article replaces this episode; another article whose name collides gets another slug.
    identity: str | None = None
    # The article's own picture (an absolute http(s) URI), shown by apps that read item art.
    image: str | None = None
    # Which voice profiles spoke (with engine versions): a fallback voice is on record.
    voice: str | None = None
    # Chapter times, listed in the item's description (apps that read "00:00 title" lines).
    chapters: tuple[EpisodeChapter, ...] = ()
    # When this version of the episode was rendered (pub_date stays the article's date).
    rendered: datetime | None = None
    # Timed transcripts (WebVTT captions, SRT), when the pipeline wrote them.
    vtt_file: str | None = None
    srt_file: str | None = None
    # The talking book, when there is one (editions; ``render --epub`` / ``--daisy``): the EPUB 3
    # with Media Overlays, and the zipped DAISY 2.02 fileset (unzipped beside it, ``<slug>.daisy``).
    epub_file: str | None = None
    daisy_file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["pub_date"] = self.pub_date.isoformat()
        data["rendered"] = self.rendered.isoformat() if self.rendered else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Episode:
        data = dict(data)
        data["pub_date"] = as_utc(datetime.fromisoformat(data["pub_date"]))
        if data.get("rendered"):
            data["rendered"] = as_utc(datetime.fromisoformat(data["rendered"]))
        data["chapters"] = tuple(EpisodeChapter(**c) for c in data.get("chapters") or ())
        return cls(**data)

    @property
    def files(self) -> tuple[str, ...]:
        """The episode's files (and its DAISY folder) in the output folder, the MP3 first, the
        backup record last."""
        names = (
            self.audio_file,
            self.transcript_file,
            self.chapters_file,
            self.vtt_file,
            self.srt_file,
            self.epub_file,
            self.daisy_file,
            self.daisy_file.removesuffix(".zip") if self.daisy_file else None,
            f"{self.slug}{EPISODE_SUFFIX}",
        )
        return tuple(n for n in names if n)


def as_utc(when: datetime) -> datetime:
    """An aware datetime in UTC; naive ones are taken to be UTC already."""
    if when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def episode_guid(slug: str, source_url: str | None) -> str:
    """A stable GUID: derived from the article's URL when known, else from its slug."""
    name = source_url or f"newsaudio:{slug}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def episode_path(out_dir: Path, slug: str) -> Path:
    return out_dir / f"{slug}{EPISODE_SUFFIX}"


def read_episode(path: Path) -> Episode:
    """An episode record; a damaged one is an error naming the file, never silently dropped."""
    try:
        return Episode.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise FeedError(f"{path}: not a valid episode record ({exc})") from exc


def load_episodes(out_dir: Path) -> list[Episode]:
    """Every episode of the folder whose MP3 is still there."""
    episodes = []
    for path in sorted(out_dir.glob(f"*{EPISODE_SUFFIX}")):
        episode = read_episode(path)
        if (out_dir / episode.audio_file).is_file():
            episodes.append(episode)
    return episodes


def episode_json(episode: Episode) -> str:
    return json.dumps(episode.to_dict(), ensure_ascii=False, indent=2) + "\n"


def newest_first(episodes: list[Episode]) -> list[Episode]:
    return sorted(episodes, key=lambda e: (e.pub_date, e.slug), reverse=True)
