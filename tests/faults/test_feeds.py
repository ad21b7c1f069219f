"""The feed class of the fault catalogue: what podcast apps read in our feed, and what others put
in it. An item's description is read as HTML by podcast apps, so a literal ``<b>`` in an article
was taken for markup; channel elements added by hand (``itunes:new-feed-url``,
``podcast:funding``) were dropped at the next write; a ``feed.xml`` that is a link was followed
for reading, which imported another show's episode into ours."""

from __future__ import annotations

import io
import shutil
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree

from newsaudio.config import FeedConfig
from newsaudio.publishing.episode import Episode, EpisodeChapter
from newsaudio.publishing.feed import render_feed
from tests.conftest import BRIEF, html_text, read_feed, run_cli, snapshot
from tests.faults.conftest import assert_refused

MARKUP = "قال <b>مهم</b> إن a < b & c، و&lt;لا&gt; <script>alert(1)</script>"
CONFIG = FeedConfig(base_url="https://news.example.com/")


@pytest.fixture
def published(rendered_sample: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    return out


def test_markup_in_a_description_is_shown_as_text() -> None:
    episode = Episode(
        slug="a",
        guid="guid-a",
        title="خبر",
        description=MARKUP,
        audio_file="a.mp3",
        audio_bytes=1,
        duration_s=60.0,
        pub_date=datetime(2025, 5, 7, tzinfo=timezone.utc),
        transcript_file="a.txt",
        chapters=(EpisodeChapter("العنوان <i>", 0, 1000), EpisodeChapter("الخاتمة", 1000, 60000)),
    )
    raw = render_feed([episode], CONFIG).encode("utf-8")
    shown = f"{MARKUP}\n\n00:00 العنوان <i>\n00:01 الخاتمة"
    entry = feedparser.parse(raw).entries[0]
    assert html_text(entry.description) == shown  # feedparser: HTML, sanitized
    assert html_text(entry.content[0].value) == shown
    item = podcastparser.parse(CONFIG.feed_url, io.BytesIO(raw))["episodes"][0]
    assert html_text(item["description_html"]) == shown  # podcastparser: the HTML
    # The plain text podcastparser makes of it keeps the tags as text. (Its entity pattern
    # still eats from a "&" to the next ";" within ten characters: "& c، و&lt;".)
    assert item["description"].startswith("قال <b>مهم</b> إن a < b")
    assert "<script>alert(1)</script>" in item["description"]


def test_channel_elements_added_by_hand_are_kept(
    published: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feed = published / "feed.xml"
    hand = (
        "<itunes:new-feed-url>https://new.example.org/feed.xml</itunes:new-feed-url>"
        '<podcast:funding url="https://donate.example.org/">ادعمونا</podcast:funding>'
        '<atom:link rel="hub" href="https://pubsubhubbub.appspot.com/"/>'
        '<googleplay:block xmlns:googleplay="http://www.google.com/schemas/play-podcasts/1.0">'
        "yes</googleplay:block>"
    )
    xml = feed.read_text(encoding="utf-8").replace("<item>", hand + "<item>", 1)
    feed.write_text(xml.replace("<itunes:author>newsaudio<", "<itunes:author>هيئة التحرير<"))
    result = run_cli("feed", "--out", published)
    assert result.exit_code == 0, result.stderr
    # Both set the author: the configuration wins, and says so with the setting to change.
    assert "<itunes:author> 'هيئة التحرير' is replaced by 'newsaudio'" in caplog.text
    assert "[feed] author" in caplog.text
    for _ in range(2):  # kept, and kept again
        parsed = read_feed(feed)
        podcast = podcastparser.parse(
            "http://localhost:8000/feed.xml", io.BytesIO(feed.read_bytes())
        )
        assert podcast["new_url"] == "https://new.example.org/feed.xml"
        # (podcastparser 0.6.11 knows the podcast namespace only by its old GitHub address.)
        funding = etree.parse(str(feed)).find(".//{https://podcastindex.org/namespace/1.0}funding")
        assert funding is not None and funding.get("url") == "https://donate.example.org/"
        assert parsed.feed.author == "newsaudio"
        text = feed.read_text(encoding="utf-8")
        assert 'rel="hub"' in text and "googleplay:block" in text and 'rel="self"' in text
        assert len(parsed.entries) == 1
        caplog.clear()
        assert run_cli("feed", "--out", published).exit_code == 0
        assert "replaced" not in caplog.text


def test_a_feed_that_links_elsewhere_is_refused_for_reading_too(
    published: Path, tmp_path: Path
) -> None:
    """The link pointed at another show's feed, whose item our next feed took in as one of ours."""
    other = tmp_path / "other-show.xml"
    other.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>برنامج آخر</title>'
        "<generator>newsaudio</generator><item><title>حلقة من برنامج آخر</title>"
        "<guid>other-show-1</guid>"
        '<enclosure url="https://other.example.org/1.mp3" length="1" type="audio/mpeg"/>'
        "</item></channel></rss>",
        encoding="utf-8",
    )
    (published / "feed.xml").unlink()
    (published / "feed.xml").symlink_to(other)
    kept, before = other.read_bytes(), snapshot(published)
    article = tmp_path / "story.md"
    article.write_text(f"# خبر\n\n{BRIEF}\n", encoding="utf-8")
    for command in (["render", article], ["feed"], ["episodes", "repair"]):
        result = run_cli(*command, "--out", published)
        assert result.exit_code == 4, result.stderr
        assert_refused(result.stderr, published / "feed.xml", "is a link")
        assert other.read_bytes() == kept and snapshot(published) == before
