"""Many articles at once: a process pool on one machine, or a Dask cluster beyond it.

Each article is rendered by :func:`render_one` in a worker: its episode files are put in place
atomically, as a single render does, but the feed is left alone; the caller publishes the feed once,
after every episode of the batch is in place. A failed article changes nothing and becomes one line
in its :class:`Outcome`. Workers are separate processes, each loading libespeak-ng and the
diacritization model once and keeping them for every article it renders.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from newsaudio.config import Config
from newsaudio.errors import NewsaudioError, internal_error
from newsaudio.voices import VoiceProfile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """What every article of a batch shares: where episodes go and how they are spoken."""

    out_dir: Path
    profile: VoiceProfile
    config: Config
    use_cache: bool = True


@dataclass(frozen=True)
class Outcome:
    """One article's result: its episode, or the one-line error that stopped it."""

    source: str
    slug: str | None = None
    chapters: int = 0
    duration_s: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def render_one(source: str, job: Job) -> Outcome:
    """Render one article of a batch (in a worker); never raises for the article's own faults."""
    from newsaudio.cache import AudioCache
    from newsaudio.pipeline import render_article

    cache = AudioCache.from_env() if job.use_cache else None
    try:
        result = render_article(
            source, job.out_dir, job.profile, job.config, cache=cache, feed=False
        )
    except NewsaudioError as exc:
        return Outcome(source, error=str(exc))
    except Exception as exc:  # one article's bug must not stop the batch
        log.debug("internal error rendering %s", source, exc_info=True)
        return Outcome(source, error=internal_error(source, exc))
    episode = result.episode
    return Outcome(source, episode.slug, result.chapters, episode.duration_s)


def warm_up() -> None:
    """Load the engine library and the diacritization model once, when a worker starts."""
    from newsaudio.engines.espeak import load_library
    from newsaudio.textprep.diacritize import default_diacritizer

    default_diacritizer()
    load_library()


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_local(
    sources: Sequence[str], job: Job, jobs: int, on_done: Callable[[Outcome], None]
) -> list[Outcome]:
    """Render ``sources`` with ``jobs`` worker processes (in this process when ``jobs`` is 1),
    calling ``on_done`` as each finishes. Returns the outcomes in the order of ``sources``.

    On Ctrl-C the workers are stopped and KeyboardInterrupt propagates: articles not finished
    have written nothing, finished ones are in place.
    """
    if jobs <= 1 or len(sources) <= 1:
        outcomes = []
        for source in sources:
            outcomes.append(render_one(source, job))
            on_done(outcomes[-1])
        return outcomes
    # spawn, not fork: a forked child would inherit the progress bar's thread and locks.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(min(jobs, len(sources)), mp_context=context, initializer=warm_up)
    try:
        futures = {pool.submit(render_one, s, job): i for i, s in enumerate(sources)}
        results: dict[int, Outcome] = {}
        for future in _as_done(futures):
            results[futures[future]] = future.result()
            on_done(results[futures[future]])
        return [results[i] for i in range(len(sources))]
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


def _as_done(futures: dict[Future[Outcome], int]) -> Iterator[Future[Outcome]]:
    pending = set(futures)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield from done


def run_cluster(
    sources: Sequence[str], job: Job, scheduler: str, on_done: Callable[[Outcome], None]
) -> list[Outcome]:
    """Render ``sources`` on the Dask cluster at ``scheduler`` (``tcp://HOST:PORT``). Workers must
    see ``job.out_dir`` at the same path (a shared folder); they write episodes with the same
    atomic renames."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise NewsaudioError(
            "--scheduler needs the dask extra: pip install 'newsaudio[dask]'"
        ) from exc
    try:
        client = Client(scheduler, timeout="5s")
    except (OSError, TimeoutError) as exc:
        raise NewsaudioError(f"{scheduler}: cannot reach the Dask scheduler ({exc})") from exc
    with client:
        futures = client.map(render_one, list(sources), job=job, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        results: dict[int, Outcome] = {}
        try:
            for future in as_completed(futures):
                outcome: Outcome = future.result()
                results[index[future.key]] = outcome
                on_done(outcome)
        except BaseException:
            client.cancel(futures)
            raise
    return [results[i] for i in range(len(sources))]
