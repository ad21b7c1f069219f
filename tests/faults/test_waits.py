"""The waits class of the fault catalogue: every wait has an end, and the work grows with the
article, whatever the server or the punctuation does.

A request is over within its deadline counted from its first byte sent, headers included: a server
that sends its status line and headers one byte at a time never lets a per-read timeout fire, and
held a render forever (the deadline only started once the headers were in). A text without
punctuation is cut into sentences of bounded length: it was one sentence of the whole article, and
the diacritizer's time and memory grow with the square of a sentence's length (53,000 characters:
5.6 minutes and 1.2 GB in `text` alone)."""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from newsaudio.errors import EXIT_ENGINE, FetchError
from newsaudio.reading.fetch import FetchPolicy, fetch
from newsaudio.textprep.sentences import MAX_CHARS, MAX_WORDS, split_sentences
from tests.conftest import BRIEF, DATA, run_cli, snapshot
from tests.faults.conftest import assert_refused, assert_unharmed
from tests.local_server import Handler, local_server

# The server gives up after this long: long enough to show that a wait did not end on its own.
_TRICKLE_FOR_S = 6.0


def _headers_byte_by_byte(stop: threading.Event) -> Callable[[Handler], None]:
    """A route that sends a 200's status line and headers one byte every 0.2 s (the fault seen
    at 1.5 s: either never leaves a read silent long enough for its timeout)."""

    def trickle(handler: Handler) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 1000
        started = time.monotonic()
        with contextlib.suppress(OSError):
            for byte in head:
                if stop.is_set() or time.monotonic() - started > _TRICKLE_FOR_S:
                    return
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(0.2)

    return trickle


def test_a_page_whose_headers_trickle_ends_by_its_deadline() -> None:
    stop = threading.Event()
    with local_server() as server:
        server.routes["/page"] = _headers_byte_by_byte(stop)
        policy = FetchPolicy(connect_timeout_s=1, read_timeout_s=1, max_download_s=1)
        start = time.monotonic()
        with pytest.raises(FetchError) as caught:
            fetch(server.url("/page"), policy)
        seconds = time.monotonic() - start
        stop.set()
    assert str(caught.value).endswith("/page: the server's answer took longer than 1 s")
    assert caught.value.exit_code == EXIT_ENGINE  # the network: try again later
    assert seconds < 3


def test_google_whose_headers_trickle_ends_by_its_deadline(
    rendered_sample: Path, tmp_path: Path
) -> None:
    published = tmp_path / "out"
    shutil.copytree(rendered_sample, published)
    article = tmp_path / "story.md"
    article.write_text(f"# خبر قصير\n\n{BRIEF}\n", encoding="utf-8")
    profile = tmp_path / "google-local.toml"
    stop = threading.Event()
    before = snapshot(published)
    with local_server() as server:
        server.routes["/"] = _headers_byte_by_byte(stop)
        profile.write_text(
            f'engine = "gtts"\nvoice = "ar"\n[gtts]\nurl = "{server.url("/")}"\n'
            "timeout_s = 1.0\ntries = 2\nbackoff_s = 0.05\n",
            encoding="utf-8",
        )
        start = time.monotonic()
        result = run_cli("render", article, "--out", published, "--voice", profile, "--quiet")
        seconds = time.monotonic() - start
        stop.set()
    assert result.exit_code == EXIT_ENGINE, result.stderr
    assert_refused(result.stderr, article, "no answer within 1 s")
    assert seconds < _TRICKLE_FOR_S  # two tries of a second each, and the render around them
    assert_unharmed(published, before, items=1)


def _unpunctuated(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return " ".join("".join(c for c in text if not unicodedata.category(c).startswith("P")).split())


def test_an_article_without_punctuation_is_spoken_in_bounded_sentences() -> None:
    """A real article without its punctuation and line breaks, four times over: sentences of
    bounded length, every word kept in order."""
    text = " ".join([_unpunctuated(DATA / "blind" / "r3-akhbarona.txt")] * 4)
    sentences = split_sentences(text)
    assert max(len(s.split()) for s in sentences) <= MAX_WORDS
    assert max(len(s) for s in sentences) <= MAX_CHARS
    assert " ".join(sentences).split() == text.split()
    assert len(sentences) >= len(text.split()) // MAX_WORDS


def test_a_word_longer_than_a_sentence_is_cut_too() -> None:
    word = "ب" * (MAX_CHARS * 3 + 5)
    sentences = split_sentences(f"قال {word} ثم غادر")
    assert max(len(s) for s in sentences) <= MAX_CHARS
    assert "".join(sentences).replace(" ", "") == f"قال{word}ثمغادر"
