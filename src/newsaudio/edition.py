"""Editions: several articles as one publication — a talking newspaper.

An edition is one episode (one MP3 in the feed and on the page) whose chapters are grouped by
article, with its talking book: an EPUB 3 with Media Overlays and a DAISY 2.02 fileset. Its
spoken structure (the voice profile's ``spoken_structure``, on by default) is an opening that says
the title, the date, how many articles and how long, "الخبر الثالث من سبعة" before each headline,
and a closing.

How it is made, within the time and memory of rendering the articles as episodes:

1. Each article is read, prepared, spoken and **mastered on its own** into an untagged MP3 piece
   (in worker processes with ``jobs`` > 1, each piece at the podcast loudness, as an episode is);
   the closing too. Memory follows one segment, as in a render.
2. The opening is spoken last, when the length it announces is known: it is spoken again if its
   own length changes the minutes it says (rarely; at most a few times).
3. The edition's MP3 is the pieces' MPEG frames in spoken order, a segment pause of silence frames
   between them (see :mod:`newsaudio.audio.frames`): nothing is decoded or encoded again, and a
   piece's chapter and sentence times move by exactly the frames before it.
4. The tag (top CTOC → a CTOC per article → a CHAP per section), captions, chapters, transcript and
   the book's files are staged beside it and the episode is published as a render publishes one.

An edition is all its articles or nothing: one that cannot be read fails it with its one line, and
the output folder is left as it was.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np

from newsaudio.audio.frames import append_frames, count_frames, frames_ms
from newsaudio.audio.mp3 import SAMPLE_RATE, write_mp3
from newsaudio.audio.segments import ChapterMark, SentenceMark
from newsaudio.batch import warm_up
from newsaudio.config import Config
from newsaudio.errors import NewsaudioError, OutputError, internal_error
from newsaudio.files import remove_temporaries, temporary_path
from newsaudio.pipeline import SpokenScript, load_source, speak_script, text_options
from newsaudio.publishing.book import BookPart, PartKind
from newsaudio.publishing.bookmaker import (
    BOOK_FORMATS,
    Shown,
    discard,
    make_book,
    make_part,
    shown_sentences,
    stage_book,
)
from newsaudio.publishing.captions import (
    SRT_SUFFIX,
    VTT_SUFFIX,
    format_srt,
    format_vtt,
    sentence_cues,
)
from newsaudio.publishing.episode import Episode, EpisodeChapter, episode_guid
from newsaudio.publishing.page import EpisodeMedia
from newsaudio.publishing.publish import (
    REQUIRED_FILES,
    StagedEpisode,
    file_names,
    publish_episode,
)
from newsaudio.publishing.tags import ChapterGroup, EpisodeTags, mp3_duration_ms, write_tags
from newsaudio.publishing.transcript import format_json_chapters, format_transcript
from newsaudio.reading.article import Article, slugify
from newsaudio.reading.script import Script, Segment, build_script
from newsaudio.speech.cache import AudioCache
from newsaudio.speech.voices import VoiceProfile
from newsaudio.textprep import PreparedScript
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
    """An edition cannot be made (one of its articles failed, or none was given)."""


@dataclass(frozen=True)
class EditionJob:
    """What every piece of an edition shares."""

    out_dir: Path
    profile: VoiceProfile
    config: Config
    title: str
    day: date
    use_cache: bool = True

    @property
    def slug(self) -> str:
        """The edition's file name: its title and day ("نشرة-الصباح-2026-12-05")."""
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
    """What an edition produced."""

    episode: Episode
    audio: Path
    articles: int
    chapters: int


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


def speak_article(source: str, number: int, total: int, job: EditionJob) -> Piece:
    """Article ``number`` of ``total``, read from ``source`` (file or URL), as a piece."""
    article = load_source(source)
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


# --- Running the pieces --------------------------------------------------------------------------

# Called with a short label when a piece is done: the article's source, "opening", "closing".
DoneCallback = Callable[[str], None]


def _failed(source: str, exc: BaseException) -> EditionError:
    if isinstance(exc, NewsaudioError):
        return EditionError(f"edition not made: {exc}")
    log.debug("internal error in %s", source, exc_info=True)
    return EditionError(f"edition not made: {internal_error(source, exc)}")


def _pieces_here(
    sources: Sequence[str], job: EditionJob, on_done: DoneCallback
) -> tuple[list[Piece], Piece | None]:
    """Every article (and the closing) in this process, one after the other."""
    pieces: list[Piece] = []
    try:
        for number, source in enumerate(sources, 1):
            try:
                pieces.append(speak_article(source, number, len(sources), job))
            except Exception as exc:
                raise _failed(source, exc) from exc
            on_done(source)
        end = speak_closing(job) if job.structure else None
    except BaseException:
        _discard(pieces)
        raise
    return pieces, end


def _pieces_in_pool(
    sources: Sequence[str], job: EditionJob, jobs: int, on_done: DoneCallback
) -> tuple[list[Piece], Piece | None, ProcessPoolExecutor]:
    """Every article (and the closing) in ``jobs`` worker processes; the pool is returned open,
    for the opening."""
    context = multiprocessing.get_context("spawn")  # as batch.py: no inherited threads or locks
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=warm_up)
    futures: dict[Future[Piece], str] = {
        pool.submit(speak_article, source, number, len(sources), job): source
        for number, source in enumerate(sources, 1)
    }
    if job.structure:
        futures[pool.submit(speak_closing, job)] = "closing"
    done: dict[str, Piece] = {}
    try:
        for future, source in futures.items():  # in order: a failure is reported as it comes
            try:
                done[source] = future.result()
            except Exception as exc:
                raise _failed(source, exc) from exc
            if source != "closing":
                on_done(source)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            # Workers ignore Ctrl-C (batch.warm_up): stop them mid-piece, as a batch does.
            for worker in multiprocessing.active_children():
                worker.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        _discard(list(done.values()))
        raise
    pieces = [done[source] for source in sources]
    return pieces, done.get("closing"), pool


def _discard(pieces: Sequence[Piece]) -> None:
    for piece in pieces:
        piece.mp3.unlink(missing_ok=True)


def _silence(job: EditionJob) -> Path:
    """The pause between two pieces, encoded once: the profile's pause between segments."""
    path = temporary_path(job.out_dir / f"{job.slug}-pause.mp3")
    samples = round(job.profile.pauses.segment_ms * SAMPLE_RATE / 1000)
    write_mp3([np.zeros(samples)], path)
    return path


def render_edition(
    sources: Sequence[str],
    job: EditionJob,
    jobs: int = 1,
    on_done: DoneCallback | None = None,
) -> EditionResult:
    """Make the edition of ``sources`` (files or URLs, in this order) in ``job.out_dir`` and
    publish it: MP3, captions, chapters, transcript, EPUB and DAISY, the feed and the page."""
    if not sources:
        raise EditionError("an edition needs at least one article")
    report = on_done or (lambda _label: None)
    started = time.time()
    try:
        job.out_dir.mkdir(parents=True, exist_ok=True)
        silence = _silence(job)
    except OSError as exc:
        raise OutputError(
            f"{job.out_dir}: cannot write the edition ({exc.strerror or exc})"
        ) from exc
    pieces: list[Piece] = []
    try:
        pause = count_frames(silence)
        with _worker_pool(sources, job, jobs, report) as (articles, end, pool):
            pieces = [*articles, *([end] if end else [])]
            rest = sum(p.frames for p in pieces) + pause * len(pieces)
            if pool is None:
                opening = speak_opening(len(articles), rest, job)
            else:
                opening = pool.submit(speak_opening, len(articles), rest, job).result()
            pieces.insert(0, opening)
        report("opening")
        staged = _stage(pieces, silence, job)
        episode = publish_episode(staged, job.config)
    except KeyboardInterrupt:
        remove_temporaries(job.out_dir, newer_than=started)
        raise
    except OSError as exc:
        raise OutputError(
            f"{job.out_dir}: cannot write the edition ({exc.strerror or exc})"
        ) from exc
    finally:
        silence.unlink(missing_ok=True)
        _discard(pieces)
    audio = job.out_dir / episode.audio_file
    log.info("edition %s: %d articles, %.1f s", audio, len(sources), episode.duration_s)
    return EditionResult(episode, audio, len(sources), len(episode.chapters))


@contextlib.contextmanager
def _worker_pool(
    sources: Sequence[str], job: EditionJob, jobs: int, on_done: DoneCallback
) -> Iterator[tuple[list[Piece], Piece | None, ProcessPoolExecutor | None]]:
    """The articles' pieces, spoken here or in a pool that stays open for the opening."""
    if jobs <= 1:
        articles, end = _pieces_here(sources, job, on_done)
        yield articles, end, None
        return
    articles, end, pool = _pieces_in_pool(sources, job, min(jobs, len(sources)), on_done)
    try:
        yield articles, end, pool
    except KeyboardInterrupt:
        for worker in multiprocessing.active_children():
            worker.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- The edition's files -------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _part_id(piece: Piece, number: int) -> str:
    return {"opening": "title", "closing": "end"}.get(piece.kind, f"a{number:02d}")


def _stage(pieces: list[Piece], silence: Path, job: EditionJob) -> StagedEpisode:
    """The edition's MP3 from the pieces, and every file beside it, under temporary names."""
    out_dir, slug = job.out_dir, job.slug
    files: dict[str, Path] = {}
    stream = temporary_path(out_dir / f"{slug}.mp3")
    try:
        offsets = []
        frames = 0
        with stream.open("wb") as out:
            for index, piece in enumerate(pieces):
                if index:
                    frames += append_frames(silence, out)
                offsets.append(frames)
                frames += append_frames(piece.mp3, out)
        duration_ms = mp3_duration_ms(stream)
        starts = [frames_ms(offset) for offset in offsets] + [duration_ms]
        chapters: list[ChapterMark] = []
        sentences: list[SentenceMark] = []
        parts: list[BookPart] = []
        groups: list[ChapterGroup] = []
        number = 0
        for index, piece in enumerate(pieces):
            shift, end = starts[index], starts[index + 1]
            marks = piece.spoken.mastered
            own = [
                replace(c, start_ms=c.start_ms + shift, end_ms=c.end_ms + shift)
                for c in marks.chapters
            ]
            own[-1] = replace(own[-1], end_ms=end)  # the pause after a piece belongs to it
            heard = [
                replace(s, start_ms=s.start_ms + shift, end_ms=s.end_ms + shift)
                for s in marks.sentences
            ]
            number += piece.kind == "article"
            part_id = _part_id(piece, number)
            parts.append(
                make_part(
                    part_id,
                    piece.kind,
                    piece.spoken.prepared,
                    own,
                    heard,
                    kicker=piece.kind == "article" and job.structure,
                    shown=piece.shown,
                )
            )
            if piece.kind == "article":
                headline = own[0].title
                groups.append(ChapterGroup(headline, len(chapters), len(own)))
                # Most players list chapters flat: the headline's says which article it opens.
                own[0] = replace(own[0], title=f"{number}. {headline}")
            chapters += own
            sentences += heard
        return _stage_files(
            pieces, parts, chapters, sentences, groups, stream, duration_ms, job, files
        )
    except BaseException:
        discard(files.values())
        raise
    finally:
        stream.unlink(missing_ok=True)


def _stage_files(
    pieces: list[Piece],
    parts: list[BookPart],
    chapters: list[ChapterMark],
    sentences: list[SentenceMark],
    groups: list[ChapterGroup],
    stream: Path,
    duration_ms: int,
    job: EditionJob,
    files: dict[str, Path],
) -> StagedEpisode:
    out_dir, slug, config = job.out_dir, job.slug, job.config
    identity = f"newsaudio:edition:{slug}"
    articles = [p.article for p in pieces if p.article is not None]
    description = "\n".join(f"{n}. {a.headline}" for n, a in enumerate(articles, 1))
    voice = "; ".join(dict.fromkeys(v for p in pieces for v in p.spoken.voice.split("; ")))
    rendered = _now()
    for suffix in REQUIRED_FILES:
        files[suffix] = temporary_path(out_dir / f"{slug}{suffix}")
    segments = tuple(s for p in pieces for s in p.spoken.prepared.segments)
    transcript = format_transcript(PreparedScript(pieces[0].spoken.prepared.script, segments))
    tags = EpisodeTags(
        title=job.title,
        artist=config.feed.author,
        album=config.feed.title,
        date=rendered,
        transcript=transcript,
        chapters=tuple(chapters),
        description=description,
        voice=voice,
        guid=episode_guid(slug, None),
        groups=tuple(groups),
    )
    audio = files[".mp3"]
    write_tags(audio, tags)
    with audio.open("ab") as out, stream.open("rb") as encoded:
        shutil.copyfileobj(encoded, out, 1 << 20)
    book = make_book(
        title=job.title,
        slug=slug,
        issued=job.day,
        identity=identity,
        publisher=config.feed.author,
        narrator=voice,
        audio_file=f"{slug}.mp3",
        duration_ms=duration_ms,
        parts=parts,
        description=description,
    )
    files.update(stage_book(book, stream, out_dir, BOOK_FORMATS, rendered))
    cues = sentence_cues((m.text, m.start_ms, m.end_ms) for m in sentences)
    files[".txt"].write_text(transcript, encoding="utf-8")
    files[".chapters.json"].write_text(format_json_chapters(tuple(chapters)), encoding="utf-8")
    files[VTT_SUFFIX].write_text(format_vtt(cues), encoding="utf-8")
    files[SRT_SUFFIX].write_text(format_srt(cues), encoding="utf-8")
    episode = Episode(
        slug=slug,
        guid=tags.guid,
        title=job.title,
        description=description,
        audio_bytes=audio.stat().st_size,
        duration_s=duration_ms / 1000,
        pub_date=rendered,
        author=config.feed.author,
        identity=identity,
        voice=voice,
        chapters=tuple(EpisodeChapter(c.title, c.start_ms, c.end_ms) for c in chapters),
        rendered=rendered,
        **file_names(slug, files),
    )
    media = EpisodeMedia(tuple(chapters), tuple(cues))
    return StagedEpisode(out_dir, episode, files, tags, media, dated=False)
