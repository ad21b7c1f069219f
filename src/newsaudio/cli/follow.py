"""``newsaudio follow``: a site's feed in, new episodes out — once (cron, systemd timers) or
``--every`` few minutes; ``--status`` shows what is followed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newsaudio.cli.options import (
    ConfigOption,
    DebugOption,
    VoiceOption,
    echo,
    err,
    fail,
    handled_errors,
)
from newsaudio.errors import EXIT_INTERRUPTED, EXIT_OK

if TYPE_CHECKING:
    from newsaudio.follow import Event, RunResult

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _seconds(value: str) -> float:
    """A duration as the options take it: "90", "90s", "10m", "1h"."""
    match = _DURATION.match(value)
    if match is None:
        raise typer.BadParameter(f"{value!r} is not a duration (e.g. 90s, 10m, 1h)")
    return float(match[1]) * _UNIT_S[match[2].casefold()]


def follow(
    feeds: Annotated[
        list[str] | None,
        typer.Argument(
            help="Feed URLs or saved feed files (RSS, Atom, JSON Feed), or OPML lists of feeds.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("output"),
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            help="Keep running: check again every DURATION (e.g. 10m); Ctrl-C or SIGTERM stops.",
            show_default=False,
        ),
    ] = None,
    backfill: Annotated[
        int,
        typer.Option(
            "--backfill",
            min=0,
            help="On a feed's first check, render only its newest N items (the rest are skipped).",
        ),
    ] = 5,
    status: Annotated[
        bool, typer.Option("--status", help="Show the followed feeds and their items; no check.")
    ] = False,
    edition: Annotated[
        str | None,
        typer.Option(
            "--edition",
            help="'daily': after each run, the day's items as one edition (MP3, EPUB, DAISY).",
            show_default=False,
        ),
    ] = None,
    voice: VoiceOption = None,
    config_path: ConfigOption = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes for the renders (default: one per core)."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Render on a Dask cluster, e.g. tcp://HOST:8786 (fetching stays here).",
        ),
    ] = None,
    delay: Annotated[
        float,
        typer.Option("--delay", min=0.0, help="Seconds between two requests to the same host."),
    ] = 1.0,
    settle: Annotated[
        str,
        typer.Option(
            "--settle",
            help="A changed article is rendered again once unchanged this long.",
        ),
    ] = "10m",
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Synthesize and master everything; neither read nor fill the cache."
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only errors and what was rendered or withdrawn.")
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Follow news feeds: render the items not rendered yet into the output folder and publish
    them as `render` does, then exit (for cron and systemd timers), or keep going with --every.
    An item whose text changed is rendered again once it settled; one whose page now answers 404
    or 410 is withdrawn from the feed and the page (its files stay until `episodes remove`).

    Example: newsaudio follow https://example.com/feed.xml --out /srv/podcast --every 10m
    """
    if status:
        with handled_errors(debug):
            _print_status(out)
        return
    if not feeds:
        raise typer.BadParameter("give feed URLs or files (or OPML lists), or --status")
    if edition not in (None, "daily"):
        raise typer.BadParameter(f"--edition takes 'daily', not {edition!r}")
    every_s = _seconds(every) if every else None
    if every_s is not None and every_s < 60:
        raise typer.BadParameter("--every must be at least 1m: a feed is not asked more often")
    settle_s = _seconds(settle)
    from newsaudio.batch import default_jobs
    from newsaudio.config import load_config
    from newsaudio.follow import FollowJob, follow_every, follow_once
    from newsaudio.speech.voices import load_voice

    with handled_errors(debug):
        config = load_config(config_path)
        profile = load_voice(voice or config.voice)
        job = FollowJob(
            out,
            profile,
            config,
            use_cache=not no_cache,
            jobs=1 if debug else (jobs or default_jobs(profile)),
            scheduler=scheduler,
            backfill=backfill,
            delay_s=delay,
            settle_s=settle_s,
            edition=edition == "daily",
        )
        say = _printer(quiet)
        code = EXIT_OK
        try:
            if every_s is None:
                code = follow_once(feeds, job, say).exit_code
            else:
                follow_every(feeds, job, every_s, say, _after_run(quiet))
        except KeyboardInterrupt:
            err.print(
                "Stopped: every finished episode is in the feed; what was not finished is "
                "rendered by the next run.",
                markup=False,
            )
            raise typer.Exit(EXIT_INTERRUPTED) from None
    if code != EXIT_OK:
        raise typer.Exit(code)


def _printer(quiet: bool) -> Callable[[Event], None]:
    """What to do with each event: episodes and withdrawals on stdout, notes on stderr (unless
    --quiet), errors as one line each."""

    def say(event: Event) -> None:
        if event.kind == "error":
            fail(event.text)
        elif event.kind == "rendered" and event.audio is not None:
            minutes, seconds = divmod(round(event.duration_s), 60)
            echo(f"{event.text} ({event.chapters} chapters, {minutes}:{seconds:02d})")
        elif event.kind in ("rendered", "withdrawn"):
            echo(event.text)
        elif not quiet:
            err.print(event.text, markup=False)

    return say


def _after_run(quiet: bool) -> Callable[[RunResult], None]:
    def done(result: RunResult) -> None:
        if not quiet:
            err.print(
                f"Run done: {result.rendered} rendered, {result.updated} updated, "
                f"{result.withdrawn} withdrawn, {len(result.failures)} failed.",
                markup=False,
            )

    return done


def _print_status(out: Path) -> None:
    from newsaudio.follow import feed_status

    feeds = feed_status(out)
    if not feeds:
        err.print(f"No feeds followed in {out}.", markup=False)
        return
    for entry in feeds:
        feed = entry.feed
        title = f" ({feed.title})" if feed.title else ""
        typer.echo(f"{feed.url}{title}")
        if feed.location != feed.url:
            typer.echo(f"  moved to {feed.location}")
        checked = f"{feed.last_checked:%Y-%m-%d %H:%M} UTC" if feed.last_checked else "never"
        typer.echo(f"  last checked: {checked}: {feed.last_result or ''}")
        if feed.gone:
            typer.echo(f"  gone (HTTP 410) since {feed.gone:%Y-%m-%d}: no longer asked")
        elif feed.not_before:
            typer.echo(f"  next check: not before {feed.not_before:%Y-%m-%d %H:%M} UTC")
        counts = ", ".join(f"{n} {state}" for state, n in sorted(entry.items.items()))
        typer.echo(f"  items: {counts or 'none yet'}")
        for item in entry.recent:
            day = f"{item.published:%Y-%m-%d}" if item.published else "          "
            extra = item.error or item.note or ""
            renders = f" ×{item.renders}" if item.renders > 1 else ""
            line = f"  {item.state:<9} {day}  {item.slug or '-'}{renders}  {item.title}"
            typer.echo(f"{line}  ({extra})" if extra else line)
