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
from newsaudio.resources import project_paths, read_toml
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
    timeout_s: float = 10.0  # for the whole answer to one request, not per network read
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
    # Who reads, in words a listener hears in a talking book's information ("صوت مركب آليا
    # (إسبيك)"); empty: the books say only that the voice is synthesized.
    narrator: str = ""
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
        for key, value in _numbers(profile):
            low, high, unit = _RANGES[key]
            if value is not None and not low <= value <= high:
                raise ConfigError(
                    f"{source}: {key} = {value!r} is out of range (from {low:g} to {high:g}{unit})"
                )
        if profile.volume == 0:
            raise ConfigError(f"{source}: volume must be above 0")
        return profile

    def to_dict(self) -> dict[str, Any]:
        """The profile as a TOML-ready table (round-trips through :meth:`from_dict`)."""
        return _as_table(self)

    @property
    def folder(self) -> Path:
        """Where names of other profiles (roles, fallback) are looked up first."""
        return Path(self.source).parent if self.source else voices_dir()


# The valid range of every number in a profile, checked when it is loaded, before any work: an
# engine given a rate of 99999 fails (or clamps silently) only once it speaks.
_RANGES: dict[str, tuple[float, float, str]] = {
    "rate": (80, 450, " words per minute"),  # eSpeak NG's own limits
    "pitch": (0, 100, ""),
    "range": (0, 100, ""),
    "volume": (0, 4, ""),
    "pauses.sentence_ms": (0, 10_000, " ms"),
    "pauses.block_ms": (0, 10_000, " ms"),
    "pauses.segment_ms": (0, 10_000, " ms"),
    "gtts.timeout_s": (0.1, 120, " s"),
    "gtts.tries": (1, 10, ""),
    "gtts.backoff_s": (0, 60, " s"),
    "piper.length_scale": (0.2, 5, ""),
    "piper.noise_scale": (0, 2, ""),
    "piper.noise_w_scale": (0, 2, ""),
    "piper.speaker": (0, 10_000, ""),
}


def _numbers(profile: VoiceProfile) -> list[tuple[str, float | None]]:
    """The profile's numbers by their key in the file (``pauses.block_ms``)."""
    values: list[tuple[str, float | None]] = []
    for key in _RANGES:
        obj: Any = profile
        for part in key.split("."):
            obj = getattr(obj, part)
        values.append((key, obj))
    return values


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


def voice_dirs() -> list[Path]:
    """Where voice profiles are looked up, in order: ./voices, then the packaged profiles. A
    ./voices folder adds and overrides profiles; it never hides the built-in ones."""
    return project_paths("voices")


def voices_dir() -> Path:
    """The first voices folder (./voices, else the packaged defaults)."""
    return voice_dirs()[0]


def is_profile_path(name: str) -> bool:
    """Whether ``--voice`` got a file path rather than a profile name."""
    return name.endswith(".toml") or "/" in name or "\\" in name


def load_voice(name: str | None = None, directory: Path | None = None) -> VoiceProfile:
    """Load profile ``name`` (default: the offline eSpeak NG voice), or the profile file at a path.

    A name is looked up in ``directory`` (a profile's own folder, for its roles and fallback),
    then in ./voices, then among the packaged profiles.
    """
    name = name or DEFAULT_VOICE
    if is_profile_path(name):
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f"{path}: voice profile not found")
        return _load(path)
    folders = [*([directory] if directory is not None else []), *voice_dirs()]
    for folder in folders:
        path = folder / f"{name}.toml"
        if path.is_file():
            return _load(path)
    known = sorted({p.stem for folder in folders for p in folder.glob("*.toml")})
    raise ConfigError(f"unknown voice {name!r} (available: {', '.join(known) or 'none'})")


def _load(path: Path) -> VoiceProfile:
    # A profile is named by its file, so `--voice X` and `newsaudio voices` always agree.
    return VoiceProfile.from_dict({**read_toml(path), "name": path.stem}, str(path))


def list_voices(directory: Path | None = None) -> list[VoiceProfile]:
    """Every profile in ``directory``, or in all the voices folders (a name in ./voices
    overrides the packaged one), sorted by name."""
    paths: dict[str, Path] = {}
    for folder in [directory] if directory is not None else voice_dirs():
        for path in sorted(folder.glob("*.toml")):
            paths.setdefault(path.stem, path)
    return [_load(paths[name]) for name in sorted(paths)]
