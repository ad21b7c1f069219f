"""TTS engines, chosen by name from a voice profile.

Each engine module is imported only when a profile asks for it, so a heavy or optional engine costs
nothing to users of the others.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from types import ModuleType

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

__all__ = ["ONLINE", "REGISTRY", "Engine", "check_voices", "get_engine", "speaks_online"]


def get_engine(profile: VoiceProfile) -> Engine:
    """Build the engine that ``profile`` names."""
    module, attr = _engine_module(profile)
    factory: Callable[[VoiceProfile], Engine] = getattr(module, attr)
    return factory(profile)


def check_voices(profile: VoiceProfile) -> None:
    """What ``profile``'s voices need that can be known without speaking, checked before any
    work: the profiles it names for its roles and as fallbacks exist and load, each engine is
    known, and each accepts its voice (an engine module's ``check(profile)``: an eSpeak NG voice
    that exists, an installed Piper voice, a language Google speaks). As the cast is built: a
    fallback's own fallback is not followed."""
    roles = [(f"roles.{role}", getattr(profile.roles, role)) for role in ROLES]
    speakers = [profile, *(_named(profile, key, name) for key, name in roles if name)]
    fallbacks = [_named(p, "fallback", p.fallback) for p in speakers if p.fallback]
    for voice in [*speakers, *fallbacks]:
        module, _ = _engine_module(voice)
        check: Callable[[VoiceProfile], None] | None = getattr(module, "check", None)
        if check is not None:
            check(voice)


def _named(profile: VoiceProfile, key: str, name: str) -> VoiceProfile:
    """The profile that ``profile``'s ``key`` names; its error names the key that named it."""
    try:
        return load_voice(name, profile.folder)
    except ConfigError as exc:
        exc.about(f"{profile.source or profile.name}: {key}")
        raise


def _engine_module(profile: VoiceProfile) -> tuple[ModuleType, str]:
    """The module of the engine ``profile`` names, and its factory's name."""
    target = REGISTRY.get(profile.engine)
    if target is None:
        known = ", ".join(sorted(REGISTRY))
        raise ConfigError(
            f"voice {profile.name!r}: unknown engine {profile.engine!r} (known: {known})"
        )
    module_name, _, attr = target.partition(":")
    return import_module(module_name), attr


def speaks_online(profile: VoiceProfile) -> bool:
    """Whether ``profile``, or a profile it names for a role, sends text to an online service."""
    names = [getattr(profile.roles, role) for role in ROLES]
    voices = [profile, *(load_voice(name, profile.folder) for name in names if name)]
    return any(voice.engine in ONLINE for voice in voices)
