"""The proofing page, served on this machine only, to this one session.

The server listens on 127.0.0.1 at a port the system picks, and every address it answers starts
with a random token (``http://127.0.0.1:PORT/TOKEN/``): another user of the machine, or a web page
in the same browser, cannot guess it. It answers only requests whose ``Host`` is itself (a page
elsewhere cannot reach it through a DNS name of its own), and a POST must carry the token again
in ``X-Proof-Token`` with a JSON body (which a form on another site cannot send). What it serves:

``GET  /TOKEN/``             the page (``proof.html.j2``), rendered from the JSON view
``GET  /TOKEN/state.json``   the JSON view (:func:`~newsaudio.proofing.view.proof_view`)
``GET  /TOKEN/episode.mp3``  the episode's MP3 (byte ranges, for seeking to a sentence)
``POST /TOKEN/preview``      ``{word, form, scope}`` → the sentence spoken with that form (WAV)
``POST /TOKEN/apply``        ``{revision, fixes: [{word, form, scope}]}`` → the episode rendered
                              again; ``{revision, changed, synthesized, message}``

One Apply runs at a time; one made from a page older than the episode is refused (409), as is a
correction that cannot be used (400): nothing changes. Errors are JSON ``{"error": "…"}``.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from newsaudio.errors import CorrectionError, NewsaudioError, OutputError, failure_line
from newsaudio.proofing.episode import ProofEpisode, open_episode
from newsaudio.proofing.fixes import Fix, StaleEpisode, apply_fixes
from newsaudio.proofing.preview import preview_wav
from newsaudio.proofing.view import proof_view
from newsaudio.publishing.serve import parse_range
from newsaudio.resources import template_environment
from newsaudio.speech.cache import AudioCache
from newsaudio.speech.synthesis import Cast
from newsaudio.textprep.corrections import SCOPES

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
TEMPLATE = Path(__file__).with_name("proof.html.j2")
MAX_BODY = 64 * 1024  # a few corrections; anything larger is not the page's
# The vowel marks the page offers as buttons, for a keyboard without an Arabic layout.
MARKS = (
    ("fatha", "\u064e"),
    ("damma", "\u064f"),
    ("kasra", "\u0650"),
    ("sukun", "\u0652"),
    ("shadda", "\u0651"),
    ("tanween fatha", "\u064b"),
    ("tanween damma", "\u064c"),
    ("tanween kasra", "\u064d"),
)
STALE_TOKEN = (
    "This proofing address is not valid: the `newsaudio proof` that made it has stopped, or the "
    "address is mistyped. Run `newsaudio proof` again and open the address it prints."
)


class ProofServer(ThreadingHTTPServer):
    """Serves one episode's proofing page; :attr:`url` is where a browser opens it."""

    daemon_threads = True

    def __init__(self, proof: ProofEpisode, port: int = 0) -> None:
        try:
            super().__init__((HOST, port), ProofHandler)
        except OSError as exc:
            raise OutputError(f"cannot serve on {HOST}:{port} ({exc.strerror or exc})") from exc
        self.proof = proof
        self.token = secrets.token_urlsafe(24)
        self.nonce = secrets.token_urlsafe(16)  # the page's own script and style
        self.applying = threading.Lock()  # one Apply at a time
        self.cast = Cast(proof.profile, AudioCache.from_env())  # previews, through the cache
        self.speaking = threading.Lock()  # one engine, one sentence at a time

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/{self.token}/"

    def page(self) -> str:
        view = proof_view(self.proof)
        words = {w["id"]: w for s in view["segments"] for t in s["sentences"] for w in t["words"]}
        env = template_environment(TEMPLATE)
        return env.get_template(TEMPLATE.name).render(
            view=view, words=words, marks=MARKS, nonce=self.nonce
        )


class ProofHandler(BaseHTTPRequestHandler):
    """The proofing server's requests."""

    server: ProofServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _route(self) -> str | None:
        """The request's path after the token, or None when it was answered already (a foreign
        Host, a wrong token)."""
        host = self.headers.get("Host", "")
        if host not in {f"{HOST}:{self.server.port}", f"localhost:{self.server.port}"}:
            self._text(HTTPStatus.MISDIRECTED_REQUEST, f"This server answers only {HOST}.")
            return None
        parts = self.path.split("?", 1)[0].split("/", 2)
        if len(parts) < 3 or not secrets.compare_digest(parts[1], self.server.token):
            self._text(HTTPStatus.FORBIDDEN, STALE_TOKEN)
            return None
        return parts[2]

    def do_GET(self) -> None:
        route = self._route()
        if route is None:
            return
        if route == "":
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", self.server.page().encode())
        elif route == "state.json":
            self._json(HTTPStatus.OK, proof_view(self.server.proof))
        elif route == "episode.mp3":
            self._mp3()
        else:
            self._text(HTTPStatus.NOT_FOUND, "Not found.")

    def do_HEAD(self) -> None:
        self._text(HTTPStatus.METHOD_NOT_ALLOWED, "Use GET.")

    def do_POST(self) -> None:
        route = self._route()
        if route is None:
            return
        if route not in ("preview", "apply"):
            self._error(HTTPStatus.NOT_FOUND, "not found")
            return
        if not secrets.compare_digest(self.headers.get("X-Proof-Token", ""), self.server.token):
            self._error(HTTPStatus.FORBIDDEN, "this request does not carry the page's token")
            return
        body = self._body()
        if body is None:
            return
        try:
            if route == "preview":
                self._preview(body)
            else:
                self._apply(body)
        except StaleEpisode as exc:
            self._error(HTTPStatus.CONFLICT, str(exc))
        except CorrectionError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
        except NewsaudioError as exc:
            log.warning("%s", exc)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        except Exception as exc:  # a bug: one line, on the page and here (--debug: traceback)
            line = failure_line("newsaudio proof", exc)
            log.error("%s", line, exc_info=True)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, line)

    def _body(self) -> dict[str, Any] | None:
        """The request's JSON object; None when refused (answered already)."""
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send JSON (application/json)")
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._error(HTTPStatus.LENGTH_REQUIRED, "the request has no length")
            return None
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            self._error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the request is {length} bytes; corrections take at most {MAX_BODY}",
            )
            return None
        try:
            body = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self._error(HTTPStatus.BAD_REQUEST, "the request is not JSON")
            return None
        if not isinstance(body, dict):
            self._error(HTTPStatus.BAD_REQUEST, "the request is not a JSON object")
            return None
        return body

    def _preview(self, body: dict[str, Any]) -> None:
        fix = _fix(body)
        with self.server.speaking:
            wav = preview_wav(self.server.proof, self.server.cast, fix)
        self._send(HTTPStatus.OK, "audio/wav", wav)

    def _apply(self, body: dict[str, Any]) -> None:
        fixes = body.get("fixes")
        if not isinstance(fixes, list) or not all(isinstance(f, dict) for f in fixes):
            raise CorrectionError("the request names no corrections (fixes)")
        parsed = [_fix(f) for f in fixes]
        revision = body.get("revision")
        if not isinstance(revision, str):
            raise CorrectionError("the request does not say which version of the episode it saw")
        if not self.server.applying.acquire(blocking=False):
            raise StaleEpisode(
                "another Apply is running on this episode; reload the page when it is done"
            )
        try:
            proof = self.server.proof
            with self.server.speaking:
                applied = apply_fixes(proof, parsed, revision)
            self.server.proof = open_episode(proof.out_dir, proof.episode.slug, proof.config)
        finally:
            self.server.applying.release()
        count = len(applied.corrections)
        message = (
            f"Applied {count} correction{'s' * (count != 1)}: "
            f"{applied.synthesized} sentence{'s' * (applied.synthesized != 1)} spoken again, "
            "the others from the cache. The new audio is loaded."
        )
        self._json(
            HTTPStatus.OK,
            {
                "revision": self.server.proof.revision,
                "changed": list(applied.changed),
                "synthesized": applied.synthesized,
                "message": message,
            },
        )

    def _mp3(self) -> None:
        proof = self.server.proof
        path = proof.out_dir / proof.episode.audio_file
        try:
            with path.open("rb") as mp3:
                size = os.fstat(mp3.fileno()).st_size
                wanted = parse_range(self.headers.get("Range", ""), size)
                if wanted == (-1, -1):
                    self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self._end_headers()
                    return
                start, end = wanted or (0, size - 1)
                self.send_response(HTTPStatus.PARTIAL_CONTENT if wanted else HTTPStatus.OK)
                self.send_header("Content-Type", "audio/mpeg")
                self.send_header("Accept-Ranges", "bytes")
                if wanted:
                    self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
                self.send_header("Content-Length", str(end - start + 1))
                self._end_headers()
                mp3.seek(start)
                remaining = end - start + 1
                while remaining > 0 and (block := mp3.read(min(1 << 16, remaining))):
                    self.wfile.write(block)
                    remaining -= len(block)
        except OSError as exc:
            log.warning("%s: %s", path, exc)
            self._text(HTTPStatus.NOT_FOUND, "The episode's MP3 cannot be read.")

    def _json(self, status: HTTPStatus, data: object) -> None:
        self._send(status, "application/json", json.dumps(data, ensure_ascii=False).encode())

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._json(status, {"error": message[:1].upper() + message[1:] + "."})

    def _text(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", message.encode())

    def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self._end_headers()
        self.wfile.write(body)

    def _end_headers(self) -> None:
        nonce = self.server.nonce
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
            "media-src 'self' blob:; connect-src 'self'; img-src data:; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'",
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()


def _fix(data: dict[str, Any]) -> Fix:
    """A fix as the page sends it, its fields checked for type (their values by the fixes)."""
    word, form, scope = data.get("word"), data.get("form"), data.get("scope", "sentence")
    if not isinstance(word, str) or not isinstance(form, str) or not isinstance(scope, str):
        raise CorrectionError("a correction needs a word, a form and a scope, as text")
    if scope not in SCOPES:  # said here, shortened: the page's input may be anything
        raise CorrectionError(f"unknown scope {scope[:20]!r}: use sentence, article or all")
    return Fix(word[:40], form, scope)
