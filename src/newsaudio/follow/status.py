"""What ``follow --status`` shows: each followed feed, and its items newest first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from newsaudio.follow.state import FeedState, FollowState, ItemState
from newsaudio.publishing.catalog import Catalog, has_table


@dataclass(frozen=True)
class FeedStatus:
    """A followed feed, how many of its items are in each state, and its newest items."""

    feed: FeedState
    items: dict[str, int]
    recent: tuple[ItemState, ...]


def feed_status(out_dir: Path, limit: int = 20) -> list[FeedStatus]:
    """The folder's followed feeds, in the order they were first followed, each with its
    ``limit`` newest items (one read of the items table: each row carries its article)."""
    with Catalog.open(out_dir) as catalog:
        if not has_table(catalog.execute, "follow_feeds"):  # a status must not create it
            return []
        state = FollowState(catalog)
        counts: dict[int, Counter[str]] = {}
        recent: dict[int, list[ItemState]] = {}
        for item in state.items():
            counts.setdefault(item.feed_id, Counter())[item.state] += 1
            listed = recent.setdefault(item.feed_id, [])
            if len(listed) < limit:
                listed.append(item)
        return [
            FeedStatus(feed, dict(counts.get(feed.id, {})), tuple(recent.get(feed.id, ())))
            for feed in state.feeds()
        ]
