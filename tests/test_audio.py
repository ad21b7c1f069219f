"""Stage 5: assembly, loudness, encoding — on synthetic signals, so each property is exact."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile

from newsaudio.audio import (
    ENCODER_LEVEL_DB,
    SAMPLE_RATE,
    TARGET_LUFS,
    SegmentAudio,
    assemble,
    dual_mono_loudness,
    encode_mp3,
    to_segment,
    true_peak_db,
)
from newsaudio.engines.base import AudioChunk
from newsaudio.errors import AudioError


def _speechlike(seconds: float, rate: int = 22050, seed: int = 0) -> AudioChunk:
    """Noise bursts with silent gaps: a crest factor and gating behaviour like speech."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    envelope = (np.sin(np.arange(n) * 2 * np.pi * 3 / rate) > -0.2).astype(float)
    signal = rng.normal(0, 0.1, n) * envelope
    signal[:: rate // 50] = 0.95  # sharp peaks the limiter must catch
    return AudioChunk((signal * 32767).astype(np.int16), rate)


def _segments() -> list[SegmentAudio]:
    return [SegmentAudio(f"فصل {i}", to_segment(_speechlike(1.0 + i, seed=i))) for i in range(3)]


def test_chapters_tile_the_track() -> None:
    track = assemble(_segments(), pause_ms=500)
    starts = [c.start_ms for c in track.chapters]
    assert starts[0] == 0
    assert [c.end_ms for c in track.chapters[:-1]] == starts[1:]
    assert track.chapters[-1].end_ms == track.duration_ms
    # Segment 0 is 1 s, then a 0.5 s pause: segment 1 starts at 1.5 s.
    assert starts[1] == 1500
    assert starts[2] == 1500 + 2000 + 500
    assert track.sample_rate == SAMPLE_RATE


def test_loudness_and_true_peak() -> None:
    track = assemble(_segments(), pause_ms=300)
    # Mastered louder by the encoder's level loss, so the MP3 lands at -16.
    expected = TARGET_LUFS - ENCODER_LEVEL_DB
    assert dual_mono_loudness(track.samples, SAMPLE_RATE) == pytest.approx(expected, abs=0.5)
    assert true_peak_db(track.samples) <= -1.0
    decoded, rate = soundfile.read(io.BytesIO(encode_mp3(track)))
    assert dual_mono_loudness(decoded, rate) == pytest.approx(TARGET_LUFS, abs=0.5)


def test_mp3_is_mono_44k_cbr() -> None:
    track = assemble(_segments(), pause_ms=300)
    data, rate = soundfile.read(io.BytesIO(encode_mp3(track)))
    assert rate == 44100
    assert data.ndim == 1
    assert abs(len(data) / rate * 1000 - track.duration_ms) < 60


def test_silence_is_an_error() -> None:
    silent = AudioChunk(np.zeros(22050, dtype=np.int16), 22050)
    with pytest.raises(AudioError, match="silent"):
        assemble([SegmentAudio("x", to_segment(silent))], pause_ms=100)


def test_nothing_to_assemble() -> None:
    with pytest.raises(AudioError):
        assemble([], pause_ms=100)
