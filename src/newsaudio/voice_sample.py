"""``newsaudio voices try``: one voice speaking a sample sentence, so a producer can compare voices.

The sample goes through the same text preparation and voice casting as a render, and is brought to
the same loudness as an episode, so two samples differ only in the voice.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from newsaudio.audio import SAMPLE_RATE, Track, encode_mp3, normalize_loudness, resample
from newsaudio.errors import ConfigError
from newsaudio.files import atomic_path
from newsaudio.resources import data_text
from newsaudio.synthesis import Cast, speak_segment
from newsaudio.textprep import PreparedSegment, TextOptions, expand, vowelize
from newsaudio.textprep.pausal import apply_case_endings
from newsaudio.textprep.sentences import split_sentences
from newsaudio.voices import VoiceProfile

FORMATS = (".mp3", ".wav")


def sample_text() -> str:
    """The default sample: a news sentence with a number and a place name."""
    return data_text("voice_sample.txt").strip()


def write_sample(
    profile: VoiceProfile, out: Path, text: str | None = None, options: TextOptions | None = None
) -> list[str]:
    """Speak ``text`` (default: :func:`sample_text`) with ``profile`` into ``out`` (.mp3 or
    .wav); returns who spoke (profile and engine)."""
    if out.suffix.lower() not in FORMATS:
        raise ConfigError(f"{out}: the sample is written as MP3 or WAV (.mp3 or .wav)")
    options = options or TextOptions(profile.case_endings)
    sentences = split_sentences(expand(text or sample_text(), options.lexicon))
    if not sentences:
        raise ConfigError("the sample text has nothing to speak")
    spoken = tuple(apply_case_endings(s, options.case_endings) for s in vowelize(sentences))
    # An empty first block: the sample is spoken as body text, not as a headline.
    segment = PreparedSegment("section", "sample", ((), spoken))
    cast = Cast(profile)
    chunk = speak_segment(cast, segment)
    pcm = chunk.samples.astype(np.float64) / 32768.0
    samples = normalize_loudness(resample(pcm, chunk.sample_rate, SAMPLE_RATE), SAMPLE_RATE)
    with atomic_path(out) as tmp:
        if out.suffix.lower() == ".mp3":
            tmp.write_bytes(encode_mp3(Track(samples, SAMPLE_RATE, ())))
        else:
            with wave.open(str(tmp), "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(SAMPLE_RATE)
                pcm16 = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
                wav.writeframes(pcm16.tobytes())
    return cast.spoken_by
