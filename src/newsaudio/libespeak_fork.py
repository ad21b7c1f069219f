"""eSpeak NG speaking every sentence from the same state: a fork server.

libespeak-ng keeps state from one utterance to the next that no call resets: the phase of its pitch
flutter (a static counter in wavegen.c), automatic gain, the glottal cycle. So a sentence's sound
depended on what the process had spoken before: its length by up to a pitch period (~11 ms), and
the cache, which reuses a sentence spoken in another render, changed the output (an edited
article's chapters moved by ~20 ms against a render without the cache; `render a b` made another
b.mp3 than `render b`).

So every sentence is spoken by a fresh copy of an initialized library that has never spoken: a
small server process (this module, run as ``python -m newsaudio.libespeak_fork``) loads and
initializes libespeak-ng once and forks a child for each sentence; the child speaks it, hands back
the samples and exits. A fork of the small server costs about a millisecond. The server leaves
when its parent does (its stdin closes) and ignores Ctrl-C, which is the parent's to handle.
Where there is no fork (Windows), sentences are spoken in the process itself, as before.

Messages: a request is a length (uint32 LE) and JSON (``text`` and the :class:`Settings`); an
answer is a status (uint8: 0, else the error's exit code), a length (uint64 LE) and the samples
(16-bit PCM, native byte order) or the error message (UTF-8).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import struct
import subprocess
import sys
import threading
from dataclasses import asdict
from typing import IO, cast

from newsaudio.errors import EXIT_FAILED, EngineError, NewsaudioError
from newsaudio.libespeak import Settings, load_library, speak

_REQUEST = struct.Struct("<I")
_ANSWER = struct.Struct("<BQ")
_READY = b"newsaudio-espeak 1\n"  # the server's first line: it is up, and speaks this protocol


class _Server:
    """The fork server of this process (a batch worker starts its own)."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C on a terminal goes to newsaudio, not to the server
        )
        self.requests = cast(IO[bytes], self.process.stdin)
        self.answers = cast(IO[bytes], self.process.stdout)
        if self.answers.readline() != _READY:
            self.close()
            raise EngineError("espeak: the synthesis process did not start")

    def speak(self, text: str, settings: Settings) -> bytes:
        request = json.dumps({"text": text, **asdict(settings)}).encode("utf-8")
        try:
            self.requests.write(_REQUEST.pack(len(request)) + request)
            self.requests.flush()
            status, length = _ANSWER.unpack(_read(self.answers, _ANSWER.size))
            payload = _read(self.answers, length)
        except (OSError, EOFError, struct.error) as exc:
            self.close()
            raise EngineError(f"espeak: the synthesis process ended ({exc})") from exc
        if status:
            raise EngineError(payload.decode("utf-8", "replace"), exit_code=status)
        return payload

    def close(self) -> None:
        for pipe in (self.requests, self.answers):
            pipe.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_server: _Server | None = None
_lock = threading.Lock()


def speak_pristine(text: str, settings: Settings) -> bytes:
    """``text`` spoken with ``settings`` by a library that has spoken nothing before: the same
    samples whatever this process spoke earlier (see the module's docstring)."""
    global _server
    if not hasattr(os, "fork"):
        return speak(load_library(), text, settings)
    with _lock:
        if _server is None or _server.owner != os.getpid() or _server.process.poll() is not None:
            _server = _Server()
        return _server.speak(text, settings)


@atexit.register
def _stop() -> None:
    if _server is not None and _server.owner == os.getpid():
        _server.close()


def _read(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError(f"{len(data)} of {size} bytes")
    return data


def _answer(out: IO[bytes], status: int, payload: bytes) -> None:
    out.write(_ANSWER.pack(status, len(payload)) + payload)
    out.flush()


def _spoken_by_child(text: str, settings: Settings) -> tuple[int, bytes]:
    """Fork; the child speaks ``text`` and sends the samples (or its error) through a pipe."""
    library = load_library()
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: speak, hand over, leave without running any Python clean-up
        os.close(readable)
        try:
            status, payload = 0, speak(library, text, settings)
        except NewsaudioError as exc:
            status, payload = exc.exit_code, str(exc).encode("utf-8")
        except BaseException as exc:  # the parent reports it; the child must reach os._exit
            status, payload = EXIT_FAILED, f"espeak: {type(exc).__name__}: {exc}".encode()
        with os.fdopen(writable, "wb") as pipe:
            pipe.write(bytes([status]) + payload)
        os._exit(0)
    os.close(writable)
    with os.fdopen(readable, "rb") as pipe:
        data = pipe.read()
    _, wait_status = os.waitpid(pid, 0)
    if not data or os.waitstatus_to_exitcode(wait_status) != 0:
        return EXIT_FAILED, f"espeak: the synthesis of {text[:40]!r} crashed".encode()
    return data[0], data[1:]


def serve() -> None:
    """The server's loop: load the library, then one child per request until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    load_library()  # once, before any fork: every child starts initialized and unspoken
    answers.write(_READY)
    answers.flush()
    while header := requests.read(_REQUEST.size):
        request = json.loads(_read(requests, _REQUEST.unpack(header)[0]))
        text = request.pop("text")
        _answer(answers, *_spoken_by_child(text, Settings(**request)))


if __name__ == "__main__":
    with contextlib.suppress(EOFError, BrokenPipeError, KeyboardInterrupt):  # the parent left
        serve()
