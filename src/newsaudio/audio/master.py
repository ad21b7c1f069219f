"""Mastering: one episode's audio — assemble segments, normalize loudness, encode MP3, as a stream.

Memory follows one sentence, not the segment or the article. Pass 1 takes each segment as a stream
of sounds (a sentence as spoken, a pause, a chime: :class:`SegmentStream`), resamples them to
44.1 kHz as they come (:class:`StreamResampler`, a few seconds held), appends them (float32) to a
scratch file beside the MP3 and measures them, chapter by chapter (chapters.py): loudness, block
peaks, where each sentence is heard. The episode's gain brings it to Apple's podcast norm, −16 LUFS
integrated; when the limiter would have much to do, a pass in between measures what it takes off,
and the gain makes up for it. Pass 2 reads each chapter back in chunks, applies the gain, runs the
true-peak limiter (at most −1 dBTP) and feeds LAME, one run per chapter, whose frames follow each
other in the MP3; chapter and sentence times count those frames. A mono file is played on both
speakers, so it is measured as dual-mono: the same signal in two channels is 3.01 dB louder than
on a plain mono meter (ffmpeg loudnorm's ``dual_mono``). MP3 is encoded with lameenc (LAME inside
the wheel): no system ffmpeg or lame.

With a :class:`~newsaudio.audio.chapters.ChapterStore` (the cache), a chapter whose segment has a
content key and was mastered before is neither spoken nor measured again, and its frames are
reused when the gain is the same: the gain is rounded to 0.05 dB (the loudness stays within
0.025 LU of the target), so changing a word of one chapter leaves the others' frames as they were.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from newsaudio.audio.chapters import BlockPeaks, ChapterAudio, ChapterMeasure, ChapterStore, encode
from newsaudio.audio.frames import SAMPLES_PER_FRAME, append_frames
from newsaudio.audio.loudness import (
    DUAL_MONO_GAIN_DB,
    FloatArray,
    LoudnessMeter,
    integrated_loudness,
    limit_stream,
)
from newsaudio.audio.mp3 import SAMPLE_RATE
from newsaudio.audio.segments import (
    ChapterMark,
    MasteredAudio,
    SegmentAudio,
    SegmentStream,
    SentenceMark,
)
from newsaudio.errors import AudioError
from newsaudio.files import temporary_path

log = logging.getLogger(__name__)

TARGET_LUFS = -16.0  # integrated, as played on stereo (dual-mono)
# LAME (through lameenc, 96 kbps mono) plays back 0.45 dB quieter than its input: measured on a
# 1 kHz sine, white noise and the sample article, decoded with libsndfile and with dr_mp3. The
# track is mastered that much louder so the MP3 a listener gets sits at TARGET_LUFS.
ENCODER_LEVEL_DB = -0.45
# Limit a little under −1 dBTP: MP3 encoding adds small overshoots to true peaks.
TRUE_PEAK_CEILING_DB = -1.5
# The gain is a whole number of these: a chapter encoded at one gain is reused at the same gain.
GAIN_STEP_DB = 0.05
_MAKE_UP_ROUNDS = 3  # at most this many extra passes to make up for the limiter's loudness loss
_LOUDNESS_TOLERANCE_LU = 0.05
# Share of 32-sample blocks within reach of the ceiling above which limiting may cost loudness:
# the sample has 0.8 % (0.001 LU lost), a signal with a sharp peak every 20 ms 3.7 % (1.5 LU).
_HOT_BLOCK_SHARE = 0.02
_STEP = SAMPLE_RATE // 10  # the loudness meter's step: 100 ms


@dataclass
class _Chapter:
    """One chapter in mastering: its segment, content key and measure; its audio once written."""

    segment: SegmentStream | SegmentAudio
    key: str
    pause: int  # samples of silence after the segment (none after the last)
    measure: ChapterMeasure | None = None
    audio: ChapterAudio | None = None

    @property
    def measured(self) -> ChapterMeasure:
        if self.measure is None:
            raise AudioError(f"chapter {self.segment.title!r} was never measured")
        return self.measure


def master_mp3(
    segments: Iterable[SegmentStream | SegmentAudio],
    pause_ms: int,
    mp3_path: Path,
    store: ChapterStore | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MasteredAudio:
    """Join segments with pauses, normalize loudness, limit and encode to ``mp3_path``;
    ``progress(done, total)`` is told the seconds encoded (the pass after speech).

    Segments may come at any sample rate: each is resampled to 44.1 kHz on its own, which cannot
    click at the joins because segments meet in silence. Each chapter runs from its segment's
    first frame to the next segment's (the pause after a segment belongs to it), so the first
    starts at 0 and the last ends with the track. The scratch file lives beside ``mp3_path`` and is
    removed whatever happens. ``store``: where chapters with a content key are kept and found.
    """
    fd, name = tempfile.mkstemp(prefix=f".{mp3_path.name}.", suffix=".f32", dir=mp3_path.parent)
    scratch = Path(name)
    try:
        with os.fdopen(fd, "w+b") as pcm:
            chapters = _measured(segments, round(pause_ms * SAMPLE_RATE / 1000), pcm, store)
            measures = [c.measured for c in chapters]
            steps = np.concatenate([m.steps for m in measures])
            loudness = integrated_loudness(steps, _STEP) + DUAL_MONO_GAIN_DB
            if not np.isfinite(loudness):
                raise AudioError("the synthesized audio is too quiet to measure")
            gain_db = _gain_db(chapters, measures, loudness, pcm, scratch)
            log.debug("loudness %.2f LUFS (dual-mono), gain %+.2f dB", loudness, gain_db)
            encoded = _encoded(chapters, gain_db, loudness, pcm, scratch, mp3_path, store, progress)
            return encoded
    finally:
        scratch.unlink(missing_ok=True)


def _measured(
    segments: Iterable[SegmentStream | SegmentAudio],
    pause: int,
    pcm: BinaryIO,
    store: ChapterStore | None,
) -> list[_Chapter]:
    """Pass 1: each chapter measured — from the store when it has the segment's key (the
    segment is not spoken), else written to the scratch file and measured on the way."""
    chapters: list[_Chapter] = []
    for segment in segments:
        if chapters:
            _finish(chapters[-1], pause, store)
        key = segment.key if store is not None and isinstance(segment, SegmentStream) else ""
        chapter = _Chapter(segment, key, 0, store.measure(key) if store and key else None)
        if chapter.measure is None:
            chapter.audio = ChapterAudio(pcm)
            chapter.audio.write(segment)
        chapters.append(chapter)
    if not chapters:
        raise AudioError("nothing to assemble: the script has no segments")
    _finish(chapters[-1], 0, store)
    if not any(c.measured.peaks.heard for c in chapters):
        raise AudioError("the synthesized audio is silent")
    return chapters


def _finish(chapter: _Chapter, pause: int, store: ChapterStore | None) -> None:
    """The chapter with the pause after it: measured, and kept when it has a key."""
    chapter.pause = pause
    if chapter.audio is None:
        return  # measured by the store, pause included (it is in the key)
    chapter.audio.pause(pause)
    chapter.measure = chapter.audio.measure()
    if store is not None and chapter.key:
        store.keep_measure(chapter.key, chapter.measure)


def _audio(chapter: _Chapter, pcm: BinaryIO) -> ChapterAudio:
    """The chapter's audio, written now if pass 1 took its measure from the store."""
    if chapter.audio is None:
        chapter.audio = ChapterAudio(pcm)
        chapter.audio.write(chapter.segment)
        chapter.audio.pause(chapter.pause)
        chapter.measure = chapter.audio.measure()
    return chapter.audio


def _gain_db(
    chapters: list[_Chapter],
    measures: list[ChapterMeasure],
    loudness: float,
    pcm: BinaryIO,
    scratch: Path,
) -> float:
    """The episode's gain, in steps of :data:`GAIN_STEP_DB`."""
    target = TARGET_LUFS - ENCODER_LEVEL_DB
    gain = 10 ** ((target - loudness) / 20)
    peaks = BlockPeaks()
    for measure in measures:
        peaks.merge(measure.peaks)
    for _ in range(_MAKE_UP_ROUNDS):
        # True peak can exceed a block's sample peak by up to ~3 dB; when only a few blocks can
        # reach the ceiling, as in speech, limiting costs under 0.01 LU: nothing to make up.
        reach = TRUE_PEAK_CEILING_DB - 3.0 - 20 * np.log10(gain)
        if peaks.share_over(reach) < _HOT_BLOCK_SHARE:
            break
        # What the limiter takes off lowers the loudness: measure the limited chapters and make
        # up for it (sharp, dense peaks may need more than one round).
        pcm.flush()
        shortfall = target - _limited_loudness(chapters, gain, pcm, scratch)
        if abs(shortfall) < _LOUDNESS_TOLERANCE_LU:
            break
        gain *= 10 ** (shortfall / 20)
    return float(round(20 * np.log10(gain) / GAIN_STEP_DB) * GAIN_STEP_DB)


def _limited_loudness(chapters: list[_Chapter], gain: float, pcm: BinaryIO, scratch: Path) -> float:
    """Dual-mono loudness of the chapters times ``gain``, each limited as it is encoded."""
    meter = LoudnessMeter(SAMPLE_RATE)
    for chapter in chapters:
        audio = _audio(chapter, pcm)
        pcm.flush()
        for chunk in limit_stream(audio.chunks(scratch, gain), SAMPLE_RATE, TRUE_PEAK_CEILING_DB):
            meter.add(chunk)
    return meter.integrated() + DUAL_MONO_GAIN_DB


def _encoded(
    chapters: list[_Chapter],
    gain_db: float,
    loudness: float,
    pcm: BinaryIO,
    scratch: Path,
    mp3_path: Path,
    store: ChapterStore | None,
    progress: Callable[[int, int], None] | None = None,
) -> MasteredAudio:
    """Pass 2: each chapter's frames — kept ones from the store, the others encoded — one after
    the other into ``mp3_path``; the marks counted in frames."""
    gain = 10 ** (gain_db / 20)
    total = sum(c.measured.samples for c in chapters)
    done = 0
    starts: list[float] = []  # each chapter's start in the MP3, ms
    sentences: list[SentenceMark] = []
    frames = 0
    with mp3_path.open("wb") as out:
        for chapter in chapters:
            start_ms = frames * SAMPLES_PER_FRAME * 1000 / SAMPLE_RATE
            starts.append(start_ms)
            piece = temporary_path(mp3_path)
            try:
                key = f"{chapter.key}@{gain_db:+.2f}dB" if chapter.key else ""
                if not (store is not None and key and store.piece(key, piece)):
                    audio = _audio(chapter, pcm)
                    pcm.flush()
                    chunks = audio.chunks(scratch, gain)
                    if progress:
                        chunks = _reported(chunks, done, total, progress)
                    encode(chunks, piece, TRUE_PEAK_CEILING_DB)
                    if store is not None and key:
                        store.keep_piece(key, piece)
                frames += append_frames(piece, out)
            finally:
                piece.unlink(missing_ok=True)
            done += chapter.measured.samples
            if progress:
                progress(done // SAMPLE_RATE, total // SAMPLE_RATE)
            sentences += [
                SentenceMark(text, round(start_ms + begin), round(start_ms + end))
                for text, begin, end in chapter.measured.sentences
            ]
    total_ms = round(frames * SAMPLES_PER_FRAME * 1000 / SAMPLE_RATE)
    bounds = [round(s) for s in starts] + [total_ms]
    marks = tuple(
        ChapterMark(c.segment.title, bounds[i], bounds[i + 1]) for i, c in enumerate(chapters)
    )
    return MasteredAudio(marks, total_ms, loudness, tuple(sentences))


def _reported(
    chunks: Iterator[FloatArray], done: int, total: int, progress: Callable[[int, int], None]
) -> Iterator[FloatArray]:
    """``chunks`` unchanged, telling ``progress`` the seconds of the ``total`` samples read, from
    ``done`` samples already encoded."""
    for chunk in chunks:
        yield chunk
        done += len(chunk)
        progress(done // SAMPLE_RATE, total // SAMPLE_RATE)
