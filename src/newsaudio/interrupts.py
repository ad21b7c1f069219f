"""Ctrl-C and SIGTERM, delivered where it is safe.

SIGTERM (systemd, docker, CI timeouts) becomes the same interrupt as Ctrl-C, so every ``finally``
that removes a scratch file runs and a batch stops its workers (:func:`sigterm_interrupts`, set up
by the command line). Some work must not be cut: the renames that put an episode in place, and a
native library's synthesis, whose Python callback would swallow the interrupt with a traceback
and go on. :func:`interrupts_deferred` holds both signals while such work runs and lets them take
effect right after it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from newsaudio.errors import Interrupted

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Deferred:
    """What :func:`interrupts_deferred` knows: ``done`` is said when the interrupt takes effect."""

    def __init__(self) -> None:
        self.done = ""
        self.received: list[int] = []


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[Deferred]:
    """Hold Ctrl-C and SIGTERM while the block runs (renames that must all happen or none), then
    let them take effect as :class:`Interrupted`, saying what the block finished (``done``).
    Outside the main thread, where Python runs no signal handler, the block just runs."""
    deferred = Deferred()
    if threading.current_thread() is not threading.main_thread():
        yield deferred
        return

    def hold(signum: int, _frame: FrameType | None) -> None:
        deferred.received.append(signum)

    previous = {number: signal.signal(number, hold) for number in _SIGNALS}
    try:
        yield deferred
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if deferred.received:
        first = signal.Signals(deferred.received[0])
        if callable(previous[first]):  # Python's Ctrl-C handler, or the command line's SIGTERM
            raise Interrupted(deferred.done)
        signal.raise_signal(first)  # as it was meant: ignored (a batch worker), or the default


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise Interrupted()


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises :class:`Interrupted` in this (main) thread while the block runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: Callable[..., Any] | int | None = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
