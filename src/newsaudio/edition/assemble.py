"""An edition's MP3 joined from its pieces' MPEG frames, and every file beside it (tag, captions,
chapters, transcript, the talking book), staged under temporary names.
"""

from __future__ import annotations

import itertools
import logging
import shutil
import uuid
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from newsaudio.audio.frames import append_frames, frames_ms
from newsaudio.audio.segments import ChapterMark, SentenceMark
from newsaudio.edition.pieces import EditionJob, Piece
from newsaudio.files import temporary_path
from newsaudio.publishing.book import BookPart
from newsaudio.publishing.bookmaker import (
    BOOK_FORMATS,
    discard,
    make_book,
    make_part,
    stage_book,
)
from newsaudio.publishing.captions import (
    SRT_SUFFIX,
    VTT_SUFFIX,
    format_srt,
    format_vtt,
    sentence_cues,
    sentence_places,
)
from newsaudio.publishing.episode import Episode, EpisodeChapter
from newsaudio.publishing.page import EpisodeMedia
from newsaudio.publishing.publish import (
    REQUIRED_FILES,
    StagedEpisode,
    file_names,
)
from newsaudio.publishing.tags import ChapterGroup, EpisodeTags, mp3_duration_ms, write_tags
from newsaudio.publishing.transcript import format_json_chapters, format_transcript
from newsaudio.textprep import PreparedScript

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _part_id(piece: Piece, number: int) -> str:
    return {"opening": "title", "closing": "end"}.get(piece.kind, f"a{number:02d}")


def stage_edition(pieces: list[Piece], silence: Path, job: EditionJob) -> StagedEpisode:
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
    identity = job.identity
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
        # This render's own (kept by placing if it replaces an edition of the same audio): random,
        # since two renders of an edition can fall within one second of the clock.
        guid=str(uuid.uuid4()),
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
        narrators=[n for p in pieces for n in p.spoken.narrators],
        audio_file=f"{slug}.mp3",
        duration_ms=duration_ms,
        parts=parts,
        description=description,
    )
    files.update(stage_book(book, stream, out_dir, BOOK_FORMATS, rendered))
    numbers = itertools.count(1)
    places = sentence_places(
        (next(numbers) if p.kind == "article" else 0, p.spoken.prepared) for p in pieces
    )
    cues = sentence_cues(((m.text, m.start_ms, m.end_ms) for m in sentences), places)
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
    return StagedEpisode(
        out_dir,
        episode,
        files,
        tags,
        media,
        dated=False,
        renews=True,
        book_fallbacks=book.fallbacks,
    )
