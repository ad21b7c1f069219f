"""Stage 3: prepare the script's Arabic text for speech.

normalize → numbers as words → sentence split → diacritize. The result is exactly what the engine
will be given; ``newsaudio text`` prints it for proofreading.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsaudio.script import Script, SegmentKind
from newsaudio.textprep.diacritize import Diacritizer, default_diacritizer
from newsaudio.textprep.normalize import normalize
from newsaudio.textprep.numbers import expand_numbers
from newsaudio.textprep.sentences import split_sentences


@dataclass(frozen=True)
class PreparedSegment:
    """A segment as it will be spoken: its blocks, each a tuple of diacritized sentences."""

    kind: SegmentKind
    title: str
    blocks: tuple[tuple[str, ...], ...]

    @property
    def text(self) -> str:
        """The spoken text, one line per block."""
        return "\n".join(" ".join(block) for block in self.blocks)


@dataclass(frozen=True)
class PreparedScript:
    """The whole episode's spoken text, segment by segment."""

    script: Script
    segments: tuple[PreparedSegment, ...]

    @property
    def text(self) -> str:
        """Every segment's spoken text, segments separated by a blank line."""
        return "\n\n".join(segment.text for segment in self.segments)


def prepare_sentences(text: str) -> list[str]:
    """A block of article text as normalized sentences with numbers in words (not diacritized)."""
    return split_sentences(expand_numbers(normalize(text)))


def prepare_script(script: Script, diacritizer: Diacritizer | None = None) -> PreparedScript:
    """Prepare every block of every segment; sentences are diacritized in one batch."""
    diacritizer = diacritizer or default_diacritizer()
    plain = [[prepare_sentences(block) for block in segment.blocks] for segment in script.segments]
    flat = [sentence for segment in plain for block in segment for sentence in block]
    voweled = iter(diacritizer.diacritize(flat))
    segments = tuple(
        PreparedSegment(
            segment.kind,
            normalize(segment.title),
            tuple(tuple(next(voweled) for _ in block) for block in blocks),
        )
        for segment, blocks in zip(script.segments, plain, strict=True)
    )
    return PreparedScript(script, segments)
