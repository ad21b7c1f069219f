"""``newsaudio render``: articles to episodes, one at a time or as a batch, and the feed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newsaudio.cli.options import (
    ConfigOption,
    DebugOption,
    VoiceOption,
    book_line,
    echo,
    err,
    fail,
    handled_errors,
    progress_bar,
)
from newsaudio.cli.sources import article_sources
from newsaudio.errors import (
    EXIT_INTERRUPTED,
    EXIT_KINDS,
    EXIT_OK,
    NewsaudioError,
    exit_code_of,
    failure_line,
)

# Every stage is imported inside the command that needs it: numpy, the diacritizer and the engines
# cost seconds, and `--help`, `--version` and `voices` should answer at once.
if TYPE_CHECKING:
    from newsaudio.config import Config
    from newsaudio.pipeline import ProgressCallback


# What each step of a render counts, and how the bar words it.
_STEPS = {"text": "Preparing text", "speech": "Speaking", "audio": "Mastering"}


def _counted(step: str, done: int, total: int) -> str:
    """The bar's count: sentences while preparing and speaking, audio while mastering.

    >>> _counted("speech", 12, 80), _counted("audio", 75, 3600)
    ('12/80 sentences', '1:15 of 1:00:00 audio')
    """
    if step == "audio":
        from newsaudio.publishing.page import clock  # loaded by the render already

        return f"{clock(done * 1000)} of {clock(total * 1000)} audio"
    return f"{done}/{total} sentences"


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    """A progress bar on an interactive terminal, moving within each step (sentences prepared,
    sentences spoken, seconds of audio mastered); nothing when piped or --quiet."""
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[counted]}"),
        TimeElapsedColumn(),
    )
    with progress_bar(*columns) as bar:
        task = bar.add_task("", total=None, counted="")

        def update(step: str, done: int, total: int, label: str) -> None:
            bar.update(
                task,
                description=f"{_STEPS[step]}: {label[:40]}",
                completed=done,
                total=total,
                counted=_counted(step, done, total),
            )

        yield update


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
            "--no-cache", help="Synthesize and master everything; neither read nor fill the cache."
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes for a batch (default: one per core)."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Render on a Dask cluster, e.g. tcp://HOST:8786 (extra: newsaudio[dask]).",
        ),
    ] = None,
    epub: Annotated[
        bool,
        typer.Option(
            "--epub", help="Also an EPUB 3 whose text is read aloud in sync (Media Overlays)."
        ),
    ] = False,
    daisy: Annotated[
        bool,
        typer.Option("--daisy", help="Also a DAISY 2.02 book (<slug>.daisy/ and .daisy.zip)."),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Render articles (files, folders of them, or web pages) to MP3 with chapters, tags and
    transcripts, and update the feed. Several articles render in parallel and the feed is written
    once, at the end.

    Example: newsaudio render examples/kursk-ar.txt https://example.com/news/1 --out output
    """
    formats = _book_formats(epub, daisy)
    from newsaudio.config import load_config
    from newsaudio.pipeline import render_article
    from newsaudio.speech.cache import AudioCache
    from newsaudio.speech.voices import load_voice

    code = EXIT_OK
    with handled_errors(debug):
        config = load_config(config_path)
        profile = load_voice(voice or config.voice)
        sources = article_sources(articles or [], from_list or [])
        if (len(sources) > 1 or scheduler) and not debug:
            from newsaudio.batch import batch_exit_code

            done = _render_batch(
                sources, out, profile, config, jobs, scheduler, not no_cache, quiet, formats
            )
            code = batch_exit_code(done)
            _warn_base_url(config, quiet, any(outcome.ok for outcome in done))
        else:
            # One article, or --debug: in this process, one at a time, so a traceback shows.
            cache = None if no_cache else AudioCache.from_env()
            for source in sources:
                try:
                    with _progress(not quiet) as progress:
                        result = render_article(
                            source, out, profile, config, progress, cache=cache, formats=formats
                        )
                except NewsaudioError:
                    raise  # _errors makes it one line, or a traceback with --debug
                except Exception as exc:
                    if debug:
                        raise
                    raise _Failed(failure_line(source, exc), exit_code=exit_code_of(exc)) from exc
                if not quiet:
                    duration = result.episode.duration_s
                    line = _rendered_line(result.audio, result.chapters, duration)
                    echo(line + book_line(result.book_fallbacks))
            _warn_base_url(config, quiet, True)
    if code != EXIT_OK:
        raise typer.Exit(code)


def _book_formats(epub: bool, daisy: bool) -> tuple[str, ...]:
    """The talking-book files asked for, by the suffix they are placed as."""
    return (".epub",) * epub + (".daisy.zip",) * daisy


class _Failed(NewsaudioError):
    """An article's bug (or an OS error not wrapped yet), already worded as its one line."""


def _rendered_line(audio: Path, chapters: int, duration_s: float) -> str:
    minutes, seconds = divmod(round(duration_s), 60)
    return f"{audio} ({chapters} chapters, {minutes}:{seconds:02d})"


def _render_batch(
    sources: list[str],
    out: Path,
    profile: Any,
    config: Config,
    jobs: int | None,
    scheduler: str | None,
    use_cache: bool,
    quiet: bool,
    formats: tuple[str, ...] = (),
) -> list[Any]:
    """Render many articles in worker processes (or on a Dask cluster), one progress bar for the
    batch, the feed written once at the end; a failed article is one line and changes nothing."""
    from newsaudio.batch import Job, Outcome, default_jobs, run_cluster, run_local
    from newsaudio.publishing.corrections import stored_corrections
    from newsaudio.publishing.publish import publish_feed

    corrections = stored_corrections(out)
    job = Job(out, profile, config, use_cache, formats, corrections)
    finished: list[Outcome] = []
    with _batch_progress(len(sources), not quiet) as bars:

        def on_done(outcome: Outcome) -> None:
            finished.append(outcome)
            if not outcome.ok:
                fail(outcome.error or "")
            elif not quiet:
                audio = out / f"{outcome.slug}.mp3"
                line = _rendered_line(audio, outcome.chapters, outcome.duration_s)
                echo(line + book_line(outcome.book_fallbacks))
            if bars:
                bars.advance(outcome.source, outcome.duration_s)

        try:
            if scheduler:
                run_cluster(sources, job, scheduler, on_done)
            else:
                workers = jobs or default_jobs(profile)
                run_local(sources, job, workers, on_done, bars.progress if bars else None)
        except KeyboardInterrupt:
            # What finished is in place — also an episode whose worker was stopped between
            # placing it and reporting it: publish them all, then stop. Unfinished articles wrote
            # nothing.
            if out.is_dir():
                publish_feed(out, config)
            err.print(
                f"Interrupted: {sum(o.ok for o in finished)} of {len(sources)} articles reported "
                "done; every finished episode is in the feed, the unfinished ones left nothing."
            )
            raise typer.Exit(EXIT_INTERRUPTED) from None
    if any(o.ok for o in finished):
        try:
            publish_feed(out, config)
        except NewsaudioError:
            raise
        except Exception as exc:
            raise _Failed(failure_line(out, exc), exit_code=exit_code_of(exc)) from exc
    if not quiet:
        _summary(finished, out)
    return finished


class _BatchBar:
    """A batch on the terminal: a bar for the batch (articles done of total, minutes of audio
    made, elapsed, ETA) and, under it, a bar for each article being rendered, moving by step as a
    single render's does. Workers report from another thread, and an article's last report may
    come after its result: it is dropped then."""

    def __init__(self, bar: Any, total: int) -> None:
        self.bar = bar
        self.total = total
        self.done = 0
        self.made = 0.0
        self.batch = bar.add_task("Rendering", total=total, counted=self._counted())
        self.articles: dict[str, Any] = {}
        self.finished: set[str] = set()
        self.lock = threading.Lock()

    def _counted(self) -> str:
        return f"{self.done}/{self.total} articles, {self.made:.1f} min of audio"

    def progress(self, source: str, step: str, done: int, total: int) -> None:
        with self.lock:
            if source in self.finished:
                return
            if source not in self.articles:
                self.articles[source] = self.bar.add_task("", total=None, counted="", eta=False)
            self.bar.update(
                self.articles[source],
                description=f"  {(Path(source).name or source)[:30]}: {_STEPS[step]}",
                completed=done,
                total=total,
                counted=_counted(step, done, total),
            )

    def advance(self, source: str, seconds: float) -> None:
        with self.lock:
            self.finished.add(source)
            task = self.articles.pop(source, None)
            if task is not None:
                self.bar.remove_task(task)
            self.done += 1
            self.made += seconds / 60
            self.bar.update(self.batch, completed=self.done, counted=self._counted())


@contextmanager
def _batch_progress(total: int, enabled: bool) -> Iterator[_BatchBar | None]:
    """The batch's bars on an interactive terminal; nothing when piped or --quiet."""
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    class _Eta(TimeRemainingColumn):
        """The batch's ETA; none for an article, whose steps count in different units."""

        def render(self, task: Any) -> Any:
            return super().render(task) if task.fields.get("eta", True) else ""

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[counted]}"),
        TimeElapsedColumn(),
        _Eta(),
    )
    with progress_bar(*columns) as bar:
        yield _BatchBar(bar, total)


def _summary(outcomes: list[Any], out: Path) -> None:
    """The batch at a glance, on a terminal: article, chapters, duration, and the result with
    the kind of failure its exit code names (input, engine or network, file system)."""
    if not err.is_terminal:
        return
    from rich.table import Table

    table = Table("article", "chapters", "duration", "result", title=f"Rendered into {out}")
    for outcome in outcomes:
        minutes, seconds = divmod(round(outcome.duration_s), 60)
        if outcome.ok:
            table.add_row(outcome.source, str(outcome.chapters), f"{minutes}:{seconds:02d}", "ok")
        else:
            kind = EXIT_KINDS.get(outcome.exit_code, "failed")
            table.add_row(outcome.source, "", "", f"{kind}: {outcome.error or ''}")
    err.print(table)


def _warn_base_url(config: Config, quiet: bool, rendered: bool) -> None:
    if rendered and not quiet and config.feed.is_default_base_url:
        err.print(
            f"Note: the feed's enclosure URLs start with {config.feed.base_url}; set [feed] "
            "base_url in newsaudio.toml to where you publish the output folder before publishing.",
            markup=False,
        )
