"""``follow --every``: one run after another, at a steady pace, until stopped.

Each run is :func:`~newsaudio.follow.run.follow_once`, whole: everything it learnt is in the
catalog before the wait begins, so Ctrl-C or SIGTERM (systemd stopping the service) during the
wait stops at once, and during a run stops as a render stops (finished episodes published, the
unfinished ones queued for the next run).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import NoReturn

from newsaudio.follow.job import Event, FollowJob, RunResult
from newsaudio.follow.run import follow_once


def follow_every(
    sources: Sequence[str],
    job: FollowJob,
    every_s: float,
    on_event: Callable[[Event], None],
    on_result: Callable[[RunResult], None],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> NoReturn:
    """Run every ``every_s`` seconds (from the start of one run to the next; at once when a run
    took longer); ends only by an exception (KeyboardInterrupt when stopped)."""
    while True:
        started = clock()
        on_result(follow_once(sources, job, on_event, sleep=sleep))
        wait = every_s - (clock() - started)
        if wait > 0:
            sleep(wait)
