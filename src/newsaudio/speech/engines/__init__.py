"""TTS engines, chosen by name from a voice profile.

Each engine module is imported only when a profile asks for it, so a heavy or optional engine costs
nothing to users of the others.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from newsaudio.errors import ConfigError
from newsaudio.speech.engines.base import Engine
from newsaudio.speech.voices import VoiceProfile

# engine name -> "module:factory"; the factory takes a VoiceProfile and returns an Engine.
REGISTRY: dict[str, str] = {
    "espeak": "newsaudio.speech.engines.espeak:EspeakEngine",
    "gtts": "newsaudio.speech.engines.gtts:GttsEngine",
    "piper": "newsaudio.speech.engines.piper:PiperEngine",
}

__all__ = ["REGISTRY", "Engine", "get_engine"]


def get_engine(profile: VoiceProfile) -> Engine:
    """Build the engine that ``profile`` names."""
    target = REGISTRY.get(profile.engine)
    if target is None:
        known = ", ".join(sorted(REGISTRY))
        raise ConfigError(
            f"voice {profile.name!r}: unknown engine {profile.engine!r} (known: {known})"
        )
    module_name, _, attr = target.partition(":")
    factory: Callable[[VoiceProfile], Engine] = getattr(import_module(module_name), attr)
    return factory(profile)
