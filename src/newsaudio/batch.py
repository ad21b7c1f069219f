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
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsaudio.config import Config
from newsaudio.errors import NewsaudioError, internal_error
from newsaudio.files import remove_temporaries
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
    """Start a worker: Ctrl-C is the parent's to handle (a worker interrupted inside the engine's
    C callback would print a traceback and go on), and the engine library and the diacritization
    model are loaded once, before the first article."""
    from newsaudio.engines.espeak import load_library
    from newsaudio.textprep.diacritize import default_diacritizer

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    default_diacritizer()
    load_library()


def _render_indexed(task: tuple[int, str, Job]) -> tuple[int, Outcome]:
    index, source, job = task
    return index, render_one(source, job)


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
    started = time.time()
    results: dict[int, Outcome] = {}
    with context.Pool(min(jobs, len(sources)), initializer=warm_up) as pool:
        tasks = [(i, source, job) for i, source in enumerate(sources)]
        try:
            for index, outcome in pool.imap_unordered(_render_indexed, tasks):
                results[index] = outcome
                on_done(outcome)
        except KeyboardInterrupt:
            # Stop now: the workers die mid-article (their files are temporaries, never renamed
            # into place), and the temporaries they were writing go too.
            pool.terminate()
            pool.join()
            remove_temporaries(job.out_dir, newer_than=started)
            raise
    return [results[i] for i in range(len(sources))]


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
