"""Worker processes on this machine: how they start, and how they talk to the process that
started them.

A batch (``batch.py``) and an edition (``edition/render.py``) render in a pool of spawned workers
(:func:`worker_pool`). Each ignores Ctrl-C (the parent's to handle), stops when its parent dies,
loads libespeak-ng and the diacritization model once, and sends its log records and progress to
the parent through a queue (:func:`worker_channel`): a worker writing to the terminal itself
would write into the progress bar of the command that started it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import logging.handlers
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """How far a worker is with one article: ``step``, ``done`` of ``total`` as a render reports
    them (:data:`newsaudio.pipeline.ProgressCallback`)."""

    source: str
    step: str
    done: int
    total: int


# Called as (source, step, done, total) while the articles of a batch render.
BatchProgress = Callable[[str, str, int, int], None]
# In a pool worker, the queue to the parent (:func:`worker_channel`).
_channel: Any = None


def to_parent(progress: Progress) -> None:
    """Send ``progress`` to the parent, in a pool worker (elsewhere it goes nowhere)."""
    if _channel is not None:
        _channel.put(progress)


@contextlib.contextmanager
def worker_pool(jobs: int, progress: BatchProgress | None = None) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``jobs`` spawned workers (:func:`warm_up`), their progress to ``progress``. On
    Ctrl-C the workers are stopped mid-task; on leaving, tasks not started are cancelled and the
    running ones waited for."""
    # spawn, not fork: a forked child would inherit the progress bar's thread and locks.
    context = multiprocessing.get_context("spawn")
    with worker_channel(context, progress) as initargs:
        pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=warm_up, initargs=initargs)
        try:
            yield pool
        except KeyboardInterrupt:
            for worker in multiprocessing.active_children():
                worker.terminate()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def warm_up(channel: Any = None, level: int = logging.WARNING) -> None:
    """Start a worker: Ctrl-C is the parent's to handle (a worker interrupted inside the engine's
    C callback would print a traceback and go on), and the engine library and the diacritization
    model are loaded once, before the first article. ``channel``: the queue of
    :func:`worker_channel`, where the worker's progress and log records (at ``level`` and above)
    go."""
    global _channel
    from newsaudio.libespeak import load_library
    from newsaudio.textprep.diacritize import default_diacritizer

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if channel is not None:
        _channel = channel
        root = logging.getLogger()
        root.handlers[:] = [logging.handlers.QueueHandler(channel)]
        root.setLevel(level)
    try:
        default_diacritizer()
        load_library()
    except Exception:
        # An initializer that raises breaks the pool, and every article would fail as "the
        # worker died": the first article loads them again and fails with the real reason.
        log.debug("warming up a worker failed", exc_info=True)


_PR_SET_PDEATHSIG = 1  # prctl(2) option, from linux/prctl.h


def _die_with_parent() -> None:
    """A worker whose parent is killed (SIGKILL, the OOM killer) gets SIGTERM instead of
    rendering on, orphaned, into a folder whose feed nobody will write (Linux only). A parent
    killed while the worker was still starting (a second on a busy machine) is gone before the
    signal was asked for: the worker stops at once then. (Workers are spawned, so their parent
    process is the one that started them.)"""
    try:
        prctl = ctypes.CDLL(None).prctl
    except (OSError, AttributeError):  # not Linux
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os.kill(os.getpid(), signal.SIGTERM)


@contextlib.contextmanager
def worker_channel(
    context: Any, progress: BatchProgress | None = None
) -> Iterator[tuple[Any, int]]:
    """A queue from the pool's workers to this process (``initargs`` for :func:`warm_up`): their
    log records are handled here as this process's own, their :class:`Progress` goes to
    ``progress``. A thread relays them until the block ends; it is not waited for long, since a
    worker killed mid-write can leave the queue's lock taken."""
    channel = context.Queue()

    def relay() -> None:
        while (message := channel.get()) is not None:
            if isinstance(message, Progress):
                if progress is not None:
                    progress(message.source, message.step, message.done, message.total)
            else:
                logging.getLogger(message.name).handle(message)

    thread = threading.Thread(target=relay, name="worker messages", daemon=True)
    thread.start()
    try:
        yield channel, logging.getLogger().getEffectiveLevel()
    finally:
        # A worker stopped mid-write (Ctrl-C, SIGTERM) can leave the queue's write lock taken:
        # the queue's feeder thread, which sends our None, then waits for it forever, and
        # without this the interpreter's exit would wait for that thread (a hang seen after
        # Ctrl-C, with "interrupted" already printed).
        channel.cancel_join_thread()
        channel.put(None)
        thread.join(timeout=2)
