"""Stage 7: the podcast feed — episodes rendered through ``podcast.xml.j2``.

The episodes come from the folder's catalog (``catalog.py``); each also leaves
``<slug>.episode.json`` beside its MP3 as a portable backup of its entry. The feed lists them newest
first, so re-rendering an article replaces its entry (same slug, same GUID) instead of adding one.
Follows Apple Podcasts' RSS requirements and the Podcasting 2.0 namespace. Every value is cleaned of
XML-illegal and bidi-override characters as it is rendered, so the feed is well-formed XML 1.0
whatever an article contains.
"""

from __future__ import annotations

import html
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
from newsaudio.resources import project_path, template_environment
from newsaudio.sanitize import clean_text

FEED_FILE = "feed.xml"
EPISODE_SUFFIX = ".episode.json"  # beside <slug>.chapters.json, which is not an episode record
TEMPLATE_FILE = "podcast.xml.j2"
# Apple counts the 4000 limit of <description> in bytes; Arabic letters take two bytes each.
DESCRIPTION_MAX_BYTES = 4000
# What is left of the lead when an episode has so many chapters that the list crowds it out.
MIN_LEAD_BYTES = 600
# Podcasting 2.0 <podcast:guid>: UUIDv5 of the feed URL (no scheme, no trailing slash) in this
# namespace, as the namespace's spec prescribes.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


@dataclass(frozen=True)
class EpisodeChapter:
    """A chapter as the feed and the catalog keep it. (``audio.ChapterMark`` has the same
    shape, but importing ``audio`` loads numpy and the encoder, which listing episodes does not
    need.)"""

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
        """The episode's files in the output folder, the MP3 first, the backup record last."""
        names = (
            self.audio_file,
            self.transcript_file,
            self.chapters_file,
            self.vtt_file,
            self.srt_file,
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


def chapter_time(ms: int, hours: bool) -> str:
    """A chapter start as podcast apps read it in show notes: MM:SS, or HH:MM:SS in long episodes.

    >>> chapter_time(83_400, hours=False), chapter_time(83_400, hours=True)
    ('01:23', '00:01:23')
    """
    total = ms // 1000
    if hours:
        return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return f"{total // 60:02d}:{total % 60:02d}"


def show_notes(episode: Episode) -> tuple[str, list[str]]:
    """The item's lead text and its ``00:00 title`` chapter lines, together within Apple's
    4000-byte description limit: the lead is cut first, down to ``MIN_LEAD_BYTES``; then the
    chapter list loses its last lines.
    """
    # Cleaned before measuring: a lone surrogate cannot even be encoded to count its bytes.
    description = clean_text(episode.description)
    hours = episode.duration_s >= 3600
    lines = [f"{chapter_time(c.start_ms, hours)} {clean_text(c.title)}" for c in episode.chapters]
    if not lines:
        return truncate_bytes(description), []
    budget = DESCRIPTION_MAX_BYTES - len(b"\n\n") - len("\n".join(lines).encode())
    lead = truncate_bytes(description, max(budget, MIN_LEAD_BYTES))
    room = DESCRIPTION_MAX_BYTES - len(lead.encode()) - len(b"\n\n")
    kept: list[str] = []
    for line in lines:
        room -= len(line.encode()) + (1 if kept else 0)
        if room < 0:
            break
        kept.append(line)
    return lead, kept


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


def _xml_safe(value: object) -> object:
    """Jinja's finalize hook: every rendered string loses XML-illegal and bidi-override characters
    (U+202E would reverse a title on screen; a NUL would make the whole feed unreadable)."""
    return clean_text(value) if isinstance(value, str) else value


def _item_html(lead: str, lines: list[str]) -> str:
    """``content:encoded``: the show notes as HTML, so apps that render HTML keep one chapter a
    line. Plain text here; the template's autoescape makes it XML text once more."""
    paragraphs = [f"<p>{html.escape(lead)}</p>"]
    if lines:
        paragraphs.append("<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>")
    return "".join(paragraphs)


def newest_first(episodes: list[Episode]) -> list[Episode]:
    return sorted(episodes, key=lambda e: (e.pub_date, e.slug), reverse=True)


def _item(episode: Episode, config: FeedConfig) -> dict[str, Any]:
    """What the template needs of one episode beyond its fields: URLs, dates, show notes."""

    def url(name: str | None) -> str | None:
        return config.base_url + quote(name) if name else None

    lead, lines = show_notes(episode)
    return {
        "episode": episode,
        "description": "\n\n".join([lead, "\n".join(lines)]) if lines else lead,
        "content": _item_html(lead, lines),
        "enclosure_url": url(episode.audio_file),
        "transcript_url": url(episode.transcript_file),
        "chapters_url": url(episode.chapters_file),
        "vtt_url": url(episode.vtt_file),
        "srt_url": url(episode.srt_file),
        "pub_date": rfc2822(episode.pub_date),
        "duration": itunes_duration(episode.duration_s),
    }


def render_feed(episodes: list[Episode], config: FeedConfig, template: Path | None = None) -> str:
    """The feed XML for ``episodes``: sorted newest first, the newest ``max_episodes`` if set."""
    template = template or project_path(TEMPLATE_FILE)
    env = template_environment(template, finalize=_xml_safe)
    ordered = newest_first(episodes)
    if config.max_episodes:
        ordered = ordered[: config.max_episodes]
    items = [_item(e, config) for e in ordered]
    try:
        return env.get_template(template.name).render(
            channel=config,
            podcast_guid=podcast_guid(config.feed_url),
            last_build_date=rfc2822(ordered[0].pub_date) if ordered else None,
            items=items,
        )
    except jinja2.TemplateError as exc:
        raise FeedError(f"{template}: cannot render the feed ({exc})") from exc
