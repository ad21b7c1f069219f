"""A real HTTP server on 127.0.0.1 for tests that would otherwise need the internet.

A test says what the server answers in either of two ways: per path, in ``server.routes``
(``server.routes["/a"] = reply(200, b"…")``, or a function that writes the answer itself), or with
one responder function for every request (``local_server(respond)``) that returns a ``Reply``.
Paths with a route take it; the rest go to the responder, or get a 404 without one. The server
records every request. Nothing listens beyond the loopback interface, and the server stops when
the ``with`` block ends.
"""

from __future__ import annotations

import itertools
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    headers: Message
    body: bytes


@dataclass
class Reply:
    """What the handler sends back; ``drop_after`` cuts the body short and closes the connection,
    ``reset`` closes it at once with a TCP reset."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop_after: int | None = None
    reset: bool = False
    delay_s: float = 0.0


Responder = Callable[[Request, int], Reply]  # (request, how many came before it) -> reply
Route = Callable[["Handler"], None]  # writes the whole answer to one path itself


class LocalServer(ThreadingHTTPServer):
    """Answers from ``routes``, then ``respond``, else 404. Port chosen by the system."""

    def __init__(self, respond: Responder | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.respond = respond
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        # Set when the test is over, so that a delayed reply does not hold up the shutdown.
        self.stop = threading.Event()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    @property
    def hits(self) -> Counter[str]:
        """How many requests each path got."""
        with self.lock:
            return Counter(request.path for request in self.requests)

    def record(self, request: Request) -> int:
        """Keeps ``request``; returns how many came before it."""
        with self.lock:
            self.requests.append(request)
            return len(self.requests) - 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up on purpose (size cap, timeout) are expected: stay quiet."""


class Handler(BaseHTTPRequestHandler):
    server: LocalServer
    # Keep-alive for replies, which always carry Content-Length; routes switch to HTTP/1.0 below.
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(self.command, self.path, self.headers, self.rfile.read(length))
        number = self.server.record(request)
        route = self.server.routes.get(self.path)
        if route is None and self.server.respond is not None:
            self.send(self.server.respond(request, number))
            return
        # A route may end its answer by hanging up (no Content-Length, or no answer at all):
        # HTTP/1.0 with one request per connection, so the client reads the body until the close.
        self.protocol_version = "HTTP/1.0"
        self.close_connection = True
        (route or reply(404))(self)

    do_GET = _answer
    do_POST = _answer

    def send(self, reply: Reply) -> None:
        """Sends ``reply`` with its Content-Length, or breaks off as it asks."""
        if reply.delay_s:
            self.server.stop.wait(reply.delay_s)
        if reply.reset:
            # SO_LINGER 0: close sends RST, as a dropped connection does.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        body = reply.body if reply.drop_after is None else reply.body[: reply.drop_after]
        try:
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            pass  # the client gave up (a timeout test)
        if reply.drop_after is not None:
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


def reply(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Route:
    """A route that answers with ``status``, ``headers`` and ``body`` (Content-Length set)."""
    return lambda handler: handler.send(Reply(status, body, headers or {}))


def in_turn(*routes: Route) -> Route:
    """A route that answers with each of ``routes`` in turn, then repeats the last."""
    turns = itertools.chain(routes, itertools.repeat(routes[-1]))
    return lambda handler: next(turns)(handler)


@contextmanager
def local_server(respond: Responder | None = None) -> Iterator[LocalServer]:
    """A started server; the short poll interval keeps shutdown (once per test) quick."""
    server = LocalServer(respond)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
