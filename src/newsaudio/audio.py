"""Stage 5: one episode's audio — assemble segments, normalize loudness, encode MP3.

Assembly uses pydub for joining speech and silences; loudness is measured with pyloudnorm
(ITU-R BS.1770-4) and brought to Apple's podcast norm, −16 LUFS integrated with true peak at most
−1 dBTP. A mono file is played on both speakers, so it is measured as dual-mono: the same signal in
two channels is 3.01 dB louder than on a plain mono meter (ffmpeg loudnorm's ``dual_mono``). MP3 is
encoded with lameenc (LAME inside the wheel): no system ffmpeg or lame is needed.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from math import gcd

import lameenc
import numpy as np
import numpy.typing as npt
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, resample_poly

from newsaudio.engines.base import AudioChunk
from newsaudio.errors import AudioError

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
DUAL_MONO_GAIN_DB = 3.0103  # 10*log10(2): a mono signal in both channels
# Limit a little under −1 dBTP: MP3 encoding adds small overshoots to true peaks.
TRUE_PEAK_CEILING_DB = -1.5
_OVERSAMPLE = 4  # BS.1770 true-peak estimate: 4x oversampling at 44.1/48 kHz
_LOOKAHEAD_S = 0.005  # limiter attack: 5 ms of look-ahead keeps gain changes inaudible
_BLOCK = 32  # samples per limiter gain step: 0.7 ms at 44.1 kHz

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SegmentAudio:
    """A segment's speech (pauses between its sentences and blocks included)."""

    title: str
    audio: AudioSegment


@dataclass(frozen=True)
class ChapterMark:
    """Where a segment lies in the assembled track, in milliseconds."""

    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Track:
    """The assembled, loudness-normalized episode audio (mono float, −1..1)."""

    samples: FloatArray
    sample_rate: int
    chapters: tuple[ChapterMark, ...]

    @property
    def duration_ms(self) -> int:
        return round(len(self.samples) * 1000 / self.sample_rate)


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


def assemble(segments: list[SegmentAudio], pause_ms: int) -> Track:
    """Join segments with pauses, resample to 44.1 kHz, normalize loudness.

    Chapter times come from the sample counts of the joined audio: each chapter runs from its
    segment's first sample to the next segment's first sample (the pause after a segment belongs to
    it), so the first starts at 0 and the last ends with the track.
    """
    if not segments:
        raise AudioError("nothing to assemble: the script has no segments")
    frame_rate = segments[0].audio.frame_rate
    silence = AudioSegment.silent(duration=pause_ms, frame_rate=frame_rate)
    starts: list[int] = []
    pieces: list[AudioSegment] = []
    position = 0
    for i, segment in enumerate(segments):
        audio = segment.audio.set_channels(1)
        if audio.frame_rate != frame_rate:
            raise AudioError(
                f"segment {segment.title!r}: sample rate {audio.frame_rate} Hz differs from "
                f"{frame_rate} Hz"
            )
        if i:
            pieces.append(silence)
            position += int(silence.frame_count())
        starts.append(position)
        pieces.append(audio)
        position += int(audio.frame_count())
    joined: AudioSegment = sum(pieces[1:], pieces[0])
    pcm = np.array(joined.get_array_of_samples(), dtype=np.float64) / 32768.0
    samples = resample(pcm, frame_rate, SAMPLE_RATE)
    samples = normalize_loudness(samples, SAMPLE_RATE, TARGET_LUFS - ENCODER_LEVEL_DB)
    total_ms = round(len(samples) * 1000 / SAMPLE_RATE)
    bounds = [round(s * 1000 / frame_rate) for s in starts] + [total_ms]
    chapters = tuple(
        ChapterMark(seg.title, bounds[i], bounds[i + 1]) for i, seg in enumerate(segments)
    )
    return Track(samples, SAMPLE_RATE, chapters)


def resample(samples: FloatArray, rate_in: int, rate_out: int) -> FloatArray:
    """Polyphase resampling (exact ratio; eSpeak NG's 22,050 Hz doubles to 44,100 Hz)."""
    if rate_in == rate_out:
        return samples
    g = gcd(rate_in, rate_out)
    return np.asarray(resample_poly(samples, rate_out // g, rate_in // g), dtype=np.float64)


def dual_mono_loudness(samples: FloatArray, sample_rate: int) -> float:
    """Integrated loudness (LUFS) of a mono signal played on two speakers."""
    meter = pyloudnorm.Meter(sample_rate)
    return float(meter.integrated_loudness(samples)) + DUAL_MONO_GAIN_DB


@cache
def _true_peak_phases() -> FloatArray:
    """The 4 polyphase branches of a 48-tap interpolation filter (BS.1770-4 annex 2 uses a
    48-tap, 4-phase FIR to estimate true peak at 4x oversampling)."""
    taps = firwin(48, 1 / _OVERSAMPLE) * _OVERSAMPLE
    return np.asarray(taps.reshape(-1, _OVERSAMPLE).T, dtype=np.float32)


def block_true_peaks(samples: FloatArray, floor: float = 0.0) -> npt.NDArray[np.float32]:
    """True peak of each block of ``_BLOCK`` samples, estimated by 4x oversampling.

    Oversampling is done only where it can matter: a band-limited signal's true peak exceeds its
    sample peak by a few dB at most, so blocks whose sample peak is under ``floor`` / 2 (6 dB below)
    keep their sample peak. On speech that skips most of the signal.
    """
    x = np.pad(samples.astype(np.float32), (0, -len(samples) % _BLOCK))
    peaks: npt.NDArray[np.float32] = np.abs(x).reshape(-1, _BLOCK).max(axis=1)
    candidates = peaks * 2 > floor
    if not candidates.any():
        return peaks
    # Runs of candidate blocks, each widened by one block of filter context on both sides.
    edges = np.flatnonzero(np.diff(np.concatenate(([0], candidates.astype(np.int8), [0]))))
    phases = _true_peak_phases()
    delay = phases.shape[1] // 2  # align each branch's group delay with the input
    for first, last in zip(edges[::2], edges[1::2], strict=True):
        lo, hi = max(0, (first - 1) * _BLOCK), min(len(x), (last + 1) * _BLOCK)
        stretch = x[lo:hi]
        envelope = np.abs(stretch)
        for phase in phases:
            branch = np.convolve(stretch, phase)[delay : delay + len(stretch)]
            np.maximum(envelope, np.abs(branch), out=envelope)
        block_lo = lo // _BLOCK
        peaks[block_lo : block_lo + len(envelope) // _BLOCK] = envelope.reshape(-1, _BLOCK).max(1)
    return peaks


def true_peak_db(samples: FloatArray) -> float:
    """True peak in dBTP, estimated by 4x oversampling (ITU-R BS.1770-4 annex 2)."""
    peak = float(block_true_peaks(samples).max()) if samples.size else 0.0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def limit(samples: FloatArray, sample_rate: int, ceiling_db: float) -> FloatArray:
    """Look-ahead peak limiter: smooth gain reduction wherever the true peak tops the ceiling.

    Gain is computed per block of 32 samples (0.7 ms at 44.1 kHz), far finer than the 5 ms ramp, and
    interpolated linearly between blocks.
    """
    ceiling = 10 ** (ceiling_db / 20)
    peaks = block_true_peaks(samples, floor=ceiling)
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if needed.min() >= 1.0:
        return samples
    window = max(2, int(_LOOKAHEAD_S * sample_rate / _BLOCK))
    # The minimum over ±window blocks, then a moving average of half that width: every block's
    # gain is at or below what its peak needs, and it ramps over ~5 ms instead of jumping.
    gain = uniform_filter1d(minimum_filter1d(needed, 2 * window + 1), window)
    # Linear ramp from each block's gain to the next one's, sample by sample.
    step = np.diff(gain, append=gain[-1])
    ramp = gain[:, None] + step[:, None] * (np.arange(_BLOCK) / _BLOCK)[None, :]
    return np.asarray(samples * ramp.reshape(-1)[: len(samples)], dtype=np.float64)


def normalize_loudness(
    samples: FloatArray, sample_rate: int, target_lufs: float = TARGET_LUFS
) -> FloatArray:
    """Bring the signal to ``target_lufs`` (dual-mono) with true peak ≤ the ceiling.

    Limiting removes a little loudness, so gain and limiter run twice; speech converges at once.
    """
    if not np.any(samples):
        raise AudioError("the synthesized audio is silent")
    for _ in range(2):
        loudness = dual_mono_loudness(samples, sample_rate)
        if not np.isfinite(loudness):
            raise AudioError("the synthesized audio is too quiet to measure")
        samples = samples * 10 ** ((target_lufs - loudness) / 20)
        samples = limit(samples, sample_rate, TRUE_PEAK_CEILING_DB)
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "loudness %.2f LUFS (dual-mono), true peak %.2f dBTP",
            dual_mono_loudness(samples, sample_rate),
            true_peak_db(samples),
        )
    return samples


def encode_mp3(track: Track) -> bytes:
    """MP3, mono, 44.1 kHz, constant bitrate."""
    pcm = np.clip(np.round(track.samples * 32767), -32768, 32767).astype("<i2")
    try:
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(BITRATE_KBPS)
        encoder.set_in_sample_rate(track.sample_rate)
        encoder.set_channels(1)
        encoder.set_quality(2)  # LAME -q2: near-best quality, still fast for speech
        return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())
    except RuntimeError as exc:
        raise AudioError(f"MP3 encoding failed ({exc})") from exc
