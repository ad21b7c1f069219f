"""The engines-and-network class of the fault catalogue, through the command line, against local
servers only: Google's voice refused, rate-limited, failing, silent, answering HTML, sending a
truncated MP3 or a rate we did not expect, or never answering; a page whose host does not exist.
Each: exit 3 (try again later) with one line naming the input and the sentence, in bounded time,
the folder's earlier files untouched; or, where retrying or resampling is the right answer, an
episode."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import BRIEF, read_feed, run_cli, snapshot
from tests.faults.conftest import assert_refused, assert_unharmed
from tests.local_server import Handler, Reply, Request, local_server
from tests.test_gtts import batchexecute, mp3


@pytest.fixture
def published(rendered_sample: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    return out


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "story.md"
    path.write_text(f"# خبر قصير\n\n{BRIEF}\n", encoding="utf-8")
    return path


def _voice(folder: Path, url: str, fallback: str = "") -> Path:
    """A gTTS profile pointed at a local stand-in, quick to give up."""
    profile = folder / "google-local.toml"
    profile.write_text(
        f'engine = "gtts"\nvoice = "ar"\nfallback = "{fallback}"\n'
        f'[gtts]\nurl = "{url}"\ntimeout_s = 1.0\ntries = 2\nbackoff_s = 0.05\n',
        encoding="utf-8",
    )
    return profile


def _render(article: Path, out: Path, voice: Path) -> tuple[int, str, float]:
    start = time.monotonic()
    result = run_cli("render", article, "--out", out, "--voice", voice, "--quiet")
    return result.exit_code, result.stderr, time.monotonic() - start


def _refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again: nothing listens there


@pytest.mark.parametrize(
    ("name", "answer", "problem"),
    [
        ("5xx", lambda *_: Reply(status=503), "HTTP 503"),
        ("429-retry-after", lambda *_: Reply(status=429, headers={"Retry-After": "0"}), "HTTP 429"),
        ("429", lambda *_: Reply(status=429), "HTTP 429"),
        ("empty-200", lambda *_: Reply(body=b""), "held no audio"),
        ("html-200", lambda *_: Reply(body=b"<html>captive portal</html>"), "held no audio"),
        ("never-answers", lambda *_: Reply(body=b"", delay_s=30), "no answer within 1 s"),
    ],
)
def test_google_failing_is_exit_3_in_bounded_time(
    name: str, answer: object, problem: str, published: Path, article: Path, tmp_path: Path
) -> None:
    before = snapshot(published)
    with local_server(answer) as server:  # type: ignore[arg-type]
        code, stderr, seconds = _render(article, published, _voice(tmp_path, server.url()))
    assert code == 3, stderr
    assert_refused(stderr, "gtts: Google's voice failed 2 times", problem, "speaking '")
    assert seconds < 10
    assert_unharmed(published, before, items=1)


def test_google_refusing_the_request_is_not_retried_and_says_where(
    published: Path, article: Path, tmp_path: Path
) -> None:
    """HTTP 400: the request itself is refused, another try would be too; the line names the
    article, the segment and the sentence Google refused (it named none of them)."""
    before = snapshot(published)
    with local_server(lambda *_: Reply(status=400)) as server:
        code, stderr, _ = _render(article, published, _voice(tmp_path, server.url()))
        tries = len(server.requests)
    assert code == 3, stderr
    assert tries == 1
    assert_refused(
        stderr, f"{article}: segment 'خبر قصير', sentence 1: gtts:", "HTTP 400", "speaking 'خَبَر"
    )
    assert_unharmed(published, before, items=1)


def test_google_refusing_connections(published: Path, article: Path, tmp_path: Path) -> None:
    before = snapshot(published)
    url = f"http://127.0.0.1:{_refused_port()}/"
    code, stderr, _ = _render(article, published, _voice(tmp_path, url))
    assert code == 3, stderr
    assert_refused(stderr, "network error")
    assert_unharmed(published, before, items=1)


def test_google_trickling_is_cut_off(published: Path, article: Path, tmp_path: Path) -> None:
    """A byte every 0.1 s: per-read timeouts never fire; the answer's deadline does."""
    stop = threading.Event()

    def trickle(handler: Handler) -> None:
        handler.send_response(200)
        handler.end_headers()
        while not stop.is_set():
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.1)

    before = snapshot(published)
    with local_server() as server:
        server.routes["/"] = trickle
        code, stderr, seconds = _render(article, published, _voice(tmp_path, server.url("/")))
        stop.set()
    assert code == 3, stderr
    assert_refused(stderr, "took longer than 1 s")
    assert seconds < 10
    assert_unharmed(published, before, items=1)


def test_a_truncated_mp3_from_google(published: Path, article: Path, tmp_path: Path) -> None:
    cut = batchexecute(mp3()[:40])
    before = snapshot(published)
    with local_server(lambda *_: Reply(body=cut)) as server:
        code, stderr, _ = _render(article, published, _voice(tmp_path, server.url()))
    assert code == 3, stderr
    assert_refused(stderr, "gtts: the audio for")
    assert_unharmed(published, before, items=1)


def test_a_failing_voice_falls_back_and_the_episode_says_who_spoke(
    published: Path, article: Path, tmp_path: Path
) -> None:
    with local_server(lambda *_: Reply(status=503)) as server:
        voice = _voice(tmp_path, server.url(), fallback="ar-espeak")
        code, stderr, _ = _render(article, published, voice)
    assert code == 0, stderr
    assert len(read_feed(published / "feed.xml").entries) == 2


def test_audio_at_an_unexpected_rate_is_resampled(
    published: Path, article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Google's voice is 24 kHz; an answer at 16 kHz is still a good episode at 44.1 kHz."""
    import tests.test_gtts as gtts_tests

    monkeypatch.setattr(gtts_tests, "RATE", 16_000)
    answer = batchexecute(gtts_tests.mp3(0.6))

    def reply(_: Request, __: int) -> Reply:
        return Reply(body=answer)

    with local_server(reply) as server:
        code, stderr, _ = _render(article, published, _voice(tmp_path, server.url()))
    assert code == 0, stderr
    assert len(read_feed(published / "feed.xml").entries) == 2


def test_a_page_whose_host_does_not_exist(published: Path) -> None:
    before = snapshot(published)
    url = "http://no-such-host.invalid/news/1.html"
    result = run_cli("render", url, "--out", published)
    assert result.exit_code == 3
    assert_refused(result.stderr, url, "cannot connect")
    assert_unharmed(published, before, items=1)
