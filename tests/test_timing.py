"""One timing source for chapters and captions: where each sentence is heard in the MP3 comes from
the same sample counts as the chapter marks, and matches the decoded audio."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile

from newsaudio.audio.master import master_mp3
from newsaudio.audio.segments import MasteredAudio
from newsaudio.config import Config
from newsaudio.pipeline import prepare_article
from newsaudio.publishing.captions import format_vtt, parse_vtt, sentence_cues
from newsaudio.speech.synthesis import Cast, synthesize_script
from newsaudio.speech.voices import load_voice

from .conftest import SAMPLE

FRAME_MS = 10  # 441 samples at 44.1 kHz: a whole number, so frame times do not drift


@pytest.fixture(scope="module")
def mastered(tmp_path_factory: pytest.TempPathFactory) -> tuple[MasteredAudio, Path]:
    profile = load_voice()
    prepared = prepare_article(SAMPLE, profile, Config())
    spoken = synthesize_script(Cast(profile), prepared)
    segments = [next(spoken) for _ in range(4)]  # headline and three sections: ~100 s
    mp3 = tmp_path_factory.mktemp("timing") / "t.mp3"
    return master_mp3(segments, profile.pauses.segment_ms, mp3), mp3


def onsets(path: Path) -> tuple[np.ndarray, int]:
    """Per 10 ms frame of the decoded MP3: is it audible (above -40 dBFS RMS)?"""
    decoded, rate = soundfile.read(path)
    frame = rate * FRAME_MS // 1000
    usable = len(decoded) // frame * frame
    rms = np.sqrt(np.mean(decoded[:usable].reshape(-1, frame) ** 2, axis=1))
    return rms > 0.01, rate


def test_every_sentence_has_a_mark_in_order(mastered: tuple[MasteredAudio, Path]) -> None:
    audio, _ = mastered
    marks = audio.sentences
    assert len(marks) >= 10
    assert all(m.start_ms < m.end_ms for m in marks)
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(marks))
    assert marks[-1].end_ms <= audio.duration_ms
    # Chapters and sentences share one clock: each chapter's first sentence starts in it.
    for chapter in audio.chapters:
        inside = [m for m in marks if chapter.start_ms <= m.start_ms < chapter.end_ms]
        assert inside and inside[0].start_ms - chapter.start_ms < 300


def test_sentence_starts_match_the_decoded_mp3(mastered: tuple[MasteredAudio, Path]) -> None:
    """Each sentence starts within 50 ms of where its sound starts in the decoded MP3."""
    audio, path = mastered
    loud, _ = onsets(path)
    errors = []
    for mark in audio.sentences:
        lo = max(0, (mark.start_ms - 250) // FRAME_MS)
        window = loud[lo : (mark.start_ms + 250) // FRAME_MS]
        heard = lo + int(np.argmax(window)) if window.any() else None
        assert heard is not None, mark.text
        errors.append(abs(heard * FRAME_MS - mark.start_ms))
    print(f"largest cue-start error: {max(errors)} ms over {len(errors)} sentences")
    assert max(errors) <= 50, max(errors)


def test_speech_lies_inside_the_sentences(mastered: tuple[MasteredAudio, Path]) -> None:
    """Between sentences there is silence: every audible stretch is covered by a sentence mark
    (with the chapter's headline the first)."""
    audio, path = mastered
    loud, _ = onsets(path)
    covered = np.zeros_like(loud)
    for mark in audio.sentences:
        covered[max(0, mark.start_ms // FRAME_MS - 10) : mark.end_ms // FRAME_MS + 10] = True
    assert not np.any(loud & ~covered)


def test_captions_from_the_sentences(mastered: tuple[MasteredAudio, Path]) -> None:
    """The captions are the sentence marks: in order, never overlapping, within the file."""
    audio, _ = mastered
    cues = sentence_cues((m.text, m.start_ms, m.end_ms) for m in audio.sentences)
    parsed = parse_vtt(format_vtt(cues))
    assert [(c.start_ms, c.end_ms) for c in parsed] == [(c.start_ms, c.end_ms) for c in cues]
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(cues))
    assert cues[0].start_ms == audio.sentences[0].start_ms
    assert cues[-1].end_ms == audio.sentences[-1].end_ms <= audio.duration_ms
    assert not any("\u064e" in c.text for c in cues)  # shown without vowel marks
