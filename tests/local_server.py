"""A scripted HTTP server on 127.0.0.1 for tests that would otherwise need the internet.

Each test passes a function that answers one request; the server records every request. Nothing
listens beyond the loopback interface, and the server stops when the ``with`` block ends.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
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


@dataclass
class Server:
    url: str
    requests: list[Request]


@contextmanager
def local_server(respond: Responder) -> Iterator[Server]:
    requests: list[Request] = []
    lock = threading.Lock()
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            with lock:
                number = len(requests)
                requests.append(request)
            reply = respond(request, number)
            if reply.delay_s:
                stop.wait(reply.delay_s)
            if reply.reset:
                # SO_LINGER 0: close sends RST, as a dropped connection does.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
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

        do_GET = _answer
        do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{server.server_address[1]}", requests)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
