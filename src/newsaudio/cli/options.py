"""What the commands share: the error line and exit codes, stderr, and the common options.

The command modules are the only code that prints or exits. Every error becomes one ``Error: …``
line on stderr and the exit code its kind says (``errors.py``: 2 input, 3 engine or network,
4 file system, 1 a bug); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newsaudio.errors import (
    EXIT_INTERRUPTED,
    Interrupted,
    NewsaudioError,
    exit_code_of,
    failure_line,
)
from newsaudio.interrupts import sigterm_interrupts

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn


class _Stderr:
    """rich's Console on stderr, built on first use: rich takes 0.1 s to import, which `--version`
    and `voices` do not need. While a progress bar is shown (:func:`progress_bar`), everything
    printed through it goes above the bar."""

    live = False  # a progress bar is on the terminal

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

    @property
    def is_terminal(self) -> bool:
        return self.console.is_terminal

    def print(self, *objects: Any, **options: Any) -> None:
        self.console.print(*objects, **options)


err = _Stderr()


@contextmanager
def progress_bar(*columns: str | ProgressColumn) -> Iterator[Progress]:
    """A transient progress bar on stderr, which must be a terminal. Print with :func:`echo`,
    :func:`fail` or logging meanwhile: a plain write to the terminal would land in the bar's
    line. stdout is not redirected: a script reading it gets its lines, not the terminal."""
    from rich.progress import Progress

    with Progress(*columns, console=err.console, transient=True, redirect_stdout=False) as bar:
        err.live = True
        try:
            yield bar
        finally:
            err.live = False


def echo(line: str) -> None:
    """A result line on stdout; above the progress bar when stdout is the bar's terminal."""
    if err.live and sys.stdout.isatty():
        err.print(line, markup=False)
    else:
        typer.echo(line)


class _ConsoleHandler(logging.Handler):
    """Log records through :data:`err`, so a warning never lands inside a progress bar. Without
    --debug a record is one line, "Warning: …" like our "Error: …" lines, never a traceback."""

    def __init__(self, debug: bool) -> None:
        super().__init__()
        self.debug = debug
        # A line is said once: `proof --fix` reads the article twice, `--every` on every round.
        self.said: set[str] = set()

    def format(self, record: logging.LogRecord) -> str:
        if self.debug:
            return f"{record.levelname} {record.name}: {super().format(record)}"
        return f"{record.levelname.capitalize()}: {record.getMessage()}"

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            if not self.debug:
                if line in self.said:
                    return
                self.said.add(line)
            err.print(line, markup=False)
        except Exception:  # logging must never raise; it reports its own failures
            self.handleError(record)


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Settings file (default: ./newsaudio.toml if present).", dir_okay=False
    ),
]
VoiceOption = Annotated[
    str | None,
    typer.Option(
        "--voice", "-v", help="Voice profile: a name from voices/ or a path to a .toml file."
    ),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")]


OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]


def book_line(fallbacks: int | None) -> str:
    """What a render says of its talking book's text: every sentence as written, or how many
    are shown as spoken (their text as written could not be found)."""
    if fallbacks is None:
        return ""
    if not fallbacks:
        return "; book text: every sentence as written"
    return f"; book text: {fallbacks} sentences shown as spoken, not as written"


def fail(message: str) -> None:
    err.print(f"Error: {' '.join(message.split())}", markup=False)


@contextmanager
def handled_errors(debug: bool) -> Iterator[None]:
    """Turn every exception into one line and its exit code (unless --debug). SIGTERM (systemd,
    docker, CI timeouts) is handled like Ctrl-C: temporaries removed, what finished kept."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(message)s",
        handlers=[_ConsoleHandler(debug)],
    )
    for handler in logging.getLogger().handlers:  # a process may run several commands (tests)
        if isinstance(handler, _ConsoleHandler):
            handler.said.clear()
    # trafilatura warns ("discarding data: None") on pages it finds no text in: ours to report.
    logging.getLogger("trafilatura").setLevel(logging.NOTSET if debug else logging.ERROR)
    try:
        with sigterm_interrupts():
            yield
    except NewsaudioError as exc:
        if debug:
            raise
        fail(str(exc))
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt as exc:
        done = exc.done if isinstance(exc, Interrupted) else ""
        err.print(f"Interrupted; {done or 'the output folder is unchanged'}.", markup=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.Abort, typer.BadParameter):
        raise  # the command line's own exits and usage errors: not bugs
    except Exception as exc:  # a bug, or the disk: one line, no traceback without --debug
        if debug:
            raise
        fail(failure_line("newsaudio", exc))
        raise typer.Exit(exit_code_of(exc)) from None
