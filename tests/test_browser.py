"""The listening page in a real headless Chromium (Debian's ``chromium`` package), driven by
Playwright: keyboard alone, chapter buttons, the highlighted sentence, axe-core, file:// and served.

The episode is a real render of a short article (a hostile title included): the page, its
transcript and the ``.vtt`` it loads are the pipeline's own, and the highlight tests take their
times from that ``.vtt``. One browser serves the whole module.

Without Chromium these tests skip, saying why; with ``NEWSAUDIO_REQUIRE_BROWSER=1`` (set by
``.ci/run``) they fail instead, so CI cannot pass without running them.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from newsaudio.config import Config
from newsaudio.pipeline import render_article
from newsaudio.publishing.captions import Cue, parse_vtt
from newsaudio.publishing.episode import load_episodes
from newsaudio.publishing.page import PAGE_FILE, EpisodeMedia, read_media, render_page
from newsaudio.publishing.serve import make_server, server_url
from newsaudio.speech.voices import load_voice
from tests.conftest import BRIEF

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core tags; 2.2 added only AA rules).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HOSTILE_TITLE = 'خبر <script>alert(1)</script> ]]> " &amp;'
TOLERANCE_S = 0.3


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Cue]]:
    """A folder with one real episode, its captions and the page, as the pipeline wrote them;
    returns it and the episode's cues."""
    out = tmp_path_factory.mktemp("site")
    article = out.parent / "article.md"
    article.write_text(
        f"---\ntitle: '{HOSTILE_TITLE}'\ndate: 2026-11-01\n---\n"
        f"# عنوان\n\nمقدمة قصيرة للخبر.\n\n## القسم الأول\n\n{BRIEF}\n\n"
        "## القسم الثاني\n\nوأضاف أن العمل مستمر.\n",
        encoding="utf-8",
    )
    render_article(article, out, load_voice(), Config())
    (episode,) = load_episodes(out)
    assert episode.vtt_file and (out / PAGE_FILE).is_file()
    cues = parse_vtt((out / episode.vtt_file).read_text(encoding="utf-8"))
    assert len(cues) >= 6  # the highlight tests walk across several sentences
    return out, cues


@pytest.fixture(scope="module")
def base_url(site: tuple[Path, list[Cue]]) -> Iterator[str]:
    server = make_server(site[0], "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server_url(server)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        reason = f"browser tests: no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("NEWSAUDIO_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=["served", "file"])
def page(
    request: pytest.FixtureRequest, browser: Browser, base_url: str, site: tuple[Path, list[Cue]]
) -> Iterator[Page]:
    """The page, served over HTTP and opened from disk, with its audio's metadata loaded."""
    page = browser.new_page()
    page.goto(base_url if request.param == "served" else (site[0] / PAGE_FILE).as_uri())
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=10_000)
    yield page
    page.close()


def _active(page: Page) -> str:
    """What has the keyboard focus, as a short description."""
    description: str = page.evaluate(
        """() => {
            const e = document.activeElement;
            if (e.hasAttribute('data-chapter')) return 'chapter ' + e.dataset.start;
            if (e.hasAttribute('data-sentence')) return 'sentence ' + e.dataset.start;
            if (e.hasAttribute('data-skip')) return 'skip ' + e.dataset.skip;
            return e.tagName.toLowerCase() + (e.className ? '.' + e.className : '');
        }"""
    )
    return description


def _tab_to(page: Page, target: str, key: str = "Tab") -> None:
    for _ in range(40):
        page.keyboard.press(key)
        if _active(page) == target:
            return
    raise AssertionError(f"{key} never reached {target}")


def _time(page: Page) -> float:
    value: float = page.evaluate("document.querySelector('audio').currentTime")
    return value


def test_keyboard_alone_reaches_every_control(page: Page) -> None:
    forward = []
    for _ in range(40):
        page.keyboard.press("Tab")
        forward.append(_active(page))
        if forward[-1] == "body":
            break
    chapters = page.evaluate("[...document.querySelectorAll('[data-chapter]')].length")
    assert forward[0] == "a.skip"
    for control in ["audio", "skip -15", "skip 15", "select"]:
        assert control in forward
    assert len([c for c in forward if c.startswith("chapter")]) == chapters == 5
    # The transcript is one Tab stop (a sentence: the arrows move between them), not one a line.
    assert len([c for c in forward if c.startswith("sentence")]) == 1
    # Shift+Tab walks the same controls back.
    backward = [_active(page)]
    for _ in range(len(forward) - 1):
        page.keyboard.press("Shift+Tab")
        backward.append(_active(page))
    assert [c for c in backward if c != "audio"] == [c for c in forward[::-1] if c != "audio"]


def test_hostile_title_is_shown_as_text(page: Page, site: tuple[Path, list[Cue]]) -> None:
    (episode,) = load_episodes(site[0])
    assert "<script>" in episode.title
    assert page.inner_text("h2") == episode.title
    assert page.evaluate("document.scripts.length") == 1


def test_skip_link_moves_focus_to_the_episodes(page: Page) -> None:
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("key", ["Enter", " "])
def test_a_chapter_button_moves_the_player_to_its_start(page: Page, key: str) -> None:
    starts = page.evaluate(
        "[...document.querySelectorAll('[data-chapter]')].map(b => +b.dataset.start)"
    )
    for start in [starts[3], starts[1]]:
        page.evaluate("document.querySelector('audio').muted = true")
        _tab_to(page, f"chapter {start}")
        page.keyboard.press(key)
        assert abs(_time(page) - start) <= TOLERANCE_S
        # The chapter is marked as current once the player has sought there.
        page.wait_for_function(
            f"document.querySelector('[data-chapter][aria-current]')?.dataset.start == {start}",
            timeout=5_000,
        )
        page.evaluate("document.querySelector('audio').pause()")


def test_skip_buttons_and_speed_by_keyboard(page: Page) -> None:
    page.evaluate("document.querySelector('audio').currentTime = 20")
    _tab_to(page, "skip 15")
    page.keyboard.press("Enter")
    assert abs(_time(page) - 35) <= TOLERANCE_S
    page.keyboard.press("Shift+Tab")
    page.keyboard.press(" ")
    assert abs(_time(page) - 20) <= TOLERANCE_S
    _tab_to(page, "select")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.querySelector('audio').playbackRate") == 1.25
    # A speed set in the player's own menu shows in the list.
    page.evaluate("document.querySelector('audio').playbackRate = 2")
    page.wait_for_function("document.querySelector('select').value === '2'", timeout=5_000)


def _sentences(page: Page) -> list[tuple[float, float]]:
    """Each transcript sentence's start and end, in seconds, in page order."""
    found: list[tuple[float, float]] = page.evaluate(
        "[...document.querySelectorAll('[data-sentence]')].map(s => [+s.dataset.start, "
        "+s.dataset.end])"
    )
    return [tuple(pair) for pair in found]  # type: ignore[misc]


MARKED = (
    "[...document.querySelectorAll('[data-sentence]')]"
    ".findIndex(s => s.hasAttribute('aria-current'))"
)


def test_the_transcript_is_whole_sentences_under_their_headings(
    page: Page, site: tuple[Path, list[Cue]]
) -> None:
    cues = site[1]
    sentences = _sentences(page)
    # Long sentences were split into several cues; the page shows each sentence once, whole.
    assert len({c.ident.split(".")[0] for c in cues}) == len(sentences) < len(cues)
    assert all(len(s.text) <= 84 for s in cues)
    longest = max(page.evaluate("[...document.querySelectorAll('[data-sentence]')]"
                                ".map(s => s.textContent.length)"))  # fmt: skip
    assert longest > 84
    # One heading per chapter, in the transcript region (which has the episode's name).
    chapters = page.evaluate("[...document.querySelectorAll('[data-chapter]')].length")
    region = page.get_by_role("region")
    assert region.count() == 1
    assert region.locator("h4").count() == chapters


def test_the_highlight_follows_playback_and_stays_through_pauses(page: Page) -> None:
    sentences = _sentences(page)
    # Seeking while paused: each sentence in turn, deterministic.
    for index in [0, 4, len(sentences) - 1, 2]:
        middle = sum(sentences[index]) / 2
        page.evaluate(f"document.querySelector('audio').currentTime = {middle}")
        page.wait_for_function(f"{MARKED} === {index}", timeout=5_000)
        assert page.evaluate("document.querySelectorAll('[aria-current]').length") == 2
    # In the pause after a sentence, that sentence stays marked until the next one starts.
    gap = next(i for i in range(len(sentences) - 1) if sentences[i + 1][0] - sentences[i][1] > 0.2)
    pause = (sentences[gap][1] + sentences[gap + 1][0]) / 2
    page.evaluate(f"document.querySelector('audio').currentTime = {pause}")
    page.wait_for_function(
        f"Math.abs(document.querySelector('audio').currentTime - {pause}) < 0.05"
    )
    page.wait_for_function(f"{MARKED} === {gap}", timeout=5_000)
    # Playing (muted) across a sentence boundary: the next is marked as the audio reaches it.
    boundary = sentences[5][0]
    page.evaluate(
        f"(() => {{ const a = document.querySelector('audio'); a.muted = true;"
        f" a.currentTime = {boundary - 0.4}; return a.play(); }})()"
    )
    page.wait_for_function(f"{MARKED} === 5", timeout=5_000)
    assert _time(page) >= boundary
    # The sentence being spoken is never announced: no live region on the page.
    assert (
        page.evaluate("document.querySelectorAll('[aria-live], [role=status], [role=log]').length")
        == 0
    )


def test_a_sentence_plays_from_its_start_by_keyboard_and_by_click(page: Page) -> None:
    sentences = _sentences(page)
    page.evaluate("document.querySelector('audio').muted = true")
    _tab_to(page, f"sentence {sentences[0][0]:g}")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")  # the next sentence in a right-to-left page
    assert _active(page) == f"sentence {sentences[2][0]:g}"
    page.keyboard.press("Enter")
    assert abs(_time(page) - sentences[2][0]) <= TOLERANCE_S
    page.wait_for_function(f"{MARKED} === 2", timeout=5_000)
    page.evaluate("document.querySelector('audio').pause()")
    page.keyboard.press("End")
    page.keyboard.press(" ")
    assert abs(_time(page) - sentences[-1][0]) <= TOLERANCE_S
    page.evaluate("document.querySelector('audio').pause()")
    # Leaving the transcript and coming back lands on the sentence last chosen.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert _active(page) == f"sentence {sentences[-1][0]:g}"
    page.locator("[data-sentence]").nth(3).click()
    assert abs(_time(page) - sentences[3][0]) <= TOLERANCE_S
    page.evaluate("document.querySelector('audio').pause()")


def test_the_player_and_regions_are_named_by_the_episode(
    page: Page, site: tuple[Path, list[Cue]]
) -> None:
    (episode,) = load_episodes(site[0])
    names = {
        "audio": f"مشغل الحلقة {episode.title}",
        "[role=group]": f"التحكم في تشغيل الحلقة {episode.title}",
        "[role=region]": f"النص {episode.title}",
        "ol.chapters": f"الفصول {episode.title}",
    }
    for selector, name in names.items():
        expect(page.locator(selector)).to_have_accessible_name(name)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_core_finds_no_wcag_22_a_or_aa_violation(
    browser: Browser, base_url: str, site: tuple[Path, list[Cue]], scheme: str
) -> None:
    page = browser.new_page(color_scheme=scheme)
    page.goto(base_url)
    # A sentence and a chapter marked, so their colours are checked too.
    page.evaluate(
        f"document.querySelector('audio').currentTime = {site[1][1].start_ms / 1000 + 0.1}"
    )
    page.wait_for_selector("[data-sentence][aria-current]")
    page.keyboard.press("Tab")  # the skip link shown
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    # The same run does see a violation when there is one.
    page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    assert "button-name" in Axe().run(page, options=options).generate_snapshot()
    page.close()
    response = results.response
    rules = {
        r["id"]
        for kind in ("passes", "violations", "incomplete", "inapplicable")
        for r in response[kind]
    }
    print(f"axe-core {response['testEngine']['version']} ({scheme}): {len(rules)} rules, "
          f"{results.violations_count} violations")  # fmt: skip
    assert len(rules) > 40
    assert results.violations_count == 0, results.generate_report()


def test_an_editions_nested_page_passes_axe_core(
    browser: Browser, site: tuple[Path, list[Cue]], tmp_path: Path
) -> None:
    """The same episode's page shaped as an edition (its chapters after the first as article 1):
    nested chapter lists and article sections keep axe-core at 0 and the keyboard working."""
    (episode,) = load_episodes(site[0])
    chapters = read_media(site[0], episode).chapters
    cues = [
        replace(c, ident=f"a1-{c.ident}") if c.start_ms >= chapters[1].start_ms else c
        for c in site[1]
    ]
    shutil.copy(site[0] / episode.audio_file, tmp_path / episode.audio_file)
    html = render_page(
        [episode], Config().feed, tmp_path, {episode.slug: EpisodeMedia(chapters, tuple(cues))}
    )
    (tmp_path / PAGE_FILE).write_text(html, encoding="utf-8")
    page = browser.new_page()
    page.goto((tmp_path / PAGE_FILE).as_uri())
    assert page.locator("ol.chapters ol [data-chapter]").count() == len(chapters) - 2
    assert page.locator(".transcript section.article h5").count() == len(chapters) - 2
    nested = page.locator("ol.chapters ol [data-chapter]").first
    _tab_to(page, f"chapter {nested.get_attribute('data-start')}")
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    page.close()
    assert results.violations_count == 0, results.generate_report()


def test_captions_track_loads_when_served_and_the_page_works_without_it_from_disk(
    browser: Browser, base_url: str, site: tuple[Path, list[Cue]]
) -> None:
    """Chromium refuses a <track> from file:// (a unique origin), which is why the transcript is
    in the page itself: chapters and the highlight above pass in both settings."""
    state = (
        "(() => { const t = document.querySelector('track');"
        " return [t.readyState, t.track.cues ? t.track.cues.length : 0]; })()"
    )
    page = browser.new_page()
    page.goto(base_url)
    page.wait_for_function("document.querySelector('track').readyState >= 2")
    assert page.evaluate(state) == [2, len(site[1])]  # LOADED, every cue
    page.goto((site[0] / PAGE_FILE).as_uri())
    page.wait_for_function("document.querySelector('track').readyState >= 2")
    assert page.evaluate(state) == [3, 0]  # ERROR
    page.close()
