"""Piper neural voices (ONNX on CPU) through the ``piper-tts`` package (extra ``piper``).

The voice is an installed one (``newsaudio voices install ar_JO-kareem-medium``, see
``voice_store``) or a model file the profile names (``model = "x.onnx"``). Nothing is downloaded
here: a missing voice is one error line that gives the install command.

Piper phonemizes with eSpeak NG, so it gets the same respelling as the eSpeak NG engine: measured
with ``PiperVoice.phonemize`` on the Arabic rules, مُحَمَّدٌ is read "mˈuħammdˌun" without it and
"muħˈammadˌun" with it, وِزَارَةُ الدِّفَاعِ "ʔaddːfˈaːʕi" without and "dːˈifaːʕˌi" with (see
``espeak_spelling``). Piper's own Arabic diacritizer is switched off: the text arrives diacritized
by text preparation, with the case endings the profile asks for.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import numpy as np

from newsaudio.audio.segments import AudioChunk
from newsaudio.errors import EXIT_INPUT, EngineError
from newsaudio.speech.engines.espeak_spelling import espeak_spelling
from newsaudio.speech.voice_store import installed_voice
from newsaudio.speech.voices import VoiceProfile

log = logging.getLogger(__name__)

_load_lock = threading.Lock()


def model_files(profile: VoiceProfile) -> tuple[Path, Path]:
    """The ``.onnx`` model and its ``.onnx.json`` config for ``profile``."""
    if profile.model:
        model = Path(profile.model)
        if not model.is_absolute():  # relative to the profile file, like any config path
            model = profile.folder / model
        config = model.with_name(model.name + ".json")
        for path in (model, config):
            if not path.is_file():
                raise EngineError(
                    f"piper: voice {profile.name!r}: model file {path} not found",
                    exit_code=EXIT_INPUT,
                )
        return model, config
    files = installed_voice(profile.voice)
    if files is None:
        raise EngineError(
            f"piper: voice {profile.voice!r} is not installed; "
            f"run: newsaudio voices install {profile.voice}",
            exit_code=EXIT_INPUT,
        )
    return files


def check(profile: VoiceProfile) -> None:
    """The profile's voice is installed, or its model file is there: said before any work."""
    model_files(profile)


@cache
def _load_voice(model: Path, config: Path) -> Any:
    """Load a model once per process: roles and profiles that share it share one session."""
    try:
        from piper import PiperVoice
    except ImportError as exc:
        raise EngineError(
            "piper: the Piper engine needs the piper extra (uv sync --extra piper, or pip "
            "install 'newsaudio[piper]')",
            exit_code=EXIT_INPUT,
        ) from exc
    try:
        voice = PiperVoice.load(model, config_path=config)
    except Exception as exc:  # onnxruntime and json raise many types; all mean "cannot load"
        raise EngineError(f"piper: cannot load {model} ({exc})") from exc
    voice.use_tashkeel = False  # our text is diacritized already (text preparation)
    log.debug("piper: loaded %s (%d Hz)", model, voice.config.sample_rate)
    return voice


def _piper_version() -> str:
    try:
        return package_version("piper-tts")
    except PackageNotFoundError:  # pragma: no cover - piper imports but has no metadata
        return "unknown"


class PiperEngine:
    """A Piper voice: natural neural speech, offline, about 60 MB of model per voice."""

    name = "piper"

    def __init__(self, profile: VoiceProfile) -> None:
        self.profile = profile
        model, config = model_files(profile)
        with _load_lock:  # resolved: a voice installed as a link shares the linked model's load
            self._voice = _load_voice(model.resolve(), config.resolve())
        self.sample_rate: int = self._voice.config.sample_rate
        # The model's identity, not just its name: its config (language, phonemes) and weights'
        # size, so the sentence cache never hands one model's audio to another of the same name.
        fingerprint = hashlib.sha256(config.read_bytes() + str(model.stat().st_size).encode())
        self.version = (
            f"piper-tts {_piper_version()}, voice {model.stem} {fingerprint.hexdigest()[:12]}"
        )
        self._arabic = str(self._voice.config.espeak_voice).startswith("ar")

    def _config(self) -> Any:
        from piper import SynthesisConfig

        options = self.profile.piper
        return SynthesisConfig(
            speaker_id=options.speaker,
            length_scale=options.length_scale,
            noise_scale=options.noise_scale,
            noise_w_scale=options.noise_w_scale,
        )

    def phonemes(self, text: str) -> str:
        """The phonemes Piper reads for ``text`` (after our respelling): for tests and diagnosis."""
        sentences = self._voice.phonemize(self._spell(text))
        return " | ".join("".join(sentence) for sentence in sentences)

    def _spell(self, text: str) -> str:
        return espeak_spelling(text) if self._arabic else text

    def synthesize(self, text: str) -> AudioChunk:
        """Speak one sentence."""
        try:
            parts = [
                chunk.audio_int16_array
                for chunk in self._voice.synthesize(self._spell(text), self._config())
            ]
        except Exception as exc:  # onnxruntime errors have no common base class
            raise EngineError(f"piper: synthesis failed for {text[:40]!r} ({exc})") from exc
        if not parts or not any(len(p) for p in parts):
            raise EngineError(f"piper: no audio for {text[:40]!r}")
        samples = np.concatenate(parts).astype(np.int16, copy=False)
        return AudioChunk(samples, self.sample_rate)
