"""``newsaudio voices``, ``episodes``, ``feed``, ``serve`` and ``cache``: the commands that look
after what ``render`` uses and makes. Part of the command line (with ``cli.py``, the only modules
that print or exit); each imports its stage inside the command, so start-up stays quick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from newsaudio.cli import (
    ConfigOption,
    DebugOption,
    app,
    err,
    handled_errors,
)


@app.command()
def serve(
    folder: Annotated[
        Path, typer.Argument(help="The output folder to serve.", file_okay=False)
    ] = Path("output"),
    port: Annotated[int, typer.Option("--port", "-p", help="TCP port (0: any free one).")] = 8000,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; 0.0.0.0 opens it to the network.")
    ] = "127.0.0.1",
    debug: DebugOption = False,
) -> None:
    """Serve an output folder over HTTP to try its listening page and feed in a browser or a
    podcast app: the right MIME types, and byte ranges for seeking. Ctrl-C stops it.

    Example: newsaudio serve output --port 8000
    """
    from newsaudio.serve import make_server, server_url

    with handled_errors(debug):
        server = make_server(folder, host, port)
    with server:
        typer.echo(f"Serving {folder} at {server_url(server)} (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            typer.echo("Stopped.")


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

    with handled_errors(debug):
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

    with handled_errors(debug), _download_bar() as progress:
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

    with handled_errors(debug):
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

    with handled_errors(debug), Catalog.open(out) as catalog:
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

    with handled_errors(debug):
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

    with handled_errors(debug):
        path = publish_feed(out, load_config(config_path), rebuild=rebuild)
        with Catalog.open(out) as catalog:
            count = len(catalog.episodes())
    typer.echo(f"{path} ({count} episodes)")


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

    with handled_errors(debug):
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

    with handled_errors(debug):
        cache = AudioCache.from_env()
        removed = cache.clear()
    typer.echo(f"removed {removed} entries from {cache.folder}")
