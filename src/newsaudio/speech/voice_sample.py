"""``newsaudio voices try``: one voice speaking a sample sentence, so a producer can compare voices.

The sample goes through the same text preparation and voice casting as a render, and is brought to
the same loudness as an episode, so two samples differ only in the voice.
"""

from __future__ import annotations

import wave
from pathlib import Path

from newsaudio.audio.master import master_mp3
from newsaudio.audio.mp3 import SAMPLE_RATE
from newsaudio.audio.segments import SegmentAudio, to_segment
from newsaudio.errors import ConfigError
from newsaudio.files import atomic_path
from newsaudio.resources import data_text
from newsaudio.speech.synthesis import Cast, speak_segment
from newsaudio.speech.voices import VoiceProfile
from newsaudio.textprep import PreparedSegment, TextOptions, expand, vowelize
from newsaudio.textprep.pausal import apply_case_endings
from newsaudio.textprep.sentences import split_sentences

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
    # No fallback: a sample of an online voice that cannot be reached is an error, not eSpeak.
    cast = Cast(profile, fallbacks=False)
    chunk = speak_segment(cast, segment)
    # Mastered exactly as an episode is, so samples differ only in the voice.
    with atomic_path(out) as tmp:
        mp3 = tmp.with_name(tmp.name + ".mp3")
        try:
            master_mp3([SegmentAudio("sample", to_segment(chunk))], 0, mp3)
            if out.suffix.lower() == ".mp3":
                mp3.replace(tmp)
            else:
                _mp3_to_wav(mp3, tmp)
        finally:
            mp3.unlink(missing_ok=True)
    return cast.spoken_by


def _mp3_to_wav(mp3: Path, wav_path: Path) -> None:
    import miniaudio

    decoded = miniaudio.decode_file(
        str(mp3), miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=SAMPLE_RATE
    )
    with wave.open(str(wav_path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(decoded.samples.tobytes())
