"""A feed item's article: from the feed when it carries the whole article, else from its page.

When an item carries the full article (``content:encoded``, Atom ``content``, JSON Feed
``content_html``), it is read by the HTML reader, exactly as a page would be: the content inside an
``<article>`` under the item's title, with the item's date, author, link and the feed's title as
the page's metadata. A summary (RSS ``description``, Atom ``summary``), or content that is only
a teaser (too short to be an article, or cut with "…" or "اقرأ المزيد"), is not the article: the
caller fetches the item's page and reads it as ``render URL`` does — never worse than that. Either
way, what the item knows fills what the page lacks (:func:`with_item`).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from functools import cache

from newsaudio.errors import ArticleError
from newsaudio.reading.article import Article, slugify
from newsaudio.reading.feeds import Feed, FeedItem, item_text
from newsaudio.reading.fetch import page_name
from newsaudio.reading.load import MIN_BODY_WORDS, parse_article
from newsaudio.resources import data_toml

_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_PUNCTUATION = " \t\n.:،,؛;!؟?-–—»«\"'()[]"


def _item_source(item: FeedItem, feed_url: str) -> str:
    """What an item's errors name: its link, else the feed and its GUID or title."""
    return item.link or f"{feed_url} (item {item.guid or item.title})"


def _item_name(item: FeedItem) -> str:
    """The episode's file-name stem: as ``render URL`` names the item's page, else its title."""
    return page_name(item.link) if item.link else slugify(item.title)


def article_from_item(item: FeedItem, feed: Feed) -> Article | None:
    """The article the item carries whole, read by the HTML reader; None when it carries none
    (no content, or a teaser): then its page is the article."""
    if not item.content_html or is_teaser(item.content_html):
        return None
    try:
        return item_article(item, feed)
    except ArticleError:
        return None  # too short, or not an article: its page may be


def item_article(item: FeedItem, feed: Feed) -> Article:
    """The item's content read as its article, whole or not; :class:`ArticleError` when it is
    none (an item without a page has nothing else)."""
    page = _page(item, feed)
    article = parse_article(_item_source(item, feed.url), _item_name(item), page, "text/html")
    return with_item(article, item, feed)


def with_item(article: Article, item: FeedItem, feed: Feed) -> Article:
    """``article`` with what its page lacks filled from the item: date, author, link, picture,
    the site's name (the feed's title)."""
    meta = article.meta
    meta = replace(
        meta,
        date=meta.date or item.published,
        author=meta.author or item.author,
        url=meta.url or item.link,
        image=meta.image or item.image,
        source=meta.source or feed.title,
    )
    return replace(article, meta=meta, origin=article.origin or item.link or "")


def is_teaser(content_html: str) -> bool:
    """Whether an item's content is a teaser of the article rather than the article: fewer words
    than an article has, or cut with an ellipsis or a "read more".

    >>> is_teaser("<p>" + "كلمة " * 40 + "</p><p><a href='/a'>اقرأ المزيد</a></p>")
    True
    >>> is_teaser("<p>" + "كلمة " * 40 + "انتهى.</p>")
    False
    """
    text = _MARKS.sub("", item_text(content_html))
    if len(text.split()) < MIN_BODY_WORDS:
        return True
    end = text.rstrip(_PUNCTUATION.replace(".", "").replace("…", "")).casefold()
    return any(end.endswith(marker) for marker in _teaser_endings())


@cache
def _teaser_endings() -> tuple[str, ...]:
    return tuple(m.casefold() for m in data_toml("follow.toml")["teaser_endings"])


def _page(item: FeedItem, feed: Feed) -> str:
    """The item as the web page the HTML reader expects: its metadata in the head, its content
    as the article."""
    meta = {
        "og:title": item.title,
        "og:site_name": feed.title,
        "author": item.author,
        "article:published_time": item.published.isoformat() if item.published else None,
        "og:image": item.image,
    }
    head = "".join(
        f'<meta property="{name}" content="{html.escape(value)}">'
        for name, value in meta.items()
        if value
    )
    if item.link:
        head += f'<link rel="canonical" href="{html.escape(item.link)}">'
    title = html.escape(item.title)
    return (
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
        f"{item.content_html}</article></body></html>"
    )
