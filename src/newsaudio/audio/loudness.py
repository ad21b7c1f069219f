"""Loudness (ITU-R BS.1770-4) and true-peak limiting of a mono stream, one piece at a time.

Both work on a stream so an episode's memory follows a segment, not the article: the meter keeps
only one energy per 100 ms step, and the limiter holds a few milliseconds of context around each
chunk. Everything is numpy: scipy.signal alone takes two seconds to import, longer than the rest of
a render's set-up.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from functools import cache

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

FloatArray = npt.NDArray[np.float64]

DUAL_MONO_GAIN_DB = 3.0103  # 10*log10(2): a mono signal in both channels
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0
_STEPS_PER_BLOCK = 4  # 400 ms gating blocks overlapping by 75 %: four 100 ms steps each
# The K-weighting filter (two biquads) as an FIR: its impulse response is below 1e-10 after 4096
# taps at 44.1 kHz (the 38 Hz high-pass decays slowest), so the truncation is far below 0.001 LU.
_KW_TAPS = 4096
_FFT_SIZE = 32768  # overlap-add block: 28,673 new samples per FFT pair

_OVERSAMPLE = 4  # BS.1770 true-peak estimate: 4x oversampling at 44.1/48 kHz
_LOOKAHEAD_S = 0.005  # limiter attack: 5 ms of look-ahead keeps gain changes inaudible
_BLOCK = 32  # samples per limiter gain step: 0.7 ms at 44.1 kHz
# Context kept on each side of a limiter chunk, in blocks: a sample's gain depends on the peaks of
# the blocks within ±(1.5 × window + 2), ±11 at 44.1 kHz (minimum, moving average, ramp, FIR).
_CONTEXT_BLOCKS = 24


def _biquad(kind: str, gain_db: float, q: float, fc: float, rate: int) -> tuple[FloatArray, ...]:
    """RBJ cookbook biquad, as pyloudnorm designs BS.1770's two K-weighting stages for any rate."""
    a = 10 ** (gain_db / 40)
    w0 = 2 * np.pi * fc / rate
    alpha, cos = np.sin(w0) / (2 * q), np.cos(w0)
    if kind == "high_shelf":
        b = [
            a * ((a + 1) + (a - 1) * cos + 2 * np.sqrt(a) * alpha),
            -2 * a * ((a - 1) + (a + 1) * cos),
            a * ((a + 1) + (a - 1) * cos - 2 * np.sqrt(a) * alpha),
        ]
        den = [
            (a + 1) - (a - 1) * cos + 2 * np.sqrt(a) * alpha,
            2 * ((a - 1) - (a + 1) * cos),
            (a + 1) - (a - 1) * cos - 2 * np.sqrt(a) * alpha,
        ]
    else:  # high_pass
        b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
        den = [1 + alpha, -2 * cos, 1 - alpha]
    return np.array(b), np.array(den)


@cache
def _k_weighting_spectrum(rate: int) -> npt.NDArray[np.complex128]:
    """The K-weighting filter's truncated impulse response, as the overlap-add FFT multiplier."""
    z = np.exp(-2j * np.pi * np.arange(_FFT_SIZE // 2 + 1) / _FFT_SIZE)
    response = np.ones_like(z)
    for b, a in (
        _biquad("high_shelf", 4.0, 1 / np.sqrt(2), 1500.0, rate),
        _biquad("high_pass", 0.0, 0.5, 38.0, rate),
    ):
        response *= np.polyval(b[::-1], z) / np.polyval(a[::-1], z)
    impulse = np.fft.irfft(response, _FFT_SIZE)[:_KW_TAPS]
    return np.fft.rfft(impulse, _FFT_SIZE)


class LoudnessMeter:
    """Integrated loudness of a mono stream fed piece by piece (BS.1770-4, as pyloudnorm).

    The K-weighted signal is reduced to one energy per 100 ms step; the gated 400 ms blocks are
    sums of four steps, so the whole measurement needs 8 bytes per 100 ms of audio.
    """

    def __init__(self, sample_rate: int) -> None:
        self._spectrum = _k_weighting_spectrum(sample_rate)
        self._tail = np.zeros(_KW_TAPS - 1)  # filter output still owed to the next samples
        self._step = round(sample_rate / 10)
        self._partial = 0.0  # energy of the unfinished step
        self._partial_len = 0
        self._steps = array("d")  # 8 bytes per 100 ms step (a list of floats would take 32)

    def add(self, samples: FloatArray) -> None:
        """Feed the next samples of the stream."""
        hop = _FFT_SIZE - _KW_TAPS + 1
        for start in range(0, len(samples), hop):
            piece = samples[start : start + hop]
            out = np.fft.irfft(np.fft.rfft(piece, _FFT_SIZE) * self._spectrum, _FFT_SIZE)
            out = out[: len(piece) + _KW_TAPS - 1]
            out[: _KW_TAPS - 1] += self._tail
            self._tail = out[len(piece) :].copy()
            self._accumulate(out[: len(piece)])

    def _accumulate(self, weighted: FloatArray) -> None:
        squares = weighted * weighted
        first = min(len(squares), self._step - self._partial_len)
        self._partial += float(squares[:first].sum())
        self._partial_len += first
        if self._partial_len < self._step:
            return
        self._steps.append(self._partial)
        whole = (len(squares) - first) // self._step
        rest = squares[first + whole * self._step :]
        sums = squares[first : len(squares) - len(rest)].reshape(whole, self._step).sum(1)
        self._steps.frombytes(sums.astype(np.float64).tobytes())
        self._partial, self._partial_len = float(rest.sum()), len(rest)

    def state(self) -> tuple[FloatArray, float, int, int]:
        """Where the stream is: to go back to it with :meth:`restore`."""
        return self._tail.copy(), self._partial, self._partial_len, len(self._steps)

    def restore(self, state: tuple[FloatArray, float, int, int]) -> None:
        """Forget what was fed since :meth:`state` gave ``state``."""
        tail, self._partial, self._partial_len, steps = state
        self._tail = tail.copy()
        del self._steps[steps:]

    def steps(self) -> FloatArray:
        """The K-weighted energy of every whole 100 ms step fed so far: what the loudness of this
        stream is computed from, and of several streams, their steps one after the other."""
        return np.array(self._steps, dtype=np.float64)

    def integrated(self) -> float:
        """Gated integrated loudness in LUFS (mono); −inf when nothing passes the gates."""
        return integrated_loudness(self.steps(), self._step)


def integrated_loudness(steps: FloatArray, step: int) -> float:
    """Gated integrated loudness in LUFS (mono) of a stream's 100 ms step energies (``step``
    samples each, see :meth:`LoudnessMeter.steps`); −inf when nothing passes the gates."""
    if len(steps) < _STEPS_PER_BLOCK:
        return float("-inf")
    windows = sliding_window_view(steps, _STEPS_PER_BLOCK).sum(axis=1)
    energies = windows / (_STEPS_PER_BLOCK * step)
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(energies)
    gated = energies[block_lufs >= _ABSOLUTE_GATE_LUFS]
    if not gated.size:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(gated.mean()) + _RELATIVE_GATE_LU
    final = energies[(block_lufs > relative) & (block_lufs > _ABSOLUTE_GATE_LUFS)]
    return float(-0.691 + 10 * np.log10(final.mean()))


def dual_mono_loudness(samples: FloatArray, sample_rate: int) -> float:
    """Integrated loudness (LUFS) of a mono signal played on two speakers."""
    meter = LoudnessMeter(sample_rate)
    meter.add(samples)
    return meter.integrated() + DUAL_MONO_GAIN_DB


def _lowpass(numtaps: int, cutoff: float, window: FloatArray) -> FloatArray:
    """Windowed-sinc low-pass with unit DC gain; ``cutoff`` relative to Nyquist (scipy's firwin)."""
    m = np.arange(numtaps) - (numtaps - 1) / 2
    taps = cutoff * np.sinc(cutoff * m) * window
    return np.asarray(taps / taps.sum(), dtype=np.float64)


@cache
def _true_peak_phases() -> npt.NDArray[np.float32]:
    """The 4 polyphase branches of a 48-tap interpolation filter (BS.1770-4 annex 2 uses a
    48-tap, 4-phase FIR to estimate true peak at 4x oversampling)."""
    taps = _lowpass(48, 1 / _OVERSAMPLE, np.hamming(48)) * _OVERSAMPLE
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


def _block_gains(samples: FloatArray, sample_rate: int, ceiling: float) -> FloatArray:
    """The limiter's gain at the start of each block of ``samples``.

    The minimum of what the peaks need over ±window blocks, then a moving average of half that
    width: every block's gain is at or below what its peak needs, and it ramps over ~5 ms instead
    of jumping. Blocks within the context distance of either end are not valid.
    """
    peaks = block_true_peaks(samples, floor=ceiling)
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12)).astype(np.float64)
    window = max(2, int(_LOOKAHEAD_S * sample_rate / _BLOCK))
    padded = np.pad(needed, window, constant_values=1.0)
    lowest = sliding_window_view(padded, 2 * window + 1).min(axis=1)
    # Moving average over blocks [b - window//2, b + (window-1)//2], as scipy's uniform_filter1d.
    sums = np.cumsum(np.pad(lowest, (window // 2 + 1, (window - 1) // 2), mode="edge"))
    return np.asarray((sums[window:] - sums[:-window]) / window, dtype=np.float64)


def limit_stream(
    chunks: Iterable[FloatArray], sample_rate: int, ceiling_db: float
) -> Iterator[FloatArray]:
    """Look-ahead limiter over a stream: smooth gain reduction wherever the true peak tops the
    ceiling.

    Gain is computed per block of 32 samples (0.7 ms at 44.1 kHz), far finer than the 5 ms ramp, and
    interpolated linearly between blocks. Each chunk is processed with context on both sides and
    the stream is treated as preceded and followed by silence, so the output does not depend on
    how the stream is cut into chunks. Output lags the input by up to the context length.
    """
    ceiling = 10 ** (ceiling_db / 20)
    context = _CONTEXT_BLOCKS * _BLOCK
    history = np.zeros(context)  # samples already emitted, as left context
    pending = np.zeros(0)  # samples waiting for right context
    for chunk in chunks:
        pending = np.concatenate((pending, chunk))
        ready = (len(pending) - context) // _BLOCK * _BLOCK
        if ready <= 0:
            continue
        yield _limit_window(history, pending, ready, sample_rate, ceiling)
        history = np.concatenate((history, pending[:ready]))[-context:]
        pending = pending[ready:]
    if len(pending):  # the end: silence follows
        tail = np.concatenate((pending, np.zeros(context)))
        yield _limit_window(history, tail, len(pending), sample_rate, ceiling)


def _limit_window(
    history: FloatArray, pending: FloatArray, ready: int, sample_rate: int, ceiling: float
) -> FloatArray:
    """The first ``ready`` samples of ``pending``, limited, with ``history`` as left context."""
    window = np.concatenate((history, pending))
    gains = _block_gains(window, sample_rate, ceiling)
    first = len(history) // _BLOCK
    count = -(-ready // _BLOCK)
    gain = gains[first : first + count + 1]
    if gain.min() >= 1.0:
        return pending[:ready]
    # Linear ramp from each block's gain to the next one's, sample by sample.
    step = np.diff(gain)
    ramp = gain[:-1, None] + step[:, None] * (np.arange(_BLOCK) / _BLOCK)[None, :]
    return np.asarray(pending[:ready] * ramp.reshape(-1)[:ready], dtype=np.float64)


def limit(samples: FloatArray, sample_rate: int, ceiling_db: float) -> FloatArray:
    """The limiter on a whole signal at once (see :func:`limit_stream`)."""
    return np.concatenate([*limit_stream([samples], sample_rate, ceiling_db), np.zeros(0)])
