"""Feed and render settings from ``newsaudio.toml``.

Looked up as ``--config PATH``, else ``./newsaudio.toml``, else the defaults below (documented in
the README). Only the ``[feed]`` table, ``voice`` and ``lexicon`` are read; unknown keys and values
of the wrong type are errors, before any work, so a typo in ``base_url`` cannot silently publish a
feed with localhost enclosures. :func:`from_table` checks voice profiles the same way.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from newsaudio.errors import ConfigError
from newsaudio.resources import read_toml

CONFIG_FILE = "newsaudio.toml"
LEXICON_FILE = "lexicon.tsv"
DEFAULT_BASE_URL = "http://localhost:8000/"
# The voice profile of `render` when neither --voice nor the settings name one: offline eSpeak NG.
DEFAULT_VOICE = "ar-espeak"


@dataclass(frozen=True)
class FeedConfig:
    """The podcast channel: what podcast apps show and where the episodes are served from."""

    title: str = "أخبار مسموعة"
    description: str = "مقالات إخبارية عربية مقروءة بصوت واضح، مع فصول لكل عنوان فرعي."
    # Where the output folder is published; enclosure URLs are this plus the file name.
    base_url: str = DEFAULT_BASE_URL
    # The channel's web page; defaults to base_url.
    link: str = ""
    author: str = "newsaudio"
    owner_email: str = ""
    # Square cover art, 1400-3000 px; defaults to base_url + "cover.png" (render writes one).
    image: str = ""
    category: str = "News"
    subcategory: str = "Daily News"
    explicit: bool = False
    language: str = "ar"
    # Only the newest N episodes go into the feed (their files stay); 0 means all of them.
    max_episodes: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.max_episodes, int) or self.max_episodes < 0:
            raise ConfigError(
                f"feed.max_episodes must be a whole number >= 0, not {self.max_episodes!r}"
            )
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigError(f"feed.base_url must be an http(s) URL, not {self.base_url!r}")
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")

    @property
    def channel_link(self) -> str:
        return self.link or self.base_url

    @property
    def image_url(self) -> str:
        return self.image or self.base_url + "cover.png"

    @property
    def feed_url(self) -> str:
        return self.base_url + "feed.xml"

    @property
    def is_default_base_url(self) -> bool:
        return self.base_url == DEFAULT_BASE_URL


@dataclass(frozen=True)
class Config:
    """All settings of a newsaudio project."""

    feed: FeedConfig = field(default_factory=FeedConfig)
    voice: str = DEFAULT_VOICE
    # The project's pronunciation lexicon (TSV); its entries override the built-in ones.
    lexicon: Path | None = None
    path: Path | None = None

    @property
    def lexicon_file(self) -> Path | None:
        """The project lexicon: as configured, else ./lexicon.tsv when it exists."""
        if self.lexicon is not None:
            return self.lexicon
        default = Path.cwd() / LEXICON_FILE
        return default if default.is_file() else None

    @property
    def lexicon_target(self) -> Path:
        """Where entries added to the project lexicon go: its file, else ./lexicon.tsv."""
        return self.lexicon_file or Path.cwd() / LEXICON_FILE


@dataclass(frozen=True)
class _File:
    """What ``newsaudio.toml`` may hold, by type."""

    voice: str = DEFAULT_VOICE
    lexicon: str = ""  # a path, relative to the file
    feed: FeedConfig = field(default_factory=FeedConfig)


def load_config(path: Path | None = None) -> Config:
    """Read ``path`` (or ./newsaudio.toml if present); defaults for everything not set. Unknown
    keys and values of the wrong type are errors naming the file and the key."""
    if path is None:
        candidate = Path.cwd() / CONFIG_FILE
        if not candidate.is_file():
            return Config()
        path = candidate
    try:
        settings: _File = from_table(_File, read_toml(path), str(path))
    except ConfigError as exc:  # FeedConfig's own checks do not know the file
        exc.about(path)
        raise
    # A relative lexicon path is relative to the config file, like every project file.
    lexicon_path = path.parent / settings.lexicon if settings.lexicon else None
    return Config(feed=settings.feed, voice=settings.voice, lexicon=lexicon_path, path=path)


def from_table(cls: Any, data: dict[str, Any], source: str, prefix: str = "") -> Any:
    """Instantiate dataclass ``cls`` from the TOML table ``data``, checking every key and type
    against its fields, before any work.

    The error names the file and the key (``gtts.tries``, ``feed.explicit``), so one line tells a
    producer what to fix: ``voice = 5`` is "voice must be text, not 5", not an unknown voice '5'.
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
            values[key] = from_table(expected, value, source, f"{prefix}{key}.")
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
