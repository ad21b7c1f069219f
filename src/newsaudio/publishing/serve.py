"""``newsaudio serve``: an output folder over HTTP on this machine, to try the page and the feed.

The standard library's file server, with what players need from it: the MIME types of our files
(browsers refuse ``.vtt`` captions served as anything but ``text/vtt``) and byte ranges (browsers
and podcast apps seek in an MP3 with ``Range: bytes=…`` and show no seek bar without ``206``).
One range per request is served; a request for several gets the whole file (``200``), which
RFC 9110 allows and every player handles. Nothing outside the folder is served: ``..`` never
leaves it, and a symbolic link that points outside is refused. Nor is everything inside it: the
catalog (with its WAL and SHM files and the damaged copies a rebuild sets aside), the episode
records (``<slug>.episode.json``: they name the article's local path) and hidden, temporary and
part files are "not found", and left out of folder listings — a folder served for a podcast app
is often reachable by others.
"""

from __future__ import annotations

import html
import io
import logging
import os
import re
from email.utils import formatdate
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from newsaudio.errors import EXIT_INPUT, OutputError
from newsaudio.publishing.catalog import CATALOG_FILE
from newsaudio.publishing.episode import EPISODE_SUFFIX

log = logging.getLogger(__name__)

DEFAULT_PORT = 8000
DEFAULT_HOST = "127.0.0.1"
# By suffix; feed.xml by name (an RSS feed, unlike other XML). Text types carry their charset:
# browsers would otherwise guess it, and Arabic guessed as Windows-1252 is unreadable.
# The talking books: EPUB's own type (reading apps and browsers hand the file to a reader by it),
# and the DAISY 2.02 fileset's files (the NCC and text are XHTML served as HTML, as DAISY players
# on the web expect; SMIL 1.0 as application/smil, its registered type).
CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".html": "text/html; charset=utf-8",
    ".xhtml": "application/xhtml+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".epub": "application/epub+zip",
    ".zip": "application/zip",
    ".smil": "application/smil",
}
FEED_TYPE = "application/rss+xml"
# Inside the folder but never served: the catalog and what SQLite keeps beside it (``-wal``,
# ``-shm``, ``-journal``, ``.damaged-<time>`` copies), episode records, temporary and part files.
_PRIVATE_SUFFIXES = (EPISODE_SUFFIX, ".part", ".f32", ".tmp")


def is_private(relative: str) -> bool:
    """Whether a path in the served folder (``/``-separated, relative to it) is kept private.

    >>> [is_private(p) for p in ["catalog.sqlite-wal", "a.episode.json", ".a.mp3.x1.part"]]
    [True, True, True]
    >>> [is_private(p) for p in ["a.mp3", "a.daisy/ncc.html", "index.html", ""]]
    [False, False, False, False]
    """
    parts = [part for part in relative.split("/") if part]
    if any(part.startswith(".") for part in parts):  # temporaries, scratch files, .git and such
        return True
    name = parts[-1] if parts else ""
    return name.startswith(CATALOG_FILE) or name.endswith(_PRIVATE_SUFFIXES)


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class FolderHandler(SimpleHTTPRequestHandler):
    """Serves one folder: MIME types, single byte ranges, no way out of the folder."""

    # Keep-alive: a player's many range requests reuse one connection.
    protocol_version = "HTTP/1.1"
    root: Path

    def __init__(self, *args: Any, root: Path, **kwargs: Any) -> None:
        self.root = root
        self._range: tuple[int, int] | None = None
        super().__init__(*args, directory=str(root), **kwargs)

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        name = Path(path).name
        if name == "feed.xml":
            return FEED_TYPE
        return CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        # A re-render replaces files in place: the browser must ask again, not show a stale page.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def _relative(self, path: str) -> str:
        relative = Path(os.path.relpath(path, self.root)).as_posix()
        return "" if relative == "." else relative

    def _private(self, path: str) -> bool:
        """Whether ``path`` is private, by its name or by what a link there points to."""
        return is_private(self._relative(path)) or is_private(
            self._relative(os.path.realpath(path))
        )

    def _inside(self, path: str) -> bool:
        """Whether ``path``, symbolic links resolved, is the folder or lies within it."""
        real = Path(os.path.realpath(path))
        return real == self.root or self.root in real.parents

    def send_head(self) -> BinaryIO | None:
        """The stdlib's, plus the folder check, private files and byte ranges."""
        self._range = None
        if "\x00" in self.path or "%00" in self.path:
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
            return None
        path = self.translate_path(self.path)
        if not self._inside(path):
            self.send_error(HTTPStatus.FORBIDDEN, "Outside the served folder")
            return None
        if self._private(path):
            # As if it were not there: a private file's existence is not told either.
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if os.path.isdir(path) or "Range" not in self.headers:
            return super().send_head()
        return self._send_range(path, self.headers["Range"])

    def _send_range(self, path: str, header: str) -> BinaryIO | None:
        try:
            file: BinaryIO = open(path, "rb")  # noqa: SIM115 - copyfile() reads and closes it
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        stat = os.fstat(file.fileno())
        size = stat.st_size
        last_modified = formatdate(stat.st_mtime, usegmt=True)
        wanted = parse_range(header, size)
        if_range = self.headers.get("If-Range")
        if wanted is None or (if_range is not None and if_range != last_modified):
            file.close()
            return super().send_head()
        if wanted == (-1, -1):
            file.close()
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        start, end = wanted
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        file.seek(start)
        self._range = (start, end)
        return file

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        """A folder without ``index.html`` (a DAISY fileset, an output folder before its first
        page): its public files as links, the private ones left out."""
        try:
            names = sorted(os.listdir(path))
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "No permission to list the folder")
            return None
        folder = self._relative(str(path))
        shown = [n for n in names if not self._private(os.path.join(path, n))]
        items = "".join(
            f'<li><a href="{quote(n)}{"/" if os.path.isdir(os.path.join(path, n)) else ""}">'
            f"{html.escape(n)}</a></li>\n"
            for n in shown
        )
        title = html.escape(f"/{folder.strip('/')}")
        page = (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head>\n<body><h1>{title}</h1>\n<ul>\n{items}</ul></body></html>\n"
        ).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        return io.BytesIO(page)

    def copyfile(self, source: Any, outputfile: Any) -> None:
        if self._range is None:
            super().copyfile(source, outputfile)
            return
        start, end = self._range
        remaining = end - start + 1
        while remaining > 0:
            block = source.read(min(64 * 1024, remaining))
            if not block:
                break
            outputfile.write(block)
            remaining -= len(block)

    def send_response(self, code: int, message: str | None = None) -> None:
        super().send_response(code, message)
        if code == HTTPStatus.OK:
            self.send_header("Accept-Ranges", "bytes")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte range ``header`` asks of a file of ``size`` bytes; ``(-1, -1)`` when it
    cannot be satisfied; None when it is not one well-formed range (then the whole file is sent).

    >>> parse_range("bytes=0-99", 1000), parse_range("bytes=900-", 1000)
    ((0, 99), (900, 999))
    >>> parse_range("bytes=-100", 1000), parse_range("bytes=0-5000", 1000)
    ((900, 999), (0, 999))
    >>> parse_range("bytes=1000-", 1000), parse_range("bytes=0-1,5-9", 1000)
    ((-1, -1), None)
    """
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            return (-1, -1)
        return (max(0, size - count), size - 1)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # syntactically invalid: ignored, as RFC 9110 says
    if start >= size:
        return (-1, -1)
    return (start, end)


def make_server(
    folder: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
) -> ThreadingHTTPServer:
    """A server for ``folder``, bound and ready for ``serve_forever()``; port 0 picks a free
    port (``server.server_address`` tells which)."""
    if not folder.is_dir():
        raise OutputError(f"{folder}: not a folder", exit_code=EXIT_INPUT)
    handler = partial(FolderHandler, root=folder.resolve())
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise OutputError(f"cannot serve on {host}:{port} ({exc.strerror or exc})") from exc
    server.daemon_threads = True  # a player's open connection does not hold up Ctrl-C
    return server


def server_url(server: ThreadingHTTPServer) -> str:
    """Where a browser reaches ``server``."""
    host, port = server.server_address[:2]
    name = host.decode() if isinstance(host, bytes) else host
    shown = f"[{name}]" if ":" in name else name
    return f"http://{shown}:{port}/"
