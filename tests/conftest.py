"""Shared fixtures. The sample article lives in the repo (examples/), so the suite needs no
../shared."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import feedparser
import lxml.html
import podcastparser
import pytest
from lxml import etree
from typer.testing import CliRunner, Result

from newsaudio.cli import app
from newsaudio.speech.cache import ENV_DIR

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "kursk-ar.txt"
DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
# A paragraph long enough for a test article to count as one: articles with fewer than
# MIN_BODY_WORDS words of body are refused.
BRIEF = (
    "وقال المتحدث باسم الوزارة في مؤتمر صحفي عقده صباح اليوم إن الفرق الفنية تواصل عملها في "
    "المنطقة منذ ساعات الفجر الأولى، وإن الأوضاع تحت السيطرة الكاملة، مؤكدا أن السلطات ستعلن "
    "نتائج التحقيق الأولية خلال الأيام القليلة المقبلة."
)


@pytest.fixture(scope="session", autouse=True)
def _private_sentence_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Renders in tests cache sentences in a temporary folder, never in the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_DIR, str(tmp_path_factory.mktemp("cache")))
        yield


def run_cli(*args: str | os.PathLike[str]) -> Result:
    """Invoke the CLI in-process, stderr kept apart from stdout."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; NEWSAUDIO_UPDATE_GOLDEN=1 rewrites it (then review the diff:
    golden files are checked by someone who reads Arabic)."""
    path = GOLDEN / name
    if os.environ.get("NEWSAUDIO_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with NEWSAUDIO_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


def read_feed(path: Path) -> feedparser.FeedParserDict:
    """The feed at ``path``, checked as podcast apps would read it: strict XML 1.0 (lxml, no
    recovery), feedparser without bozo, and podcastparser reading every item feedparser sees (it
    silently drops items it cannot read)."""
    raw = path.read_bytes()
    etree.fromstring(raw, etree.XMLParser(recover=False))
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    podcast = podcastparser.parse("http://localhost:8000/feed.xml", io.BytesIO(raw))
    assert len(podcast["episodes"]) == len(parsed.entries)
    return parsed


def html_text(markup: str) -> str:
    """What an app that renders HTML shows of ``markup``: its text, a paragraph break as a blank
    line and ``<br>`` as a line break."""
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    for element in root.iter("br", "p"):
        element.tail = ("\n" if element.tag == "br" else "\n\n") + (element.tail or "")
    return str(root.text_content()).strip()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` by name and content hash: to prove nothing was touched."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def pytest_configure(config: pytest.Config) -> None:
    """Session and module fixtures run before the per-test cache below: they get a cache of the
    session's own, never the user's."""
    os.environ["NEWSAUDIO_CACHE_DIR"] = tempfile.mkdtemp(prefix="newsaudio-test-cache-")


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or fill the user's sentence cache: each test gets an empty one."""
    monkeypatch.setenv("NEWSAUDIO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx honours *_PROXY variables; a CI proxy must not stand between a test and the local
    server it started on 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(scope="session")
def rendered_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample rendered once, with the real engine, through the CLI; returns the output
    folder."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("render", SAMPLE, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def sigint_as_usual() -> None:
    """``preexec_fn`` for a child the test sends Ctrl-C to: a shell that runs the suite as a
    background job ignores SIGINT for it, and a child would inherit that (Python then installs
    no Ctrl-C handler at all)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
