"""The contract every TTS engine meets."""

from __future__ import annotations

from typing import Protocol

from newsaudio.audio.segments import AudioChunk


class Engine(Protocol):
    """A speech synthesizer.

    Contract: ``synthesize`` takes one sentence of prepared (normalized, diacritized) text and
    returns its audio as mono int16 PCM at the engine's native sample rate. It never returns an
    empty chunk for non-empty text; failures raise :class:`newsaudio.errors.EngineError` naming the
    engine. Engines are built from a :class:`newsaudio.speech.voices.VoiceProfile` by the registry.

    ``version`` is part of the sentence cache's key (:mod:`newsaudio.speech.cache`): it must change
    whenever the engine's output for the same text and profile could change (library, voice
    data or model, our own pre-processing), or re-renders would reuse stale audio.
    """

    name: str
    version: str

    def synthesize(self, text: str) -> AudioChunk:
        """Speak ``text``."""
        ...
