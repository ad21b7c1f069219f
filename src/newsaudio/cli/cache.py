"""``newsaudio cache``: the cache of synthesized sentences and mastered chapters."""

from __future__ import annotations

import typer

from newsaudio.cli.options import DebugOption, handled_errors

app = typer.Typer(
    help="The cache of synthesized sentences and mastered chapters that makes re-renders fast.\n\n"
    "Example: newsaudio cache info",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("info")
def cache_info(debug: DebugOption = False) -> None:
    """Show the cache folder, its entries, size and cap.

    Set the folder with NEWSAUDIO_CACHE_DIR and the cap with NEWSAUDIO_CACHE_MAX_MB (default 500).

    Example: newsaudio cache info
    """
    from newsaudio.speech.cache import AudioCache

    with handled_errors(debug):
        info = AudioCache.from_env().info()
    typer.echo(f"folder:  {info.folder}")
    typer.echo(f"entries: {info.entries} (sentences, chapters, prepared texts)")
    typer.echo(f"size:    {info.size_bytes / 1e6:.1f} MB of {info.max_bytes / 1e6:.0f} MB")


@app.command("clear")
def cache_clear(debug: DebugOption = False) -> None:
    """Remove every cached sentence, chapter and prepared text.

    Example: newsaudio cache clear
    """
    from newsaudio.speech.cache import AudioCache

    with handled_errors(debug):
        cache = AudioCache.from_env()
        removed = cache.clear()
    typer.echo(f"removed {removed} entries from {cache.folder}")
