"""Stage 4: the real eSpeak NG engine and the engine registry."""

from __future__ import annotations

import numpy as np
import pytest

from newsaudio.engines import REGISTRY, get_engine
from newsaudio.errors import ConfigError, EngineError
from newsaudio.voices import VoiceProfile, list_voices, load_voice


def test_espeak_speaks_arabic() -> None:
    engine = get_engine(load_voice("ar-espeak"))
    chunk = engine.synthesize("أَشَادَ الرَّئِيسُ بِشَجَاعَةِ الْجُنُودِ.")
    assert chunk.sample_rate == 22050
    assert chunk.samples.dtype == np.int16
    assert 1.0 < chunk.duration_s < 6.0
    # Speech, not silence: a healthy share of samples is well above the noise floor.
    assert np.mean(np.abs(chunk.samples) > 1000) > 0.1


def test_rate_changes_duration() -> None:
    profile = load_voice("ar-espeak")
    text = "هَذِهِ جُمْلَةٌ لِلِاخْتِبَارِ."
    slow = get_engine(VoiceProfile.from_dict({**profile.to_dict(), "rate": 100}))
    fast = get_engine(VoiceProfile.from_dict({**profile.to_dict(), "rate": 250}))
    assert slow.synthesize(text).duration_s > fast.synthesize(text).duration_s * 1.5


def test_unknown_espeak_voice() -> None:
    profile = VoiceProfile(name="x", engine="espeak", voice="no-such-voice")
    with pytest.raises(EngineError, match="no-such-voice"):
        get_engine(profile).synthesize("نص")


def test_unknown_engine_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown engine 'nope'"):
        get_engine(VoiceProfile(name="x", engine="nope", voice="ar"))


def test_every_profile_names_a_registered_engine() -> None:
    profiles = list_voices()
    assert "ar-espeak" in [p.name for p in profiles]
    assert all(p.engine in REGISTRY for p in profiles)


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        # Shadda with its vowel: eSpeak NG drops the vowel when the marks are in Unicode order.
        ("مُحَمَّدٌ", "muħˈammadˌun"),
        ("أَكَّدَ", "ʔˈakːadˌa"),
        # Hamzat al-wasl of the article is elided inside a phrase, the lam assimilated.
        ("وِزَارَةُ الدِّفَاعِ", "wizˈaːratˌu dːˈifaːʕˌi"),
        ("بِالْأَبْطَالِ", "bilʔˌabt̪a.ːlˌi"),
        ("الْجُنُودِ الَّذِينَ", "aldʒˈunuːdˌil lˈaðiːnˌa"),
        # A helping vowel before the joined article.
        ("مِنْ الْمَدِينَةِ", "mˈina lmadˈiːnatˌi"),
        # After a pause the article's hamza is heard again.
        ("قَالَ: الْوَضْعُ", "qˈaːla | alwˈadˤʕu"),
    ],
)
def test_espeak_reads_what_a_reader_says(text: str, heard: str) -> None:
    assert get_engine(load_voice()).phonemes(text) == heard  # type: ignore[attr-defined]
