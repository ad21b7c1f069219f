"""Mastering: one episode's audio — assemble segments, normalize loudness, encode MP3, as a stream.

Memory follows one sentence, not the segment or the article. Pass 1 takes each segment as a stream
of sounds (a sentence as spoken, a pause, a chime: :class:`SegmentStream`), resamples them to
44.1 kHz as they come (:class:`StreamResampler`, a few seconds held), appends them (float32) to a
scratch file beside the MP3 and feeds the loudness meter; chapter and sentence times are counted
on the way. Pass 2 reads the scratch file back in chunks, applies the gain that brings the episode
to Apple's podcast norm, −16 LUFS integrated, runs the true-peak limiter (at most −1 dBTP) and feeds
LAME; when the limiter has much to do, a pass in between measures what it takes off, and the gain
makes up for it. A mono file is played on both speakers, so it is measured as dual-mono: the same
signal in two channels is 3.01 dB louder than on a plain mono meter (ffmpeg loudnorm's
``dual_mono``). MP3 is encoded with lameenc (LAME inside the wheel): no system ffmpeg or lame.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from newsaudio.audio.loudness import (
    DUAL_MONO_GAIN_DB,
    FloatArray,
    LoudnessMeter,
    limit_stream,
    true_peak_db,
)
from newsaudio.audio.mp3 import SAMPLE_RATE, write_mp3
from newsaudio.audio.resample import StreamResampler
from newsaudio.audio.segments import (
    ChapterMark,
    MasteredAudio,
    Restart,
    SegmentAudio,
    SegmentStream,
    SentenceMark,
    Sound,
)
from newsaudio.errors import AudioError

log = logging.getLogger(__name__)

TARGET_LUFS = -16.0  # integrated, as played on stereo (dual-mono)
# LAME (through lameenc, 96 kbps mono) plays back 0.45 dB quieter than its input: measured on a
# 1 kHz sine, white noise and the sample article, decoded with libsndfile and with dr_mp3. The
# track is mastered that much louder so the MP3 a listener gets sits at TARGET_LUFS.
ENCODER_LEVEL_DB = -0.45
# Limit a little under −1 dBTP: MP3 encoding adds small overshoots to true peaks.
TRUE_PEAK_CEILING_DB = -1.5
_CHUNK = 1 << 18  # samples per piece of pass 2: 6 s at 44.1 kHz
_MAKE_UP_ROUNDS = 3  # at most this many extra passes to make up for the limiter's loudness loss
_LOUDNESS_TOLERANCE_LU = 0.05
# Share of 32-sample blocks within reach of the ceiling above which limiting may cost loudness:
# the sample has 0.8 % (0.001 LU lost), a signal with a sharp peak every 20 ms 3.7 % (1.5 LU).
_HOT_BLOCK_SHARE = 0.02


class BlockPeaks:
    """How many 32-sample blocks peak at each level (0.5 dB bins): enough to tell, at any gain,
    how much of the stream the limiter will touch, in a few hundred counters."""

    _EDGES = np.arange(-120.0, 12.5, 0.5)

    def __init__(self) -> None:
        self.counts = np.zeros(len(self._EDGES) + 1, dtype=np.int64)
        self.heard = False

    def add(self, samples: FloatArray) -> None:
        blocks = np.abs(samples[: len(samples) // 32 * 32]).reshape(-1, 32).max(axis=1)
        self.heard = self.heard or bool(np.any(samples))
        levels = 20 * np.log10(np.maximum(blocks, 1e-9))
        self.counts += np.bincount(np.searchsorted(self._EDGES, levels), minlength=len(self.counts))

    def state(self) -> tuple[npt.NDArray[np.int64], bool]:
        return self.counts.copy(), self.heard

    def restore(self, state: tuple[npt.NDArray[np.int64], bool]) -> None:
        self.counts, self.heard = state[0].copy(), state[1]

    def share_over(self, level_db: float) -> float:
        """The share of blocks whose peak is above ``level_db`` (to the bin)."""
        total = int(self.counts.sum())
        over = int(self.counts[np.searchsorted(self._EDGES, level_db) :].sum())
        return over / total if total else 0.0


def master_mp3(
    segments: Iterable[SegmentStream | SegmentAudio],
    pause_ms: int,
    mp3_path: Path,
    progress: Callable[[int, int], None] | None = None,
) -> MasteredAudio:
    """Join segments with pauses, normalize loudness, limit and encode to ``mp3_path``;
    ``progress(done, total)`` is told the seconds encoded (the pass after speech).

    Segments may come at any sample rate: each is resampled to 44.1 kHz on its own, which cannot
    click at the joins because segments meet in silence. Chapter times come from sample counts: each
    chapter runs from its segment's first sample to the next segment's first sample (the pause after
    a segment belongs to it), so the first starts at 0 and the last ends with the track. The
    scratch file lives beside ``mp3_path`` and is removed whatever happens.
    """
    fd, name = tempfile.mkstemp(prefix=f".{mp3_path.name}.", suffix=".f32", dir=mp3_path.parent)
    scratch = Path(name)
    try:
        with os.fdopen(fd, "wb") as pcm:
            titles, starts, sentences, peaks, meter = _write_stream(segments, pause_ms, pcm)
        loudness = meter.integrated() + DUAL_MONO_GAIN_DB
        if not np.isfinite(loudness):
            raise AudioError("the synthesized audio is too quiet to measure")
        target = TARGET_LUFS - ENCODER_LEVEL_DB
        gain = 10 ** ((target - loudness) / 20)
        for _ in range(_MAKE_UP_ROUNDS):
            # True peak can exceed a block's sample peak by up to ~3 dB; when only a few blocks
            # can reach the ceiling, as in speech, limiting costs under 0.01 LU: nothing to make up.
            reach = TRUE_PEAK_CEILING_DB - 3.0 - 20 * np.log10(gain)
            if peaks.share_over(reach) < _HOT_BLOCK_SHARE:
                break
            # What the limiter takes off lowers the loudness: measure the limited stream and make
            # up for it (sharp, dense peaks may need more than one round).
            shortfall = target - _limited_loudness(scratch, gain)
            if abs(shortfall) < _LOUDNESS_TOLERANCE_LU:
                break
            gain *= 10 ** (shortfall / 20)
        scaled = _read_scaled(scratch, gain)
        if progress:
            scaled = _reported(scaled, scratch.stat().st_size // 4, progress)
        limited = limit_stream(scaled, SAMPLE_RATE, TRUE_PEAK_CEILING_DB)
        total = write_mp3(_debug_metered(limited), mp3_path)
    finally:
        scratch.unlink(missing_ok=True)
    total_ms = round(total * 1000 / SAMPLE_RATE)
    bounds = [round(s * 1000 / SAMPLE_RATE) for s in starts] + [total_ms]
    chapters = tuple(ChapterMark(t, bounds[i], bounds[i + 1]) for i, t in enumerate(titles))
    return MasteredAudio(chapters, total_ms, loudness, tuple(sentences))


def _write_stream(
    segments: Iterable[SegmentStream | SegmentAudio], pause_ms: int, pcm: BinaryIO
) -> tuple[list[str], list[int], list[SentenceMark], BlockPeaks, LoudnessMeter]:
    """Pass 1: segments and pauses to the scratch file, measured on the way (chapter titles and
    starts, sentence times, block peak levels, loudness meter)."""
    meter = LoudnessMeter(SAMPLE_RATE)
    silence = np.zeros(round(pause_ms * SAMPLE_RATE / 1000))
    titles: list[str] = []
    starts: list[int] = []
    sentences: list[SentenceMark] = []
    position = 0
    peaks = BlockPeaks()
    for segment in segments:
        if titles:
            position += _append(silence, pcm, meter)
        titles.append(segment.title)
        starts.append(position)
        sounds = segment.sounds if isinstance(segment, SegmentStream) else _sounds_of(segment)
        position += _write_segment(sounds, position, pcm, meter, peaks, sentences)
        del segment, sounds  # a whole SegmentAudio is not kept while the next one is made
    if not titles:
        raise AudioError("nothing to assemble: the script has no segments")
    if not peaks.heard:
        raise AudioError("the synthesized audio is silent")
    return titles, starts, sentences, peaks, meter


_FEED = 1 << 17  # input samples handed to the resampler at a time


def _write_segment(
    sounds: Iterable[Sound | Restart],
    start: int,
    pcm: BinaryIO,
    meter: LoudnessMeter,
    peaks: BlockPeaks,
    sentences: list[SentenceMark],
) -> int:
    """One segment's sounds, resampled to 44.1 kHz on their own as they come (segments meet in
    silence, so they cannot click at the joins) and appended; its sentences' times appended to
    ``sentences``. A :data:`RESTART` rolls the file, the meters and the times back to where the
    segment began. Returns the samples written."""
    checkpoint = pcm.tell(), len(sentences), meter.state(), peaks.state()
    # Resampling keeps time: a sentence's offset in the segment scales with the rate.
    offset_ms = start * 1000 / SAMPLE_RATE
    written = fed = 0
    resampler: StreamResampler | None = None

    def put(pieces: list[FloatArray]) -> None:
        nonlocal written
        for piece in pieces:
            samples = piece / 32768.0
            written += _append(samples, pcm, meter)
            peaks.add(samples)

    for sound in sounds:
        if isinstance(sound, Restart):
            pcm.seek(checkpoint[0])
            pcm.truncate()
            del sentences[checkpoint[1] :]
            meter.restore(checkpoint[2])
            peaks.restore(checkpoint[3])
            written = fed = 0
            resampler = None
            continue
        rate = sound.sample_rate
        if resampler is None:
            resampler = StreamResampler(rate, SAMPLE_RATE)
        elif rate != resampler.rate_in:
            raise AudioError(f"a segment's sounds came at {resampler.rate_in} and {rate} Hz")
        sentences += [
            SentenceMark(
                s.text,
                round(offset_ms + (fed + s.start) * 1000 / rate),
                round(offset_ms + (fed + s.end) * 1000 / rate),
            )
            for s in sound.sentences
        ]
        for i in range(0, len(sound.samples), _FEED):
            put(resampler.feed(sound.samples[i : i + _FEED]))
        fed += len(sound.samples)
    if resampler is not None:
        put(resampler.finish())
    return written


def _sounds_of(segment: SegmentAudio) -> Iterator[Sound]:
    """A whole segment's audio as one sound (voice samples, tests)."""
    audio = segment.audio.set_channels(1).set_sample_width(2)
    pcm = np.frombuffer(audio.raw_data, dtype="<i2")  # a view: no copy of the segment
    yield Sound(pcm, int(audio.frame_rate), segment.sentences)


def _append(samples: FloatArray, pcm: BinaryIO, meter: LoudnessMeter) -> int:
    meter.add(samples)
    pcm.write(samples.astype("<f4").tobytes())
    return len(samples)


def _read_scaled(scratch: Path, gain: float) -> Iterator[FloatArray]:
    """Pass 2's input: the scratch file in chunks, times ``gain``."""
    with scratch.open("rb") as pcm:
        while (chunk := np.fromfile(pcm, dtype="<f4", count=_CHUNK)).size:
            yield chunk.astype(np.float64) * gain


def _reported(
    chunks: Iterator[FloatArray], total: int, progress: Callable[[int, int], None]
) -> Iterator[FloatArray]:
    """``chunks`` unchanged, telling ``progress`` the seconds of the ``total`` samples read."""
    done = 0
    for chunk in chunks:
        yield chunk
        done += len(chunk)
        progress(done // SAMPLE_RATE, total // SAMPLE_RATE)


def _limited_loudness(scratch: Path, gain: float) -> float:
    """Dual-mono loudness of the scratch file times ``gain``, limited."""
    meter = LoudnessMeter(SAMPLE_RATE)
    for chunk in limit_stream(_read_scaled(scratch, gain), SAMPLE_RATE, TRUE_PEAK_CEILING_DB):
        meter.add(chunk)
    return meter.integrated() + DUAL_MONO_GAIN_DB


def _debug_metered(chunks: Iterable[FloatArray]) -> Iterator[FloatArray]:
    """The chunks unchanged; with debug logging on, the result's loudness and peak are logged."""
    if not log.isEnabledFor(logging.DEBUG):
        yield from chunks
        return
    meter, peak = LoudnessMeter(SAMPLE_RATE), float("-inf")
    for chunk in chunks:
        meter.add(chunk)
        peak = max(peak, true_peak_db(chunk))
        yield chunk
    log.debug(
        "loudness %.2f LUFS (dual-mono), true peak %.2f dBTP",
        meter.integrated() + DUAL_MONO_GAIN_DB,
        peak,
    )
