"""Navigation points: a long chapter is cut at paragraphs, so no chapter runs much over three
minutes.

A blind listener finds things by chapter, and a podcast app does not make chapters of its own for
an episode that has some: an article that runs 20 minutes under one headline leaves them ±15 s
skips. So in an episode longer than five minutes, every chapter longer than three minutes is cut
at paragraph starts into pieces of about two and a half minutes (two to three). Each new chapter is
titled by the opening words of its paragraph as the author wrote them and is marked as such
(:attr:`ChapterMark.paragraph`, a segment of kind ``"paragraph"``): it is not a heading the author
wrote, and nothing is spoken for it — the audio is the same with and without.

The cuts are decided on the real audio, after mastering: where each sentence is heard is known to
the millisecond (the same marks the captions use), whatever the voice, its rate, the numbers
spelled out and the pauses — an estimate from the text would be off by the voice's rate (140 or
210 words a minute in eSpeak, others for Piper or Google's voice). Where no paragraph starts in
reach (a whole article in one paragraph), a sentence start is taken instead.

The prepared script (and its script) is cut at the same places, so everything made from it —
transcript, talking book, captions — has one segment per chapter, as before.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from newsaudio.audio.segments import ChapterMark, MasteredAudio, SentenceMark
from newsaudio.reading.opening import opening_words
from newsaudio.reading.script import Segment
from newsaudio.textprep import PreparedScript, PreparedSegment
from newsaudio.textprep.diacritize import strip_marks
from newsaudio.textprep.lexicon import Lexicon
from newsaudio.textprep.written import written_sentences

log = logging.getLogger(__name__)

LONG_EPISODE_MS = 5 * 60_000  # an episode longer than this gets navigation points
MAX_CHAPTER_MS = 3 * 60_000  # ... in each chapter longer than this
TARGET_MS = 150_000  # the length the pieces are cut to, as near as paragraphs allow
MIN_PIECE_MS = 60_000  # no piece shorter: a headline is never cut from its first paragraph
# Cutting inside a paragraph (at a sentence) costs as much as a piece 45 s off its target length.
_SENTENCE_CUT_COST = 45.0**2
# Each second over three minutes costs more than a few cuts inside paragraphs: a piece runs over
# only where no cut can be had (a single sentence longer than the rest of the chapter allows).
_OVER_COST = 10_000.0
# A chapter starts this much before its first sentence is heard (within the pause before it), so
# a player that seeks to an MP3 frame boundary does not clip the first syllable.
_LEAD_MS = 250
TITLE_WORDS = 8  # a navigation point's title: its paragraph's first words


@dataclass(frozen=True)
class _Cut:
    """A place a chapter may be cut: the first sentence of block ``block`` (or sentence
    ``sentence`` inside it), heard from ``at_ms``."""

    block: int
    sentence: int
    at_ms: int


def with_navigation(
    prepared: PreparedScript,
    mastered: MasteredAudio,
    *,
    long: bool | None = None,
    lexicon: Lexicon | None = None,
) -> tuple[PreparedScript, MasteredAudio]:
    """``prepared`` and ``mastered`` with every chapter longer than three minutes cut into
    navigation points, when the episode is long (``long``: decided by the caller, e.g. for a piece
    of a longer edition; else longer than five minutes). Unchanged otherwise, or when the
    sentence marks do not match the script (they always do for a script mastered as it is)."""
    if long is None:
        long = mastered.duration_ms > LONG_EPISODE_MS
    heard = _sentence_starts(prepared, mastered.sentences)
    if not long or heard is None:
        return prepared, mastered
    script: list[Segment] = []
    segments: list[PreparedSegment] = []
    chapters: list[ChapterMark] = []
    pairs = zip(prepared.sources(), mastered.chapters, heard, strict=True)
    for (segment, original), chapter, starts in pairs:
        cuts = _cuts(chapter, starts) if chapter.end_ms - chapter.start_ms > MAX_CHAPTER_MS else []
        pieces = _pieces(segment, original, chapter, cuts, lexicon)
        for piece, (source, made, start, end) in enumerate(pieces):
            script.append(source)
            segments.append(made)
            point = piece > 0  # the first piece is the chapter as it was, shortened
            chapters.append(
                replace(chapter, title=made.title, start_ms=start, end_ms=end, paragraph=point)
            )
    if len(chapters) == len(mastered.chapters):
        return prepared, mastered
    log.info("%d navigation points in long chapters", len(chapters) - len(mastered.chapters))
    script_done = replace(prepared.script, segments=tuple(script))
    return (
        PreparedScript(script_done, tuple(segments)),
        replace(mastered, chapters=tuple(chapters)),
    )


def _sentence_starts(
    prepared: PreparedScript, sentences: tuple[SentenceMark, ...]
) -> list[list[list[SentenceMark]]] | None:
    """Each segment's sentence marks, block by block (the marks come in spoken order, one per
    sentence); None when their number does not match the script's."""
    count = sum(len(block) for segment in prepared.segments for block in segment.blocks)
    if count != len(sentences):
        log.debug("%d sentence marks for %d sentences: no navigation points", len(sentences), count)
        return None
    marks = iter(sentences)
    return [[[next(marks) for _ in block] for block in s.blocks] for s in prepared.segments]


def _cuts(chapter: ChapterMark, blocks: list[list[SentenceMark]]) -> list[_Cut]:
    """Where to cut ``chapter``: the paragraph (else sentence) starts that bring its pieces
    nearest to :data:`TARGET_MS`, none under :data:`MIN_PIECE_MS`, few over
    :data:`MAX_CHAPTER_MS` (dynamic programming over the candidate starts, in order)."""
    candidates: list[tuple[_Cut, float]] = []
    previous_end = chapter.start_ms
    for b, block in enumerate(blocks):
        for k, mark in enumerate(block):
            at = mark.start_ms - min(_LEAD_MS, max(0, mark.start_ms - previous_end) // 2)
            previous_end = mark.end_ms
            if chapter.start_ms + MIN_PIECE_MS <= at <= chapter.end_ms - MIN_PIECE_MS:
                candidates.append((_Cut(b, k, at), 0.0 if k == 0 else _SENTENCE_CUT_COST))
    points = [chapter.start_ms, *(c.at_ms for c, _ in candidates), chapter.end_ms]
    extra = [0.0, *(cost for _, cost in candidates), 0.0]
    best = [0.0] + [float("inf")] * (len(points) - 1)
    came = [0] * len(points)
    for j in range(1, len(points)):
        i = j - 1
        while i >= 0:
            length = points[j] - points[i]
            if length >= MIN_PIECE_MS:
                total = best[i] + _piece_cost(length) + extra[j]
                if total < best[j]:
                    best[j], came[j] = total, i
            if length > 3 * MAX_CHAPTER_MS and i < j - 1:
                break  # a piece this long is never the best while a shorter one exists
            i -= 1
    chosen = []
    j = len(points) - 1
    while j > 0:
        j = came[j]
        if j > 0:
            chosen.append(candidates[j - 1][0])
    return chosen[::-1]


def _piece_cost(length_ms: int) -> float:
    """How far a piece is from what a listener can navigate: squared seconds off the target,
    and much more for each second over three minutes."""
    seconds = length_ms / 1000
    over = max(0.0, seconds - MAX_CHAPTER_MS / 1000)
    return (seconds - TARGET_MS / 1000) ** 2 + _OVER_COST * over


def _pieces(
    segment: PreparedSegment,
    original: Segment,
    chapter: ChapterMark,
    cuts: list[_Cut],
    lexicon: Lexicon | None,
) -> Iterator[tuple[Segment, PreparedSegment, int, int]]:
    """``segment`` (and its script segment) cut at ``cuts``: the first piece keeps its kind and
    title, each other is a ``"paragraph"`` segment titled by its opening words; with each piece
    its start and end in the episode."""
    if not cuts:
        yield original, segment, chapter.start_ms, chapter.end_ms
        return
    # A whole block keeps the author's text; a block cut between two sentences is its sentences
    # as written (as the talking book finds them, textprep.written), on each side.
    shown_blocks = segment.written or segment.blocks
    split = {
        b: written_sentences(original.blocks[b], shown_blocks[b], lexicon).sentences
        for b in {c.block for c in cuts if c.sentence}
    }
    bounds = [chapter.start_ms, *(c.at_ms for c in cuts), chapter.end_ms]
    places = [(0, 0), *((c.block, c.sentence) for c in cuts), (len(segment.blocks), 0)]
    for n, (start, stop) in enumerate(itertools.pairwise(places)):
        spans = _spans(segment.blocks, start, stop)
        blocks = tuple(
            " ".join(split[b][i:j]) if b in split else original.blocks[b] for b, i, j in spans
        )
        spoken = tuple(segment.blocks[b][i:j] for b, i, j in spans)
        shown = tuple(segment.written[b][i:j] for b, i, j in spans) if segment.written else ()
        words = tuple(segment.words[b][i:j] for b, i, j in spans) if segment.words else ()
        if n == 0:
            source = replace(original, blocks=blocks)
            made = replace(segment, blocks=spoken, written=shown, words=words)
        else:
            title = opening_words(blocks[0], TITLE_WORDS)  # a cut opens a spoken block
            if start[1]:
                # Cut inside a paragraph, the title comes from its sentences: the prepared ones
                # (number words voweled) where they did not line up with the article's.
                title = strip_marks(title)
            source = Segment("paragraph", title, blocks, spoken_title=False)
            made = PreparedSegment(
                "paragraph", title, spoken, written=shown, words=words, spoken_title=False
            )
        yield source, made, bounds[n], bounds[n + 1]


def _spans(
    blocks: Sequence[Sequence[str]], start: tuple[int, int], stop: tuple[int, int]
) -> list[tuple[int, int, int]]:
    """(block, first sentence, end sentence) of each block from (block, sentence) ``start`` up to
    ``stop``: a block cut between two sentences has a span on each side.

    >>> _spans([["a", "b"], ["c"], ["d", "e"]], (0, 1), (2, 1))
    [(0, 1, 2), (1, 0, 1), (2, 0, 1)]
    """
    (b0, k0), (b1, k1) = start, stop
    spans = []
    for b in range(b0, min(b1 + 1, len(blocks))):
        first = k0 if b == b0 else 0
        end = k1 if b == b1 else len(blocks[b])
        if b < b1 or end > first:
            spans.append((b, first, end))
    return spans
