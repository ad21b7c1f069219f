"""A talking book: the text of one or more articles, every sentence with its clip in one MP3.

The EPUB 3 (``epub.py``), the DAISY 2.02 fileset (``daisy.py``) and the MP3's two-level table of
contents (``tags.py``) are all written from a :class:`Book`. A book is made of *parts* (the
spoken opening of an edition, each article, the edition's closing), a part of *sections* (one per
chapter of the audio: the headline with its lead, one per subheading), a section of *blocks*
(the announcement before a headline, the heading, paragraphs), a block of *sentences*.

Clips are contiguous: a sentence's clip runs from where it is first heard to where the next
sentence is (the pause after it belongs to it), the last one to the end of the MP3. So the clips
tile the audio and a reading system plays it without gaps or seeks; a clip still begins exactly
where its caption cue does.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

BlockRole = Literal["kicker", "heading", "paragraph"]
PartKind = Literal["opening", "article", "closing"]


@dataclass(frozen=True)
class BookSentence:
    """One sentence as a reader sees it, and where it is heard (milliseconds in the MP3)."""

    id: str
    text: str
    begin_ms: int
    end_ms: int


@dataclass(frozen=True)
class BookBlock:
    """A run of sentences shown together: the announcement before a headline ("kicker"), a heading
    (spoken), or a paragraph."""

    role: BlockRole
    sentences: tuple[BookSentence, ...]


@dataclass(frozen=True)
class BookSection:
    """One chapter of the audio: the headline (level 1) or a subheading (level 2) and its text.
    ``paragraph``: a navigation point made at a paragraph of a long chapter: listed in the
    contents (its title says what it is), with no heading in the text, since the author wrote
    none."""

    id: str
    title: str
    level: int
    start_ms: int
    end_ms: int
    blocks: tuple[BookBlock, ...]
    paragraph: bool = False

    @property
    def sentences(self) -> tuple[BookSentence, ...]:
        return tuple(s for block in self.blocks for s in block.sentences)

    @property
    def heading(self) -> BookSentence | None:
        """The spoken heading's first sentence, if the heading is spoken."""
        block = next((b for b in self.blocks if b.role == "heading"), None)
        return block.sentences[0] if block and block.sentences else None


@dataclass(frozen=True)
class BookPart:
    """An article, or the edition's spoken opening or closing: one content document."""

    id: str
    kind: PartKind
    title: str
    sections: tuple[BookSection, ...]
    # Sentences shown as spoken: their text as written could not be found (textprep.written).
    fallbacks: int = 0

    @property
    def sentences(self) -> tuple[BookSentence, ...]:
        return tuple(s for section in self.sections for s in section.sentences)

    @property
    def overlay_ms(self) -> int:
        """The length of the part's clips (its Media Overlay's duration)."""
        return sum(s.end_ms - s.begin_ms for s in self.sentences)


@dataclass(frozen=True)
class Book:
    """What the EPUB, the DAISY fileset and the edition's ID3 table of contents are made of."""

    title: str
    slug: str
    issued: date
    identifier: str  # a URN: the same article or edition keeps it across renders
    publisher: str
    narrator: str  # who speaks, in words: "صوت مركب آليا (إسبيك)"
    audio_file: str  # the MP3's name; every clip is in it
    duration_ms: int  # the MP3 as players measure it
    parts: tuple[BookPart, ...]
    description: str = ""
    language: str = "ar"

    @property
    def sentences(self) -> tuple[BookSentence, ...]:
        return tuple(s for part in self.parts for s in part.sentences)

    @property
    def articles(self) -> tuple[BookPart, ...]:
        return tuple(p for p in self.parts if p.kind == "article")

    @property
    def overlay_ms(self) -> int:
        return sum(part.overlay_ms for part in self.parts)

    @property
    def fallbacks(self) -> int:
        """Sentences shown as spoken, not as written (none, on the articles we have)."""
        return sum(part.fallbacks for part in self.parts)

    def sections(self) -> Iterator[tuple[BookPart, BookSection]]:
        for part in self.parts:
            for section in part.sections:
                yield part, section


def contiguous(book: Book) -> Book:
    """``book`` with each sentence's clip ending where the next sentence begins (the last where
    the MP3 ends), so the clips tile the audio from the first sentence on."""
    ends = [s.begin_ms for s in book.sentences[1:]] + [book.duration_ms]
    clip_ends = iter(ends)

    def block(b: BookBlock) -> BookBlock:
        return replace(b, sentences=tuple(replace(s, end_ms=next(clip_ends)) for s in b.sentences))

    parts = tuple(
        replace(
            part,
            sections=tuple(
                replace(section, blocks=tuple(block(b) for b in section.blocks))
                for section in part.sections
            ),
        )
        for part in book.parts
    )
    for before, after in itertools.pairwise(s for p in parts for s in p.sentences):
        if not before.begin_ms < before.end_ms <= after.begin_ms:
            raise ValueError(f"sentences out of order in the book: {before.id}, {after.id}")
    return replace(book, parts=parts)


def clock(ms: int) -> str:
    """A SMIL 3.0 full clock value, ``h:mm:ss.fff`` (EPUB Media Overlays, ``media:duration``).

    >>> clock(3_725_042)
    '1:02:05.042'
    """
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"
