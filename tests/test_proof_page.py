"""The proofing page in real Chromium, keyboard alone, and its server against hostile requests.

A short real article is rendered once (real engine, real diacritizer: its words to check are the
model's own); the page is served in-process by the proofing server, as `newsaudio proof` serves
it. The keyboard test does what a blind producer does: open the page, go to the second word to
check, pick its second alternative, apply — and hears the new audio: the MP3 changed and only
that sentence was spoken again. axe-core finds nothing in any state of the page.

Without Chromium these tests skip (the server tests run), as tests/test_browser.py's do.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from newsaudio.config import Config
from newsaudio.pipeline import render_article
from newsaudio.proofing.episode import open_episode
from newsaudio.proofing.server import ProofServer
from newsaudio.publishing.catalog import CATALOG_FILE
from newsaudio.speech.cache import AudioCache
from newsaudio.speech.voices import load_voice
from newsaudio.textprep.corrections import exact_form
from tests import test_browser
from tests.conftest import BRIEF
from tests.test_browser import WCAG_TAGS

ARTICLE = (
    "# وفد برلماني يزور المدينة المنكوبة\n\n"
    f"{BRIEF}\n\n"
    "## نتائج الزيارة\n\n"
    "وأكد رئيس الوفد أن اللجنة المختصة ستقدم تقريرها النهائي إلى المجلس خلال أسبوعين، "
    "وأن الحكومة تعهدت بتعويض المتضررين وإعادة إعمار المنازل المهدمة. "
    "وأشار مراقبون إلى أن الزيارة جاءت بعد انتقادات واسعة لبطء الاستجابة.\n\n"
    "## ردود الفعل\n\n"
    "وطالب نواب المعارضة بمحاسبة المسؤولين عن تأخر المساعدات، فيما نفى الناطق باسم الحكومة "
    "وجود أي تقصير، مشيرا إلى أن فرق الإغاثة عملت في ظروف صعبة.\n"
)
# One Chromium for the module, launched (or skipped, saying why) as the listening page's tests do.
browser = test_browser.browser
# Where to keep the page's picture (the README's is docs/proofing-page.png).
SCREENSHOT_ENV = "NEWSAUDIO_PROOF_SCREENSHOT"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("page-cache")


@pytest.fixture(autouse=True)
def own_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One cache for the module: the sentences, and where the episode came from."""
    monkeypatch.setenv("NEWSAUDIO_CACHE_DIR", str(cache))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> Path:
    """The article rendered once; tests proof copies of its folder."""
    root = tmp_path_factory.mktemp("page")
    article = root / "visit.md"
    article.write_text(ARTICLE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSAUDIO_CACHE_DIR", str(cache))
        render_article(article, root / "out", load_voice(), Config(), cache=AudioCache.from_env())
    return root


@pytest.fixture
def served(rendered: Path, tmp_path: Path) -> Iterator[ProofServer]:
    """A copy of the episode's folder, proofed by a server of its own."""
    out = tmp_path / "out"
    shutil.copytree(rendered / "out", out)
    proof = open_episode(out, str(rendered / "visit.md"), Config())
    assert len(proof.flagged) >= 2, "the article should have two words to check"
    server = ProofServer(proof)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _mp3(server: ProofServer) -> str:
    path = server.proof.out_dir / server.proof.episode.audio_file
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _focus(page: Page) -> str:
    focused: str = page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e.id || e.getAttribute('name') + ':' + e.value; })()"
    )
    return focused


def _tab_to(page: Page, target: str, key: str = "Tab") -> None:
    for _ in range(60):
        page.keyboard.press(key)
        if _focus(page) == target:
            return
    raise AssertionError(f"{key} never reached {target}")


def _wait_for_text(page: Page, selector: str) -> None:
    """Until ``selector`` shows text. (Polled from here: the page's Content-Security-Policy
    forbids the string evaluation ``wait_for_function`` polls with.)"""
    for _ in range(400):
        if page.inner_text(selector).strip():
            return
        page.wait_for_timeout(25)
    raise AssertionError(f"{selector} stayed empty")


def _axe(page: Page, state: str) -> None:
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, f"{state}: {results.generate_report()}"


def test_keyboard_alone_fixes_the_second_word(browser: Browser, served: ProofServer) -> None:
    proof = served.proof
    second = proof.flagged[1]
    assert len(second.word.alternatives) >= 2
    before = _mp3(served)
    page = browser.new_page(viewport={"width": 900, "height": 1000})
    page.goto(served.url)
    _axe(page, "opened")
    assert page.inner_text("#count").startswith(f"{len(proof.flagged)} words to check")

    # Next word, twice: the second word to check, announced and focused.
    _tab_to(page, "next")
    page.keyboard.press("Enter")
    assert _focus(page) == "fix-title"
    page.keyboard.press("Shift+Tab")
    assert _focus(page) == "next"
    page.keyboard.press("Enter")
    assert _focus(page) == "fix-title"
    assert page.inner_text("#fix-title") == f"Word 2 of {len(proof.flagged)}: {second.word.spoken}"
    assert page.get_attribute(f'.word[data-word="{second.id}"]', "aria-current") == "true"
    _axe(page, "a word chosen")

    # Its sentence, played from the episode's MP3 where the captions place it.
    page.evaluate("document.getElementById('episode').muted = true")
    _tab_to(page, "play-heard")
    page.keyboard.press("Enter")
    heard = page.evaluate("document.getElementById('episode').currentTime")
    assert second.sentence.start_ms is not None
    assert abs(heard - second.sentence.start_ms / 1000) < 0.3
    assert "Playing the sentence as heard." in page.inner_text("#status")

    # Its second alternative, by the arrow keys in the radio group.
    _tab_to(page, "form-heard")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert _focus(page) == "form-alt2"
    assert "Alternative 2 chosen for this sentence. 1 to apply." in page.inner_text("#status")
    assert second.word.alternatives[1] in page.inner_text("#pending")
    _axe(page, "an alternative chosen")
    if os.environ.get(SCREENSHOT_ENV):
        page.screenshot(path=os.environ[SCREENSHOT_ENV], full_page=True)

    # Apply: the episode is rendered again and the page reloads with the new audio.
    _tab_to(page, "apply")
    with page.expect_navigation(timeout=60_000):
        page.keyboard.press("Enter")
    _wait_for_text(page, "#status")
    status = page.inner_text("#status")
    assert status.startswith("Applied 1 correction: 1 sentence spoken again"), status
    assert _focus(page) == "fix-title"
    assert second.word.alternatives[1] in page.inner_text("#fix-title")
    assert page.get_attribute("#episode", "src") == f"episode.mp3?r={served.proof.revision}"
    _axe(page, "after apply")

    assert _mp3(served) != before
    pairs = zip(proof.sentences, served.proof.sentences, strict=True)
    (changed,) = {new.id for old, new in pairs if old.spoken != new.spoken}
    assert changed == second.sentence.id
    # The page's JSON view says the word is corrected now, for its sentence.
    state = page.evaluate("JSON.parse(document.getElementById('state').textContent)")
    words = {w["id"]: w for s in state["segments"] for t in s["sentences"] for w in t["words"]}
    assert words[second.id]["corrected"] == "sentence"
    assert words[second.id]["spoken"] == exact_form(second.word.alternatives[1])
    page.close()


def test_marks_buttons_and_errors_are_announced(browser: Browser, served: ProofServer) -> None:
    """A form typed with the marks buttons (no Arabic keyboard layout needed), then refused."""
    page = browser.new_page(color_scheme="dark")
    page.goto(served.url)
    _tab_to(page, "next")
    page.keyboard.press("Enter")
    _tab_to(page, "own")
    page.keyboard.type("بيت")
    page.keyboard.press("Tab")  # the first marks button: fatha
    page.keyboard.press("Enter")
    assert _focus(page) == "own"
    assert page.input_value("#own") == "بيت\u064e"
    assert page.is_checked("#form-own")
    assert "fatha added" in page.inner_text("#status")
    _tab_to(page, "play-chosen", "Shift+Tab")
    page.keyboard.press("Enter")
    _wait_for_text(page, "#error")
    assert "does not have the letters of" in page.inner_text("#error")
    assert "Nothing was changed." in page.inner_text("#error")
    _axe(page, "an error shown (dark)")
    # Marked right instead: a correction that keeps the form heard, for this article.
    page.check("#scope-article")
    _tab_to(page, "right")
    page.keyboard.press("Enter")
    assert "Marked right for this article. 1 to apply." in page.inner_text("#status")
    assert "is right" in page.inner_text("#pending")
    page.close()


def test_an_alternative_is_heard_before_it_is_chosen(served: ProofServer) -> None:
    word = served.proof.flagged[0]
    answer = _post(served, "preview", {"word": word.id, "form": word.word.alternatives[0]})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "audio/wav"
    assert answer.content[:4] == b"RIFF" and len(answer.content) > 10_000


def _post(
    server: ProofServer, route: str, body: Any, headers: dict[str, str] | None = None
) -> httpx.Response:
    sent = {"X-Proof-Token": server.token, **(headers or {})}
    return httpx.post(server.url + route, json=body, headers=sent, timeout=60)


def _state(server: ProofServer) -> tuple[str, list[tuple[object, ...]]]:
    with sqlite3.connect(server.proof.out_dir / CATALOG_FILE) as db:
        rows = list(db.execute("SELECT * FROM corrections"))
    return _mp3(server), rows


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ("<script>alert(1)</script>", "only Arabic letters and vowel marks"),
        ("\u200f\u202e", "control or invisible characters"),
        ("ب" * 10_000, "a correction is a word or a name"),
        ("بَيْتٌ", "does not have the letters of"),
    ],
)
def test_hostile_corrections_change_nothing(served: ProofServer, form: str, message: str) -> None:
    word = served.proof.flagged[0]
    before = _state(served)
    for route in ("preview", "apply"):
        fix = {"word": word.id, "form": form, "scope": "sentence"}
        body = {"revision": served.proof.revision, "fixes": [fix]} if route == "apply" else fix
        answer = _post(served, route, body)
        assert answer.status_code == 400
        assert message in answer.json()["error"]
    assert _state(served) == before


def test_requests_that_are_not_the_pages_are_refused(served: ProofServer) -> None:
    word = served.proof.flagged[0]
    fix = {"word": word.id, "form": word.word.alternatives[0], "scope": "sentence"}
    apply = {"revision": served.proof.revision, "fixes": [fix]}
    before = _state(served)
    port = served.port
    stale = f"http://127.0.0.1:{port}/an-old-token/"
    assert httpx.get(stale).status_code == 403
    assert "is not valid" in httpx.get(stale).text
    assert httpx.post(stale + "apply", json=apply).status_code == 403
    # Another Host (a DNS name rebound to this machine), no token header, not JSON, too long.
    assert httpx.get(served.url, headers={"Host": "evil.example"}).status_code == 421
    assert _post(served, "apply", apply, {"X-Proof-Token": "guess"}).status_code == 403
    form = httpx.post(
        served.url + "apply", data={"fixes": "x"}, headers={"X-Proof-Token": served.token}
    )
    assert form.status_code == 415
    huge = _post(served, "apply", {"fixes": [fix] * 2000, "revision": served.proof.revision})
    assert huge.status_code == 413
    unknown = _post(served, "apply", {**apply, "fixes": [{**fix, "word": "9-9-9-9"}]})
    assert unknown.status_code == 400 and "no word '9-9-9-9'" in unknown.json()["error"]
    assert _post(served, "apply", {**apply, "fixes": [{**fix, "scope": "book"}]}).status_code == 400
    assert _post(served, "apply", [1, 2]).status_code == 400
    assert _state(served) == before


def test_two_tabs_applying_at_once(served: ProofServer) -> None:
    """The first Apply renders; one sent meanwhile, or later from the page as it was, is refused
    with a message and changes nothing."""
    first, second = served.proof.flagged[:2]
    revision = served.proof.revision

    def apply(word: Any) -> httpx.Response:
        fix = {"word": word.id, "form": word.word.alternatives[0], "scope": "sentence"}
        return _post(served, "apply", {"revision": revision, "fixes": [fix]})

    answers: list[httpx.Response] = []
    running = threading.Thread(target=lambda: answers.append(apply(first)))
    running.start()
    for _ in range(500):
        if served.applying.locked() or answers:
            break
        time.sleep(0.01)
    during = apply(second)
    running.join()
    assert answers[0].status_code == 200, answers[0].text
    # Refused while the first runs, or (had the first finished already) as a page now stale.
    assert during.status_code == 409
    assert any(
        words in during.json()["error"]
        for words in ("Another Apply is running", "changed since this page was loaded")
    )
    after = _state(served)
    late = apply(second)
    assert late.status_code == 409
    assert "changed since this page was loaded" in late.json()["error"]
    assert _state(served) == after
    with sqlite3.connect(served.proof.out_dir / CATALOG_FILE) as db:
        assert db.execute("SELECT count(*) FROM corrections").fetchone() == (1,)
