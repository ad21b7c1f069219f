"""The listening page: ``index.html`` of an output folder, rendered through ``listen.html.j2``.

A static page for listeners who use a screen reader and a keyboard rather than a podcast app: one
native ``<audio>`` player per episode, chapters as buttons (an edition's nested by article), skip
and speed controls, and the transcript as podcast apps show one — whole sentences under the
headings of their sections (:mod:`~newsaudio.publishing.page_transcript`), the sentence being
spoken marked, a click or Enter on a sentence playing from there. Everything is inline (no CDN,
font or external script) and every link is relative, so the page works opened from disk and from
any static server.

An episode's chapters and cues are read from its side files in the folder — ``<slug>.chapters.json``
(Podcasting 2.0 JSON chapters) and ``<slug>.vtt`` — unless the caller passes them: a render writes
the page in the same atomic step as those files, before they have their final names. The
transcript is put into the page as text (not fetched by the page's script): browsers refuse
``fetch()`` and ``<track>`` loads from ``file://`` pages, and a screen reader reads static text
without any script at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from newsaudio.audio.segments import ChapterMark
from newsaudio.config import FeedConfig
from newsaudio.errors import FeedError
from newsaudio.publishing.captions import VTT_SUFFIX, Cue, parse_vtt
from newsaudio.publishing.episode import Episode, newest_first
from newsaudio.publishing.page_transcript import Section, by_article, transcript
from newsaudio.publishing.transcript import PARAGRAPH_KEY
from newsaudio.reading.script import paragraph_label
from newsaudio.resources import project_path, template_environment

PAGE_FILE = "index.html"
TEMPLATE_FILE = "listen.html.j2"
# The speeds the page offers; 1 is selected.
SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
SKIP_SECONDS = 15


@dataclass(frozen=True)
class EpisodeMedia:
    """What the page shows beside an episode's player."""

    chapters: tuple[ChapterMark, ...] = ()
    cues: tuple[Cue, ...] = ()


def clock(ms: int) -> str:
    """``M:SS``, or ``H:MM:SS`` from an hour on: how players show a position.

    >>> clock(75_400), clock(3_725_000)
    ('1:15', '1:02:05')
    """
    seconds = ms // 1000
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def read_chapters(path: Path, duration_ms: int) -> tuple[ChapterMark, ...]:
    """Podcasting 2.0 JSON chapters (``startTime``, ``title``; ``endTime`` optional)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = [
            (
                round(float(c["startTime"]) * 1000),
                str(c["title"]),
                c.get(PARAGRAPH_KEY) is True,
            )
            for c in document["chapters"]
        ]
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise FeedError(f"{path}: not valid JSON chapters ({exc})") from exc
    entries.sort()
    ends = (
        [start for start, _, _ in entries[1:]] + [max(duration_ms, entries[-1][0] + 1)]
        if entries
        else []
    )
    return tuple(
        ChapterMark(title, start, end, paragraph)
        for (start, title, paragraph), end in zip(entries, ends, strict=True)
    )


def read_cues(path: Path) -> tuple[Cue, ...]:
    """The cues of a WebVTT file."""
    try:
        return tuple(parse_vtt(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise FeedError(f"{path}: not a valid WebVTT file ({exc})") from exc


def read_media(out_dir: Path, episode: Episode) -> EpisodeMedia:
    """An episode's chapters and cues from its side files; none where a file is missing."""
    chapters_path = out_dir / episode.chapters_file if episode.chapters_file else None
    vtt_path = out_dir / f"{episode.slug}{VTT_SUFFIX}"
    duration_ms = round(episode.duration_s * 1000)
    return EpisodeMedia(
        chapters=read_chapters(chapters_path, duration_ms)
        if chapters_path and chapters_path.is_file()
        else (),
        cues=read_cues(vtt_path) if vtt_path.is_file() else (),
    )


def _chapter_tree(
    chapters: tuple[ChapterMark, ...], sections: tuple[Section, ...]
) -> list[dict[str, Any]]:
    """The chapter buttons: an edition's article as its first chapter (its headline) with the
    article's other chapters nested under it, as the MP3's table of contents nests them."""
    articles = [s.article for s in sections] if len(sections) == len(chapters) else []
    tree: list[dict[str, Any]] = []
    for index, chapter in enumerate(chapters):
        entry = {
            "start": chapter.start_ms / 1000,
            "end": chapter.end_ms / 1000,
            "clock": clock(chapter.start_ms),
            "title": chapter.title,
            # A navigation point made at a paragraph is marked: not a heading.
            "mark": paragraph_label() if chapter.paragraph else "",
            "children": [],
        }
        article = articles[index] if articles else 0
        if article and index and articles[index - 1] == article:
            tree[-1]["children"].append(entry)
        else:
            tree.append(entry)
    return tree


def render_page(
    episodes: list[Episode],
    config: FeedConfig,
    out_dir: Path,
    media: Mapping[str, EpisodeMedia] | None = None,
    template: Path | None = None,
) -> str:
    """The listening page for ``episodes`` (newest first), as ``index.html`` of ``out_dir``.

    ``media`` gives an episode's chapters and cues by slug; an episode not in it has them read
    from ``out_dir`` (:func:`read_media`). The captions track links ``<slug>.vtt`` whenever the
    episode has cues.
    """
    template = template or project_path(TEMPLATE_FILE)
    env = template_environment(template)
    given = media or {}
    ordered = newest_first(episodes)
    items = []
    for episode in ordered:
        found = given[episode.slug] if episode.slug in given else read_media(out_dir, episode)
        sections = transcript(found.chapters, found.cues) if found.cues else ()
        items.append(
            {
                "episode": episode,
                "audio_url": quote(episode.audio_file),
                "transcript_url": quote(episode.transcript_file),
                "epub_url": quote(episode.epub_file) if episode.epub_file else None,
                "daisy_url": quote(episode.daisy_file) if episode.daisy_file else None,
                "captions_url": quote(f"{episode.slug}{VTT_SUFFIX}") if found.cues else None,
                "date": episode.pub_date.date().isoformat(),
                "duration": clock(round(episode.duration_s * 1000)),
                "chapters": _chapter_tree(found.chapters, sections),
                "transcript": by_article(sections),
            }
        )
    try:
        return env.get_template(template.name).render(
            channel=config, items=items, speeds=SPEEDS, skip_seconds=SKIP_SECONDS
        )
    except jinja2.TemplateError as exc:
        raise FeedError(f"{template}: cannot render the listening page ({exc})") from exc
