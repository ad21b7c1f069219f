"""From spoken scripts and their mastered audio to a :class:`~newsaudio.publishing.book.Book`,
and the book's files (EPUB, DAISY) staged beside an episode's.

A part's sentences come from mastering (where each is heard, in the order it was spoken: segment
by segment, block by block); the text shown for each is the article's sentence as written
(:func:`~newsaudio.textprep.written.written_sentences`): a reader reads the article, the voice
speaks it.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from newsaudio.audio.segments import ChapterMark, SentenceMark
from newsaudio.files import temporary_path
from newsaudio.publishing.book import (
    BlockRole,
    Book,
    BookBlock,
    BookPart,
    BookSection,
    BookSentence,
    PartKind,
    contiguous,
)
from newsaudio.publishing.daisy import DAISY_SUFFIX, DAISY_ZIP_SUFFIX, write_daisy
from newsaudio.publishing.epub import EPUB_SUFFIX, write_epub
from newsaudio.publishing.names import ascii_name
from newsaudio.reading.script import paragraph_label
from newsaudio.resources import data_toml
from newsaudio.textprep import PreparedScript, PreparedSegment
from newsaudio.textprep.lexicon import Lexicon
from newsaudio.textprep.written import written_sentences

# What ``render --epub`` / ``--daisy`` and an edition can add to an episode's files.
BOOK_FORMATS = (EPUB_SUFFIX, DAISY_ZIP_SUFFIX)


def book_identifier(identity: str) -> str:
    """A stable URN for the book of ``identity`` (an article's, or an edition's title and day)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identity)}"


@dataclass(frozen=True)
class Shown:
    """The sentences as a reader sees them, per segment and block (``blocks[s][b]``), and how
    many are shown as spoken because their text as written could not be found."""

    blocks: tuple[tuple[tuple[str, ...], ...], ...]
    fallbacks: int = 0


def shown_sentences(prepared: PreparedScript, lexicon: Lexicon | None = None) -> Shown:
    """Each spoken sentence of ``prepared`` as written in the article, per segment and block
    (:func:`~newsaudio.textprep.written.written_sentences`). Worth computing where the script was
    prepared: it expands every sentence again."""
    segments = []
    fallbacks = 0
    for segment, original in prepared.sources():
        blocks = []
        for b, spoken in enumerate(segment.written or segment.blocks):
            found = written_sentences(original.blocks[b], spoken, lexicon) if spoken else None
            blocks.append(found.sentences if found else ())
            fallbacks += found.fallbacks if found else 0
        segments.append(tuple(blocks))
    return Shown(tuple(segments), fallbacks)


def _role(segment: PreparedSegment, block: int, kicker: bool) -> BlockRole:
    if segment.kind in ("closing", "paragraph"):
        return "paragraph"
    if segment.kind == "headline" and kicker:
        if block == 0:
            return "kicker"
        block -= 1
    return "heading" if block == 0 and segment.spoken_title else "paragraph"


def make_part(
    part_id: str,
    kind: PartKind,
    prepared: PreparedScript,
    chapters: Sequence[ChapterMark],
    sentences: Sequence[SentenceMark],
    *,
    title: str = "",
    kicker: bool = False,
    lexicon: Lexicon | None = None,
    shown: Shown | None = None,
) -> BookPart:
    """One part of a book: ``prepared`` as spoken, with its ``chapters`` (one per segment) and
    ``sentences`` (in spoken order) on the book's timeline. ``kicker``: the headline segment's
    first block is an announcement said before the headline (an edition's "الخبر الثالث").
    ``shown``: :func:`shown_sentences`, if they were found already."""
    if len(chapters) != len(prepared.segments):
        raise ValueError(f"{len(chapters)} chapters for {len(prepared.segments)} segments")
    shown = shown if shown is not None else shown_sentences(prepared, lexicon)
    heard = iter(sentences)
    sections = []
    number = 0
    for index, (segment, chapter) in enumerate(zip(prepared.segments, chapters, strict=True), 1):
        blocks = []
        for b, texts in enumerate(shown.blocks[index - 1]):
            if not texts:
                continue
            items = []
            for text in texts:
                mark = next(heard)
                number += 1
                items.append(
                    BookSentence(f"{part_id}-s{number:04d}", text, mark.start_ms, mark.end_ms)
                )
            blocks.append(BookBlock(_role(segment, b, kicker), tuple(items)))
        point = segment.kind == "paragraph"
        sections.append(
            BookSection(
                f"{part_id}-c{index:02d}",
                f"{paragraph_label()}: {segment.title}" if point else segment.title,
                1 if index == 1 else 2,
                chapter.start_ms,
                chapter.end_ms,
                tuple(blocks),
                paragraph=point,
            )
        )
    if next(heard, None) is not None:
        raise ValueError(f"part {part_id}: more sentences heard than the script has")
    return BookPart(part_id, kind, title or sections[0].title, tuple(sections), shown.fallbacks)


def make_book(
    *,
    title: str,
    slug: str,
    issued: date,
    identity: str,
    publisher: str,
    narrators: Sequence[str],
    audio_file: str,
    duration_ms: int,
    parts: Sequence[BookPart],
    description: str = "",
) -> Book:
    """The book, its clips made contiguous (each runs on to the next sentence). ``narrators``:
    who spoke, as phrases a listener hears in the book's information (the voice profiles'
    ``narrator``); one that is empty says only that the voice is synthesized."""
    default = str(data_toml("edition.toml")["book"]["narrator"])
    named = dict.fromkeys(n.strip() or default for n in narrators)
    book = Book(
        title=title,
        slug=slug,
        issued=issued,
        identifier=book_identifier(identity),
        publisher=publisher,
        narrator="، ".join(named) or default,
        audio_file=audio_file,
        duration_ms=duration_ms,
        parts=tuple(parts),
        description=description,
    )
    return contiguous(book)


def stage_book(
    book: Book, audio: Path, out_dir: Path, formats: Collection[str], modified: datetime
) -> dict[str, Path]:
    """Write the book's files under temporary names in ``out_dir``: the EPUB (``.epub``) and
    the DAISY fileset (the ``.daisy`` folder and ``.daisy.zip``), as ``formats`` asks. ``audio``
    is the MP3 without its tag. Returns the temporary path of each by the suffix it is placed as;
    nothing is left behind if it fails."""
    files: dict[str, Path] = {}
    try:
        if EPUB_SUFFIX in formats:
            files[EPUB_SUFFIX] = temporary_path(out_dir / f"{book.slug}{EPUB_SUFFIX}")
            write_epub(book, audio, files[EPUB_SUFFIX], modified)
        if DAISY_ZIP_SUFFIX in formats:
            files[DAISY_ZIP_SUFFIX] = temporary_path(out_dir / f"{book.slug}{DAISY_ZIP_SUFFIX}")
            # The folder's temporary name is one the stale-file sweep knows (see files.py).
            folder = Path(tempfile.mkdtemp(prefix=f".{book.slug}{DAISY_SUFFIX}.", suffix=".part",
                                           dir=out_dir))  # fmt: skip
            files[DAISY_SUFFIX] = folder
            folder.rmdir()
            write_daisy(book, audio, folder, files[DAISY_ZIP_SUFFIX], ascii_name(book.slug))
    except BaseException:
        discard(files.values())
        raise
    return files


def discard(paths: Collection[Path]) -> None:
    """Remove staged files and folders."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
