"""``newsaudio episodes`` and ``newsaudio feed``: the output folder's episodes and its feed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsaudio.cli.options import ConfigOption, DebugOption, OutOption, err, handled_errors

app = typer.Typer(no_args_is_help=False)


@app.callback(invoke_without_command=True)
def episodes(
    ctx: typer.Context, out: OutOption = Path("output"), debug: DebugOption = False
) -> None:
    """List the episodes of the output folder, newest first: slug, date, duration, title.

    Reads only: the folder is left as it was (see `newsaudio episodes repair`).

    Example: newsaudio episodes --out output
    """
    if ctx.invoked_subcommand:
        return
    from newsaudio.publishing.catalog import Catalog

    with handled_errors(debug), Catalog.read(out) as catalog:
        listed, pending = catalog.episodes(), catalog.repairs
    for line in pending:
        err.print(f"Note: {line}", markup=False)
    if pending:
        err.print(
            "Nothing was changed: `newsaudio episodes repair` (or the next render or feed) "
            "records this in the catalog and the feed.",
            markup=False,
        )
    for episode in listed:
        minutes, seconds = divmod(round(episode.duration_s), 60)
        typer.echo(
            f"{episode.slug}\t{episode.pub_date:%Y-%m-%d}\t{minutes}:{seconds:02d}\t{episode.title}"
        )
    if not listed:
        err.print(f"No episodes in {out}.", markup=False)


@app.command("remove")
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
    from newsaudio.publishing.publish import remove_episode

    with handled_errors(debug):
        episode = remove_episode(out, slug, load_config(config_path))
    typer.echo(f"removed {episode.slug}: {', '.join(episode.files)}")


@app.command("repair")
def episodes_repair(
    out: OutOption = Path("output"), config_path: ConfigOption = None, debug: DebugOption = False
) -> None:
    """Record in the catalog what the folder holds, say each change, and rewrite the feed.

    An MP3 deleted by hand leaves the feed (its side files go), one changed or added is read
    from its tags, a truncated one is left out; episode records of an earlier version lose the
    local paths they held.

    Example: newsaudio episodes repair --out output
    """
    from newsaudio.config import load_config
    from newsaudio.publishing.publish import repair_folder

    with handled_errors(debug):
        repairs = repair_folder(out, load_config(config_path))
    for line in repairs:
        typer.echo(line)
    typer.echo(f"{out}: {len(repairs) or 'nothing'} repaired; the feed is up to date")


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
    from newsaudio.config import load_config
    from newsaudio.publishing.catalog import Catalog
    from newsaudio.publishing.publish import publish_feed

    with handled_errors(debug):
        path = publish_feed(out, load_config(config_path), rebuild=rebuild)
        with Catalog.read(out) as catalog:
            count = len(catalog.episodes())
    typer.echo(f"{path} ({count} episodes)")
