"""No internal error on any page (issue 16, point 4): the repository's saved pages, mutated the ways
saved pages break, are read into an article or refused in one line (ArticleError), each within a
bounded time.

Mutations: truncation at random offsets; comments, CDATA sections and processing instructions at
random places (inside tags and letters too); unclosed and stray tags; 5,000 nested divs (libxml2
stops at 2,048: the page can only be refused); a 2 MB script; NUL bytes; mixed encodings (a
Latin-1 chunk, a Windows-1256 chunk, a double-encoded chunk in a UTF-8 page, a UTF-8 chunk in a
Windows-1256 one). Seeds are fixed, so a failure names a case that can be run again. The reading
stage is called directly; a few cases go through the command line, for the one-line refusal.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsaudio.errors import ArticleError
from newsaudio.reading.load import load_article

from .conftest import DATA, ROOT, run_cli

PAGES = sorted([*(DATA / "pages").glob("*.html"), *(DATA / "blind").glob("*.html")])
SEED = 16
# A page is read in well under a second; a case over this is a hang, not a slow machine.
MAX_SECONDS = 20
# "ال" in UTF-8 read as Windows-1256: a page decoded wrongly is worse than one refused.
MOJIBAKE = "\u0637\u00a7\u0638\u201e"

Mutation = Callable[[bytes, random.Random], bytes]


def _offset(data: bytes, rng: random.Random, lo: float = 0.0, hi: float = 1.0) -> int:
    start = int(len(data) * lo)
    return rng.randrange(start, max(start + 1, int(len(data) * hi)))


def _insert(data: bytes, pieces: list[bytes], rng: random.Random) -> bytes:
    """``pieces`` at random offsets: inside a tag, an attribute or a letter's bytes too."""
    for piece in pieces:
        at = _offset(data, rng)
        data = data[:at] + piece + data[at:]
    return data


def truncated(data: bytes, rng: random.Random) -> bytes:
    return data[: _offset(data, rng, 0.2, 0.95)]


NOISE = [
    b"<!-- note -->",
    "<!-- <p>نص مخفي في تعليق</p> -->".encode(),
    b"<![CDATA[ x < y && z ]]>",
    b"<?php echo $x; ?>",
    b"<?xml-stylesheet href='a.css'?>",
    b"<!--[if mso]><o:p></o:p><![endif]-->",
    b"<!-->",
    b"&#18;",
    b"<!DOCTYPE x>",
]


def markup_noise(data: bytes, rng: random.Random) -> bytes:
    return _insert(data, [rng.choice(NOISE) for _ in range(30)], rng)


def comments_in_text(data: bytes, rng: random.Random) -> bytes:
    """A comment after every <br> and before every </p>: where the article's text is."""
    return data.replace(b"<br>", b"<br><!-- c -->").replace(b"</p>", b"<?pi x?><!-- e --></p>")


def unclosed_tags(data: bytes, rng: random.Random) -> bytes:
    for tag in (b"</p>", b"</div>", b"</span>", b"</li>", b"</a>", b"</h2>"):
        parts = data.split(tag)
        data = parts[0] + b"".join((tag if rng.random() < 0.5 else b"") + p for p in parts[1:])
    opens = [b"<div>", b"<p>", b"<b>", b"<table><tr><td>", b"<h3>", b"<a href='#'>", b"</div>"]
    return _insert(data, [rng.choice(opens) for _ in range(20)], rng)


def nested_divs(data: bytes, rng: random.Random) -> bytes:
    at = data.find(b"<body")
    at = data.find(b">", at) + 1 if at >= 0 else 0
    end = data.rfind(b"</body>")
    end = end if end >= at else len(data)
    return data[:at] + b"<div>" * 5000 + data[at:end] + b"</div>" * 5000 + data[end:]


def big_script(data: bytes, rng: random.Random) -> bytes:
    """A 2 MB script in the head (under the 2 MiB cap with a small page; over it, a refusal)."""
    body = b"var a='" + "سx".encode() * 666_000 + b"';"
    at = max(data.find(b"</head>"), 0)
    return data[:at] + b"<script>" + body + b"</script>" + data[at:]


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    return _insert(data, [b"\x00"] * 5, rng)


def latin1_chunk(data: bytes, rng: random.Random) -> bytes:
    return _insert(data, ["Café à la crème — Ü ß é. ".encode("latin-1", "replace") * 8], rng)


def cp1256_chunk(data: bytes, rng: random.Random) -> bytes:
    return _insert(data, ["فقرة منسوخة من صفحة قديمة. ".encode("cp1256") * 4], rng)


def double_encoded(data: bytes, rng: random.Random) -> bytes:
    """2 kB of the page encoded twice (UTF-8 bytes read as Latin-1, then written as UTF-8)."""
    at = _offset(data, rng, 0.4, 0.6)
    chunk = data[at : at + 2000].decode("utf-8", "ignore")
    return data[:at] + chunk.encode("utf-8").decode("latin-1").encode("utf-8") + data[at + 2000 :]


def utf8_chunk(data: bytes, rng: random.Random) -> bytes:
    """UTF-8 text pasted into a page in another encoding."""
    return _insert(data, ["<p>نص بترميز مختلف في الصفحة.</p>".encode()], rng)


# Every page gets these (the markup's structure, where the reader's own code walks the tree)…
EVERY_PAGE: dict[str, Mutation] = {
    "truncated": truncated,
    "markup-noise": markup_noise,
    "unclosed-tags": unclosed_tags,
}
# …and half of these, chosen by the seed (each covers about half the pages; all of them cost as
# much as reading a page twice, and the suite has a budget)…
HALF_THE_PAGES: dict[str, Mutation] = {
    "comments-in-text": comments_in_text,
    "nul-bytes": nul_bytes,
    "latin1-chunk": latin1_chunk,
    "cp1256-chunk": cp1256_chunk,
    "double-encoded": double_encoded,
    "utf8-chunk": utf8_chunk,
}
# …and the costly ones (a 2 MB page, a 10,000-tag nest) a few pages each.
SOME_PAGES: dict[str, Mutation] = {"nested-5000-divs": nested_divs, "script-2MB": big_script}
PAGES_FOR_COSTLY = 3
MUTATIONS = {**EVERY_PAGE, **HALF_THE_PAGES, **SOME_PAGES}


def cases() -> Iterator[tuple[Path, str]]:
    chooser = random.Random(SEED)
    for name in SOME_PAGES:
        for page in chooser.sample(PAGES, PAGES_FOR_COSTLY):
            yield page, name
    for page in PAGES:
        for name in EVERY_PAGE:
            yield page, name
        for name in chooser.sample(sorted(HALF_THE_PAGES), len(HALF_THE_PAGES) // 2):
            yield page, name


def mutated(page: Path, mutation: str) -> bytes:
    mutate = MUTATIONS[mutation]
    return mutate(page.read_bytes(), random.Random(f"{SEED}:{page.name}:{mutation}"))


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail the case when it runs over ``seconds`` (SIGALRM: the main thread, POSIX)."""

    def over(signum: int, frame: object) -> None:
        raise TimeoutError(f"over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, over)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_fuzz_covers_the_repositorys_pages_and_every_mutation() -> None:
    assert len(PAGES) >= 40
    done = list(cases())
    assert {page for page, _ in done} == set(PAGES)
    for name in MUTATIONS:
        covered = sum(mutation == name for _, mutation in done)
        assert covered >= (PAGES_FOR_COSTLY if name in SOME_PAGES else len(PAGES) // 4), name


@pytest.mark.parametrize(
    ("page", "mutation"), list(cases()), ids=lambda v: v.stem if isinstance(v, Path) else v
)
def test_a_mutated_page_is_read_or_refused_in_one_line(
    page: Path, mutation: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{page.stem}.html"
    path.write_bytes(mutated(page, mutation))
    try:
        with time_limit(MAX_SECONDS):
            article = load_article(path)
    except ArticleError as refusal:
        message = str(refusal)
        assert message and "\n" not in message
        assert message.startswith(str(path))
        return
    text = "\n".join(
        [
            article.headline,
            *article.lead,
            *(t for s in article.sections for t in (s.heading, *s.paragraphs)),
        ]
    )
    assert article.headline.strip()
    assert article.body_words >= 30
    assert text.count(MOJIBAKE) < 3, "the page was decoded as the wrong encoding"
    assert not any(ord(c) < 32 and c not in "\n\t" for c in text)


# Through the command line: a refusal is one "Error: …" line, never a traceback.
CLI_CASES = [
    ("nested-5000-divs", "h-bbc.html"),
    ("truncated", "broadcaster-politics.html"),
    ("nul-bytes", "h-aljazeera.html"),
    ("markup-noise", "h3-elaph.html"),
]


@pytest.mark.parametrize(("mutation", "name"), CLI_CASES)
def test_the_command_line_answers_json_or_one_line(
    mutation: str, name: str, tmp_path: Path
) -> None:
    page = next(p for p in PAGES if p.name == name)
    path = tmp_path / name
    path.write_bytes(mutated(page, mutation))
    result = run_cli("text", path, "--json")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if result.exit_code == 0:
        assert result.stdout.lstrip().startswith("[")
    else:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr


def test_trafilaturas_warnings_do_not_reach_stderr(tmp_path: Path) -> None:
    """A page trafilatura finds nothing in makes it warn ("discarding data: None"); the user sees
    our one-line refusal only (its logger is at ERROR unless --debug). In a child process: in
    this one, pytest owns the logging configuration."""
    page = next(p for p in PAGES if p.name == "h-bbc.html")
    path = tmp_path / "deep.html"
    path.write_bytes(mutated(page, "nested-5000-divs"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.run(
        [sys.executable, "-m", "newsaudio", "text", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert child.returncode != 0
    lines = child.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: "), child.stderr
    assert "Warning:" not in child.stderr
