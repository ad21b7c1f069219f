"""The guesses class of the fault catalogue: every fallback that changes what is published is said
in one warning line naming the file or URL — a date not found and what stands in for it, a charset
overruled, text read from a fallback extraction — and a fallback that would publish only the site's
chrome is refused. Each was silent: a missing date became the render time, a wrong <meta charset>
was overruled without a word, and a page whose article element was missing became an episode of
its masthead and footer."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from tests.conftest import BRIEF, DATA, run_cli
from tests.faults.conftest import assert_refused
from tests.local_server import local_server, reply

PAGES = DATA / "pages"
TITLE = "الحكومة تعلن خطة جديدة لدعم الاقتصاد"


def _warnings(caplog: pytest.LogCaptureFixture, *args: object) -> list[str]:
    """The warning lines of ``newsaudio text ARGS --json`` (which must succeed)."""
    with caplog.at_level(logging.WARNING):
        result = run_cli("text", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_page_whose_article_element_is_missing_is_refused_not_published(
    tmp_path: Path,
) -> None:
    """What is left is the masthead's menu, a ticker of other stories and an author box: it was
    a 54-second episode, 'never worse than trafilatura' accepting chrome as an article."""
    page = (PAGES / "wp-jannah-economy.html").read_text(encoding="utf-8")
    path = tmp_path / "no-article.html"
    path.write_text(re.sub(r"<article\b.*?</article>", "", page, flags=re.S), encoding="utf-8")
    result = run_cli("render", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert_refused(result.stderr, path, "no article text, only site chrome")
    assert not (tmp_path / "out").exists()


def test_a_missing_date_is_said_with_what_stands_in(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "undated.md"
    path.write_text(f"# {TITLE}\n\n{BRIEF}\n", encoding="utf-8")
    said = _warnings(caplog, path)
    assert said == [
        f"{path}: no publish date found; the episode is dated when it is first rendered"
    ]


def test_a_date_that_cannot_be_read_is_said_naming_the_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tomorrow.md"
    path.write_text(f"---\ndate: غدا صباحا\n---\n# {TITLE}\n\n{BRIEF}\n", encoding="utf-8")
    said = _warnings(caplog, path)
    assert said == [
        f"{path}: its publish date 'غدا صباحا' is not a date newsaudio can read; the episode is "
        "dated when it is first rendered"
    ]


def _page(meta: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="ar"><head>{meta}<title>{TITLE}</title>'
        '<meta property="article:published_time" content="2025-04-28T10:00:00+03:00"></head>'
        f"<body><article><h1>{TITLE}</h1><p>{BRIEF}</p><p>{BRIEF}</p></article></body></html>"
    )


def test_a_meta_charset_overruled_by_the_bytes_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(_page('<meta charset="windows-1256">').encode())
    assert _warnings(caplog, path) == [
        f"{path}: it declares windows-1256, but its bytes are UTF-8: read as UTF-8"
    ]


def test_a_wrong_charset_from_the_server_is_said_naming_the_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The header says UTF-8, the page Windows-1256, the bytes are Windows-1256."""
    body = _page('<meta charset="windows-1256">').encode("cp1256")
    with local_server() as server:
        server.routes["/old.html"] = reply(200, body, {"Content-Type": "text/html; charset=utf-8"})
        url = server.url("/old.html")
        said = _warnings(caplog, url)
    assert said == [
        f"{url}: it is not utf-8 as it declares: read as windows-1256, as it also declares"
    ]


def test_latin1_declared_for_arabic_bytes_is_read_by_its_letters_and_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An old site's server that calls every page ISO-8859-1: its Arabic is not Latin-1."""
    path = tmp_path / "old.html"
    path.write_bytes(_page('<meta charset="iso-8859-1">').encode("cp1256"))
    said = _warnings(caplog, path)
    assert said == [
        f"{path}: it is not UTF-8, nor iso-8859-1 as it declares: read as Windows-1256 by its "
        "letters"
    ]


def test_text_read_from_the_json_a_page_ships_is_said(caplog: pytest.LogCaptureFixture) -> None:
    path = PAGES / "csr-nextdata-only.html"
    said = _warnings(caplog, path)
    assert f"{path}: no article text in the page's HTML; its JSON-LD articleBody was read" in said
