"""A real HTTP server on 127.0.0.1 for tests that fetch: no internet, no mocked client.

Each test registers what a path answers (``server.routes["/a"] = reply(200, b"…")``) and can read
back how often a path was asked for and with which headers.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = Callable[[BaseHTTPRequestHandler], None]


class LocalServer(ThreadingHTTPServer):
    """Answers each path from ``routes``; 404 for the rest. Port chosen by the system."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.headers_seen: dict[str, Message] = {}
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up on purpose (size cap, timeout) are expected: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: LocalServer

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.hits[self.path] += 1
            self.server.headers_seen[self.path] = self.headers
        route = self.server.routes.get(self.path, reply(404))
        route(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def reply(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Route:
    """A route that answers with ``status``, ``headers`` and ``body`` (Content-Length set)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def in_turn(*routes: Route) -> Route:
    """A route that answers with each of ``routes`` in turn, then repeats the last."""
    turns = itertools.chain(routes, itertools.repeat(routes[-1]))
    return lambda handler: next(turns)(handler)


@contextmanager
def local_server() -> Iterator[LocalServer]:
    """A started server; the short poll interval keeps shutdown (once per test) quick."""
    server = LocalServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
