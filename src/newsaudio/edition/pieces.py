"""An edition's pieces: each article, the opening and the closing, read, prepared, spoken and
mastered on its own into an untagged MP3 (see the package's docstring).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from newsaudio.audio.frames import count_frames, frames_ms
from newsaudio.batch import Outcome
from newsaudio.config import Config
from newsaudio.errors import NewsaudioError
from newsaudio.files import temporary_path
from newsaudio.pipeline import SpokenScript, speak_script, text_options
from newsaudio.publishing.book import PartKind
from newsaudio.publishing.bookmaker import (
    Shown,
    shown_sentences,
)
from newsaudio.publishing.episode import Episode
from newsaudio.reading.article import Article, slugify
from newsaudio.reading.script import Script, Segment, build_script
from newsaudio.speech.cache import AudioCache
from newsaudio.speech.voices import VoiceProfile
from newsaudio.textprep.announcements import (
    announcement,
    closing,
    opening_blocks,
    source_line,
    spoken_length,
)

log = logging.getLogger(__name__)


# The opening says the edition's length in minutes; its own length can change them. It is spoken
# again at most this many times (a few seconds of speech; the sentence cache has most of it).
_OPENING_TRIES = 4


class EditionError(NewsaudioError):
    """An edition cannot be made: none of its articles could be, or (``--strict``) one could
    not, or none was given."""


@dataclass(frozen=True)
class EditionJob:
    """What every piece of an edition shares."""

    out_dir: Path
    profile: VoiceProfile
    config: Config
    title: str
    day: date
    use_cache: bool = True
    # Make the latest edition of this title and day again, instead of a new one (--replace).
    replace: bool = False
    # The edition's file name and identity, settled against the folder (``naming.named``).
    slug: str = ""
    identity: str = ""

    def __post_init__(self) -> None:
        if not self.slug:
            object.__setattr__(self, "slug", self.base_slug)

    @property
    def base_slug(self) -> str:
        """The edition's title and day ("نشرة-الصباح-2026-12-05"); a second edition of them is
        numbered ("…-2")."""
        return slugify(f"{self.title} {self.day.isoformat()}")

    @property
    def structure(self) -> bool:
        return self.profile.spoken_structure


@dataclass(frozen=True)
class Piece:
    """One part of the edition mastered on its own into ``mp3`` (untagged, in the output folder
    under a temporary name): an article with its announcement, the opening, or the closing."""

    kind: PartKind
    spoken: SpokenScript
    mp3: Path
    frames: int
    # The sentences as the book shows them: found in the worker, beside the text preparation.
    shown: Shown
    article: Article | None = None


@dataclass(frozen=True)
class EditionResult:
    """What an edition produced: ``articles`` of the ``given``; ``left_out`` says why the others
    are not in it (each a source, its one-line error and its exit code)."""

    episode: Episode
    audio: Path
    articles: int
    chapters: int
    given: int = 0
    left_out: tuple[Outcome, ...] = ()
    # The book's sentences shown as spoken, not as written (textprep.written).
    book_fallbacks: int = 0


# --- Scripts: what each piece says ---------------------------------------------------------------


def article_script(article: Article, number: int, total: int, structure: bool) -> Script:
    """An article's script in an edition: with the spoken structure, "الخبر الثالث من سبعة"
    before its headline and, instead of the episode's sign-off, the line naming its publisher."""
    script = build_script(article)
    if not structure:
        return script
    headline, *rest = script.segments
    segments = [
        replace(headline, blocks=(announcement(number, total), *headline.blocks)),
        *(s for s in rest if s.kind != "closing"),
    ]
    if article.meta.source:
        last = segments[-1]
        segments[-1] = replace(last, blocks=(*last.blocks, source_line(article.meta.source)))
    return replace(script, segments=tuple(segments))


def _edition_article(job: EditionJob) -> Article:
    """The edition itself as the scripts of its opening and closing name it."""
    return Article(source=job.slug, headline=job.title, name=job.slug)


def opening_script(job: EditionJob, articles: int, length_ms: int) -> Script:
    """The title, then (with the spoken structure) the date, the number of articles, the length."""
    blocks: tuple[str, ...] = (job.title,)
    if job.structure:
        blocks += opening_blocks(job.title, job.day, articles, length_ms)
    segment = Segment("headline", job.title, blocks)
    return Script(_edition_article(job), (segment,))


def closing_script(job: EditionJob) -> Script:
    title, text = closing()
    return Script(_edition_article(job), (Segment("closing", title, (text,)),))


# --- Pieces (in worker processes with --jobs) ----------------------------------------------------


def _cache(job: EditionJob) -> AudioCache | None:
    return AudioCache.from_env() if job.use_cache else None


def _speak(script: Script, kind: PartKind, name: str, job: EditionJob) -> Piece:
    mp3 = temporary_path(job.out_dir / f"{job.slug}-{name}.mp3")
    try:
        spoken = speak_script(script, mp3, job.profile, job.config, _cache(job))
        frames = count_frames(mp3)
        shown = shown_sentences(spoken.prepared, text_options(job.profile, job.config).lexicon)
    except BaseException:
        mp3.unlink(missing_ok=True)
        raise
    article = script.article if kind == "article" else None
    return Piece(kind, spoken, mp3, frames, shown, article)


def speak_article(article: Article, number: int, total: int, job: EditionJob) -> Piece:
    """``article`` as piece ``number`` of ``total`` (its announcement says both)."""
    script = article_script(article, number, total, job.structure)
    return _speak(script, "article", f"{number:02d}", job)


def speak_closing(job: EditionJob) -> Piece:
    return _speak(closing_script(job), "closing", "closing", job)


def speak_opening(articles: int, rest_frames: int, job: EditionJob) -> Piece:
    """The opening, saying the length of the whole edition: itself and the ``rest_frames``
    after it (pieces and pauses)."""
    length_ms = frames_ms(rest_frames)
    for _ in range(_OPENING_TRIES):
        piece = _speak(opening_script(job, articles, length_ms), "opening", "opening", job)
        total_ms = frames_ms(piece.frames + rest_frames)
        if not job.structure or spoken_length(total_ms) == spoken_length(length_ms):
            return piece
        piece.mp3.unlink(missing_ok=True)
        length_ms = total_ms
    return _speak(opening_script(job, articles, length_ms), "opening", "opening", job)
