"""Resampling to the episode's rate, in one piece or in bounded pieces (identical results)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from math import gcd
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from newsaudio.audio.loudness import FloatArray

_CHUNK = 1 << 18  # output samples per piece: 6 s at 44.1 kHz
_RESAMPLE_ROWS = 1 << 14  # output samples per matrix product in the general resampler


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


class StreamResampler:
    """:func:`resample_chunks` of a stream that comes in pieces of any size: the same output
    pieces (about ``chunk`` samples each) come out, identical to resampling the whole stream at
    once, while only about one output piece's worth of input is held."""

    def __init__(self, rate_in: int, rate_out: int, chunk: int = _CHUNK) -> None:
        g = gcd(rate_in, rate_out)
        self.rate_in, self.rate_out = rate_in, rate_out
        self._up, self._down = rate_out // g, rate_in // g
        up, down = self._up, self._down
        self._context = -(-(2 * 10 * max(up, down) // up + 2) // down) * down
        self._block = max(1, chunk // up) * up  # outputs per piece: whole phase cycles
        self._buffer: FloatArray = np.zeros(0)
        self._buffer_at = 0  # input index of _buffer[0]
        self._received = 0  # input samples so far
        self._first = 0  # the next output sample to emit

    def _start(self) -> int:
        return self._first // self._up * self._down  # the input sample the next piece starts at

    def _piece(self, end: int, count: int) -> FloatArray:
        start = self._start()
        lo = max(0, start - self._context)
        piece = self._buffer[lo - self._buffer_at : end - self._buffer_at]
        skip = (start - lo) * self._up // self._down
        self._first += count
        return resample(piece, self.rate_in, self.rate_out)[skip : skip + count]

    def feed(self, samples: npt.NDArray[Any]) -> list[FloatArray]:
        """Take the next input samples; returns the output pieces they complete."""
        self._buffer = np.concatenate((self._buffer, np.asarray(samples, dtype=np.float64)))
        self._received += len(samples)
        pieces = []
        while (end := self._start() + self._block // self._up * self._down + self._context) <= (
            self._received
        ):
            pieces.append(self._piece(end, self._block))
        keep = max(0, self._start() - self._context)
        if keep > self._buffer_at:
            self._buffer = self._buffer[keep - self._buffer_at :]
            self._buffer_at = keep
        return pieces

    def finish(self) -> list[FloatArray]:
        """The rest of the output: the stream ends here (silence after it)."""
        n_out = -(-self._received * self._up // self._down)
        pieces = []
        while self._first < n_out:
            pieces.append(self._piece(self._received, min(self._block, n_out - self._first)))
        self._buffer = np.zeros(0)
        return pieces
