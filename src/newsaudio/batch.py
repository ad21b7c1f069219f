"""Many articles at once: a process pool on one machine, or a Dask cluster beyond it.

Each article is rendered by :func:`render_one` in a worker: its episode files are put in place
atomically, as a single render does, but the feed is left alone; the caller publishes the feed once,
after every episode of the batch is in place. A failed article changes nothing and becomes one line
in its :class:`Outcome`. Workers are separate processes (``workers.py``), each loading
libespeak-ng and the diacritization model once and keeping them for every article it renders.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from concurrent.futures import Future, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from newsaudio.config import Config
from newsaudio.errors import (
    EXIT_ENGINE,
    EXIT_FAILED,
    EXIT_OK,
    NewsaudioError,
    exit_code_of,
    failure_line,
)
from newsaudio.files import remove_temporaries
from newsaudio.speech.voices import VoiceProfile
from newsaudio.workers import BatchProgress, Progress, to_parent, worker_pool

if TYPE_CHECKING:  # imported where used: a worker process starts without them
    from newsaudio.pipeline import Source
    from newsaudio.publishing.catalog import Catalog
    from newsaudio.publishing.publish import StagedEpisode
    from newsaudio.speech.cache import AudioCache
    from newsaudio.textprep.corrections import Correction

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """What every article of a batch shares: where episodes go and how they are spoken."""

    out_dir: Path
    profile: VoiceProfile
    config: Config
    use_cache: bool = True
    # The talking-book files each episode also gets (``render --epub`` / ``--daisy``).
    formats: tuple[str, ...] = ()
    # The proofreader's corrections of the folder's episodes, by article identity: read once, by
    # the process that starts the batch (cluster workers never open the catalog).
    corrections: Mapping[str, tuple[Correction, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """One article's result: its episode, or the one-line error that stopped it."""

    source: str
    slug: str | None = None
    chapters: int = 0
    duration_s: float = 0.0
    error: str | None = None
    exit_code: int = EXIT_FAILED  # the failure's (errors.py); a dead worker is EXIT_FAILED
    # The talking book's sentences shown as spoken, not as written (None: no book).
    book_fallbacks: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def batch_exit_code(outcomes: list[Outcome]) -> int:
    """0 when every article rendered; when none did and all failed alike, that failure's code
    (the disk is full, the network is down); otherwise 1, some articles failed."""
    failed = {o.exit_code for o in outcomes if not o.ok}
    if not failed:
        return EXIT_OK
    if len(failed) == 1 and not any(o.ok for o in outcomes):
        return failed.pop()
    return EXIT_FAILED


def render_one(source: Source, job: Job, progress: BatchProgress | None = None) -> Outcome:
    """Render one article of a batch and place it (in a worker on the folder's machine); never
    raises for the article's own faults. Its progress goes to ``progress``, or in a pool worker
    to the parent."""
    from newsaudio.pipeline import render_article

    name = _name(source)

    def report(step: str, done: int, total: int, _label: str) -> None:
        if progress is not None:
            progress(name, step, done, total)
        else:
            to_parent(Progress(name, step, done, total))

    try:
        result = render_article(
            source,
            job.out_dir,
            job.profile,
            job.config,
            report,
            cache=_cache(job),
            feed=False,
            formats=job.formats,
            corrections=job.corrections,
        )
    except Exception as exc:
        return failure(name, exc)
    episode = result.episode
    return Outcome(
        name,
        episode.slug,
        result.chapters,
        episode.duration_s,
        book_fallbacks=result.book_fallbacks,
    )


def attempt(source: str, work: Callable[..., T], *args: Any) -> T | Outcome:
    """``work(*args)`` for ``source``, in a worker; a failure comes back as its
    :class:`Outcome`, worded where it happened. Only a line and an exit code cross the process
    boundary, never the exception: one whose class cannot be rebuilt in the parent (a library's,
    with its own constructor) would break the whole pool ("BrokenProcessPool")."""
    try:
        return work(*args)
    except Exception as exc:
        return failure(source, exc)


def stage_one(source: Source, job: Job) -> StagedEpisode | Outcome:
    """Render one article of a batch into temporary files in the shared folder, without touching
    its catalog (on a cluster worker: the client places it); a failure is its :class:`Outcome`."""
    from newsaudio.pipeline import stage_article

    _restore_malloc_thresholds()
    try:
        return stage_article(
            source,
            job.out_dir,
            job.profile,
            job.config,
            cache=_cache(job),
            formats=job.formats,
            corrections=job.corrections,
        )
    except Exception as exc:
        return failure(_name(source), exc)


# mallopt(3) parameters, from glibc's malloc.h.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


@functools.cache
def _restore_malloc_thresholds() -> None:
    """Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536`` (to hand memory back
    eagerly). Setting it pins glibc's mmap threshold at 128 kB, so every audio buffer is mapped
    and zeroed afresh: a render took 1.4 times as long (3.3 s against 2.3 s for the sample). Give
    glibc the limits its own sliding threshold would reach (32 MB maps, trimming above 64 MB)."""
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc: nothing was pinned
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    mallopt(_M_TRIM_THRESHOLD, 64 << 20)


def _cache(job: Job) -> AudioCache | None:
    from newsaudio.speech.cache import AudioCache

    return AudioCache.from_env() if job.use_cache else None


def failure(source: str, exc: Exception) -> Outcome:
    """The one line a failed article reports, with its exit code; a bug's traceback goes to the
    debug log."""
    if not isinstance(exc, NewsaudioError):
        log.debug("error rendering %s", source, exc_info=True)
    return Outcome(source, error=failure_line(source, exc), exit_code=exit_code_of(exc))


def default_jobs(profile: VoiceProfile | None = None) -> int:
    """One worker per core this process may use; one when ``profile`` speaks through an online
    service, which throttles bursts (``--jobs`` still decides when given)."""
    from newsaudio.speech.engines import speaks_online

    if profile is not None and speaks_online(profile):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_local(
    sources: Iterable[Source],
    job: Job,
    jobs: int,
    on_done: Callable[[Outcome], None],
    on_progress: BatchProgress | None = None,
) -> list[Outcome]:
    """Render ``sources`` with ``jobs`` worker processes (in this process when ``jobs`` is 1),
    calling ``on_done`` as each finishes and ``on_progress`` as each goes (from another thread).
    Returns the outcomes in the order of ``sources``.

    ``sources`` may be an iterator that reads as it goes (a followed feed's articles, fetched
    politely one at a time): each is handed to a worker as soon as it comes, so reading overlaps
    rendering. A worker that dies (killed by the system when memory runs out) takes its pool down:
    the articles that pool had not finished are rendered again in a new pool, once; an article
    whose worker dies twice fails with one line. On Ctrl-C the workers are stopped and
    KeyboardInterrupt propagates: articles not finished have written nothing, finished ones are in
    place.
    """
    if jobs <= 1 or (isinstance(sources, Sized) and len(sources) <= 1):
        outcomes = []
        for source in sources:
            outcomes.append(render_one(source, job, on_progress))
            on_done(outcomes[-1])
        return outcomes
    taken: list[Source] = []
    results: dict[int, Outcome] = {}
    pending = _run_pool(_numbered(sources, taken), job, jobs, results, on_done, on_progress)
    if pending:
        again = ((i, taken[i]) for i in pending)
        pending = _run_pool(again, job, jobs, results, on_done, on_progress)
    for index in pending:
        name = _name(taken[index])
        results[index] = Outcome(
            name,
            error=f"{name}: the worker process rendering it died twice (out of memory?); render "
            "it alone to see why",
        )
        on_done(results[index])
    return [results[i] for i in range(len(taken))]


def _run_pool(
    numbered: Iterable[tuple[int, Source]],
    job: Job,
    jobs: int,
    results: dict[int, Outcome],
    on_done: Callable[[Outcome], None],
    on_progress: BatchProgress | None = None,
) -> list[int]:
    """Render each ``(index, source)`` in a new pool, into ``results``, handing each to a worker
    as it comes; returns the indexes left unfinished because a worker died."""
    started = time.time()
    unfinished: list[int] = []
    futures: dict[Future[Outcome], int] = {}

    def collect(future: Future[Outcome]) -> None:
        index = futures.pop(future)
        try:
            results[index] = future.result()
        except BrokenProcessPool:
            unfinished.append(index)
            return
        on_done(results[index])

    try:
        with worker_pool(jobs, on_progress) as pool:
            for index, source in numbered:
                futures[pool.submit(render_one, source, job)] = index
                for future in [f for f in futures if f.done()]:
                    collect(future)  # report what finished while the next source was read
            for future in as_completed(list(futures)):
                collect(future)
    except KeyboardInterrupt:
        # The workers were stopped mid-article (their files are temporaries, never renamed into
        # place): the temporaries they were writing go too.
        remove_temporaries(job.out_dir, newer_than=started)
        raise
    if unfinished:
        log.warning("a worker process died; %d articles are rendered again", len(unfinished))
        # The dead worker's scratch and partial files: every worker of the pool is gone now.
        remove_temporaries(job.out_dir, newer_than=started)
    return sorted(unfinished)


def _numbered(sources: Iterable[Source], taken: list[Source]) -> Iterator[tuple[int, Source]]:
    """Each source with its index, kept in ``taken`` as it comes (to render it again)."""
    for source in sources:
        taken.append(source)
        yield len(taken) - 1, source


def _name(source: Source) -> str:
    from newsaudio.pipeline import source_name

    return source_name(source)


def run_cluster(
    sources: Iterable[Source], job: Job, scheduler: str, on_done: Callable[[Outcome], None]
) -> list[Outcome]:
    """Render ``sources`` on the Dask cluster at ``scheduler`` (``tcp://HOST:PORT``).

    Workers must see ``job.out_dir`` at the same path (a shared folder). They only stage episodes
    there (temporary files); this process places each one as it arrives — names, renames, catalog
    — so the catalog has one writer however many machines render (SQLite's locks cannot be trusted
    over a network share). Run it on the machine whose disk holds the folder.
    """
    try:
        import distributed
    except ImportError as exc:
        raise NewsaudioError(
            "--scheduler needs the dask extra: pip install 'newsaudio[dask]'"
        ) from exc
    from newsaudio.publishing.catalog import Catalog
    from newsaudio.reading.article import Article
    from newsaudio.reading.fetch import is_url

    try:
        client = distributed.Client(scheduler, timeout="5s")
    except (OSError, TimeoutError) as exc:
        raise NewsaudioError(
            f"{scheduler}: cannot reach the Dask scheduler ({exc})", exit_code=EXIT_ENGINE
        ) from exc
    # Workers run elsewhere, in other folders: they get absolute paths (an article read already
    # travels as it is).
    job = replace(job, out_dir=job.out_dir.resolve())
    sources = list(sources)
    tasks = [
        s if isinstance(s, Article) or is_url(str(s)) else str(Path(s).resolve()) for s in sources
    ]
    job.out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[int, Outcome] = {}
    with client, Catalog.open(job.out_dir) as catalog:
        futures = client.map(stage_one, tasks, job=job, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for future in distributed.as_completed(futures):
                i = index[future.key]
                staged: StagedEpisode | Outcome
                try:
                    staged = future.result()
                except Exception as exc:  # the task, not the article: its workers died, …
                    name = _name(sources[i])
                    staged = Outcome(name, error=f"{name}: the cluster could not render it ({exc})")
                results[i] = _place(catalog, _name(sources[i]), staged, job)
                on_done(results[i])
        except BaseException:
            _discard_finished(futures)
            client.cancel(futures)
            raise
    return [results[i] for i in range(len(sources))]


def _discard_finished(futures: list[Any]) -> None:
    """Remove what finished workers staged but this process did not place. (Articles still
    rendering leave theirs to the stale-file sweep of the next publish: Dask cannot stop them.)"""
    from newsaudio.publishing.publish import StagedEpisode

    for future in futures:
        if future.status == "finished":
            with contextlib.suppress(Exception):
                staged = future.result(timeout=5)
                if isinstance(staged, StagedEpisode):
                    staged.discard()


def _place(catalog: Catalog, source: str, staged: StagedEpisode | Outcome, job: Job) -> Outcome:
    """Put a worker's staged episode in place (the feed is written at the end of the batch)."""
    from newsaudio.pipeline import note_source
    from newsaudio.publishing.publish import StagedEpisode, place_episode

    if not isinstance(staged, StagedEpisode):
        return staged
    try:
        episode = place_episode(catalog, staged, job.config)
    except Exception as exc:
        return failure(source, exc)
    finally:
        staged.discard()
    note_source(job.out_dir, episode.slug, staged.origin or source, job.profile, job.formats)
    chapters = len(episode.chapters)
    fallbacks = staged.book_fallbacks
    return Outcome(source, episode.slug, chapters, episode.duration_s, book_fallbacks=fallbacks)
