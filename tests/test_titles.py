"""Titles as published (issue 16, point 3): the feed, ID3, JSON chapters, the page, the captions
and `text --json` show the headline and subheadings as the publisher wrote them (cleaned of
controls only); only the spoken text is normalized."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from newsaudio.reading.load import load_article
from newsaudio.reading.script import build_script
from newsaudio.textprep import prepare_script
from newsaudio.textprep.normalize import normalize

from .conftest import BRIEF, read_feed, run_cli

# Dev page 102's headline, and a held-out page's "… لـ«الصباح»: …", which normalization spaces
# and joins for speech ("أميركا:50", "«للصباح»").
HEADLINE = "أميركا :50 الفا حصيلة الوفيات بسبب فيروس كورونا"
SUBHEADING = "وزير المالية لـ«الصباح»: لا زيادة في الأسعار"


def story(folder: Path) -> Path:
    path = folder / "titles.md"
    path.write_text(f"# {HEADLINE}\n\n{BRIEF}\n\n## {SUBHEADING}\n\n{BRIEF}\n", encoding="utf-8")
    return path


def test_normalization_would_change_them() -> None:
    """The titles of this test are ones text preparation rewrites for speech."""
    assert normalize(HEADLINE) != HEADLINE
    assert normalize(SUBHEADING) != SUBHEADING


def test_prepared_titles_are_as_published_and_the_spoken_text_is_prepared(
    tmp_path: Path,
) -> None:
    prepared = prepare_script(build_script(load_article(story(tmp_path))))
    headline, section = prepared.segments[0], prepared.segments[1]
    assert headline.title == HEADLINE
    assert section.title == SUBHEADING
    # Spoken: numbers as words, normalized; shown in the captions: as published.
    assert "50" not in headline.text
    assert headline.written_sentence(0, 0) == HEADLINE
    assert section.written_sentence(0, 0) == SUBHEADING


def test_text_json_titles(tmp_path: Path) -> None:
    result = run_cli("text", story(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["title"] for row in rows[:2]] == [HEADLINE, SUBHEADING]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("titles")
    out = folder / "out"
    result = run_cli("render", story(folder), "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_feed_id3_chapters_page_and_captions(rendered: Path) -> None:
    entry = read_feed(rendered / "feed.xml").entries[0]
    assert entry.title == HEADLINE
    tags = ID3(rendered / "titles.mp3")
    assert str(tags.getall("TIT2")[0]) == HEADLINE
    chapters = [str(chap.sub_frames.getall("TIT2")[0]) for chap in tags.getall("CHAP")]
    assert chapters[:2] == [HEADLINE, SUBHEADING]
    json_chapters = json.loads((rendered / "titles.chapters.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in json_chapters["chapters"][:2]] == [HEADLINE, SUBHEADING]
    page = html.unescape((rendered / "index.html").read_text(encoding="utf-8"))
    assert HEADLINE in page and SUBHEADING in page
    captions = (rendered / "titles.vtt").read_text(encoding="utf-8")
    assert HEADLINE in captions and SUBHEADING in captions
    transcript = (rendered / "titles.txt").read_text(encoding="utf-8")
    assert f"[1] {HEADLINE}" in transcript and f"[2] {SUBHEADING}" in transcript
