"""Rendering an edition: its pieces in this process or a pool of workers, then staged and
published as one episode; all its articles or nothing.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import numpy as np

from newsaudio.audio.frames import count_frames
from newsaudio.audio.mp3 import SAMPLE_RATE, write_mp3
from newsaudio.batch import warm_up
from newsaudio.edition.assemble import stage_edition
from newsaudio.edition.pieces import (
    EditionError,
    EditionJob,
    EditionResult,
    Piece,
    speak_article,
    speak_closing,
    speak_opening,
)
from newsaudio.errors import NewsaudioError, OutputError, exit_code_of, failure_line
from newsaudio.files import remove_temporaries, temporary_path
from newsaudio.pipeline import Source, source_name
from newsaudio.publishing.publish import (
    publish_episode,
)

log = logging.getLogger(__name__)

# Called with a short label when a piece is done: the article's source, "opening", "closing".
DoneCallback = Callable[[str], None]


def _failed(source: str, exc: BaseException) -> EditionError:
    """The one line an edition fails with, and the exit code of what stopped it."""
    if not isinstance(exc, NewsaudioError):
        log.debug("error in %s", source, exc_info=True)
    return EditionError(
        f"edition not made: {failure_line(source, exc)}", exit_code=exit_code_of(exc)
    )


def _pieces_here(
    sources: Sequence[Source], job: EditionJob, on_done: DoneCallback
) -> tuple[list[Piece], Piece | None]:
    """Every article (and the closing) in this process, one after the other."""
    pieces: list[Piece] = []
    try:
        for number, source in enumerate(sources, 1):
            try:
                pieces.append(speak_article(source, number, len(sources), job))
            except Exception as exc:
                raise _failed(source_name(source), exc) from exc
            on_done(source_name(source))
        end = speak_closing(job) if job.structure else None
    except BaseException:
        _discard(pieces)
        raise
    return pieces, end


def _pieces_in_pool(
    sources: Sequence[Source], job: EditionJob, jobs: int, on_done: DoneCallback
) -> tuple[list[Piece], Piece | None, ProcessPoolExecutor]:
    """Every article (and the closing) in ``jobs`` worker processes; the pool is returned open,
    for the opening."""
    context = multiprocessing.get_context("spawn")  # as batch.py: no inherited threads or locks
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=warm_up)
    futures: dict[Future[Piece], Source] = {
        pool.submit(speak_article, source, number, len(sources), job): source
        for number, source in enumerate(sources, 1)
    }
    if job.structure:
        futures[pool.submit(speak_closing, job)] = "closing"
    done: dict[Source, Piece] = {}
    try:
        for future, source in futures.items():  # in order: a failure is reported as it comes
            try:
                done[source] = future.result()
            except Exception as exc:
                raise _failed(source_name(source), exc) from exc
            if source != "closing":
                on_done(source_name(source))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            # Workers ignore Ctrl-C (batch.warm_up): stop them mid-piece, as a batch does.
            for worker in multiprocessing.active_children():
                worker.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        _discard(list(done.values()))
        raise
    pieces = [done[source] for source in sources]
    return pieces, done.get("closing"), pool


def _discard(pieces: Sequence[Piece]) -> None:
    for piece in pieces:
        piece.mp3.unlink(missing_ok=True)


def _silence(job: EditionJob) -> Path:
    """The pause between two pieces, encoded once: the profile's pause between segments."""
    path = temporary_path(job.out_dir / f"{job.slug}-pause.mp3")
    samples = round(job.profile.pauses.segment_ms * SAMPLE_RATE / 1000)
    write_mp3([np.zeros(samples)], path)
    return path


def render_edition(
    sources: Sequence[Source],
    job: EditionJob,
    jobs: int = 1,
    on_done: DoneCallback | None = None,
) -> EditionResult:
    """Make the edition of ``sources`` (files, URLs or articles read already, in this order) in
    ``job.out_dir`` and publish it: MP3, captions, chapters, transcript, EPUB and DAISY, the feed
    and the page."""
    if not sources:
        raise EditionError("an edition needs at least one article")
    report = on_done or (lambda _label: None)
    started = time.time()
    try:
        job.out_dir.mkdir(parents=True, exist_ok=True)
        silence = _silence(job)
    except OSError as exc:
        raise OutputError(
            f"{job.out_dir}: cannot write the edition ({exc.strerror or exc})"
        ) from exc
    pieces: list[Piece] = []
    try:
        pause = count_frames(silence)
        with _worker_pool(sources, job, jobs, report) as (articles, end, pool):
            pieces = [*articles, *([end] if end else [])]
            rest = sum(p.frames for p in pieces) + pause * len(pieces)
            if pool is None:
                opening = speak_opening(len(articles), rest, job)
            else:
                opening = pool.submit(speak_opening, len(articles), rest, job).result()
            pieces.insert(0, opening)
        report("opening")
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
        _discard(pieces)
    audio = job.out_dir / episode.audio_file
    log.info("edition %s: %d articles, %.1f s", audio, len(sources), episode.duration_s)
    return EditionResult(episode, audio, len(sources), len(episode.chapters))


@contextlib.contextmanager
def _worker_pool(
    sources: Sequence[Source], job: EditionJob, jobs: int, on_done: DoneCallback
) -> Iterator[tuple[list[Piece], Piece | None, ProcessPoolExecutor | None]]:
    """The articles' pieces, spoken here or in a pool that stays open for the opening."""
    if jobs <= 1:
        articles, end = _pieces_here(sources, job, on_done)
        yield articles, end, None
        return
    articles, end, pool = _pieces_in_pool(sources, job, min(jobs, len(sources)), on_done)
    try:
        yield articles, end, pool
    except KeyboardInterrupt:
        for worker in multiprocessing.active_children():
            worker.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- The edition's files -------------------------------------------------------------------------
