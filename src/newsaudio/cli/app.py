"""The ``newsaudio`` command: the app and its commands, each defined in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

from newsaudio import __version__
from newsaudio.cli import (
    cache,
    edition,
    episodes,
    follow,
    lexicon,
    proof,
    render,
    serve,
    text,
    voices,
)

# Shown under `newsaudio --help` and `newsaudio render --help`; the README has the table.
EXIT_CODES = (
    "Exit codes: 0 all rendered; 1 some articles of a batch failed, or a bug; 2 usage or input "
    "(bad file, refused article); 3 engine or network, after retries; 4 the file system (disk "
    "full, read-only, permission); 130 interrupted."
)

app = typer.Typer(
    help="Turn Arabic news articles into chaptered, diacritized audio and a podcast feed.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: rich's help formatter takes 0.2 s to import, and --help must answer at once.
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsaudio {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Turn Arabic news articles into chaptered, diacritized audio and a podcast feed.

    Example: newsaudio render examples/kursk-ar.txt
    """


# In the order ``--help`` lists them.
app.command(epilog=EXIT_CODES)(render.render)
app.command(epilog=EXIT_CODES)(edition.edition)
app.command(epilog=EXIT_CODES)(follow.follow)
app.command()(text.text)
app.command()(proof.proof)
app.command()(serve.serve)
app.add_typer(voices.app, name="voices")
app.add_typer(episodes.app, name="episodes")
app.command()(episodes.feed)
app.add_typer(cache.app, name="cache")
app.add_typer(lexicon.app, name="lexicon")
