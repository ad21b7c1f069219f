"""What following remembers, in the output folder's catalog (``catalog.sqlite``): each feed and each
item it has seen.

Two tables of their own beside the episodes (created here, ``IF NOT EXISTS``): ``follow_feeds``
(where each feed is asked for now, its validators for conditional GET, when it may be asked
again, its errors in a row) and ``follow_items`` (each item's key, what the feed last said about
it, what was rendered from it and a hash of that spoken text). The items table is also the queue:
an item to render is written down (``queued``) in the same transaction that stores the feed's new
validators, so a run killed at any moment loses nothing — the next one renders what is queued even
when the feed answers 304 — and an item whose render began (``rendering``) is looked up in the
catalog: placed already, it is not rendered twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from typing import Any

from newsaudio.publishing.catalog import Catalog
from newsaudio.publishing.episode import as_utc
from newsaudio.reading.article import Article, ArticleMeta, Section
from newsaudio.reading.feeds import FeedItem

_TABLES = (
    """
CREATE TABLE IF NOT EXISTS follow_feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,     -- as given (on the command line, or by an OPML list)
    location TEXT NOT NULL,       -- where it is asked for now: moved by permanent redirects
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,               -- SHA-256 of the last body read: a server without 304s
    first_checked TEXT,           -- ISO 8601, UTC, as every time here
    last_checked TEXT,
    last_result TEXT,             -- one line: what the last check found, or its error
    not_before TEXT,              -- not asked again before (Retry-After, back-off)
    errors INTEGER NOT NULL DEFAULT 0,  -- failed checks in a row
    gone TEXT                     -- when it answered 410 Gone: no longer asked
)""",
    """
CREATE TABLE IF NOT EXISTS follow_items (
    key TEXT PRIMARY KEY,         -- GUID (with the feed's id when it is the feed's own), else the
                                  -- normalised link, else the feed, title and date
    feed_id INTEGER NOT NULL,
    link TEXT,                    -- normalised: no tracking parameters, no fragment
    title TEXT NOT NULL,
    published TEXT,
    position INTEGER,             -- its place in the feed when last seen (0: newest; -1: gone)
    seen TEXT NOT NULL,           -- when the feed last listed it
    entry_hash TEXT NOT NULL,     -- of what the feed says about it: its change is read again
    item TEXT NOT NULL,           -- the feed's item, JSON
    state TEXT NOT NULL,          -- queued, rendering, rendered, failed, skipped, withdrawn
    started TEXT,                 -- when its render began
    slug TEXT,
    identity TEXT,                -- the episode's identity in the catalog
    text_hash TEXT,               -- of the spoken text rendered
    renders INTEGER NOT NULL DEFAULT 0,
    rendered TEXT,
    recheck INTEGER NOT NULL DEFAULT 0,  -- read it again (its entry changed, or it left the feed)
    pending_hash TEXT,            -- a changed spoken text, rendered once it has settled
    pending_since TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,  -- failed renders in a row
    error TEXT,
    exit_code INTEGER,
    article TEXT,                 -- the article as last read, JSON: the day's edition reads it
    note TEXT                     -- why it was skipped, or what became of it
)""",
    "CREATE INDEX IF NOT EXISTS follow_items_feed ON follow_items (feed_id, state)",
)


@dataclass(frozen=True)
class FeedState:
    """One followed feed, as the catalog remembers it."""

    id: int
    url: str
    location: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    first_checked: datetime | None = None
    last_checked: datetime | None = None
    last_result: str | None = None
    not_before: datetime | None = None
    errors: int = 0
    gone: datetime | None = None


@dataclass(frozen=True)
class ItemState:
    """One item of a followed feed, as the catalog remembers it."""

    key: str
    feed_id: int
    title: str
    seen: datetime
    entry_hash: str
    item: FeedItem
    state: str = "queued"
    link: str | None = None
    published: datetime | None = None
    position: int | None = None
    started: datetime | None = None
    slug: str | None = None
    identity: str | None = None
    text_hash: str | None = None
    renders: int = 0
    rendered: datetime | None = None
    recheck: bool = False
    pending_hash: str | None = None
    pending_since: datetime | None = None
    attempts: int = 0
    error: str | None = None
    exit_code: int | None = None
    article: Article | None = None
    note: str | None = None


class FollowState:
    """The feeds and items of one output folder's catalog. Write inside
    ``catalog.transaction()``."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        with catalog.transaction():
            for statement in _TABLES:
                catalog.execute(statement)

    # --- feeds ---------------------------------------------------------------------------------

    def feed(self, url: str) -> FeedState:
        """The feed given as ``url``; a new one is recorded (never checked yet)."""
        row = self.catalog.execute("SELECT * FROM follow_feeds WHERE url = ?", (url,)).fetchone()
        if row is None:
            with self.catalog.transaction():
                self.catalog.execute(
                    "INSERT OR IGNORE INTO follow_feeds (url, location) VALUES (?, ?)", (url, url)
                )
            row = self.catalog.execute(
                "SELECT * FROM follow_feeds WHERE url = ?", (url,)
            ).fetchone()
        feed: FeedState = _from_row(FeedState, row)
        return feed

    def feeds(self) -> list[FeedState]:
        rows = self.catalog.execute("SELECT * FROM follow_feeds ORDER BY id").fetchall()
        return [_from_row(FeedState, row) for row in rows]

    def save_feed(self, feed: FeedState) -> None:
        _save(self.catalog, "follow_feeds", "id", feed)

    # --- items ---------------------------------------------------------------------------------

    def item(self, key: str) -> ItemState | None:
        row = self.catalog.execute("SELECT * FROM follow_items WHERE key = ?", (key,)).fetchone()
        return _item(row) if row else None

    def items(self, feed_id: int | None = None, states: Sequence[str] = ()) -> list[ItemState]:
        """The items (of one feed, in some states), newest first."""
        where: list[str] = []
        args: list[object] = []
        if feed_id is not None:
            where.append("feed_id = ?")
            args.append(feed_id)
        if states:
            where.append(f"state IN ({', '.join('?' * len(states))})")
            args += states
        sql = "SELECT * FROM follow_items" + (f" WHERE {' AND '.join(where)}" if where else "")
        rows = self.catalog.execute(f"{sql} ORDER BY published DESC, seen DESC", args)
        return [_item(row) for row in rows.fetchall()]

    def by_link(self, link: str) -> ItemState | None:
        """An item already known by this normalised link (the same article in another feed)."""
        row = self.catalog.execute(
            "SELECT * FROM follow_items WHERE link = ? ORDER BY seen LIMIT 1", (link,)
        ).fetchone()
        return _item(row) if row else None

    def save_item(self, item: ItemState) -> None:
        _save(self.catalog, "follow_items", "key", item)


# --- Rows ↔ dataclasses --------------------------------------------------------------------------


def _save(catalog: Catalog, table: str, primary: str, value: Any) -> None:
    row = {f.name: _to_column(getattr(value, f.name)) for f in fields(value)}
    names = ", ".join(row)
    marks = ", ".join(f":{name}" for name in row)
    catalog.execute(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})", row)


def _to_column(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, FeedItem):
        return json.dumps(feed_item_dict(value), ensure_ascii=False)
    if isinstance(value, Article):
        return json.dumps(article_dict(value), ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _from_row(cls: Any, row: Any) -> Any:
    return cls(**_columns(cls, row))


def _columns(cls: Any, row: Any) -> dict[str, Any]:
    """The row's columns, its dates (the fields typed ``datetime``) read back."""
    data = dict(row)
    for f in fields(cls):
        if data.get(f.name) is not None and "datetime" in str(f.type):
            data[f.name] = as_utc(datetime.fromisoformat(data[f.name]))
    return data


def _item(row: Any) -> ItemState:
    data = _columns(ItemState, row)
    data["item"] = feed_item_from(json.loads(data["item"]))
    data["article"] = article_from(json.loads(data["article"])) if data["article"] else None
    data["recheck"] = bool(data["recheck"])
    return ItemState(**data)


def feed_item_dict(item: FeedItem) -> dict[str, Any]:
    data = asdict(item)
    data["published"] = item.published.isoformat() if item.published else None
    return data


def feed_item_from(data: dict[str, Any]) -> FeedItem:
    if data.get("published"):
        data["published"] = datetime.fromisoformat(data["published"])
    return FeedItem(**data)


def article_dict(article: Article) -> dict[str, Any]:
    data = asdict(article)
    data["meta"]["date"] = article.meta.date.isoformat() if article.meta.date else None
    return data


def article_from(data: dict[str, Any]) -> Article:
    meta = data["meta"]
    meta["date"] = datetime.fromisoformat(meta["date"]) if meta["date"] else None
    return Article(
        **{
            **data,
            "lead": tuple(data["lead"]),
            "sections": tuple(
                Section(s["heading"], tuple(s["paragraphs"])) for s in data["sections"]
            ),
            "meta": ArticleMeta(**meta),
        }
    )
