"""Stage 7: the podcast feed, parsed back with real podcast parsers."""

from __future__ import annotations

import contextlib
import io
import json
import locale
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree

from newsaudio.config import FeedConfig
from newsaudio.errors import ConfigError, FeedError
from newsaudio.publishing.episode import Episode, EpisodeChapter, episode_json, load_episodes
from newsaudio.publishing.feed import DESCRIPTION_MAX_BYTES, render_feed, truncate_bytes

from .conftest import BRIEF, check_golden, html_text, read_feed, run_cli

BASE = datetime(2025, 5, 7, 8, 0, tzinfo=timezone.utc)


def _episode(slug: str, hours: int = 0, **changes: object) -> Episode:
    fields: dict[str, object] = {
        "slug": slug,
        "guid": f"guid-{slug}",
        "title": f"خبر {slug}",
        "description": "وصف الخبر.",
        "audio_file": f"{slug}.mp3",
        "audio_bytes": 12345,
        "duration_s": 125.4,
        "pub_date": BASE + timedelta(hours=hours),
        "transcript_file": f"{slug}.txt",
    }
    fields.update(changes)
    return Episode(**fields)  # type: ignore[arg-type]


CHAPTERS = (
    EpisodeChapter("العنوان", 0, 4200),
    EpisodeChapter("تفاصيل & <أكثر>", 4200, 83_400),
    EpisodeChapter("الخاتمة", 83_400, 125_400),
)
CONFIG = FeedConfig(base_url="https://news.example.com/audio", title="أخبار & <تجربة>")


def test_podcastparser_reads_feed() -> None:
    xml = render_feed([_episode("a"), _episode("b", hours=1)], CONFIG)
    feed = podcastparser.parse(CONFIG.feed_url, io.BytesIO(xml.encode()))
    assert feed["title"] == "أخبار & <تجربة>"
    titles = [e["title"] for e in feed["episodes"]]
    assert titles == ["خبر b", "خبر a"]  # newest first
    episode = feed["episodes"][0]
    assert episode["guid"] == "guid-b"
    assert episode["total_time"] == 125
    enclosure = episode["enclosures"][0]
    assert enclosure == {
        "url": "https://news.example.com/audio/b.mp3",
        "file_size": 12345,
        "mime_type": "audio/mpeg",
    }
    assert episode["published"] == int((BASE + timedelta(hours=1)).timestamp())


def test_feedparser_reads_feed_without_bozo() -> None:
    xml = render_feed([_episode("a", title="عنوان <فيه> & رموز")], CONFIG)
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    channel = parsed.feed
    assert channel.language == "ar"
    assert channel.image.href == "https://news.example.com/audio/cover.png"
    assert channel.tags[0].term == "News"
    assert channel.author == "newsaudio"
    entry = parsed.entries[0]
    assert entry.title == "عنوان <فيه> & رموز"
    assert entry.id == "guid-a"
    assert entry.guidislink is False
    assert entry.itunes_duration == "00:02:05"
    assert entry.itunes_episodetype == "full"
    assert entry.published == "Wed, 07 May 2025 08:00:00 GMT"
    # Apple accepts "true"/"false"; feedparser maps only the older yes/clean words, so check raw.
    assert "<itunes:explicit>false</itunes:explicit>" in xml
    assert entry.enclosures[0].href.startswith("https://")


def _descriptions(xml: str) -> list[str]:
    """Each item's description as the feed holds it (feedparser re-serializes the HTML)."""
    return [d.text or "" for d in etree.fromstring(xml.encode()).iter("description")][1:]


def test_description_limit_is_in_bytes() -> None:
    long_arabic = "كلمة " * 2000  # 10,000 characters, 18,000 bytes
    for lead in (long_arabic, "<b>&" * 3000):  # markup characters take 5 bytes escaped
        (description,) = _descriptions(render_feed([_episode("a", description=lead)], CONFIG))
        assert len(description.encode()) <= 4000
    assert truncate_bytes("قصير") == "قصير"


def test_pub_date_ignores_locale() -> None:
    # Where an Arabic locale is installed, strftime would give Arabic day names.
    with contextlib.suppress(locale.Error):
        locale.setlocale(locale.LC_TIME, "ar_EG.UTF-8")
    try:
        xml = render_feed([_episode("a")], CONFIG)
    finally:
        locale.setlocale(locale.LC_TIME, "C")
    assert "<pubDate>Wed, 07 May 2025 08:00:00 GMT</pubDate>" in xml


def test_load_episodes_skips_missing_audio_and_rejects_damage(tmp_path: Path) -> None:
    (tmp_path / "a.episode.json").write_text(episode_json(_episode("a")), encoding="utf-8")
    (tmp_path / "a.mp3").write_bytes(b"x")
    (tmp_path / "gone.episode.json").write_text(episode_json(_episode("gone")), encoding="utf-8")
    assert [e.slug for e in load_episodes(tmp_path)] == ["a"]
    (tmp_path / "broken.episode.json").write_text("{", encoding="utf-8")
    with pytest.raises(FeedError, match=r"broken\.episode\.json"):
        load_episodes(tmp_path)


def test_base_url_must_be_http() -> None:
    with pytest.raises(ConfigError, match="base_url"):
        FeedConfig(base_url="ftp://x")


def test_feed_golden() -> None:
    """episodes → feed as a golden file: a template change shows up as a reviewable diff."""
    episodes = [
        _episode(
            "a",
            description="وصف & <تفاصيل>",
            chapters_file="a.chapters.json",
            chapters=CHAPTERS,
            vtt_file="a.vtt",
            srt_file="a.srt",
        ),
        _episode("b", hours=2, source_url="https://example.com/news/b", author="مراسلنا"),
    ]
    check_golden("feed.xml", render_feed(episodes, CONFIG))


def test_chapter_times_follow_the_lead_in_the_description() -> None:
    xml = render_feed([_episode("a", chapters=CHAPTERS)], CONFIG)
    entry = feedparser.parse(xml).entries[0]
    shown = "وصف الخبر.\n\n00:00 العنوان\n00:04 تفاصيل & <أكثر>\n01:23 الخاتمة"
    assert html_text(entry.description) == shown
    assert html_text(entry.content[0].value) == shown
    hour = _episode("b", chapters=CHAPTERS, duration_s=3700.0)
    assert "00:01:23 الخاتمة" in render_feed([hour], CONFIG)


def test_chapter_lines_and_lead_share_the_byte_limit() -> None:
    many = tuple(
        EpisodeChapter(f"فصل طويل العنوان رقم {n}", n * 1000, n * 1000 + 1000) for n in range(300)
    )
    for chapters in (CHAPTERS, many):
        episode = _episode("a", description="كلمة " * 2000, chapters=chapters)
        (raw,) = _descriptions(render_feed([episode], CONFIG))
        assert len(raw.encode()) <= DESCRIPTION_MAX_BYTES
        description = html_text(raw)
        assert description.startswith("كلمة كلمة")
        assert "00:00 " in description
    assert description.count("\n") < 300  # the list was cut, the lead kept


def test_max_episodes_keeps_the_newest() -> None:
    episodes = [_episode(str(n), hours=n) for n in range(5)]
    limited = FeedConfig(base_url="https://news.example.com/", max_episodes=2)
    titles = [e.title for e in feedparser.parse(render_feed(episodes, limited)).entries]
    assert titles == ["خبر 4", "خبر 3"]
    with pytest.raises(ConfigError, match="max_episodes"):
        FeedConfig(max_episodes=-1)


HOSTILE = "عنوان & <script>alert(1)</script> ]]> \x00\x01\x0b\x1f\ufffe\uffff\ud800 \u202eمقلوب"


def test_hostile_values_still_make_strict_xml() -> None:
    """Values that never went through the article reader (old records, the config, rebuilt tags)
    are cleaned as the feed is rendered."""
    episode = _episode(
        "a",
        title=HOSTILE,
        description=HOSTILE,
        author=HOSTILE,
        voice=HOSTILE,
        chapters=(EpisodeChapter(HOSTILE, 0, 1000),),
    )
    config = FeedConfig(base_url="https://news.example.com/", title=HOSTILE, author=HOSTILE)
    xml = render_feed([episode, _episode("b", hours=1)], config).encode("utf-8")
    etree.fromstring(xml, etree.XMLParser(recover=False))
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 2
    assert len(podcastparser.parse(config.feed_url, io.BytesIO(xml))["episodes"]) == 2
    title = parsed.entries[1].title
    assert title == "عنوان & <script>alert(1)</script> ]]>  مقلوب"
    assert "<script>" not in parsed.entries[1].content[0].value


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two articles whose text and section titles carry everything that breaks XML or reverses
    text: Markdown (front matter too) and scraped plain text, rendered into one folder."""
    folder = tmp_path_factory.mktemp("hostile-text")
    # No NUL in article text: a file with one is refused as binary (front matter may escape it).
    bad = "& <script>alert(1)</script> ]]> \x01\x0b\x1b\ufffe \u202eمقلوب\u202c <![CDATA[x]]>"
    markdown = folder / "evil-text.md"
    markdown.write_text(
        "---\n"
        f"title: {json.dumps('عنوان ' + bad + chr(0))}\n"
        f"author: {json.dumps('كاتب ' + bad)}\n"
        "---\n\n"
        f"{BRIEF} {bad}\n\n## قسم {bad}\n\n{bad} {BRIEF}\n\n### فرعي <b>&amp;</b>\n\n{BRIEF}\n",
        encoding="utf-8",
    )
    scraped = folder / "evil-scraped.txt"
    scraped.write_text(
        f"عنوان الخبر {bad}\n\n{BRIEF} {bad}\n\nعنوان فرعي {bad}\n\n{BRIEF}\n", encoding="utf-8"
    )
    out = folder / "out"
    result = run_cli("render", markdown, scraped, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_hostile_text_and_section_titles_make_a_strict_feed(hostile_folder: Path) -> None:
    raw = (hostile_folder / "feed.xml").read_bytes()
    parsed = read_feed(hostile_folder / "feed.xml")
    assert len(parsed.entries) == 2
    text = raw.decode("utf-8")
    assert "\u202e" not in text and "<script>" not in text  # escaped, never markup
    # The item text as XML holds it (feedparser would strip the script as HTML sanitizing).
    root = etree.fromstring(raw)
    descriptions = [d.text or "" for d in root.iter("description")][1:]  # [0]: the channel's
    assert len(descriptions) == 2
    for description in map(html_text, descriptions):
        lead, chapter_lines = description.split("\n\n00:00 ")
        assert "<script>alert(1)</script> ]]> مقلوب <![CDATA[x]]>" in lead
        assert len(chapter_lines.splitlines()) >= 3  # headline, sections, closing
    sections = [line for d in descriptions for line in html_text(d).splitlines()]
    assert any(line.startswith("00:") and "قسم & <script>" in line for line in sections)
    titles = sorted(e.title for e in parsed.entries)
    assert titles[0].startswith("عنوان & <script>alert(1)</script> ]]>")
