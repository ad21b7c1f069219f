"""One exception family for every stage.

Each message is a complete sentence fragment that names what it is about (file, segment, engine),
so the CLI can print ``Error: <message>`` on one line and nothing else.
"""

from __future__ import annotations

from pathlib import Path


class NewsaudioError(Exception):
    """Base of every error newsaudio raises on purpose."""


def internal_error(subject: object, exc: BaseException) -> str:
    """The one line a bug becomes: what failed, where, and how to see the details."""
    return f"{subject}: internal error ({type(exc).__name__}: {exc}); run with --debug for details"


class ArticleError(NewsaudioError):
    """The input article cannot be read or holds no article text."""

    def __init__(self, source: Path | str, problem: str) -> None:
        # A file path or a URL, kept as given: Path() would fold "https://" into "https:/".
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class ConfigError(NewsaudioError):
    """A config file or voice profile is missing or malformed."""


class TextPrepError(NewsaudioError):
    """Text preparation (normalization, diacritization) failed."""


class EngineError(NewsaudioError):
    """A TTS engine failed to load or to synthesize."""


class AudioError(NewsaudioError):
    """Assembling, normalizing or encoding the audio failed."""


class TagError(NewsaudioError):
    """Writing or reading the ID3 tags failed."""


class FeedError(NewsaudioError):
    """The podcast feed cannot be read or rendered."""


class OutputError(NewsaudioError):
    """The output folder cannot be written (not a folder, no permission, disk full)."""


class FetchError(NewsaudioError):
    """An article URL cannot be fetched (network, HTTP status, content type, size)."""
