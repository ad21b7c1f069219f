"""Stage 5: assembly, loudness, encoding — on synthetic signals, so each property is exact, and on
the sample, against the in-memory reference (pydub, scipy, pyloudnorm) that streaming replaced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile
from pydub import AudioSegment
from scipy.signal import resample_poly

from newsaudio.audio.loudness import (
    DUAL_MONO_GAIN_DB,
    LoudnessMeter,
    dual_mono_loudness,
    limit,
    limit_stream,
    true_peak_db,
)
from newsaudio.audio.master import TARGET_LUFS, master_mp3
from newsaudio.audio.mp3 import SAMPLE_RATE
from newsaudio.audio.resample import StreamResampler, resample, resample_chunks
from newsaudio.audio.segments import (
    RESTART,
    AudioChunk,
    Restart,
    SegmentAudio,
    SegmentStream,
    SentenceSpan,
    Sound,
    to_segment,
)
from newsaudio.config import Config
from newsaudio.errors import AudioError
from newsaudio.pipeline import prepare_article
from newsaudio.speech.synthesis import Cast, synthesize_segment
from newsaudio.speech.voices import load_voice

from .conftest import SAMPLE

HALF_FRAME_MS = 13.1  # an MPEG-1 Layer III frame is 1152 samples: 26.1 ms at 44.1 kHz


def _speechlike(seconds: float, rate: int = 22050, seed: int = 0) -> AudioChunk:
    """Noise bursts with silent gaps: a crest factor and gating behaviour like speech."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    envelope = (np.sin(np.arange(n) * 2 * np.pi * 3 / rate) > -0.2).astype(float)
    signal = rng.normal(0, 0.1, n) * envelope
    signal[:: rate // 50] = 0.95  # sharp peaks the limiter must catch
    return AudioChunk((signal * 32767).astype(np.int16), rate)


def _segments(rates: tuple[int, ...] = (22050, 22050, 22050)) -> list[SegmentAudio]:
    return [
        SegmentAudio(f"فصل {i}", to_segment(_speechlike(1.0 + i, rate, seed=i)))
        for i, rate in enumerate(rates)
    ]


def _chunks(samples: np.ndarray, seed: int) -> list[np.ndarray]:
    """``samples`` cut at random places, some pieces tiny."""
    cuts = np.sort(np.random.default_rng(seed).integers(0, len(samples), 40))
    return np.split(samples, cuts)


def test_chapters_tile_the_track(tmp_path: Path) -> None:
    mastered = master_mp3(_segments(), 500, tmp_path / "x.mp3")
    starts = [c.start_ms for c in mastered.chapters]
    assert starts[0] == 0
    assert [c.end_ms for c in mastered.chapters[:-1]] == starts[1:]
    assert mastered.chapters[-1].end_ms == mastered.duration_ms
    # Segment 0 is 1 s, then a 0.5 s pause: segment 1 starts at 1.5 s — to half an MPEG frame,
    # as each chapter is a whole number of frames (its own LAME run).
    assert starts[1] == pytest.approx(1500, abs=HALF_FRAME_MS)
    assert starts[2] == pytest.approx(1500 + 2000 + 500, abs=2 * HALF_FRAME_MS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.mp3"]  # no scratch file left


def test_segments_at_different_rates_are_resampled(tmp_path: Path) -> None:
    mastered = master_mp3(_segments((22050, 24000, 16000)), 500, tmp_path / "x.mp3")
    starts = [c.start_ms for c in mastered.chapters]
    assert starts == pytest.approx([0, 1500, 4000], abs=2 * HALF_FRAME_MS)
    # The last chapter has no pause to take its LAME run's delay and padding: up to two frames.
    assert 4000 + 3000 <= mastered.duration_ms - starts[2] + 4000 <= 4000 + 3000 + 53
    data, rate = soundfile.read(tmp_path / "x.mp3")
    assert rate == SAMPLE_RATE
    assert abs(len(data) / rate * 1000 - mastered.duration_ms) < 60


def test_loudness_and_true_peak(tmp_path: Path) -> None:
    master_mp3(_segments(), 300, tmp_path / "x.mp3")
    decoded, rate = soundfile.read(tmp_path / "x.mp3")
    assert dual_mono_loudness(decoded, rate) == pytest.approx(TARGET_LUFS, abs=0.5)
    assert true_peak_db(decoded) <= -1.0


def test_mp3_is_mono_44k_cbr(tmp_path: Path) -> None:
    mastered = master_mp3(_segments(), 300, tmp_path / "x.mp3")
    data, rate = soundfile.read(tmp_path / "x.mp3")
    assert rate == 44100
    assert data.ndim == 1
    assert abs(len(data) / rate * 1000 - mastered.duration_ms) < 60


def test_silence_is_an_error(tmp_path: Path) -> None:
    silent = AudioChunk(np.zeros(22050, dtype=np.int16), 22050)
    with pytest.raises(AudioError, match="silent"):
        master_mp3([SegmentAudio("x", to_segment(silent))], 100, tmp_path / "x.mp3")
    assert not list(tmp_path.iterdir())  # the scratch file is gone


def test_nothing_to_assemble(tmp_path: Path) -> None:
    with pytest.raises(AudioError):
        master_mp3([], 100, tmp_path / "x.mp3")


@pytest.mark.parametrize(("rate_in", "rate_out"), [(22050, 44100), (24000, 44100), (48000, 44100)])
def test_resample_matches_scipy(rate_in: int, rate_out: int) -> None:
    signal = np.random.default_rng(0).normal(0, 0.1, rate_in // 3)
    ours = resample(signal, rate_in, rate_out)
    reference = resample_poly(
        signal, *(r // np.gcd(rate_in, rate_out) for r in (rate_out, rate_in))
    )
    assert ours == pytest.approx(reference, abs=1e-12)


@pytest.mark.parametrize("rate_in", [22050, 24000, 48000])
def test_resampling_in_chunks_equals_one_piece(rate_in: int) -> None:
    pcm = np.random.default_rng(3).normal(0, 3000, 50_001).astype(np.int16)
    whole = resample(pcm.astype(np.float64), rate_in, SAMPLE_RATE)
    for chunk in (999, 4096):
        pieces = list(resample_chunks(pcm, rate_in, SAMPLE_RATE, chunk))
        assert max(len(p) for p in pieces) <= chunk + 147
        assert np.array_equal(np.concatenate(pieces), whole)


@pytest.mark.parametrize("rate_in", [22050, 24000, 48000, 44100])
def test_stream_resampler_gives_the_pieces_of_resample_chunks(rate_in: int) -> None:
    """Fed in pieces of any size, the same output pieces as resampling the whole at once."""
    pcm = np.random.default_rng(4).normal(0, 3000, 50_001).astype(np.int16)
    expected = list(resample_chunks(pcm, rate_in, SAMPLE_RATE, 4096))
    resampler = StreamResampler(rate_in, SAMPLE_RATE, 4096)
    got = [p for piece in _chunks(pcm, seed=5) for p in resampler.feed(piece)]
    got += resampler.finish()
    assert [len(p) for p in got] == [len(p) for p in expected]
    assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True))


def _sounds(chunk: AudioChunk, cuts: int, seed: int) -> list[Sound]:
    """A chunk as sounds, one sentence heard in each."""
    pieces = _chunks(chunk.samples, seed)[:cuts]
    return [
        Sound(p, chunk.sample_rate, (SentenceSpan(f"جملة {i}", 0, len(p)),) if len(p) else ())
        for i, p in enumerate(pieces)
    ]


def test_a_stream_masters_as_the_whole_segment(tmp_path: Path) -> None:
    """Sentence by sentence or whole, the same MP3 and the same times."""
    chunks = [_speechlike(1.0 + i, 22050, seed=i) for i in range(3)]
    whole = master_mp3(
        [SegmentAudio(f"فصل {i}", to_segment(c)) for i, c in enumerate(chunks)],
        500,
        tmp_path / "whole.mp3",
    )
    streams = [
        SegmentStream(f"فصل {i}", iter([Sound(p, c.sample_rate) for p in _chunks(c.samples, i)]))
        for i, c in enumerate(chunks)
    ]
    streamed = master_mp3(streams, 500, tmp_path / "streamed.mp3")
    assert streamed == whole
    assert (tmp_path / "streamed.mp3").read_bytes() == (tmp_path / "whole.mp3").read_bytes()


def test_a_restart_forgets_what_the_segment_had_sent(tmp_path: Path) -> None:
    """A voice fails mid-segment and its fallback speaks the segment again: the episode is as if
    only the fallback had spoken it (audio, loudness, sentence times)."""
    first, fallback = _speechlike(3.0, 22050, seed=7), _speechlike(2.0, 22050, seed=8)
    clean = master_mp3(
        [SegmentStream("أ", iter(_sounds(fallback, 20, seed=9)))], 300, tmp_path / "clean.mp3"
    )
    sounds: list[Sound | Restart] = [
        *_sounds(first, 12, seed=10),
        RESTART,
        *_sounds(fallback, 20, seed=9),
    ]
    restarted = master_mp3([SegmentStream("أ", iter(sounds))], 300, tmp_path / "restarted.mp3")
    assert restarted == clean
    assert restarted.sentences and restarted.sentences[0].text == "جملة 0"
    assert (tmp_path / "restarted.mp3").read_bytes() == (tmp_path / "clean.mp3").read_bytes()


def test_memory_follows_a_sentence_not_the_segment(tmp_path: Path) -> None:
    """Three minutes of one segment, two seconds a sound: mastering holds a few seconds of it."""
    import tracemalloc

    sentence = _speechlike(2.0, 22050, seed=11)

    def sounds() -> Iterator[Sound]:
        for _ in range(90):
            yield Sound(sentence.samples, 22050, (SentenceSpan("جملة", 0, 100),))

    tracemalloc.start()
    try:
        master_mp3([SegmentStream("طويل", sounds())], 90, tmp_path / "long.mp3")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Streaming peaks at 17 MB whatever the length (30 sounds or 300). The whole segment would add
    # 16 MB as int16, 32 MB as float32 and 64 MB as float64 at 44.1 kHz: three minutes are enough.
    assert peak < 30e6


def test_meter_matches_pyloudnorm_in_any_pieces() -> None:
    signal = resample(_speechlike(6.0).samples / 32768.0, 22050, SAMPLE_RATE)
    meter = LoudnessMeter(SAMPLE_RATE)
    for piece in _chunks(signal, seed=1):
        meter.add(piece)
    reference = pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(signal)
    assert meter.integrated() == pytest.approx(reference, abs=0.01)


def test_limiter_output_does_not_depend_on_chunking() -> None:
    signal = resample(_speechlike(4.0).samples / 32768.0, 22050, SAMPLE_RATE) * 4
    whole = limit(signal, SAMPLE_RATE, -1.5)
    pieces = np.concatenate(list(limit_stream(_chunks(signal, seed=2), SAMPLE_RATE, -1.5)))
    assert len(pieces) == len(signal)
    assert np.array_equal(whole, pieces)
    assert true_peak_db(whole) <= -1.5 + 0.01
    assert not np.array_equal(whole, signal)  # it did limit


def test_sample_matches_in_memory_reference(tmp_path: Path) -> None:
    """The sample's first segments streamed, against what the in-memory path computed from the same
    segments: chapter times from the sample counts of the whole joined with pydub, loudness by
    pyloudnorm on the decoded MP3. (eSpeak NG's output varies by a few samples from call to call,
    so both sides must use the same synthesized segments.)"""
    profile = load_voice()
    prepared = prepare_article(SAMPLE, profile, Config())
    cast = Cast(profile)
    # ~80 s of speech keeps the test quick; whole segments, for the in-memory reference.
    segments = [synthesize_segment(cast, segment) for segment in prepared.segments[:3]]
    pause = profile.pauses.segment_ms
    mastered = master_mp3(iter(segments), pause, tmp_path / "sample.mp3")

    rate = segments[0].audio.frame_rate
    joined = segments[0].audio
    starts = [0.0]
    for segment in segments[1:]:
        joined += AudioSegment.silent(duration=pause, frame_rate=rate)
        starts.append(joined.frame_count() * 1000 / rate)
        joined += segment.audio
    # Each chapter is a whole number of MPEG frames: its start to half a frame per chapter
    # before it; the last one carries its own LAME run's delay and padding (up to two frames).
    for number, (chapter, start) in enumerate(zip(mastered.chapters, starts, strict=True)):
        assert abs(chapter.start_ms - start) <= number * HALF_FRAME_MS
    overhang = mastered.duration_ms - joined.frame_count() * 1000 / rate
    assert -len(starts) * HALF_FRAME_MS <= overhang <= 53 + len(starts) * HALF_FRAME_MS

    pcm = np.array(joined.get_array_of_samples(), dtype=np.float64) / 32768.0
    reference = pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(resample_poly(pcm, 2, 1))
    # Chapter by chapter (each metered on its own, the pauses a few ms shorter to take their
    # LAME run's padding): 0.013 LU from the whole measured at once, here.
    assert mastered.loudness_lufs == pytest.approx(reference + DUAL_MONO_GAIN_DB, abs=0.02)
    decoded, mp3_rate = soundfile.read(tmp_path / "sample.mp3")
    loudness = pyloudnorm.Meter(mp3_rate).integrated_loudness(decoded) + DUAL_MONO_GAIN_DB
    assert loudness == pytest.approx(TARGET_LUFS, abs=0.1)
