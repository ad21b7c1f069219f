"""An EPUB opened in foliate-js (the engine of the Foliate e-book reader, from npm, installed by
.ci/run into tools/node) in headless Chromium: play its Media Overlay and sample, while it plays,
the audio's time and the sentence foliate-js highlights with the book's ``media:active-class``.

foliate-js plays each SMIL's clips with an ``HTMLAudioElement`` and moves the class to the element
a ``par``'s ``<text>`` points to as the audio's ``timeupdate`` passes each clip's begin. An init
script wraps ``window.Audio`` so the samples can read ``currentTime``.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[1]
FOLIATE = ROOT / "tools" / "node" / "node_modules" / "foliate-js"
ACTIVE_CLASS = "-epub-media-overlay-active"

# Every audio element foliate-js makes, so a sample can read the play position; muted.
_INIT = """
(() => {
  const Native = window.Audio;
  window.__audios = [];
  window.Audio = function (...args) {
    const a = new Native(...args); a.muted = true; window.__audios.push(a); return a;
  };
  window.Audio.prototype = Native.prototype;
})();
"""
_SAMPLE = """
(active) => {
  const a = window.__audios.filter(x => !x.paused).at(-1) || window.__audios.at(-1);
  let id = null, section = null;
  for (const c of window.reader?.view?.renderer?.getContents?.() || []) {
    const el = c.doc.querySelector('.' + CSS.escape(active));
    if (el) { id = el.id; section = c.index; }
  }
  return { t: a ? a.currentTime : null, paused: a ? a.paused : true, id, section };
}
"""


@dataclass(frozen=True)
class Sample:
    """The audio's time (s), whether it plays, the highlighted element's id and spine index."""

    t: float | None
    paused: bool
    id: str | None
    section: int | None


def clips(epub: Path) -> dict[str, list[tuple[str, float, float]]]:
    """Per content document, its pars: (text id, clip begin s, clip end s)."""
    pattern = re.compile(
        r'<text src="([^"#]+)#([^"]+)"/><audio src="[^"]+" clipBegin="([^"]+)" clipEnd="([^"]+)"/>'
    )
    found: dict[str, list[tuple[str, float, float]]] = {}
    with zipfile.ZipFile(epub) as book:
        for name in book.namelist():
            if name.endswith(".smil"):
                for doc, frag, begin, end in pattern.findall(book.read(name).decode()):
                    found.setdefault(doc, []).append((frag, _seconds(begin), _seconds(end)))
    return found


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 (http.server's own class attribute)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".epub": "application/epub+zip",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(epub: Path, folder: Path) -> Iterator[str]:
    """foliate-js and the book served on 127.0.0.1; yields the reader's URL."""
    shutil.copytree(FOLIATE, folder / "foliate-js")
    shutil.copy(epub, folder / "book.epub")
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/foliate-js/reader.html?url=../book.epub"
    finally:
        server.shutdown()
        server.server_close()


def play(
    browser: Browser,
    url: str,
    *,
    spine_index: int,
    from_end: int,
    seconds: float,
    rate: float = 2.0,
    screenshot: Path | None = None,
) -> tuple[list[Sample], list[str], list[str]]:
    """Open the book, start its overlay ``from_end`` sentences before the end of spine item
    ``spine_index``, play at ``rate`` for ``seconds`` (wall clock), sampling every 150 ms.
    Returns the samples, the spine's hrefs and the page's errors; with ``screenshot``, the page
    is saved once a sentence after the first is highlighted."""
    context = browser.new_context(viewport={"width": 900, "height": 700}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(_INIT)
    try:
        page.goto(url)
        page.wait_for_function("window.reader?.view?.book?.sections?.length > 0", timeout=20_000)
        page.wait_for_function("window.reader?.view?.renderer?.getContents?.()?.length > 0")
        spine: list[str] = page.evaluate("window.reader.view.book.sections.map(s => s.id)")
        page.evaluate(f"window.reader.view.goTo({spine_index})")
        page.wait_for_timeout(500)
        page.evaluate(
            f"window.reader.view.mediaOverlay.start({spine_index},"
            f" (_, j, items) => j === items.length - {from_end})"
        )
        page.wait_for_function("window.__audios.some(a => !a.paused)", timeout=20_000)
        page.evaluate(f"window.reader.view.mediaOverlay.setRate({rate})")
        samples: list[Sample] = []
        first_id = None
        for _ in range(round(seconds / 0.15)):
            sample = Sample(**page.evaluate(_SAMPLE, ACTIVE_CLASS))
            samples.append(sample)
            first_id = first_id or sample.id
            if screenshot and sample.id and sample.id != first_id and not screenshot.exists():
                page.screenshot(path=str(screenshot))
            page.wait_for_timeout(150)
    finally:
        context.close()
    return samples, spine, errors


def mismatches(
    samples: list[Sample],
    spine: list[str],
    pars: dict[str, list[tuple[str, float, float]]],
    rate: float = 2.0,
) -> tuple[int, list[str]]:
    """How many playing samples had a highlight, and those whose highlighted sentence is not the
    one whose clip holds the audio's time — allowing for ``timeupdate``'s granularity (Chromium
    fires it about every 250 ms): a sample just after a clip's begin may still show the sentence
    before, up to 0.45 s of audio."""
    checked, wrong = 0, []
    for s in samples:
        if s.t is None or s.paused or s.id is None or s.section is None:
            continue
        doc = spine[s.section].split("/")[-1]

        def at(t: float, doc: str = doc) -> str | None:
            return next((frag for frag, b, e in pars.get(doc, []) if b <= t < e), None)

        checked += 1
        if s.id not in {at(s.t - back * rate) for back in (0.0, 0.15, 0.3, 0.45)}:
            wrong.append(f"t={s.t:.3f} {doc}: highlighted {s.id}, the audio is in {at(s.t)}")
    return checked, wrong
