"""The audio that flows between the stages: an engine's :class:`AudioChunk`, a segment's speech
with where each sentence lies (:class:`SegmentAudio`), and the chapter and sentence marks mastering
returns (:class:`MasteredAudio`).

The engines (``newsaudio.speech``) produce these; mastering knows nothing of voices or text.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newsaudio.errors import AudioError

with warnings.catch_warnings():
    # pydub warns at import when no ffmpeg is on PATH; we never ask it to decode or encode files.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment


@dataclass(frozen=True)
class AudioChunk:
    """Mono 16-bit PCM produced by an engine for one piece of text."""

    samples: npt.NDArray[np.int16]
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class SentenceSpan:
    """Where one spoken sentence lies in its segment's audio, in samples at the segment's rate:
    from its first audible sample to its last; ``text`` is the sentence as shown to a reader."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class SegmentAudio:
    """A segment's speech (pauses between its sentences and blocks included), and where each of
    its sentences is heard."""

    title: str
    audio: AudioSegment
    sentences: tuple[SentenceSpan, ...] = ()


@dataclass(frozen=True)
class Sound:
    """The next stretch of a segment's audio, as synthesis hands it over: one sentence as spoken,
    a pause, a chime. ``sentences`` says where sentences are heard in ``samples``."""

    samples: npt.NDArray[np.int16]
    sample_rate: int
    sentences: tuple[SentenceSpan, ...] = ()


class Restart:
    """In a segment's sounds: what the segment yielded so far is void (its voice failed, and the
    fallback voice speaks the segment again from its start)."""


RESTART = Restart()


@dataclass(frozen=True)
class SegmentStream:
    """A segment's audio as a stream of sounds, one sentence at a time: all of a segment's sounds
    share one sample rate (its first voice's). Memory follows a sentence, not the segment."""

    title: str
    sounds: Iterable[Sound | Restart]
    # What the segment sounds like, as a content key (its sentences, voice, pauses and the pause
    # after it); "" when unknown. Mastering keeps and finds chapters by it (chapters.py).
    key: str = ""


@dataclass(frozen=True)
class SentenceMark:
    """Where one sentence is heard in the episode, in milliseconds: the timing source of the
    captions, as :class:`ChapterMark` is of the chapters (both come from the same sample counts)."""

    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class ChapterMark:
    """Where a segment lies in the assembled track, in milliseconds. ``paragraph``: a navigation
    point made at a paragraph of a long chapter, titled by its opening words, not a heading the
    author wrote (see publishing/navigation.py)."""

    title: str
    start_ms: int
    end_ms: int
    paragraph: bool = False


@dataclass(frozen=True)
class MasteredAudio:
    """What :func:`master_mp3` wrote: chapter times and the loudness it corrected."""

    chapters: tuple[ChapterMark, ...]
    duration_ms: int
    loudness_lufs: float  # dual-mono, as synthesized, before the gain
    sentences: tuple[SentenceMark, ...] = ()


def to_segment(chunk: AudioChunk) -> AudioSegment:
    """An engine's PCM as a pydub segment."""
    return AudioSegment(
        data=chunk.samples.astype("<i2").tobytes(),
        sample_width=2,
        frame_rate=chunk.sample_rate,
        channels=1,
    )


def join(parts: Iterable[AudioSegment], pause_ms: int, frame_rate: int) -> AudioSegment:
    """Parts with ``pause_ms`` of silence between them (none before or after)."""
    silence = AudioSegment.silent(duration=pause_ms, frame_rate=frame_rate)
    result: AudioSegment | None = None
    for part in parts:
        result = part if result is None else result + silence + part
    if result is None:
        raise AudioError("nothing to join: no audio was synthesized")
    return result
