"""Hostile metadata reaches tags, feed, JSON and file names safely: IRIs become URIs, control and
bidi-override characters are removed, lengths are bounded, non-http URLs are dropped."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from mutagen.id3 import ID3

from newsaudio.reading.load import load_article
from newsaudio.reading.sanitize import MAX_TITLE_CHARS, clean_line, clean_url

from .conftest import BRIEF, read_feed, run_cli

EVIL = "خبر & <b>عاجل</b> \"مقتبس\" 'مفرد' ]]> \u202eمقلوب\u202c"
ARABIC_URL = "https://example.com/أخبار/سياسة/خبر-عاجل?ref=الرئيسية#فقرة"


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    story = folder / "evil.md"
    # YAML double-quoted escapes carry NUL and U+202E into the values.
    story.write_text(
        "---\n"
        f"title: {json.dumps(EVIL + chr(0) + ' ' + 'طويل ' * 2000, ensure_ascii=False)}\n"
        f"url: {ARABIC_URL}\n"
        'image: "javascript:alert(1)"\n'
        f"author: {json.dumps('مراسل' + chr(0) + chr(0x202E) + ' & شركاه', ensure_ascii=False)}\n"
        f"source: {json.dumps('وكالة ]]> <script>', ensure_ascii=False)}\n"
        "---\n\n"
        f"## عنوان فرعي {json.dumps(EVIL, ensure_ascii=False)[1:-1]}\n\n{BRIEF}\n",
        encoding="utf-8",
    )
    out = folder / "out"
    result = run_cli("render", story, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_url_frames_and_links_are_uris(hostile_out: Path) -> None:
    expected = clean_url(ARABIC_URL)
    assert expected is not None and expected.isascii() and "%D8%A3" in expected
    tags = ID3(hostile_out / "evil.mp3")
    assert tags.getall("WOAS")[0].url == expected
    entry = feedparser.parse((hostile_out / "feed.xml").read_bytes()).entries[0]
    assert entry.link == expected


def test_feed_is_strict_xml_and_every_parser_reads_the_item(hostile_out: Path) -> None:
    parsed = read_feed(hostile_out / "feed.xml")
    raw = (hostile_out / "feed.xml").read_bytes()
    assert len(parsed.entries) == 1
    title = parsed.entries[0].title
    assert "\u202e" not in title and "\x00" not in title
    assert title.startswith('خبر & <b>عاجل</b> "مقتبس"')
    assert len(title) <= MAX_TITLE_CHARS
    assert "javascript" not in raw.decode()


def test_tags_and_json_are_clean(hostile_out: Path) -> None:
    tags = ID3(hostile_out / "evil.mp3")
    for frame in ("TIT2", "TPE1"):
        text = str(tags[frame])
        assert "\x00" not in text and "\u202e" not in text
    assert len(str(tags["TIT2"])) <= MAX_TITLE_CHARS
    record = json.loads((hostile_out / "evil.episode.json").read_text(encoding="utf-8"))
    assert record["image"] is None
    chapters = json.loads((hostile_out / "evil.chapters.json").read_text(encoding="utf-8"))
    assert all("\u202e" not in c["title"] for c in chapters["chapters"])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("/relative/path", None),
        ("ftp://example.com/a", None),
        ("https://user:pw@example.com/a", "https://example.com/a"),
        ("https://مثال.إختبار/خبر", "https://xn--mgbh0fb.xn--kgbechtv/%D8%AE%D8%A8%D8%B1"),
        ("https://example.com/a b\u202e", "https://example.com/ab"),
        ("https://example.com/" + "a" * 5000, None),
        ("https://example.com/%D8%AE?x=1&y=2", "https://example.com/%D8%AE?x=1&y=2"),
    ],
)
def test_clean_url(url: str, expected: str | None) -> None:
    assert clean_url(url) == expected


def test_clean_line_bounds_and_strips() -> None:
    assert clean_line("\x00\u202e\u2066") is None
    assert clean_line("أ" * 10_000) == "أ" * (MAX_TITLE_CHARS - 1) + "…"


def test_page_metadata_is_cleaned(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        f"""<!doctype html><html lang="ar"><head><title>{"عنوان " * 3000}</title>
        <meta property="og:image" content="javascript:alert(1)">
        <link rel="canonical" href="{ARABIC_URL}">
        <meta name="author" content="كاتب &#x202E; &#0;"></head>
        <body><article><h1>عنوان الخبر الحقيقي في الصفحة</h1><p>{BRIEF}</p></article>
        </body></html>""",
        encoding="utf-8",
    )
    article = load_article(page)
    assert article.meta.image is None
    assert article.meta.url == clean_url(ARABIC_URL)
    assert article.meta.author == "كاتب"


def test_json_nested_beyond_reason_is_one_line(tmp_path: Path) -> None:
    """A page whose JSON scripts nest thousands of levels deep: searched no deeper than an
    article's blocks sit, and refused for what it is (no body), not with a traceback."""
    page = tmp_path / "deep.html"
    lists = "[" * 5000 + "]" * 5000
    objects = '{"a":' * 900 + "1" + "}" * 900
    page.write_text(
        '<html lang="ar"><body><h1>عنوان الخبر هنا اليوم</h1>'
        f'<script id="__NEXT_DATA__" type="application/json">{lists}</script>'
        f'<script type="application/json">{objects}</script></body></html>',
        encoding="utf-8",
    )

    result = run_cli("text", page)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {page}: no article body (only a headline; at least 30 words of text are needed)"
    )
