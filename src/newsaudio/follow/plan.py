"""Which items to read and render: what a feed's items mean against what was seen before.

- **New** items are queued — on a feed's first check only its newest ``backfill`` (the rest are
  *skipped* for good, so following a feed never renders a whole archive by surprise), and later
  never an item dated long before the feed was first followed (a site that changed every GUID
  would otherwise look all new).
- The same GUID twice in one feed is one item (the first, the newest); an article already known
  by its link from another feed is not rendered again.
- An item whose entry changed (title, text, link, updated date) is **read again**; a rendered item
  that left the feed while newer and older ones stayed was taken down, perhaps: its page is
  checked (404 or 410 withdraws it). Items pushed out at the end just leave.
- A changed spoken text is rendered again once it has **settled** (unchanged for ``settle_s``,
  which absorbs quick corrections), at most :data:`MAX_RENDERS` times in all, in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from newsaudio.errors import EXIT_INPUT
from newsaudio.follow.keys import entry_hash, item_key, normalised_link
from newsaudio.follow.state import FeedState, FollowState, ItemState
from newsaudio.publishing.catalog import Catalog
from newsaudio.publishing.episode import as_utc
from newsaudio.reading.feeds import Feed, FeedItem

DEFAULT_BACKFILL = 5
# A first render and at most three updates: an article still changing after that is a live page,
# not an article to re-broadcast every ten minutes.
MAX_RENDERS = 4
# Failed renders retried (the network, the disk, a bug) before the item waits for its entry to
# change; an input failure (a page that is no article) waits at once.
MAX_ATTEMPTS = 3
# An item dated this long before its feed was first followed is archive, not news.
_ARCHIVE = timedelta(days=1)


@dataclass(frozen=True)
class Plan:
    """What one check of a feed found."""

    new: int = 0
    changed: int = 0
    skipped: int = 0
    duplicates: int = 0
    removed: int = 0


NOTHING_NEW = Plan()


def plan_items(
    state: FollowState, feed: FeedState, parsed: Feed, backfill: int, now: datetime
) -> tuple[Plan, list[ItemState]]:
    """The items of ``parsed`` (one check of ``feed``) recorded against what was seen: returns
    the plan and the rows to save (with the feed, in one transaction)."""
    entries: dict[str, tuple[int, FeedItem]] = {}
    duplicates = 0
    for item in parsed.items:
        key = item_key(item, feed.id)
        if key in entries:
            duplicates += 1  # the same GUID twice: the first (the feed's newest) counts
            continue
        entries[key] = (len(entries), item)
    known = {key: state.item(key) for key in entries}
    newest = _newest_first(entries)
    rank = {key: n for n, key in enumerate(newest)}
    rows: list[ItemState] = []
    counts = {"new": 0, "changed": 0, "skipped": 0}
    links: set[str] = set()
    for key, (position, item) in entries.items():
        before = known[key]
        link = normalised_link(item.link) if item.link else None
        if before is None:
            row = _new_item(state, feed, key, item, link, position, rank[key], backfill, now)
            if row.state == "queued" and link in links:
                row = replace(row, state="skipped", note="the same article as another item")
            counts["new" if row.state == "queued" else "skipped"] += 1
            if link:
                links.add(link)
            rows.append(row)
            continue
        row = replace(before, title=item.title, item=item, link=link, position=position, seen=now)
        if entry_hash(item) != before.entry_hash:
            row = _changed(replace(row, entry_hash=entry_hash(item)))
            counts["changed"] += row.recheck or row.state == "queued"
        rows.append(row)
    removed = _removed(state, feed, set(entries), counts["new"], len(entries))
    rows += removed
    plan = Plan(
        counts["new"],
        counts["changed"],
        counts["skipped"],
        duplicates,
        sum(r.recheck for r in removed),
    )
    return plan, rows


def _newest_first(entries: dict[str, tuple[int, FeedItem]]) -> list[str]:
    """Keys by date, newest first; undated items keep the feed's order, after the dated."""
    dated = [k for k, (_, item) in entries.items() if item.published]
    dated.sort(key=lambda k: _aware(entries[k][1].published), reverse=True)
    return dated + [k for k, (_, item) in entries.items() if not item.published]


def _new_item(
    state: FollowState,
    feed: FeedState,
    key: str,
    item: FeedItem,
    link: str | None,
    position: int,
    rank: int,
    backfill: int,
    now: datetime,
) -> ItemState:
    row = ItemState(
        key=key,
        feed_id=feed.id,
        title=item.title,
        seen=now,
        entry_hash=entry_hash(item),
        item=item,
        link=link,
        published=item.published,
        position=position,
    )
    same = state.by_link(link) if link else None
    if same is not None:
        return replace(row, state="skipped", note=f"the same article as item {same.key!r}")
    if feed.first_checked is None and rank >= backfill:
        return replace(row, state="skipped", note=f"not among the newest {backfill} when followed")
    first = feed.first_checked
    if first and item.published and _aware(item.published) < first - _ARCHIVE and rank >= backfill:
        return replace(row, state="skipped", note="dated before the feed was followed")
    return row


def _changed(row: ItemState) -> ItemState:
    """An item whose entry changed: a rendered one is read again; one that failed on its input,
    or was withdrawn, is tried again as new."""
    if row.state == "rendered":
        return replace(row, recheck=True)
    if row.state in ("failed", "withdrawn"):
        return replace(row, state="queued", attempts=0, error=None, exit_code=None)
    return row


def _removed(
    state: FollowState, feed: FeedState, listed: set[str], new: int, length: int
) -> list[ItemState]:
    """Rendered items the feed no longer lists: checked when they would still be listed had they
    not been taken down (they were not pushed out at the end by the ``new`` items)."""
    rows = []
    for item in state.items(feed.id, ("rendered",)):
        if item.key in listed or item.position is None or item.position < 0:
            continue
        taken_down = item.position + new < length
        rows.append(replace(item, position=-1, recheck=taken_down))
    return rows


def work_items(
    state: FollowState, feed_ids: Iterable[int], now: datetime, settle_s: float
) -> list[ItemState]:
    """The items to read in this run, newest first: queued ones, failed ones worth another try,
    rendered ones to read again, and changes that have settled."""
    settle = timedelta(seconds=settle_s)
    work = []
    for feed_id in feed_ids:
        for item in state.items(feed_id, ("queued", "failed", "rendered")):
            if item.state == "queued":
                work.append(item)
            elif item.state == "failed":
                if item.exit_code != EXIT_INPUT and item.attempts < MAX_ATTEMPTS:
                    work.append(item)
            elif item.recheck or (
                item.pending_since is not None and now >= item.pending_since + settle
            ):
                work.append(item)
    return work


def recover(state: FollowState, catalog: Catalog) -> tuple[list[ItemState], list[ItemState]]:
    """Items whose render began in a run that was killed: those the catalog has an episode of,
    placed since (returned first, to record), and those to render again (requeued here)."""
    placed, again = [], []
    for item in state.items(states=("rendering",)):
        episode = catalog.by_identity(item.identity) if item.identity else None
        if (
            episode is not None
            and episode.rendered is not None
            and item.started is not None
            and episode.rendered >= item.started
        ):
            placed.append(replace(item, slug=episode.slug))
        elif item.renders == 0:
            again.append(replace(item, state="queued"))
        else:  # an update cut short: the old episode stands; read it again
            again.append(replace(item, state="rendered", recheck=True))
    with catalog.transaction():
        for item in again:
            state.save_item(item)
    return placed, again


def rendered(item: ItemState, slug: str, now: datetime) -> ItemState:
    """``item`` once its episode is placed (``rendering`` → ``rendered``)."""
    return replace(
        item,
        state="rendered",
        slug=slug,
        text_hash=item.pending_hash or item.text_hash,
        pending_hash=None,
        pending_since=None,
        renders=item.renders + 1,
        rendered=now.replace(microsecond=0),
        attempts=0,
        error=None,
        exit_code=None,
    )


def render_failed(item: ItemState, error: str, exit_code: int) -> ItemState:
    """``item`` once its render failed: a new item is failed; an update leaves the episode as it
    was, to be read again next time (while attempts last)."""
    state = "failed" if item.renders == 0 else "rendered"
    return replace(
        item,
        state=state,
        recheck=state == "rendered" and item.attempts + 1 < MAX_ATTEMPTS,
        pending_hash=None,
        attempts=item.attempts + 1,
        error=error,
        exit_code=exit_code,
    )


def _aware(when: datetime | None) -> datetime:
    assert when is not None  # only dated items are compared
    return as_utc(when)
