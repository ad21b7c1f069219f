"""eSpeak NG, the offline default engine, through libespeak-ng's C API (``newsaudio.libespeak``).

Arabic text is respelled first for eSpeak NG's reading rules (``espeak_spelling``). Each sentence
is spoken by a copy of the library that has spoken nothing before (``newsaudio.libespeak_fork``),
so a sentence sounds the same whatever was spoken before it: the sentence cache cannot change an
episode.
"""

from __future__ import annotations

import hashlib
import logging
from importlib import metadata
from pathlib import Path

import numpy as np

from newsaudio.audio.segments import AudioChunk
from newsaudio.interrupts import interrupts_deferred
from newsaudio.libespeak import Settings, configure, load_library, lock, text_to_phonemes
from newsaudio.libespeak_fork import speak_pristine
from newsaudio.speech.engines import espeak_spelling as spelling_module
from newsaudio.speech.engines.espeak_spelling import espeak_spelling
from newsaudio.speech.voices import VoiceProfile

log = logging.getLogger(__name__)


class EspeakEngine:
    """The offline default engine."""

    name = "espeak"

    def __init__(self, profile: VoiceProfile) -> None:
        self.profile = profile
        self._library = load_library()
        self._settings = Settings(profile.voice, profile.rate, profile.pitch, profile.range)
        # The library, its voice data (shipped in the loader's wheel) and our respelling rules
        # decide the sound: any of them changing must invalidate cached sentences. So does how
        # it is driven: every sentence from a library that has spoken nothing before.
        respelling = Path(spelling_module.__file__).read_bytes()
        self.version = (
            f"libespeak-ng {self._library.version}, fresh per sentence; "
            f"espeakng-loader {metadata.version('espeakng-loader')}; "
            f"respelling {hashlib.sha256(respelling).hexdigest()[:12]}"
        )

    def phonemes(self, text: str) -> str:
        """The IPA eSpeak NG reads for ``text`` (after our respelling): for tests and diagnosis."""
        with lock:
            configure(self._library, self._settings)
            return " | ".join(text_to_phonemes(self._library, self._spell(text)))

    def _spell(self, text: str) -> str:
        return espeak_spelling(text) if self.profile.voice.startswith("ar") else text

    def synthesize(self, text: str) -> AudioChunk:
        """Speak one sentence with the profile's voice, rate and pitch."""
        # Ctrl-C or SIGTERM while a sentence is on its way would leave half an answer in the
        # pipe: they wait for the sentence instead (a fraction of a second).
        with interrupts_deferred():
            pcm = speak_pristine(self._spell(text), self._settings)
        samples = np.frombuffer(pcm, dtype=np.int16)  # the library's native byte order
        log.debug("espeak: %d samples for %d characters", len(samples), len(text))
        return AudioChunk(samples, self._library.sample_rate)
