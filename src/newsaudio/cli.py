"""The ``newsaudio`` command. The only module that prints or exits.

Every error newsaudio raises on purpose becomes one ``Error: …`` line on stderr and exit code 2;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newsaudio import __version__
from newsaudio.errors import NewsaudioError

# Every stage is imported inside the command that needs it: numpy, the diacritizer and the engines
# cost seconds, and `--help`, `--version` and `voices` should answer at once.
if TYPE_CHECKING:
    from rich.console import Console

    from newsaudio.config import Config
    from newsaudio.pipeline import ProgressCallback

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

app = typer.Typer(
    help="Turn Arabic news articles into chaptered, diacritized audio and a podcast feed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: rich's help formatter takes 0.2 s to import, and --help must answer at once.
    rich_markup_mode=None,
)


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
    str | None, typer.Option("--voice", "-v", help="Voice profile name from voices/.")
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")]


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


def _fail(message: str) -> None:
    err.print(f"Error: {message}", markup=False)


@contextmanager
def _errors(debug: bool) -> Iterator[None]:
    """Turn our exceptions into one line and exit code 2 (unless --debug)."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        yield
    except NewsaudioError as exc:
        if debug:
            raise
        _fail(str(exc))
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        err.print("Interrupted; the output folder is unchanged.")
        raise typer.Exit(EXIT_INTERRUPTED) from None


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    """A progress bar on an interactive terminal; nothing when piped or --quiet."""
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err.console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(step: str, done: int, total: int, label: str) -> None:
            verb = {"text": "Preparing text", "speech": "Speaking", "audio": "Mastering"}[step]
            bar.update(task, description=f"{verb}: {label[:40]}", completed=done, total=total)

        yield update


@app.command()
def render(
    articles: Annotated[
        list[Path], typer.Argument(help="Article files: scraped text, Markdown or HTML.")
    ],
    voice: VoiceOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("output"),
    config_path: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Synthesize and master everything; neither read nor fill the cache."
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Render articles to MP3 (chapters, tags, transcript) and update the feed.

    Example: newsaudio render examples/kursk-ar.txt --out output
    """
    from newsaudio.cache import AudioCache
    from newsaudio.config import load_config
    from newsaudio.pipeline import render_article
    from newsaudio.voices import load_voice

    failed = 0
    with _errors(debug):
        config = load_config(config_path)
        profile = load_voice(voice or config.voice)
        cache = None if no_cache else AudioCache.from_env()
        for article in articles:
            try:
                with _progress(not quiet) as progress:
                    result = render_article(article, out, profile, config, progress, cache=cache)
            except NewsaudioError as exc:
                if debug:
                    raise
                _fail(str(exc))
                failed += 1
                continue
            if not quiet:
                minutes, seconds = divmod(round(result.episode.duration_s), 60)
                typer.echo(
                    f"{result.audio} ({result.chapters} chapters, {minutes}:{seconds:02d}); "
                    f"transcript {result.transcript}; feed {result.feed}"
                )
        _warn_base_url(config, quiet, failed < len(articles))
    if failed:
        raise typer.Exit(EXIT_ERROR)


def _warn_base_url(config: Config, quiet: bool, rendered: bool) -> None:
    if rendered and not quiet and config.feed.is_default_base_url:
        err.print(
            f"Note: the feed's enclosure URLs start with {config.feed.base_url}; set [feed] "
            "base_url in newsaudio.toml to where you publish the output folder before publishing.",
            markup=False,
        )


@app.command()
def text(
    article: Annotated[Path, typer.Argument(help="Article file: scraped text, Markdown or HTML.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of {kind, title, text}.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show which rules and lexicon entries changed what.")
    ] = False,
    voice: VoiceOption = None,
    config_path: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """Print the prepared script (diacritized) without synthesizing, for proofreading.

    The text is exactly what the engine is given; the voice profile decides the case endings.

    Example: newsaudio text examples/kursk-ar.txt --explain
    """
    from newsaudio.config import load_config
    from newsaudio.pipeline import prepare_article
    from newsaudio.voices import load_voice

    with _errors(debug):
        config = load_config(config_path)
        prepared = prepare_article(article, load_voice(voice or config.voice), config)
    if as_json:
        rows = [{"kind": s.kind, "title": s.title, "text": s.text} for s in prepared.segments]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for number, segment in enumerate(prepared.segments, start=1):
        typer.echo(f"[{number}] {segment.kind}: {segment.title}\n{segment.text}\n")
        if explain:
            for change in segment.changes:
                typer.echo(f"    {change.rule}: {change.before.strip()} → {change.after.strip()}")
            typer.echo("")


@app.command()
def voices(debug: DebugOption = False) -> None:
    """List the voice profiles in voices/.

    Example: newsaudio voices
    """
    from newsaudio.voices import list_voices

    with _errors(debug):
        profiles = list_voices()
    for profile in profiles:
        typer.echo(f"{profile.name}\t{profile.engine}\t{profile.description}")


cache_app = typer.Typer(
    help="The cache of synthesized sentences and episodes that makes re-renders fast.\n\n"
    "Example: newsaudio cache info",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(debug: DebugOption = False) -> None:
    """Show the cache folder, its entries, size and cap.

    Set the folder with NEWSAUDIO_CACHE_DIR and the cap with NEWSAUDIO_CACHE_MAX_MB (default 500).

    Example: newsaudio cache info
    """
    from newsaudio.cache import AudioCache

    with _errors(debug):
        info = AudioCache.from_env().info()
    typer.echo(f"folder:  {info.folder}")
    typer.echo(f"entries: {info.entries} (sentences and episodes)")
    typer.echo(f"size:    {info.size_bytes / 1e6:.1f} MB of {info.max_bytes / 1e6:.0f} MB")


@cache_app.command("clear")
def cache_clear(debug: DebugOption = False) -> None:
    """Remove every cached sentence and episode.

    Example: newsaudio cache clear
    """
    from newsaudio.cache import AudioCache

    with _errors(debug):
        cache = AudioCache.from_env()
        removed = cache.clear()
    typer.echo(f"removed {removed} entries from {cache.folder}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
