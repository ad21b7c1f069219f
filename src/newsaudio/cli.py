"""The ``newsaudio`` command. The only module that prints or exits.

Every error newsaudio raises on purpose becomes one ``Error: …`` line on stderr and exit code 2;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
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
    str | None,
    typer.Option(
        "--voice", "-v", help="Voice profile: a name from voices/ or a path to a .toml file."
    ),
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
    err.print(f"Error: {' '.join(message.split())}", markup=False)


def _internal(subject: object, exc: BaseException) -> str:
    """One line for a bug: what failed, where, and how to see the details."""
    return f"{subject}: internal error ({type(exc).__name__}: {exc}); run with --debug for details"


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
    except (typer.Exit, typer.Abort, click.ClickException):
        raise  # click's own exits and usage errors: not bugs
    except Exception as exc:  # a bug: still one line, never a traceback without --debug
        if debug:
            raise
        _fail(_internal("newsaudio", exc))
        raise typer.Exit(EXIT_ERROR) from None


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
        list[str] | None,
        typer.Argument(
            help="Article files (scraped text, Markdown or HTML) or http(s) URLs of news pages.",
            show_default=False,
        ),
    ] = None,
    from_list: Annotated[
        list[Path] | None,
        typer.Option(
            "--from-list",
            help="A file of article paths and URLs, one a line; '#' starts a comment.",
            dir_okay=False,
        ),
    ] = None,
    voice: VoiceOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("output"),
    config_path: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Synthesize every sentence; neither read nor fill the cache."
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Render articles (files or web pages) to MP3 with chapters, tags and a transcript, and
    update the feed.

    Example: newsaudio render examples/kursk-ar.txt https://example.com/news/1 --out output
    """
    from newsaudio.cache import SentenceCache
    from newsaudio.config import load_config
    from newsaudio.fetch import read_list
    from newsaudio.pipeline import render_article
    from newsaudio.voices import load_voice

    failed = 0
    with _errors(debug):
        config = load_config(config_path)
        profile = load_voice(voice or config.voice)
        sources = [*(articles or []), *(e for f in from_list or [] for e in read_list(f))]
        if not sources:
            raise typer.BadParameter("give article files or URLs, or --from-list FILE")
        cache = None if no_cache else SentenceCache.from_env()
        for article in sources:
            try:
                with _progress(not quiet) as progress:
                    result = render_article(article, out, profile, config, progress, cache=cache)
            except NewsaudioError as exc:
                if debug:
                    raise
                _fail(str(exc))
                failed += 1
                continue
            except Exception as exc:  # one article's bug must not stop the batch
                if debug:
                    raise
                _fail(_internal(article, exc))
                failed += 1
                continue
            if not quiet:
                minutes, seconds = divmod(round(result.episode.duration_s), 60)
                typer.echo(
                    f"{result.audio} ({result.chapters} chapters, {minutes}:{seconds:02d}); "
                    f"transcript {result.transcript}; feed {result.feed}"
                )
        _warn_base_url(config, quiet, failed < len(sources))
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
    article: Annotated[
        str, typer.Argument(help="Article file (scraped text, Markdown or HTML) or a page URL.")
    ],
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


voices_app = typer.Typer(no_args_is_help=False)
app.add_typer(voices_app, name="voices")


@voices_app.callback(invoke_without_command=True)
def voices(ctx: typer.Context, debug: DebugOption = False) -> None:
    """List voice profiles, installed Piper voices and the known Arabic ones.

    Example: newsaudio voices
    """
    if ctx.invoked_subcommand:
        return
    from newsaudio import voice_store
    from newsaudio.voices import list_voices

    with _errors(debug):
        profiles = list_voices()
        installed = voice_store.installed_voices()
        known = voice_store.known_voices()
    for profile in profiles:
        typer.echo(f"{profile.name}\t{profile.engine}\t{profile.description}")
    typer.echo(f"\nPiper voices installed in {voice_store.store_dir()}:")
    for name in installed:
        typer.echo(f"  {name}")
    if not installed:
        typer.echo("  (none)")
    typer.echo("\nKnown Arabic Piper voices (install with: newsaudio voices install NAME):")
    for voice in known:
        mark = "installed" if voice.name in installed else f"{voice.onnx_bytes / 1e6:.0f} MB"
        typer.echo(f"  {voice.name}\t{mark}\t{voice.description}")


@voices_app.command("install")
def voices_install(
    name: Annotated[str, typer.Argument(help="Piper voice name, e.g. ar_JO-kareem-medium.")],
    debug: DebugOption = False,
) -> None:
    """Download a Piper voice (.onnx and .onnx.json) into the user data folder.

    Example: newsaudio voices install ar_JO-kareem-medium
    """
    from newsaudio import voice_store

    with _errors(debug), _download_bar() as progress:
        path = voice_store.install(name, progress)
    typer.echo(f"Installed {name}: {path}")


@contextmanager
def _download_bar() -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A byte progress bar on an interactive terminal; nothing when piped."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    with Progress(*columns, console=err.console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(file: str, done: int, total: int | None) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(file, total=total)
            bar.update(tasks[file], completed=done, total=total)

        yield update


@voices_app.command("try")
def voices_try(
    name: Annotated[
        str, typer.Argument(help="Voice profile: a name from voices/ or a .toml path.")
    ],
    text: Annotated[
        str | None, typer.Argument(help="Arabic text to speak (default: a news sentence).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="MP3 or WAV file (default: NAME-sample.mp3).")
    ] = None,
    config_path: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """Speak a sample sentence with a voice, to a file, to compare voices.

    Example: newsaudio voices try ar-podcast "أعلنت الحكومة اليوم خطة جديدة." --out podcast.wav
    """
    from newsaudio.config import load_config
    from newsaudio.pipeline import text_options
    from newsaudio.voice_sample import write_sample
    from newsaudio.voices import load_voice

    with _errors(debug):
        config = load_config(config_path)
        profile = load_voice(name)
        target = out or Path(f"{profile.name}-sample.mp3")
        spoken_by = write_sample(profile, target, text, text_options(profile, config))
    typer.echo(f"{target} (spoken by {', '.join(spoken_by)})")


OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]

episodes_app = typer.Typer(no_args_is_help=False)
app.add_typer(episodes_app, name="episodes")


@episodes_app.callback(invoke_without_command=True)
def episodes(
    ctx: typer.Context, out: OutOption = Path("output"), debug: DebugOption = False
) -> None:
    """List the episodes of the output folder, newest first: slug, date, duration, title.

    Example: newsaudio episodes --out output
    """
    if ctx.invoked_subcommand:
        return
    from newsaudio.catalog import Catalog

    with _errors(debug), Catalog.open(out) as catalog:
        listed = catalog.episodes()
    for episode in listed:
        minutes, seconds = divmod(round(episode.duration_s), 60)
        typer.echo(
            f"{episode.slug}\t{episode.pub_date:%Y-%m-%d}\t{minutes}:{seconds:02d}\t{episode.title}"
        )
    if not listed:
        err.print(f"No episodes in {out}.", markup=False)


@episodes_app.command("remove")
def episodes_remove(
    slug: Annotated[str, typer.Argument(help="The episode's slug, as `newsaudio episodes` lists.")],
    out: OutOption = Path("output"),
    config_path: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """Delete an episode and its files (MP3, transcripts, chapters) and rewrite the feed.

    Example: newsaudio episodes remove kursk-ar --out output
    """
    from newsaudio.config import load_config
    from newsaudio.publish import remove_episode

    with _errors(debug):
        episode = remove_episode(out, slug, load_config(config_path))
    typer.echo(f"removed {episode.slug}: {', '.join(episode.files)}")


@app.command()
def feed(
    out: OutOption = Path("output"),
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Rebuild the episode catalog from the MP3s first (when it is missing or damaged).",
        ),
    ] = False,
    config_path: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """Rewrite the feed of the output folder from its episode catalog.

    Run it after changing [feed] settings; with --rebuild, after the catalog was lost or damaged.

    Example: newsaudio feed --rebuild --out output
    """
    from newsaudio.catalog import Catalog
    from newsaudio.config import load_config
    from newsaudio.publish import publish_feed

    with _errors(debug):
        path = publish_feed(out, load_config(config_path), rebuild=rebuild)
        with Catalog.open(out) as catalog:
            count = len(catalog.episodes())
    typer.echo(f"{path} ({count} episodes)")


cache_app = typer.Typer(
    help="The cache of synthesized sentences that makes re-renders fast.\n\n"
    "Example: newsaudio cache info",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(debug: DebugOption = False) -> None:
    """Show the cache folder, its entries, size and cap.

    Set the folder with NEWSAUDIO_CACHE_DIR and the cap with NEWSAUDIO_CACHE_MAX_MB (default 500).

    Example: newsaudio cache info
    """
    from newsaudio.cache import SentenceCache

    with _errors(debug):
        info = SentenceCache.from_env().info()
    typer.echo(f"folder:  {info.folder}")
    typer.echo(f"entries: {info.entries} sentences")
    typer.echo(f"size:    {info.size_bytes / 1e6:.1f} MB of {info.max_bytes / 1e6:.0f} MB")


@cache_app.command("clear")
def cache_clear(debug: DebugOption = False) -> None:
    """Remove every cached sentence.

    Example: newsaudio cache clear
    """
    from newsaudio.cache import SentenceCache

    with _errors(debug):
        cache = SentenceCache.from_env()
        removed = cache.clear()
    typer.echo(f"removed {removed} sentences from {cache.folder}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
