"""TTS engines, chosen by name from a voice profile.

Each engine module is imported only when a profile asks for it, so a heavy or optional engine costs
nothing to users of the others.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from newsaudio.errors import ConfigError
from newsaudio.speech.engines.base import Engine
from newsaudio.speech.voices import ROLES, VoiceProfile, load_voice

# engine name -> "module:factory"; the factory takes a VoiceProfile and returns an Engine.
REGISTRY: dict[str, str] = {
    "espeak": "newsaudio.speech.engines.espeak:EspeakEngine",
    "gtts": "newsaudio.speech.engines.gtts:GttsEngine",
    "piper": "newsaudio.speech.engines.piper:PiperEngine",
}

# Engines that send the text to an online service: a batch does not run them in parallel.
ONLINE = frozenset({"gtts"})

__all__ = ["ONLINE", "REGISTRY", "Engine", "get_engine", "speaks_online"]


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


def speaks_online(profile: VoiceProfile) -> bool:
    """Whether ``profile``, or a profile it names for a role, sends text to an online service."""
    names = [getattr(profile.roles, role) for role in ROLES]
    voices = [profile, *(load_voice(name, profile.folder) for name in names if name)]
    return any(voice.engine in ONLINE for voice in voices)
