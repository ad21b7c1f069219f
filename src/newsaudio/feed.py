"""Stage 7: the podcast feed — episodes of an output folder rendered through ``podcast.xml.j2``.

Each rendered article leaves ``<slug>.episode.json`` beside its MP3: the episode's feed entry. The
feed lists every such episode of the folder, newest first, so re-rendering an article replaces its
entry (same slug, same GUID) instead of adding one. Follows Apple Podcasts' RSS requirements and the
Podcasting 2.0 namespace.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from newsaudio.config import FeedConfig
from newsaudio.errors import FeedError
from newsaudio.resources import project_path

FEED_FILE = "feed.xml"
EPISODE_SUFFIX = ".episode.json"  # beside <slug>.chapters.json, which is not an episode record
TEMPLATE_FILE = "podcast.xml.j2"
# Apple counts the 4000 limit of <description> in bytes; Arabic letters take two bytes each.
DESCRIPTION_MAX_BYTES = 4000
# Podcasting 2.0 <podcast:guid>: UUIDv5 of the feed URL (no scheme, no trailing slash) in this
# namespace, as the namespace's spec prescribes.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


@dataclass(frozen=True)
class Episode:
    """One feed item, as stored in ``<slug>.episode.json``."""

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

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["pub_date"] = self.pub_date.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Episode:
        data = dict(data)
        data["pub_date"] = as_utc(datetime.fromisoformat(data["pub_date"]))
        return cls(**data)


def as_utc(when: datetime) -> datetime:
    """An aware datetime in UTC; naive ones are taken to be UTC already."""
    if when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def episode_guid(slug: str, source_url: str | None) -> str:
    """A stable GUID: derived from the article's URL when known, else from its slug."""
    name = source_url or f"newsaudio:{slug}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def podcast_guid(feed_url: str) -> str:
    """The channel's Podcasting 2.0 GUID."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


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


def truncate_bytes(text: str, limit: int = DESCRIPTION_MAX_BYTES) -> str:
    """``text`` cut at a word boundary to at most ``limit`` UTF-8 bytes, with an ellipsis if cut.

    >>> truncate_bytes("كلمة كلمة كلمة", 12)
    'كلمة…'
    """
    if len(text.encode("utf-8")) <= limit:
        return text
    budget = limit - len("…".encode())
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def itunes_duration(seconds: float) -> str:
    """HH:MM:SS, as Apple recommends.

    >>> itunes_duration(3725.4)
    '01:02:05'
    """
    total = round(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def rfc2822(when: datetime) -> str:
    """RFC 2822 date in GMT. ``strftime`` would give Arabic day names under an Arabic locale."""
    return format_datetime(as_utc(when), usegmt=True)


def render_feed(episodes: list[Episode], config: FeedConfig, template: Path | None = None) -> str:
    """The feed XML for ``episodes`` (sorted newest first here)."""
    template = template or project_path(TEMPLATE_FILE)
    # select_autoescape() looks only at the last extension (.j2), so turn escaping on explicitly.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template.parent),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    ordered = sorted(episodes, key=lambda e: (e.pub_date, e.slug), reverse=True)
    items = [
        {
            "episode": e,
            "description": truncate_bytes(e.description),
            "enclosure_url": config.base_url + quote(e.audio_file),
            "transcript_url": config.base_url + quote(e.transcript_file),
            "chapters_url": config.base_url + quote(e.chapters_file) if e.chapters_file else None,
            "pub_date": rfc2822(e.pub_date),
            "duration": itunes_duration(e.duration_s),
        }
        for e in ordered
    ]
    try:
        return env.get_template(template.name).render(
            channel=config,
            podcast_guid=podcast_guid(config.feed_url),
            last_build_date=rfc2822(ordered[0].pub_date) if ordered else None,
            items=items,
        )
    except jinja2.TemplateError as exc:
        raise FeedError(f"{template}: cannot render the feed ({exc})") from exc
