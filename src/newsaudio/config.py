"""Feed and render settings from ``newsaudio.toml``.

Looked up as ``--config PATH``, else ``./newsaudio.toml``, else the defaults below (documented in
the README). Only the ``[feed]`` table, ``voice`` and ``lexicon`` are read; unknown keys are
errors, so a typo
in ``base_url`` cannot silently publish a feed with localhost enclosures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

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


def load_config(path: Path | None = None) -> Config:
    """Read ``path`` (or ./newsaudio.toml if present); defaults for everything not set."""
    if path is None:
        candidate = Path.cwd() / CONFIG_FILE
        if not candidate.is_file():
            return Config()
        path = candidate
    data = read_toml(path)
    feed_data: dict[str, Any] = data.pop("feed", {})
    voice = data.pop("voice", DEFAULT_VOICE)
    lexicon = data.pop("lexicon", None)
    if data:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(data))}")
    known = {f.name for f in fields(FeedConfig)}
    unknown = sorted(set(feed_data) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown [feed] setting(s) {', '.join(unknown)}")
    try:
        feed = replace(FeedConfig(), **feed_data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    # A relative lexicon path is relative to the config file, like every project file.
    lexicon_path = path.parent / lexicon if lexicon else None
    return Config(feed=feed, voice=str(voice), lexicon=lexicon_path, path=path)
