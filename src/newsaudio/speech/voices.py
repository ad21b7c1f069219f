"""Voice profiles: which engine speaks, with which voice, at which rate, with which pauses.

A profile is a TOML file in ``voices/`` (``voices/ar-espeak.toml``); ``--voice NAME`` picks
``voices/NAME.toml``, and ``--voice path/to/x.toml`` any other file. Profiles are how a newsroom
changes the sound without touching code; ``voices/README.md`` documents every key.

A profile may name other profiles: one per role (headline, subheadings, body, closing) and a
fallback that speaks when its engine fails (an online voice without network). Those names are
resolved when the voices are cast for a render (:mod:`newsaudio.speech.synthesis`), not here.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from newsaudio.config import DEFAULT_VOICE
from newsaudio.errors import ConfigError
from newsaudio.resources import project_path, read_toml
from newsaudio.textprep.pausal import CaseEndings

Role = Literal["headline", "subheading", "body", "closing"]
ROLES: tuple[Role, ...] = get_args(Role)


@dataclass(frozen=True)
class Pauses:
    """Silences in milliseconds between sentences, blocks and segments."""

    sentence_ms: int = 350
    block_ms: int = 700
    segment_ms: int = 1200


@dataclass(frozen=True)
class Roles:
    """Another profile's name for each part of the script; empty: this profile speaks it."""

    headline: str = ""
    subheading: str = ""
    body: str = ""
    closing: str = ""


@dataclass(frozen=True)
class GttsOptions:
    """Settings of Google's online voice (engine ``gtts``)."""

    tld: str = "com"  # translate.google.<tld>
    slow: bool = False
    url: str = ""  # the endpoint, for tests and proxies; default: Google's
    timeout_s: float = 10.0
    tries: int = 3  # attempts per request before the engine gives up
    backoff_s: float = 1.0  # wait before the 2nd try; doubles for each further try


@dataclass(frozen=True)
class PiperOptions:
    """Settings of a Piper neural voice (engine ``piper``); unset: the voice's own defaults."""

    length_scale: float | None = None  # > 1 speaks slower
    noise_scale: float | None = None
    noise_w_scale: float | None = None
    speaker: int | None = None


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
    # A linear gain on this voice's audio: balances voices that share an episode (roles).
    volume: float = 1.0
    # Case endings: "pausal" (pause forms before pauses), "full" or "none" (see textprep.pausal).
    case_endings: CaseEndings = "pausal"
    # A short generated chime at the start of every chapter after the first.
    earcons: bool = False
    # In an edition: an opening (title, date, how many articles, how long), "الخبر الثالث من
    # سبعة" before each headline, and a closing. Off: the title alone, then the articles.
    spoken_structure: bool = True
    # A profile that speaks when this one's engine fails (e.g. "ar-espeak" for an online voice).
    fallback: str = ""
    # A model file for engines that take one (Piper), instead of an installed voice's name.
    model: str = ""
    pauses: Pauses = field(default_factory=Pauses)
    roles: Roles = field(default_factory=Roles)
    gtts: GttsOptions = field(default_factory=GttsOptions)
    piper: PiperOptions = field(default_factory=PiperOptions)
    # The file it came from: named in errors, and where its role and fallback names are looked up.
    source: str = field(default="", compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "voice profile") -> VoiceProfile:
        """Build from a TOML table; an unknown key or a wrong type is an error naming the key."""
        missing = sorted({"name", "engine", "voice"} - set(data))
        if missing:
            raise ConfigError(f"{source}: missing setting(s) {', '.join(missing)}")
        profile: VoiceProfile = _build(cls, {**data, "source": source}, source)
        if profile.volume <= 0 or profile.rate <= 0:
            raise ConfigError(f"{source}: rate and volume must be positive")
        if min(profile.pauses.sentence_ms, profile.pauses.block_ms, profile.pauses.segment_ms) < 0:
            raise ConfigError(f"{source}: pauses must not be negative")
        if profile.gtts.tries < 1:
            raise ConfigError(f"{source}: gtts.tries must be at least 1")
        return profile

    def to_dict(self) -> dict[str, Any]:
        """The profile as a TOML-ready table (round-trips through :meth:`from_dict`)."""
        return _as_table(self)

    @property
    def folder(self) -> Path:
        """Where names of other profiles (roles, fallback) are looked up first."""
        return Path(self.source).parent if self.source else voices_dir()


def _as_table(obj: Any) -> dict[str, Any]:
    """A dataclass as a TOML table: unset optional values and the source left out."""
    table: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name == "source" or value is None:
            continue
        table[f.name] = _as_table(value) if is_dataclass(value) else value
    return table


def _build(cls: Any, data: dict[str, Any], source: str, prefix: str = "") -> Any:
    """Instantiate dataclass ``cls`` from ``data``, checking every key and type.

    The error names the file and the key (``gtts.tries``), so one line tells a producer what to fix.
    """
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{source}: unknown setting {prefix}{unknown[0]}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        expected = hints[key]
        if is_dataclass(expected):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: {prefix}{key} must be a table ([{prefix}{key}])")
            values[key] = _build(expected, value, source, f"{prefix}{key}.")
        elif not _matches(value, expected):
            raise ConfigError(
                f"{source}: {prefix}{key} must be {_describe(expected)}, not {value!r}"
            )
        else:
            values[key] = value
    return cls(**values)


def _matches(value: Any, expected: Any) -> bool:
    origin = get_origin(expected)
    if origin in (Union, types.UnionType):
        return any(_matches(value, arg) for arg in get_args(expected))
    if origin is Literal:
        return value in get_args(expected)
    if expected is type(None):
        return value is None
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _describe(expected: Any) -> str:
    origin = get_origin(expected)
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(a) for a in get_args(expected) if a is not type(None))
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in get_args(expected))
    names = {int: "a whole number", float: "a number", str: "text", bool: "true or false"}
    return names.get(expected, str(expected))


def voices_dir() -> Path:
    """The folder holding voice profiles: ./voices, else the packaged defaults."""
    return project_path("voices")


def is_profile_path(name: str) -> bool:
    """Whether ``--voice`` got a file path rather than a profile name."""
    return name.endswith(".toml") or "/" in name or "\\" in name


def load_voice(name: str | None = None, directory: Path | None = None) -> VoiceProfile:
    """Load profile ``name`` (default: the offline eSpeak NG voice), or the profile file at a path.

    A name is looked up in ``directory`` (default: the voices folder), then in the voices folder.
    """
    name = name or DEFAULT_VOICE
    if is_profile_path(name):
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f"{path}: voice profile not found")
        return _load(path)
    folders = [directory or voices_dir()]
    if directory is not None and directory.resolve() != voices_dir().resolve():
        folders.append(voices_dir())
    for folder in folders:
        path = folder / f"{name}.toml"
        if path.is_file():
            return _load(path)
    available = ", ".join(p.name for p in list_voices(folders[0])) or "none"
    raise ConfigError(
        f"unknown voice {name!r}: no {folders[0] / name}.toml (available: {available})"
    )


def _load(path: Path) -> VoiceProfile:
    # A profile is named by its file, so `--voice X` and `newsaudio voices` always agree.
    return VoiceProfile.from_dict({**read_toml(path), "name": path.stem}, str(path))


def list_voices(directory: Path | None = None) -> list[VoiceProfile]:
    """Every profile in the voices folder, sorted by name."""
    directory = directory or voices_dir()
    return [_load(p) for p in sorted(directory.glob("*.toml"), key=lambda p: p.stem)]
