"""Rendering an edition: its articles read and spoken in this process or a pool of workers, then
staged and published as one episode.

An article that cannot be read or spoken is left out, with its one line and exit code, and the
others make the edition (as a batch renders the articles it can); ``strict`` refuses the edition
instead. Whatever fails in a worker comes back as a line and a code (:func:`batch.attempt`), so
one bad article can never break the pool.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from newsaudio.audio.frames import count_frames
from newsaudio.audio.mp3 import SAMPLE_RATE, write_mp3
from newsaudio.batch import Outcome, attempt, batch_exit_code
from newsaudio.edition.assemble import stage_edition
from newsaudio.edition.naming import named
from newsaudio.edition.pieces import (
    EditionError,
    EditionJob,
    EditionResult,
    Piece,
    speak_article,
    speak_closing,
    speak_opening,
)
from newsaudio.errors import EXIT_FAILED, OutputError
from newsaudio.files import remove_temporaries, temporary_path
from newsaudio.pipeline import Source, load_source, source_name
from newsaudio.publishing.publish import publish_episode
from newsaudio.reading.article import Article
from newsaudio.workers import worker_pool

log = logging.getLogger(__name__)

T = TypeVar("T")

# Called with a short label when a piece is done: the article's source, "opening".
DoneCallback = Callable[[str], None]
# Called with each article left out, as it is found.
FailedCallback = Callable[[Outcome], None]


class _InProcess(Executor):
    """An executor that runs each task at once, in this process (``jobs`` = 1, ``--debug``)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        future.set_result(fn(*args, **kwargs))  # tasks are wrapped in attempt(): they return
        return future


class _Run:
    """One edition's tasks: every future submitted, so a failure can discard what finished."""

    def __init__(self, pool: Executor, job: EditionJob, strict: bool, on_failed: FailedCallback):
        self.pool, self.job, self.strict, self.on_failed = pool, job, strict, on_failed
        self.futures: list[Future[Any]] = []
        self.left_out: list[Outcome] = []

    def submit(self, label: str, work: Callable[..., T], *args: Any) -> Future[T | Outcome]:
        future = self.pool.submit(attempt, label, work, *args)
        self.futures.append(future)
        return future

    def result(self, future: Future[T | Outcome]) -> T | Outcome:
        try:
            return future.result()
        except BrokenProcessPool as exc:  # killed (out of memory?): not one article's fault
            raise EditionError(
                "edition not made: a worker process died (out of memory?); "
                "run the edition with --jobs 1 to see why",
                exit_code=EXIT_FAILED,
            ) from exc

    def leave_out(self, outcome: Outcome) -> None:
        """Report an article that failed; with ``strict``, refuse the edition."""
        if self.strict:
            raise EditionError(
                f"edition not made (--strict): {outcome.error}", exit_code=outcome.exit_code
            )
        self.left_out.append(outcome)
        self.on_failed(outcome)

    def discard_finished(self) -> None:
        """Remove the MP3 of every piece that finished: the edition is not made."""
        for future in self.futures:
            if future.done() and not future.cancelled() and future.exception() is None:
                result = future.result()
                if isinstance(result, Piece):
                    result.mp3.unlink(missing_ok=True)


def _read(run: _Run, sources: Sequence[Source]) -> list[tuple[str, Article]]:
    """Every article, read (and fetched) in the workers; those that cannot be are left out (an
    article read already, a followed item's, is itself)."""
    futures = [
        (source_name(source), run.submit(source_name(source), load_source, source))
        for source in sources
    ]
    read = []
    for source, future in futures:  # in order: a failure is reported as its turn comes
        result = run.result(future)
        if isinstance(result, Outcome):
            run.leave_out(result)
        else:
            read.append((source, result))
    return read


def _speak(run: _Run, articles: list[tuple[str, Article]], on_done: DoneCallback) -> list[Piece]:
    """Every article as a piece, numbered among those in the edition. An article that fails
    here changes the others' announcements ("الخبر الثالث من سبعة"): they are spoken again (all
    but the announcement from the sentence cache, when it is on)."""
    first = True
    while articles:
        total = len(articles)
        futures = [
            (source, article, run.submit(source, speak_article, article, number, total, run.job))
            for number, (source, article) in enumerate(articles, 1)
        ]
        pieces: list[Piece] = []
        spoken = []
        for source, article, future in futures:
            result = run.result(future)
            if isinstance(result, Outcome):
                run.leave_out(result)
                continue
            pieces.append(result)
            spoken.append((source, article))
            if first:
                on_done(source)
        if len(spoken) == total or not run.job.structure:
            return pieces
        log.info("%d articles left out: the others are announced again", total - len(spoken))
        for piece in pieces:
            piece.mp3.unlink(missing_ok=True)
        articles, first = spoken, False
    return []


def _silence(job: EditionJob) -> Path:
    """The pause between two pieces, encoded once: the profile's pause between segments."""
    path = temporary_path(job.out_dir / f"{job.slug}-pause.mp3")
    samples = round(job.profile.pauses.segment_ms * SAMPLE_RATE / 1000)
    write_mp3([np.zeros(samples)], path)
    return path


def _whole(run: _Run, future: Future[Piece | Outcome]) -> Piece:
    """The opening or the closing: the edition's own, so their failure is the edition's."""
    result = run.result(future)
    if isinstance(result, Outcome):
        raise EditionError(f"edition not made: {result.error}", exit_code=result.exit_code)
    return result


def _pieces(run: _Run, sources: Sequence[Source], pause: int, on_done: DoneCallback) -> list[Piece]:
    """The opening, the articles that could be read and spoken, and the closing, in order."""
    job = run.job
    read = _read(run, sources)
    end = run.submit("closing", speak_closing, job) if job.structure else None
    articles = _speak(run, read, on_done)
    if not articles:
        raise EditionError(
            f"edition not made: none of its {len(sources)} articles could be read and spoken",
            exit_code=batch_exit_code(run.left_out),
        )
    pieces = [*articles, *([_whole(run, end)] if end else [])]
    # The opening says the length of all that follows it: spoken last.
    rest = sum(p.frames for p in pieces) + pause * len(pieces)
    opening = run.submit("opening", speak_opening, len(articles), rest, job)
    return [_whole(run, opening), *pieces]


def render_edition(
    sources: Sequence[Source],
    job: EditionJob,
    jobs: int = 1,
    on_done: DoneCallback | None = None,
    on_failed: FailedCallback | None = None,
    strict: bool = False,
) -> EditionResult:
    """Make the edition of ``sources`` (files, URLs or articles read already, in this order) in
    ``job.out_dir`` and publish it: MP3, captions, chapters, transcript, EPUB and DAISY, the feed
    and the page.

    An article that fails is reported to ``on_failed`` and left out (``strict``: the edition is
    refused, :class:`EditionError` with that article's line and exit code); when none is left,
    the edition is refused with the exit code they share (else 1)."""
    if not sources:
        raise EditionError("an edition needs at least one article")
    if not job.identity:
        job = named(job)
    started = time.time()
    try:
        job.out_dir.mkdir(parents=True, exist_ok=True)
        silence = _silence(job)
    except OSError as exc:
        raise OutputError(
            f"{job.out_dir}: cannot write the edition ({exc.strerror or exc})"
        ) from exc
    pieces: list[Piece] = []
    run: _Run | None = None
    try:
        pause = count_frames(silence)
        try:
            with _workers(jobs, len(sources)) as pool:
                run = _Run(pool, job, strict, on_failed or (lambda _outcome: None))
                pieces = _pieces(run, sources, pause, on_done or (lambda _label: None))
        except BaseException:
            if run is not None:  # the pool has stopped: every piece spoken is finished
                run.discard_finished()
            raise
        if on_done:
            on_done("opening")
        staged = stage_edition(pieces, silence, job)
        episode = publish_episode(staged, job.config)
    except KeyboardInterrupt:
        remove_temporaries(job.out_dir, newer_than=started)
        raise
    except OSError as exc:
        raise OutputError(
            f"{job.out_dir}: cannot write the edition ({exc.strerror or exc})"
        ) from exc
    finally:
        silence.unlink(missing_ok=True)
        for piece in pieces:
            piece.mp3.unlink(missing_ok=True)
    audio = job.out_dir / episode.audio_file
    left_out = tuple(run.left_out) if run else ()
    made = len(sources) - len(left_out)
    log.info("edition %s: %d articles, %.1f s", audio, made, episode.duration_s)
    fallbacks = staged.book_fallbacks or 0
    return EditionResult(
        episode, audio, made, len(episode.chapters), len(sources), left_out, fallbacks
    )


def _workers(jobs: int, tasks: int) -> contextlib.AbstractContextManager[Executor]:
    """This process (``jobs`` = 1), or a pool of ``jobs`` workers that load the engine and the
    diacritizer once (``workers.worker_pool``; their warnings are said here, above the progress
    bar). Ctrl-C stops the workers mid-piece; any other failure lets the pieces being spoken
    finish, so their files can be removed."""
    if jobs <= 1:
        return contextlib.nullcontext(_InProcess())
    return worker_pool(min(jobs, tasks))
