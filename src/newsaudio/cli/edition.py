"""``newsaudio edition``: several articles as one publication — MP3, EPUB 3, DAISY 2.02."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newsaudio.cli.options import (
    ConfigOption,
    DebugOption,
    VoiceOption,
    book_line,
    err,
    fail,
    handled_errors,
    progress_bar,
)
from newsaudio.cli.sources import article_sources
from newsaudio.errors import EXIT_FAILED

if TYPE_CHECKING:
    from newsaudio.batch import Outcome
    from newsaudio.edition import EditionResult


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[str], None]]:
    """Articles spoken of total, then the opening and the files; nothing when piped or --quiet."""
    if not enabled or not err.is_terminal:
        yield lambda _label: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with progress_bar(*columns) as bar:
        task = bar.add_task("Speaking the articles", total=total + 1)
        done = 0

        def advance(label: str) -> None:
            nonlocal done
            done += 1
            if label == "opening":
                description = "Writing the MP3, EPUB and DAISY files"
            elif done == total:
                description = "Speaking the opening"
            else:
                description = "Speaking the articles"
            bar.update(task, completed=done, description=description)

        yield advance


def edition(
    articles: Annotated[
        list[str] | None,
        typer.Argument(
            help="Article files, folders or http(s) URLs, in the order the edition reads them.",
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str, typer.Option("--title", "-t", help="The edition's title, spoken first.")
    ] = "",
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
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes for the articles (default: one per core)."
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Synthesize and master everything; neither read nor fill the cache."
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Make today's latest edition of this title again (default: a new edition, "
            "numbered); podcast apps get it as new if its audio changed.",
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse the edition if any article fails (default: leave it out, exit 1).",
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Make one edition of several articles, in the order given: one MP3 whose chapters are
    grouped by article (a feed item like any episode), an EPUB 3 whose text is highlighted as it
    is read (Media Overlays), and a DAISY 2.02 book for DAISY players. The voice opens with the
    title, date, number of articles and length, and announces each article ("الخبر الثالث من
    سبعة") unless the voice profile sets spoken_structure = false. An article that cannot be
    read or spoken is reported and left out, and the others make the edition (exit code 1);
    --strict refuses the edition instead. The same title on the same day makes a new edition
    (numbered: "…-2") unless --replace.

    Example: newsaudio edition a.txt b.html https://example.com/news/3 --title "نشرة الصباح"
    """
    from newsaudio.batch import default_jobs
    from newsaudio.config import load_config
    from newsaudio.edition import EditionJob, render_edition
    from newsaudio.preflight import check_before_work
    from newsaudio.speech.voices import load_voice

    if not title.strip():
        raise typer.BadParameter("give the edition a title with --title")
    with handled_errors(debug):
        config = load_config(config_path)
        profile = load_voice(voice or config.voice)
        sources = article_sources(articles or [], from_list or [])
        check_before_work(out, profile)  # the folder and the voices, before any article
        title = " ".join(title.split())
        job = EditionJob(out, profile, config, title, date.today(), not no_cache, replace)
        # --debug renders in this process: a bug's traceback is in the debug log.
        workers = 1 if debug else (jobs or default_jobs())
        with _progress(len(sources), not quiet) as advance:

            def left_out(outcome: Outcome) -> None:
                fail(outcome.error or "")
                advance(outcome.source)

            result = render_edition(sources, job, workers, advance, left_out, strict)
        if not quiet:
            typer.echo(_summary(result))
    if result.left_out:
        raise typer.Exit(EXIT_FAILED)


def _summary(result: EditionResult) -> str:
    """The edition's MP3, what is in it, its books; and which articles it left out."""
    minutes, seconds = divmod(round(result.episode.duration_s), 60)
    count = f"{result.articles} articles"
    if result.left_out:
        count = f"{result.articles} of {result.given} articles"
    line = (
        f"{result.audio} ({count}, {result.chapters} chapters, {minutes}:{seconds:02d}); "
        f"{result.episode.epub_file}, {result.episode.daisy_file}"
    ) + book_line(result.book_fallbacks)
    if result.left_out:
        names = ", ".join(o.source for o in result.left_out)
        line += f"\nLeft out (see the errors above): {names}"
    return line
