"""Stage 5: one episode's audio — assemble segments, normalize loudness, encode MP3, as a stream.

Memory follows one segment, not the article. Pass 1 takes the segments one at a time, resamples
each to 44.1 kHz, appends it (float32) to a scratch file beside the MP3 and feeds the loudness
meter. Pass 2 reads the scratch file back in chunks, applies the gain that brings the episode to
Apple's podcast norm, −16 LUFS integrated, runs the true-peak limiter (at most −1 dBTP) and feeds
LAME; when the limiter has much to do, a pass in between measures what it takes off, and the gain
makes up for it. A mono file is played on both speakers, so it is measured as dual-mono: the same
signal in two channels is 3.01 dB louder than on a plain mono meter (ffmpeg loudnorm's
``dual_mono``). MP3 is encoded with lameenc (LAME inside the wheel): no system ffmpeg or lame.
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from math import gcd
from pathlib import Path
from typing import Any, BinaryIO

import lameenc
import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from newsaudio.engines.base import AudioChunk
from newsaudio.errors import AudioError
from newsaudio.loudness import (
    DUAL_MONO_GAIN_DB,
    FloatArray,
    LoudnessMeter,
    limit_stream,
    true_peak_db,
)

with warnings.catch_warnings():
    # pydub warns at import when no ffmpeg is on PATH; we never ask it to decode or encode files.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

log = logging.getLogger(__name__)

SAMPLE_RATE = 44_100
BITRATE_KBPS = 96  # CBR mono: clean speech at a size podcast apps download quickly
TARGET_LUFS = -16.0  # integrated, as played on stereo (dual-mono)
# LAME (through lameenc, 96 kbps mono) plays back 0.45 dB quieter than its input: measured on a
# 1 kHz sine, white noise and the sample article, decoded with libsndfile and with dr_mp3. The
# track is mastered that much louder so the MP3 a listener gets sits at TARGET_LUFS.
ENCODER_LEVEL_DB = -0.45
# Limit a little under −1 dBTP: MP3 encoding adds small overshoots to true peaks.
TRUE_PEAK_CEILING_DB = -1.5
_CHUNK = 1 << 18  # samples per piece in both passes: 6 s at 44.1 kHz
_RESAMPLE_ROWS = 1 << 14
_MAKE_UP_ROUNDS = 3  # at most this many extra passes to make up for the limiter's loudness loss
_LOUDNESS_TOLERANCE_LU = 0.05
# Share of 32-sample blocks within reach of the ceiling above which limiting may cost loudness:
# the sample has 0.8 % (0.001 LU lost), a signal with a sharp peak every 20 ms 3.7 % (1.5 LU).
_HOT_BLOCK_SHARE = 0.02  # output samples per matrix product in the general resampler


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
class SentenceMark:
    """Where one sentence is heard in the episode, in milliseconds: the timing source of the
    captions, as :class:`ChapterMark` is of the chapters (both come from the same sample counts)."""

    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class ChapterMark:
    """Where a segment lies in the assembled track, in milliseconds."""

    title: str
    start_ms: int
    end_ms: int


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


@cache
def _resampling_filter(up: int, down: int) -> tuple[FloatArray, int]:
    """scipy's resample_poly filter: Kaiser-windowed (β = 5) sinc, 10 zero crossings per side,
    cut-off at the lower Nyquist frequency, gain ``up``; and its half length."""
    rate = max(up, down)
    half = 10 * rate
    m = np.arange(2 * half + 1) - half
    taps = np.sinc(m / rate) * np.kaiser(2 * half + 1, 5.0)
    return taps / taps.sum() * up, half


def resample(samples: FloatArray, rate_in: int, rate_out: int) -> FloatArray:
    """Polyphase resampling by the exact ratio, identical to ``scipy.signal.resample_poly``.

    Output sample n is centred on input time n·down/up: y[n] = Σₖ h[r + k·up]·x[q − k] with
    q, r = divmod(n·down + half, up). Outputs n ≡ n0 (mod up) share the phase r and step q by
    ``down``. Beyond both ends the input counts as silence.
    """
    if rate_in == rate_out:
        return samples
    g = gcd(rate_in, rate_out)
    up, down = rate_out // g, rate_in // g
    h, half = _resampling_filter(up, down)
    n_out = -(-len(samples) * up // down)
    y = np.zeros(n_out)
    if down == 1:  # upsampling by an integer (eSpeak NG's 22,050 Hz → 44,100 Hz): convolve
        for n0 in range(min(up, n_out)):
            q0, r = divmod(n0 + half, up)
            y[n0::up] = np.convolve(samples, h[r::up])[q0 : q0 + len(range(n0, n_out, up))]
        return y
    # Otherwise only every down-th output of each phase's convolution is needed: gather those rows.
    taps = -(-len(h) // up)
    phases = np.pad(h, (0, taps * up - len(h))).reshape(taps, up).T[:, ::-1]  # h[r::up], reversed
    q_last = ((n_out - 1) * down + half) // up
    padded = np.concatenate(
        (np.zeros(taps - 1), samples, np.zeros(max(0, q_last + 1 - len(samples))))
    )
    rows = sliding_window_view(padded, taps)  # rows[q] = x[q - taps + 1 .. q]
    for n0 in range(min(up, n_out)):
        q0, r = divmod(n0 * down + half, up)
        count = len(range(n0, n_out, up))
        for j in range(0, count, _RESAMPLE_ROWS):
            jj = min(count - j, _RESAMPLE_ROWS)
            start = q0 + j * down
            y[n0 + j * up :: up][:jj] = rows[start : start + jj * down : down] @ phases[r]
    return y


def resample_chunks(
    samples: npt.NDArray[Any], rate_in: int, rate_out: int, chunk: int = _CHUNK
) -> Iterator[FloatArray]:
    """:func:`resample` of ``samples`` (any numeric type), about ``chunk`` output samples at a
    time: memory follows the chunk, and the concatenated output equals the one-piece result.

    Each piece starts at an input sample that maps exactly to an output sample (a multiple of
    ``down``) and carries enough input on both sides for the filter.
    """
    g = gcd(rate_in, rate_out)
    up, down = rate_out // g, rate_in // g
    context = -(-(2 * 10 * max(up, down) // up + 2) // down) * down  # filter taps, in whole downs
    block = max(1, chunk // up) * up  # outputs per piece: whole phase cycles
    n_out = -(-len(samples) * up // down)
    for first in range(0, n_out, block):
        start = first // up * down
        lo = max(0, start - context)
        piece = np.asarray(samples[lo : start + block // up * down + context], dtype=np.float64)
        skip = (start - lo) * up // down
        yield resample(piece, rate_in, rate_out)[skip : skip + min(block, n_out - first)]


def _float_chunks(audio: AudioSegment) -> Iterator[FloatArray]:
    """A pydub segment as mono floats in −1..1 at 44.1 kHz, a few seconds at a time."""
    audio = audio.set_channels(1).set_sample_width(2)
    pcm = np.frombuffer(audio.raw_data, dtype="<i2")  # a view: no copy of the segment
    for piece in resample_chunks(pcm, int(audio.frame_rate), SAMPLE_RATE):
        yield piece / 32768.0


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

    def share_over(self, level_db: float) -> float:
        """The share of blocks whose peak is above ``level_db`` (to the bin)."""
        total = int(self.counts.sum())
        over = int(self.counts[np.searchsorted(self._EDGES, level_db) :].sum())
        return over / total if total else 0.0


def master_mp3(segments: Iterable[SegmentAudio], pause_ms: int, mp3_path: Path) -> MasteredAudio:
    """Join segments with pauses, normalize loudness, limit and encode to ``mp3_path``.

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
        limited = limit_stream(_read_scaled(scratch, gain), SAMPLE_RATE, TRUE_PEAK_CEILING_DB)
        total = write_mp3(_debug_metered(limited), mp3_path)
    finally:
        scratch.unlink(missing_ok=True)
    total_ms = round(total * 1000 / SAMPLE_RATE)
    bounds = [round(s * 1000 / SAMPLE_RATE) for s in starts] + [total_ms]
    chapters = tuple(ChapterMark(t, bounds[i], bounds[i + 1]) for i, t in enumerate(titles))
    return MasteredAudio(chapters, total_ms, loudness, tuple(sentences))


def _write_stream(
    segments: Iterable[SegmentAudio], pause_ms: int, pcm: BinaryIO
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
        # Resampling keeps time: a sentence's offset in the segment scales with the rate.
        offset_ms, rate = position * 1000 / SAMPLE_RATE, segment.audio.frame_rate
        sentences += [
            SentenceMark(
                s.text,
                round(offset_ms + s.start * 1000 / rate),
                round(offset_ms + s.end * 1000 / rate),
            )
            for s in segment.sentences
        ]
        for samples in _float_chunks(segment.audio):
            position += _append(samples, pcm, meter)
            peaks.add(samples)
    if not titles:
        raise AudioError("nothing to assemble: the script has no segments")
    if not peaks.heard:
        raise AudioError("the synthesized audio is silent")
    return titles, starts, sentences, peaks, meter


def _append(samples: FloatArray, pcm: BinaryIO, meter: LoudnessMeter) -> int:
    meter.add(samples)
    pcm.write(samples.astype("<f4").tobytes())
    return len(samples)


def _read_scaled(scratch: Path, gain: float) -> Iterator[FloatArray]:
    """Pass 2's input: the scratch file in chunks, times ``gain``."""
    with scratch.open("rb") as pcm:
        while (chunk := np.fromfile(pcm, dtype="<f4", count=_CHUNK)).size:
            yield chunk.astype(np.float64) * gain


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


def write_mp3(chunks: Iterable[FloatArray], path: Path) -> int:
    """Encode float samples (44.1 kHz mono) to ``path``: MP3, constant bitrate. Returns the number
    of samples encoded."""
    try:
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(BITRATE_KBPS)
        encoder.set_in_sample_rate(SAMPLE_RATE)
        encoder.set_channels(1)
        # LAME -q3 (its default): the same error as -q2 on our speech (25.3 vs 25.2 dB SNR,
        # measured on the sample) in 60 % of the time; the encoder was half of a render.
        encoder.set_quality(3)
        total = 0
        with path.open("wb") as out:
            for chunk in chunks:
                pcm = np.clip(np.round(chunk * 32767), -32768, 32767).astype("<i2")
                out.write(encoder.encode(pcm.tobytes()))
                total += len(pcm)
            out.write(encoder.flush())
    except RuntimeError as exc:
        raise AudioError(f"MP3 encoding failed ({exc})") from exc
    return total
