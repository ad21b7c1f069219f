"""eSpeak NG, the offline default engine, through libespeak-ng's C API (``newsaudio.libespeak``).

Arabic text is respelled first for eSpeak NG's reading rules (``espeak_spelling``). The library
synthesizes into a callback, in synchronous mode.
"""

from __future__ import annotations

import hashlib
import logging
from importlib import metadata
from pathlib import Path

import numpy as np

from newsaudio.audio.segments import AudioChunk
from newsaudio.errors import EXIT_INPUT, ConfigError, EngineError
from newsaudio.interrupts import interrupts_deferred
from newsaudio.libespeak import (
    CHARS_UTF8,
    EE_OK,
    PITCH,
    POS_CHARACTER,
    RANGE,
    RATE,
    has_voice,
    load_library,
    lock,
    text_to_phonemes,
    voice_languages,
)
from newsaudio.speech.engines import espeak_spelling as spelling_module
from newsaudio.speech.engines.espeak_spelling import espeak_spelling
from newsaudio.speech.voices import VoiceProfile

log = logging.getLogger(__name__)


def check(profile: VoiceProfile) -> None:
    """The profile's voice is one libespeak-ng has: said when the profile is loaded for a render,
    with the valid ones, not at the first sentence."""
    if not has_voice(profile.voice):
        raise ConfigError(
            f"{profile.source or profile.name}: voice = {profile.voice!r} is not an eSpeak NG "
            f"voice (valid: {', '.join(voice_languages())}, each with an optional +variant)"
        )


class EspeakEngine:
    """The offline default engine."""

    name = "espeak"

    def __init__(self, profile: VoiceProfile) -> None:
        check(profile)
        self.profile = profile
        self._library = load_library()
        # The library, its voice data (shipped in the loader's wheel) and our respelling rules
        # decide the sound: any of them changing must invalidate cached sentences.
        respelling = Path(spelling_module.__file__).read_bytes()
        self.version = (
            f"libespeak-ng {self._library.version}; "
            f"espeakng-loader {metadata.version('espeakng-loader')}; "
            f"respelling {hashlib.sha256(respelling).hexdigest()[:12]}"
        )

    def _configure(self) -> None:
        """Apply the profile. Settings are global in libespeak-ng: set them on every call in case
        another profile used the library in between (call with the lock held)."""
        lib, profile = self._library.lib, self.profile
        if lib.espeak_SetVoiceByName(profile.voice.encode()) != EE_OK:
            raise EngineError(
                f"espeak: unknown eSpeak NG voice {profile.voice!r}", exit_code=EXIT_INPUT
            )
        for parameter, value in (
            (RATE, profile.rate),
            (PITCH, profile.pitch),
            (RANGE, profile.range),
        ):
            lib.espeak_SetParameter(parameter, value, 0)

    def phonemes(self, text: str) -> str:
        """The IPA eSpeak NG reads for ``text`` (after our respelling): for tests and diagnosis."""
        with lock:
            self._configure()
            return " | ".join(text_to_phonemes(self._library, self._spell(text)))

    def _spell(self, text: str) -> str:
        return espeak_spelling(text) if self.profile.voice.startswith("ar") else text

    def synthesize(self, text: str) -> AudioChunk:
        """Speak one sentence with the profile's voice, rate and pitch."""
        library = self._library
        data = self._spell(text).encode("utf-8") + b"\0"
        # Ctrl-C or SIGTERM inside the library's Python callback would be swallowed there with
        # a traceback: they wait for the sentence instead (a fraction of a second).
        with interrupts_deferred(), lock:
            self._configure()
            library.chunks.clear()
            status = library.lib.espeak_Synth(
                data, len(data), 0, POS_CHARACTER, 0, CHARS_UTF8, None, None
            )
            library.lib.espeak_Synchronize()
            if status != EE_OK or not library.chunks:
                raise EngineError(f"espeak: synthesis failed (status {status}) for {text[:40]!r}")
            samples = np.concatenate(library.chunks).astype(np.int16, copy=False)
            library.chunks.clear()
        log.debug("espeak: %d samples for %d characters", len(samples), len(text))
        return AudioChunk(samples, library.sample_rate)
