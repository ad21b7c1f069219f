"""HTTP requests with an end: each request is over within a time counted from its first byte sent
(connect, TLS, request, headers, body), however slowly the server answers.

httpx bounds each wait — a connect, each read, each write — never a whole request
(encode/httpx#1450): a server that sends its status line and headers one byte every 1.5 s never
lets a 20 s read timeout fire, and holds the caller forever. Here every socket operation of a
request waits at most until the request's deadline: httpcore's network backend, the layer under
httpx that owns the sockets, is wrapped so that each connect, TLS handshake, read and write gets
``min(its own timeout, the time left)``, and one asked for after the deadline fails at once with
httpx's own timeout error. httpx offers no argument that takes a backend, so :func:`http_client`
puts it on the transports the client built; the fault catalogue's trickle tests
(``tests/faults/test_waits.py``) fail if an httpx release moves them.

The deadline is per thread and per block (:func:`deadline`), so a connection kept alive from one
request to the next obeys the deadline of the request that uses it. Name resolution happens before
the first byte is sent and is the system resolver's to bound. httpx and httpcore take a third of a
second to import: import this module where a request is made, not at the top of a module.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

if TYPE_CHECKING:
    import ssl

_current = threading.local()  # .end: time.monotonic() by which the running request must be over


class TookTooLong(Exception):
    """A request was not over by its deadline; the timeout httpx raised is its ``__cause__``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every request this thread makes inside the block — connecting, sending, the answer's headers
    and body — ends within ``seconds`` of the block's start, or :class:`TookTooLong` is raised.
    Read the body inside the block."""
    outer = getattr(_current, "end", None)
    end = time.monotonic() + seconds
    _current.end = end if outer is None else min(outer, end)
    try:
        yield
    except httpx.TimeoutException as exc:
        if time.monotonic() >= end:
            raise TookTooLong(seconds) from exc
        raise
    finally:
        _current.end = outer


def http_client(**options: Any) -> httpx.Client:
    """An ``httpx.Client(**options)`` whose requests keep :func:`deadline`."""
    client = httpx.Client(**options)
    # The default transport and one per proxy taken from the environment.
    for transport in [client._transport, *client._mounts.values()]:
        pool = getattr(transport, "_pool", None)
        if pool is None:
            continue  # None: a proxy pattern that is switched off (NO_PROXY)
        pool._network_backend = _Backend(pool._network_backend)
    return client


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to the time the running request has left; ``error`` when none."""
    end: float | None = getattr(_current, "end", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A socket whose every wait ends by the running request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """Connections whose streams keep the running request's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
