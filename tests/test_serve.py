"""``newsaudio serve``: a real server on 127.0.0.1, real HTTP requests."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from newsaudio.publishing.serve import make_server, server_url
from tests.conftest import run_cli, sigint_as_usual

AUDIO = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served")
    out = root / "out"
    out.mkdir()
    (root / "secret.txt").write_text("outside", encoding="utf-8")
    (out / "episode.mp3").write_bytes(AUDIO)
    (out / "episode.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (out / "episode.srt").write_text("1\n", encoding="utf-8")
    (out / "episode.chapters.json").write_text("{}", encoding="utf-8")
    (out / "feed.xml").write_text("<rss/>", encoding="utf-8")
    (out / "other.xml").write_text("<x/>", encoding="utf-8")
    (out / "index.html").write_text("<!DOCTYPE html><title>ص</title>", encoding="utf-8")
    (out / "episode.txt").write_text("نص", encoding="utf-8")
    (out / "خبر.mp3").write_bytes(b"ID3")
    (out / "escape.txt").symlink_to(root / "secret.txt")
    (out / "link.mp3").symlink_to(out / "episode.mp3")
    (out / "episode.epub").write_bytes(b"PK")
    (out / "episode.daisy.zip").write_bytes(b"PK")
    daisy = out / "episode.daisy"
    daisy.mkdir()
    for name in ("ncc.html", "s0001.smil", "default.css", ".ncc.html.x1.part"):
        (daisy / name).write_text("x", encoding="utf-8")
    for name in PRIVATE:
        (out / name).write_text("private", encoding="utf-8")
    (out / "public.txt").symlink_to(out / "catalog.sqlite")
    return out


PRIVATE = [
    "catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm", "catalog.sqlite-journal",
    "catalog.sqlite.damaged-20261201T101010", "episode.episode.json", ".episode.mp3.k2j3.part",
    ".episode.mp3.abc.f32", ".hidden",
]  # fmt: skip


@pytest.fixture(scope="module")
def base(folder: Path) -> Iterator[str]:
    server = make_server(folder, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_url(server)
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("episode.mp3", "audio/mpeg"),
        ("episode.vtt", "text/vtt; charset=utf-8"),
        ("episode.srt", "application/x-subrip; charset=utf-8"),
        ("episode.chapters.json", "application/json"),
        ("feed.xml", "application/rss+xml"),
        ("other.xml", "application/xml"),
        ("index.html", "text/html; charset=utf-8"),
        ("", "text/html; charset=utf-8"),
        ("episode.txt", "text/plain; charset=utf-8"),
        ("%D8%AE%D8%A8%D8%B1.mp3", "audio/mpeg"),
        ("episode.epub", "application/epub+zip"),
        ("episode.daisy.zip", "application/zip"),
        ("episode.daisy/ncc.html", "text/html; charset=utf-8"),
        ("episode.daisy/s0001.smil", "application/smil"),
        ("episode.daisy/default.css", "text/css; charset=utf-8"),
    ],
)
def test_content_types(base: str, name: str, content_type: str) -> None:
    response = httpx.get(base + name)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-99", 0, 99), ("bytes=10000-", 10000, 10239), ("bytes=-40", 10200, 10239),
     ("bytes=5-999999", 5, 10239), ("bytes=300-300", 300, 300)],
)  # fmt: skip
def test_a_byte_range_is_206_with_content_range(
    base: str, header: str, first: int, last: int
) -> None:
    response = httpx.get(base + "episode.mp3", headers={"Range": header})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {first}-{last}/{len(AUDIO)}"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.content == AUDIO[first : last + 1]


def test_whole_file_says_it_accepts_ranges(base: str) -> None:
    response = httpx.get(base + "episode.mp3")
    assert response.headers["accept-ranges"] == "bytes"
    assert response.content == AUDIO


def test_unsatisfiable_range_is_416(base: str) -> None:
    response = httpx.get(base + "episode.mp3", headers={"Range": "bytes=10240-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(AUDIO)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "bytes=9-1", "items=0-1", "bytes=-"])
def test_several_or_malformed_ranges_get_the_whole_file(base: str, header: str) -> None:
    response = httpx.get(base + "episode.mp3", headers={"Range": header})
    assert response.status_code == 200
    assert response.content == AUDIO


def test_if_range_that_does_not_match_gets_the_whole_file(base: str) -> None:
    headers = {"Range": "bytes=0-9", "If-Range": "Mon, 01 Jan 2001 00:00:00 GMT"}
    assert httpx.get(base + "episode.mp3", headers=headers).status_code == 200
    modified = httpx.head(base + "episode.mp3").headers["last-modified"]
    headers["If-Range"] = modified
    assert httpx.get(base + "episode.mp3", headers=headers).status_code == 206


def test_head_with_a_range_sends_headers_only(base: str) -> None:
    response = httpx.head(base + "episode.mp3", headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.headers["content-length"] == "100"
    assert response.content == b""


def test_many_requests_on_one_connection_and_at_once(base: str) -> None:
    with httpx.Client() as client:  # keep-alive: one connection, like a seeking player
        for start in range(0, len(AUDIO), 1024):
            response = client.get(base + "episode.mp3", headers={"Range": f"bytes={start}-"})
            assert response.content == AUDIO[start:]
    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(lambda _: httpx.get(base + "episode.mp3").content, range(16)))
    assert bodies == [AUDIO] * 16


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt"])
def test_dot_dot_never_leaves_the_folder(base: str, path: str) -> None:
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", path)  # sent exactly as written, unlike httpx's normalized URLs
    response = connection.getresponse()
    assert response.status == 404
    assert b"outside" not in response.read()
    connection.close()


def test_symlinks_out_of_the_folder_are_refused(base: str) -> None:
    assert httpx.get(base + "escape.txt").status_code == 403
    assert httpx.get(base + "link.mp3").content == AUDIO  # a link within the folder is fine
    assert httpx.get(base + "episode.mp3%00.txt").status_code == 400


@pytest.mark.parametrize("name", [*PRIVATE, "public.txt", "episode.daisy/.ncc.html.x1.part"])
def test_private_files_are_not_found(base: str, name: str) -> None:
    """The catalog, its WAL, episode records (local paths), temporaries: never served, by any
    request, nor through a link; as if they were not there."""
    for response in (
        httpx.get(base + quote(name)),
        httpx.head(base + quote(name)),
        httpx.get(base + quote(name), headers={"Range": "bytes=0-1"}),
    ):
        assert response.status_code == 404
        assert b"private" not in response.content


def test_a_folder_listing_shows_only_public_files(base: str) -> None:
    response = httpx.get(base + "episode.daisy/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    links = re.findall(r'href="([^"]+)"', response.text)
    assert links == ["default.css", "ncc.html", "s0001.smil"]


def test_cli_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = run_cli("serve", tmp_path / "nope", "--port", "0")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope'}: not a folder"


def test_cli_prints_the_url_serves_and_stops_on_ctrl_c(folder: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", "from newsaudio.cli import app; app()", "serve", str(folder),
         "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=sigint_as_usual,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"Serving {folder} at http://127.0.0.1:")
        url = line.split(" at ", 1)[1].split()[0]
        assert httpx.get(url + "episode.mp3", headers={"Range": "bytes=0-0"}).content == b"\x00"
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert stdout == "Stopped.\n"
    assert stderr == ""
