"""Stage 4: speech for each prepared segment.

Sentences are synthesized one at a time and joined with the voice profile's pauses: a short pause
between sentences, a longer one between blocks (after a subheading, between paragraphs). Segments
are yielded one by one so callers can show progress on long articles.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from newsaudio.audio import SegmentAudio, join, to_segment
from newsaudio.engines import Engine
from newsaudio.errors import EngineError
from newsaudio.textprep import PreparedScript, PreparedSegment
from newsaudio.voices import Pauses

log = logging.getLogger(__name__)


def synthesize_segment(engine: Engine, segment: PreparedSegment, pauses: Pauses) -> SegmentAudio:
    """One segment's audio: sentences joined by sentence pauses, blocks by block pauses."""
    blocks = []
    for block in segment.blocks:
        if not block:
            continue
        chunks = [to_segment(engine.synthesize(sentence)) for sentence in block]
        rate = chunks[0].frame_rate
        blocks.append(join(chunks, pauses.sentence_ms, rate))
    if not blocks:
        raise EngineError(f"{engine.name}: segment {segment.title!r} has no text to speak")
    return SegmentAudio(segment.title, join(blocks, pauses.block_ms, blocks[0].frame_rate))


def synthesize_script(
    engine: Engine, script: PreparedScript, pauses: Pauses
) -> Iterator[SegmentAudio]:
    """Each segment's audio, in order."""
    for segment in script.segments:
        log.info("synthesizing %s segment %r", segment.kind, segment.title)
        yield synthesize_segment(engine, segment, pauses)
