"""Voice profiles: which engine speaks, with which voice, at which rate, with which pauses.

A profile is a TOML file in ``voices/`` (``voices/ar-espeak.toml``); ``--voice NAME`` picks
``voices/NAME.toml``. Profiles are how a newsroom changes the sound without touching code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from newsaudio.errors import ConfigError
from newsaudio.resources import project_path, read_toml
from newsaudio.textprep.pausal import CASE_ENDINGS, CaseEndings

DEFAULT_VOICE = "ar-espeak"


@dataclass(frozen=True)
class Pauses:
    """Silences in milliseconds between sentences, blocks and segments."""

    sentence_ms: int = 350
    block_ms: int = 700
    segment_ms: int = 1200


@dataclass(frozen=True)
class VoiceProfile:
    """A parsed ``voices/*.toml`` file."""

    name: str
    engine: str
    voice: str
    description: str = ""
    rate: int = 140
    pitch: int = 50
    range: int = 50
    # Case endings: "pausal" (pause forms before pauses), "full" or "none" (see textprep.pausal).
    case_endings: CaseEndings = "pausal"
    pauses: Pauses = field(default_factory=Pauses)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "voice profile") -> VoiceProfile:
        """Build from a TOML table, rejecting unknown keys so typos do not pass silently."""
        data = dict(data)
        try:
            pauses = Pauses(**data.pop("pauses", {}))
        except TypeError as exc:
            raise ConfigError(f"{source}: bad [pauses] table ({exc})") from exc
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{source}: unknown setting(s) {', '.join(unknown)}")
        missing = sorted({"name", "engine", "voice"} - set(data))
        if missing:
            raise ConfigError(f"{source}: missing setting(s) {', '.join(missing)}")
        if data.get("case_endings", "pausal") not in CASE_ENDINGS:
            raise ConfigError(
                f"{source}: case_endings must be one of {', '.join(CASE_ENDINGS)}, "
                f"not {data['case_endings']!r}"
            )
        return cls(pauses=pauses, **data)

    def to_dict(self) -> dict[str, Any]:
        """The profile as a TOML-ready table (round-trips through :meth:`from_dict`)."""
        return asdict(self)


def voices_dir() -> Path:
    """The folder holding voice profiles: ./voices, else the packaged defaults."""
    return project_path("voices")


def load_voice(name: str | None = None, directory: Path | None = None) -> VoiceProfile:
    """Load profile ``name`` (default: the offline eSpeak NG voice)."""
    name = name or DEFAULT_VOICE
    directory = directory or voices_dir()
    path = directory / f"{name}.toml"
    if not path.is_file():
        available = ", ".join(p.name for p in list_voices(directory)) or "none"
        raise ConfigError(f"unknown voice {name!r}: no {path} (available: {available})")
    # A profile is named by its file, so `--voice X` and `newsaudio voices` always agree.
    return VoiceProfile.from_dict({**read_toml(path), "name": name}, str(path))


def list_voices(directory: Path | None = None) -> list[VoiceProfile]:
    """Every profile in the voices folder, sorted by name."""
    directory = directory or voices_dir()
    return [
        VoiceProfile.from_dict({**read_toml(p), "name": p.stem}, str(p))
        for p in sorted(directory.glob("*.toml"))
    ]
