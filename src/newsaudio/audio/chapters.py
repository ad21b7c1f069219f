"""One chapter of an episode through mastering: measured as its sounds come (pass 1), encoded on
its own (pass 2).

A chapter is a segment and the pause after it. Each is measured by itself — its loudness meter's
100 ms steps, its block peaks, where its sentences are heard: a :class:`ChapterMeasure` — and
encoded by itself, one LAME run whose frames join the others' (each run starts its bit reservoir
afresh, see frames.py). The episode's gain comes from all the chapters' measures. So a chapter
whose sound did not change needs neither its audio nor its encoding again: a
:class:`ChapterStore` (the cache) keeps measures by the chapter's content and encoded chapters by
content and gain, and a re-render after a one-word correction encodes one chapter, not the
episode.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import numpy.typing as npt

from newsaudio.audio.frames import SAMPLES_PER_FRAME, count_frames
from newsaudio.audio.loudness import FloatArray, LoudnessMeter, limit_stream
from newsaudio.audio.mp3 import SAMPLE_RATE, write_mp3
from newsaudio.audio.resample import StreamResampler
from newsaudio.audio.segments import Restart, SegmentAudio, SegmentStream, Sound
from newsaudio.errors import AudioError

_CHUNK = 1 << 18  # samples read back at a time in pass 2: 6 s at 44.1 kHz
_FEED = 1 << 17  # input samples handed to the resampler at a time


class BlockPeaks:
    """How many 32-sample blocks peak at each level (0.5 dB bins): enough to tell, at any gain,
    how much of the stream the limiter will touch, in a few hundred counters."""

    _EDGES = np.arange(-120.0, 12.5, 0.5)

    def __init__(self, counts: npt.NDArray[np.int64] | None = None, heard: bool = False) -> None:
        self.counts = (
            np.zeros(len(self._EDGES) + 1, dtype=np.int64) if counts is None else counts.copy()
        )
        self.heard = heard

    def add(self, samples: FloatArray) -> None:
        blocks = np.abs(samples[: len(samples) // 32 * 32]).reshape(-1, 32).max(axis=1)
        self.heard = self.heard or bool(np.any(samples))
        levels = 20 * np.log10(np.maximum(blocks, 1e-9))
        self.counts += np.bincount(np.searchsorted(self._EDGES, levels), minlength=len(self.counts))

    def merge(self, other: BlockPeaks) -> None:
        self.counts += other.counts
        self.heard = self.heard or other.heard

    def share_over(self, level_db: float) -> float:
        """The share of blocks whose peak is above ``level_db`` (to the bin)."""
        total = int(self.counts.sum())
        over = int(self.counts[np.searchsorted(self._EDGES, level_db) :].sum())
        return over / total if total else 0.0


@dataclass(frozen=True, eq=False)
class ChapterMeasure:
    """What mastering needs of a chapter without its audio: its length (44.1 kHz samples, the
    pause after it included), its loudness meter's 100 ms step energies, its block peaks, and
    where its sentences are heard (text, start and end in milliseconds from its start)."""

    samples: int
    steps: FloatArray
    peaks: BlockPeaks
    sentences: tuple[tuple[str, float, float], ...] = ()


class ChapterStore(Protocol):
    """Where mastering keeps chapters between renders (the cache implements it). ``key`` names a
    chapter's sound; a piece's key adds the gain it was encoded at."""

    def measure(self, key: str) -> ChapterMeasure | None:
        """The measure kept for ``key``, or None."""
        ...

    def keep_measure(self, key: str, measure: ChapterMeasure) -> None:
        """Keep ``measure`` for ``key`` (a failure is the store's to log)."""
        ...

    def piece(self, key: str, mp3: Path) -> bool:
        """Write the encoded chapter kept for ``key`` to ``mp3``; False when there is none."""
        ...

    def keep_piece(self, key: str, mp3: Path) -> None:
        """Keep the encoded chapter in ``mp3`` for ``key``."""
        ...


@dataclass
class ChapterAudio:
    """A chapter's audio in the scratch file (float32 at 44.1 kHz), measured as it is written."""

    pcm: BinaryIO
    offset: int = -1  # where it starts in the scratch file, in bytes
    samples: int = 0
    meter: LoudnessMeter = field(default_factory=lambda: LoudnessMeter(SAMPLE_RATE))
    peaks: BlockPeaks = field(default_factory=BlockPeaks)
    sentences: list[tuple[str, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pcm.seek(0, 2)
        self.offset = self.pcm.tell()

    def write(self, segment: SegmentStream | SegmentAudio) -> None:
        """The segment's sounds, resampled to 44.1 kHz as they come; a :data:`RESTART` rolls the
        chapter back to its start (a fallback voice speaks it again)."""
        sounds = segment.sounds if isinstance(segment, SegmentStream) else _sounds_of(segment)
        fed = 0
        resampler: StreamResampler | None = None
        for sound in sounds:
            if isinstance(sound, Restart):
                self._restart()
                fed, resampler = 0, None
                continue
            rate = sound.sample_rate
            if resampler is None:
                resampler = StreamResampler(rate, SAMPLE_RATE)
            elif rate != resampler.rate_in:
                raise AudioError(f"a segment's sounds came at {resampler.rate_in} and {rate} Hz")
            # Resampling keeps time: a sentence's offset in the segment scales with the rate.
            self.sentences += [
                (s.text, (fed + s.start) * 1000 / rate, (fed + s.end) * 1000 / rate)
                for s in sound.sentences
            ]
            for i in range(0, len(sound.samples), _FEED):
                self._put(resampler.feed(sound.samples[i : i + _FEED]))
            fed += len(sound.samples)
        if resampler is not None:
            self._put(resampler.finish())

    def pause(self, samples: int) -> None:
        """Silence after the segment (the pause before the next chapter belongs to this one),
        shortened by what the chapter's own LAME run adds: ``n`` samples come out as
        ``ceil(n / 1152) + 1`` frames (its encoder delay and the padding of its last frame), so
        the chapter plays for its segment and the pause, to half a frame (13 ms)."""
        if samples:
            frames = round((self.samples + samples) / SAMPLES_PER_FRAME) - 1
            samples = max(0, frames * SAMPLES_PER_FRAME - self.samples)
        self._put([np.zeros(samples)], scaled=False)

    def measure(self) -> ChapterMeasure:
        return ChapterMeasure(
            self.samples, self.meter.steps(), BlockPeaks(self.peaks.counts, self.peaks.heard),
            tuple(self.sentences),
        )  # fmt: skip

    def chunks(self, scratch: Path, gain: float) -> Iterator[FloatArray]:
        """The chapter's audio read back in chunks, times ``gain``."""
        with scratch.open("rb") as pcm:
            pcm.seek(self.offset)
            left = self.samples
            while left > 0:
                chunk = np.fromfile(pcm, dtype="<f4", count=min(_CHUNK, left))
                if not chunk.size:
                    raise AudioError("the scratch audio file ended early")
                left -= chunk.size
                yield chunk.astype(np.float64) * gain

    def _put(self, pieces: Iterable[FloatArray], scaled: bool = True) -> None:
        for piece in pieces:
            samples = piece / 32768.0 if scaled else piece
            self.meter.add(samples)
            self.peaks.add(samples)
            self.pcm.write(samples.astype("<f4").tobytes())
            self.samples += len(samples)

    def _restart(self) -> None:
        self.pcm.seek(self.offset)
        self.pcm.truncate()
        self.samples = 0
        self.meter = LoudnessMeter(SAMPLE_RATE)
        self.peaks = BlockPeaks()
        self.sentences = []


def encode(chunks: Iterable[FloatArray], piece: Path, ceiling_db: float) -> int:
    """A chapter's gained audio limited and encoded, its own LAME run, into ``piece``; returns
    how many MPEG frames it took."""
    write_mp3(limit_stream(chunks, SAMPLE_RATE, ceiling_db), piece)
    return count_frames(piece)


def _sounds_of(segment: SegmentAudio) -> Iterator[Sound]:
    """A whole segment's audio as one sound (voice samples, tests)."""
    audio = segment.audio.set_channels(1).set_sample_width(2)
    pcm = np.frombuffer(audio.raw_data, dtype="<i2")  # a view: no copy of the segment
    yield Sound(pcm, int(audio.frame_rate), segment.sentences)
