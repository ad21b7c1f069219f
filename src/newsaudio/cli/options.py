"""What the commands share: the error line and exit codes, stderr, and the common options.

The command modules are the only code that prints or exits. Every error newsaudio raises on
purpose becomes one ``Error: …`` line on stderr and exit code 2; ``--debug`` shows the traceback
instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newsaudio.errors import NewsaudioError, internal_error

if TYPE_CHECKING:
    from rich.console import Console

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class _Stderr:
    """rich's Console on stderr, built on first use: rich takes 0.1 s to import, which `--version`
    and `voices` do not need."""

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, highlight=False, soft_wrap=True)

    @property
    def is_terminal(self) -> bool:
        return self.console.is_terminal

    def print(self, *objects: Any, **options: Any) -> None:
        self.console.print(*objects, **options)


err = _Stderr()

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


def fail(message: str) -> None:
    err.print(f"Error: {' '.join(message.split())}", markup=False)


@contextmanager
def handled_errors(debug: bool) -> Iterator[None]:
    """Turn our exceptions into one line and exit code 2 (unless --debug)."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # trafilatura warns ("discarding data: None") on pages it finds no text in: ours to report.
    logging.getLogger("trafilatura").setLevel(logging.NOTSET if debug else logging.ERROR)
    try:
        yield
    except NewsaudioError as exc:
        if debug:
            raise
        fail(str(exc))
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        err.print("Interrupted; the output folder is unchanged.")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.Abort, typer.BadParameter):
        raise  # the command line's own exits and usage errors: not bugs
    except Exception as exc:  # a bug: still one line, never a traceback without --debug
        if debug:
            raise
        fail(internal_error("newsaudio", exc))
        raise typer.Exit(EXIT_ERROR) from None
