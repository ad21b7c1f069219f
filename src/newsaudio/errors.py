"""One exception family for every stage.

Each message is a complete sentence fragment that names what it is about (file, segment, engine),
so the CLI can print ``Error: <message>`` on one line and nothing else. Each error also says which
exit code it ends the command with, so a script can tell a bad article (skip it) from the network
being down (retry later) from a full disk (call someone).
"""

from __future__ import annotations

import errno
from pathlib import Path

# Exit codes, documented in the README and `newsaudio --help`.
EXIT_OK = 0
EXIT_FAILED = 1  # some articles of a batch failed, or a bug (an internal error)
EXIT_INPUT = 2  # usage or input: a bad file, a refused article, an unknown voice
EXIT_ENGINE = 3  # a speech engine or the network, after retries
EXIT_FILES = 4  # the file system: disk full, read-only, no permission
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM

# What an exit code is called in a batch's summary.
EXIT_KINDS = {
    EXIT_FAILED: "failed",
    EXIT_INPUT: "input",
    EXIT_ENGINE: "engine or network",
    EXIT_FILES: "file system",
}

# OS errors that are the file system's state, not a bug: they end with EXIT_FILES.
FILE_SYSTEM_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG, errno.EIO}
)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM took effect. ``done`` says what was finished and put in place before it
    did (an interrupt that arrives while an episode is being placed waits for the placing)."""

    def __init__(self, done: str = "") -> None:
        super().__init__(done)
        self.done = done


class NewsaudioError(Exception):
    """Base of every error newsaudio raises on purpose. ``exit_code`` is the class's, unless a
    raise site knows better (a missing episode is a usage error, not a damaged folder)."""

    exit_code = EXIT_INPUT

    def __init__(self, *args: object, exit_code: int | None = None) -> None:
        super().__init__(*args)
        if exit_code is not None:
            self.exit_code = exit_code

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt without calling __init__, whose signature a subclass may change (ArticleError's
        # does): an error raised in a worker process reaches the parent as itself, with its
        # message and exit code, not as an unpickling failure that breaks the pool.
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(
    cls: type[NewsaudioError], args: tuple[object, ...], state: dict[str, object]
) -> NewsaudioError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


def exit_code_of(exc: BaseException) -> int:
    """The exit code ``exc`` ends a command with: ours say; an OS error of the file system is
    EXIT_FILES; anything else is a bug."""
    if isinstance(exc, NewsaudioError):
        return exc.exit_code
    if isinstance(exc, OSError) and exc.errno in FILE_SYSTEM_ERRNOS:
        return EXIT_FILES
    return EXIT_FAILED


def internal_error(subject: object, exc: BaseException) -> str:
    """The one line a bug becomes: what failed, where, and how to see the details."""
    return f"{subject}: internal error ({type(exc).__name__}: {exc}); run with --debug for details"


def failure_line(subject: object, exc: BaseException) -> str:
    """The one line any exception becomes: ours as worded; the file system's state (disk full,
    read-only) as the OS says it; anything else as a bug."""
    if isinstance(exc, NewsaudioError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in FILE_SYSTEM_ERRNOS:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{subject}: {exc.strerror or exc}{where}"
    return internal_error(subject, exc)


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
    """Text preparation (normalization, diacritization) failed: the diacritization model is an
    engine like the voices."""

    exit_code = EXIT_ENGINE


class EngineError(NewsaudioError):
    """A TTS engine failed to load or to synthesize."""

    exit_code = EXIT_ENGINE


class AudioError(NewsaudioError):
    """Assembling, normalizing or encoding the audio failed (silent or unusable engine output)."""

    exit_code = EXIT_ENGINE


class TagError(NewsaudioError):
    """Writing or reading the ID3 tags failed."""

    exit_code = EXIT_FILES


class FeedError(NewsaudioError):
    """The output folder's catalog, feed or episode records cannot be read or written."""

    exit_code = EXIT_FILES


class OutputError(NewsaudioError):
    """The output folder cannot be written (not a folder, no permission, disk full)."""

    exit_code = EXIT_FILES


class FetchError(NewsaudioError):
    """An article URL cannot be fetched. The network (timeouts, refused connections, 5xx and 429
    after retries) ends with EXIT_ENGINE: try again later; the page itself (404, not a web page,
    too large) with EXIT_INPUT. ``status`` is the HTTP status when the server answered with an
    error (a followed article whose page answers 404 or 410 is withdrawn); ``retry_after_s`` how
    long it asked to wait (a followed feed is not asked again before)."""

    exit_code = EXIT_ENGINE

    def __init__(
        self,
        *args: object,
        exit_code: int | None = None,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(*args, exit_code=exit_code)
        self.status = status
        self.retry_after_s = retry_after_s


class FeedReadError(NewsaudioError):
    """A followed feed (or OPML list) cannot be read: not a feed, unsafe (entity declarations),
    or cut short. A feed cut short on the way is the network's (``exit_code`` EXIT_ENGINE)."""


class CorrectionError(NewsaudioError):
    """A proofreader's correction cannot be used: not the word's letters, markup or control
    characters, too long, an unknown word or scope. Nothing is changed."""
