"""``newsaudio voices``: list voice profiles and Piper voices, install one, try one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from newsaudio.cli.options import (
    ConfigOption,
    DebugOption,
    err,
    handled_errors,
    progress_bar,
)

app = typer.Typer(no_args_is_help=False)


@app.callback(invoke_without_command=True)
def voices(ctx: typer.Context, debug: DebugOption = False) -> None:
    """List voice profiles, installed Piper voices and the known Arabic ones.

    Example: newsaudio voices
    """
    if ctx.invoked_subcommand:
        return
    from newsaudio.speech import voice_store
    from newsaudio.speech.voices import list_voices

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


@app.command("install")
def voices_install(
    name: Annotated[str, typer.Argument(help="Piper voice name, e.g. ar_JO-kareem-medium.")],
    debug: DebugOption = False,
) -> None:
    """Download a Piper voice (.onnx and .onnx.json) into the user data folder.

    Example: newsaudio voices install ar_JO-kareem-medium
    """
    from newsaudio.speech import voice_store

    with handled_errors(debug), _download_bar() as progress:
        path = voice_store.install(name, progress)
    typer.echo(f"Installed {name}: {path}")


@contextmanager
def _download_bar() -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A byte progress bar on an interactive terminal; nothing when piped."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, TaskID, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    with progress_bar(*columns) as bar:
        tasks: dict[str, TaskID] = {}

        def update(file: str, done: int, total: int | None) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(file, total=total)
            bar.update(tasks[file], completed=done, total=total)

        yield update


@app.command("try")
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
    from newsaudio.speech.voice_sample import write_sample
    from newsaudio.speech.voices import load_voice

    with handled_errors(debug):
        config = load_config(config_path)
        profile = load_voice(name)
        target = out or Path(f"{profile.name}-sample.mp3")
        spoken_by = write_sample(profile, target, text, text_options(profile, config))
    typer.echo(f"{target} (spoken by {', '.join(spoken_by)})")
