"""The listening page's transcript, as podcast apps show one: whole sentences in paragraphs, under
the headings of their sections, an edition's sections under their article.

It is built from the episode's chapters and WebVTT cues alone (the page is rewritten from the
folder's files at every publish). A cue's identifier says where its sentence stands
(:func:`~newsaudio.publishing.captions.sentence_places`: ``a2-h5-s31.2`` is the second part of
sentence 31, in block 5, a heading, of article 2), so the parts of a long sentence are joined again
and blocks become paragraphs; a sentence belongs to the chapter it starts in. Cues without such
names (a folder from before them) are shown one a line, still under their chapters.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsaudio.audio.segments import ChapterMark
from newsaudio.publishing.captions import Cue

_PLACE = re.compile(r"^(?:a(\d+)-)?([hp])(\d+)-s(\d+)(?:\.\d+)?$")


@dataclass(frozen=True)
class Sentence:
    """A whole sentence and when it is heard, in milliseconds."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A block of the script: a paragraph, or a title spoken as a heading."""

    heading: bool
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Section:
    """One chapter's part of the transcript: the paragraphs said before its title (an edition's
    "الخبر الثاني من ثلاثة"), its title as spoken (None when it is not spoken: the chapter's
    title is the heading), and its paragraphs. ``article``: its article in an edition, or 0."""

    index: int
    chapter: ChapterMark
    article: int
    before: tuple[Paragraph, ...]
    heading: Paragraph | None
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class _Placed:
    sentence: Sentence
    block: tuple[int, int]  # (article, block number); a cue without a place: (-1, its number)
    article: int
    heading: bool


def _sentences(cues: Sequence[Cue]) -> list[_Placed]:
    """The cues joined into whole sentences, each with the block it belongs to."""
    placed: list[_Placed] = []
    last: tuple[int, int, int] | None = None  # the previous cue's article, block and sentence
    for number, cue in enumerate(cues):
        text = " ".join(cue.text.split())
        match = _PLACE.match(cue.ident)
        if match is None:  # a cue of its own, on a line of its own
            placed.append(_Placed(Sentence(cue.start_ms, cue.end_ms, text), (-1, number), 0, False))
            last = None
            continue
        article, kind, block, sentence = match.groups()
        key = (int(article or 0), int(block), int(sentence))
        if key == last:  # the next part of a long sentence
            part = placed[-1]
            whole = Sentence(part.sentence.start_ms, cue.end_ms, f"{part.sentence.text} {text}")
            placed[-1] = _Placed(whole, part.block, part.article, part.heading)
        else:
            sentence_ = Sentence(cue.start_ms, cue.end_ms, text)
            placed.append(_Placed(sentence_, key[:2], key[0], kind == "h"))
        last = key
    return placed


def transcript(chapters: Sequence[ChapterMark], cues: Sequence[Cue]) -> tuple[Section, ...]:
    """The episode's transcript, chapter by chapter (a chapter no sentence starts in has only its
    heading). Without chapters, the whole transcript is one section under the episode."""
    chapters = list(chapters) or [ChapterMark("", 0, max((c.end_ms for c in cues), default=1))]
    starts = [c.start_ms for c in chapters]
    by_chapter: dict[int, list[_Placed]] = {}
    for placed in _sentences(cues):
        index = max(0, bisect.bisect_right(starts, placed.sentence.start_ms) - 1)
        by_chapter.setdefault(index, []).append(placed)
    sections = []
    for index, chapter in enumerate(chapters):
        own = by_chapter.get(index, [])
        paragraphs = []
        for _, run in itertools.groupby(own, key=lambda p: p.block):
            block = list(run)
            paragraphs.append(Paragraph(block[0].heading, tuple(p.sentence for p in block)))
        article = own[0].article if own else 0
        first = next((i for i, p in enumerate(paragraphs[:2]) if p.heading), None)
        if first is None:
            sections.append(Section(index, chapter, article, (), None, tuple(paragraphs)))
        else:
            before, heading, rest = paragraphs[:first], paragraphs[first], paragraphs[first + 1 :]
            sections.append(Section(index, chapter, article, tuple(before), heading, tuple(rest)))
    return tuple(sections)


def by_article(sections: Sequence[Section]) -> list[tuple[int, list[Section]]]:
    """Sections grouped as they run: an edition's article with all its sections, and each section
    outside an article on its own (article 0).

    >>> articles = [0, 1, 1, 0]
    >>> s = [Section(i, ChapterMark("", i, i + 1), a, (), None, ()) for i, a in enumerate(articles)]
    >>> [(a, [x.index for x in group]) for a, group in by_article(s)]
    [(0, [0]), (1, [1, 2]), (0, [3])]
    """
    groups: list[tuple[int, list[Section]]] = []
    for section in sections:
        if section.article and groups and groups[-1][0] == section.article:
            groups[-1][1].append(section)
        else:
            groups.append((section.article, [section]))
    return groups
