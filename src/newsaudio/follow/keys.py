"""What makes an item the same item from one run to the next: its key, and what the feed says
about it (a hash, whose change means the item changed).
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsaudio.reading.feeds import FeedItem, item_text
from newsaudio.resources import data_toml

if TYPE_CHECKING:
    from newsaudio.reading.script import Script


def item_key(item: FeedItem, feed_id: int) -> str:
    """The item's key: its GUID (with the feed's id when the GUID is only the feed's own, as RSS
    ``isPermaLink="false"`` says), else its normalised link, else the feed, title and date.

    >>> item_key(FeedItem("خبر", guid="123", guid_scoped=True), 7)
    '7 123'
    >>> item_key(FeedItem("خبر", link="https://Site.test/a?utm_source=rss#top"), 7)
    'https://site.test/a'
    """
    if item.guid:
        return f"{feed_id} {item.guid}" if item.guid_scoped else item.guid
    if item.link:
        return normalised_link(item.link)
    day = item.published.isoformat() if item.published else ""
    return f"{feed_id} {item.title} {day}"


def normalised_link(url: str) -> str:
    """``url`` without what only tracks the reader (``utm_*``, ``fbclid`` …) and without its
    fragment; scheme and host in lower case.

    >>> normalised_link("HTTPS://News.Test/a/1?id=5&utm_medium=feed&fbclid=x#comments")
    'https://news.test/a/1?id=5'
    """
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracks(k)]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), "")
    )


def _tracks(name: str) -> bool:
    name = name.casefold()
    exact, prefixes = _tracking()
    return name in exact or name.startswith(prefixes)


@cache
def _tracking() -> tuple[frozenset[str], tuple[str, ...]]:
    names = [n.casefold() for n in data_toml("follow.toml")["tracking_parameters"]]
    return (
        frozenset(n for n in names if not n.endswith("*")),
        tuple(n[:-1] for n in names if n.endswith("*")),
    )


def entry_hash(item: FeedItem) -> str:
    """A hash of what the feed says about ``item``: a new one means it was edited."""
    parts = [
        item.title,
        item.link or "",
        item.updated or "",
        item_text(item.content_html),
        item_text(item.summary_html),
    ]
    return _sha256("\x1f".join(parts))


def text_hash(script: Script) -> str:
    """A hash of the spoken text (before text preparation, so a new diacritization model does not
    make every article "changed")."""
    return _sha256("\x1e".join("\x1f".join((s.title, *s.blocks)) for s in script.segments))


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
