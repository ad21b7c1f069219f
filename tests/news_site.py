"""A news site on the local test server (tests/local_server.py): article pages and their feed.

The feed answers conditional GETs as a well-behaved server does (ETag, 304), its items link to
the pages, and a test changes the site between runs: a new story, an edited one, one taken down.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from .conftest import BRIEF
from .local_server import Handler, LocalServer, Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
# A second paragraph, so an edit can change one sentence of a real article.
MORE = (
    "وأضاف أن فرق الإنقاذ وصلت إلى المكان خلال دقائق، وأن المستشفيات القريبة استقبلت عددا من "
    "المصابين، داعيا المواطنين إلى الابتعاد عن المنطقة حتى انتهاء أعمال الصيانة."
)
TITLES = [
    "وزير الخارجية يزور العاصمة في جولة إقليمية",
    "ارتفاع أسعار النفط في الأسواق العالمية اليوم",
    "افتتاح معرض الكتاب الدولي بمشاركة واسعة",
    "المنتخب الوطني يستعد لمباراته المقبلة في التصفيات",
    "الأمطار الغزيرة تغلق طرقا رئيسية في المدينة",
    "إطلاق قمر صناعي جديد لرصد الطقس والمناخ",
]
START = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)


@dataclass
class Story:
    slug: str
    title: str
    paragraphs: list[str]
    published: datetime
    guid: str | None = None
    in_feed: bool = True
    # The whole article in the feed (content:encoded), or only a summary.
    full_content: bool = False
    status: int = 200  # what its page answers


@dataclass
class NewsSite:
    """The site: ``stories`` newest last; ``feed_path`` serves them newest first."""

    server: LocalServer
    stories: list[Story] = field(default_factory=list)
    feed_path: str = "/feed.xml"
    conditional: bool = True

    def __post_init__(self) -> None:
        self.server.routes[self.feed_path] = self._feed

    @property
    def feed_url(self) -> str:
        return self.server.url(self.feed_path)

    def add(self, count: int = 1, **options: object) -> list[Story]:
        added = []
        for _ in range(count):
            number = len(self.stories)
            story = Story(
                f"story-{number}",
                TITLES[number % len(TITLES)] + (f" {number}" if number >= len(TITLES) else ""),
                [BRIEF],
                START + timedelta(hours=number),
                **options,  # type: ignore[arg-type]
            )
            self.stories.append(story)
            self.server.routes[f"/news/{story.slug}"] = self._page(story)
            added.append(story)
        return added

    def url(self, story: Story) -> str:
        return self.server.url(f"/news/{story.slug}")

    def rss(self) -> bytes:
        items = []
        for story in reversed(self.stories):
            if not story.in_feed:
                continue
            link = self.url(story)
            guid = story.guid or link
            body = "".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
            content = (
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                if story.full_content
                else ""
            )
            items.append(
                f"<item><title>{html.escape(story.title)}</title><link>{link}</link>"
                f'<guid isPermaLink="{str(guid == link).lower()}">{html.escape(guid)}</guid>'
                f"<pubDate>{format_datetime(story.published)}</pubDate>"
                f"<description>{html.escape(story.paragraphs[0])}</description>{content}"
                "</item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>موقع الأخبار</title><link>{self.server.url('/')}</link>"
            f"{''.join(items)}</channel></rss>"
        ).encode()

    def _feed(self, handler: Handler) -> None:
        body = self.rss()
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if self.conditional and handler.headers.get("If-None-Match") == etag:
            handler.send(Reply(304, b"", {"ETag": etag}))
        else:
            handler.send(Reply(200, body, {**RSS, "ETag": etag}))

    def _page(self, story: Story) -> object:
        def route(handler: Handler) -> None:
            if story.status != 200:
                handler.send(Reply(story.status, b"<html><body>gone</body></html>", HTML))
                return
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
            page = (
                f'<!doctype html><html lang="ar"><head><meta charset="utf-8">'
                f"<title>{html.escape(story.title)}</title></head><body><article>"
                f"<h1>{html.escape(story.title)}</h1>{paragraphs}</article></body></html>"
            )
            handler.send(Reply(200, page.encode(), HTML))

        return route
