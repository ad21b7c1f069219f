"""Reading an item to render it, or to see whether it changed or was taken down.

The article is the feed's content when the item carries it whole, else its page, fetched as
``render URL`` fetches it (here, in the client, one request at a time per host). Then the spoken
text decides: a new item is rendered; a rendered one whose text is the same is left alone; a
changed one waits until it has settled, and is rendered again in place (at most a few times); an
item whose page now answers 404 or 410 is withdrawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from newsaudio.errors import FetchError, NewsaudioError, exit_code_of, failure_line
from newsaudio.follow.keys import text_hash
from newsaudio.follow.plan import MAX_RENDERS
from newsaudio.follow.state import FeedState, ItemState
from newsaudio.reading.article import Article
from newsaudio.reading.feed_article import article_from_item, item_article, with_item
from newsaudio.reading.feeds import Feed
from newsaudio.reading.fetch import FetchPolicy
from newsaudio.reading.script import build_script

# A page that answers this is taken down: its episode leaves the feed and the page.
GONE = frozenset({404, 410})


@dataclass(frozen=True)
class Reading:
    """What reading a work item came to: the row to save, what to say, and the article when it
    is to be rendered (the row is then ``rendering``)."""

    item: ItemState
    article: Article | None = None
    said: str | None = None  # one line for the run's output
    failed: int | None = None  # the exit code of a failure (the item's or its page's)
    withdraw: str | None = None  # the reason, when its episode is to be withdrawn


def read_work(
    item: ItemState,
    feed: FeedState,
    policy: FetchPolicy,
    pace: Callable[[str], None],
    now: datetime,
    settle_s: float,
) -> Reading:
    """Read ``item`` and decide what becomes of it (see the module's docstring)."""
    try:
        article = _article(item, feed, policy, pace)
    except NewsaudioError as exc:
        return _unreadable(item, exc)
    if item.position == -1:  # left the feed; its page is still there: nothing to do
        return Reading(replace(item, recheck=False))
    spoken = text_hash(build_script(article))
    if item.state in ("queued", "failed"):
        return _render(item, article, spoken, now)
    if spoken == item.text_hash:
        return Reading(replace(item, recheck=False, pending_hash=None, pending_since=None))
    if item.renders >= MAX_RENDERS:
        said = f"{_name(item)}: changed again; not rendered again ({MAX_RENDERS} renders at most)"
        return Reading(
            replace(item, recheck=False, pending_hash=None, pending_since=None), None, said
        )
    if settle_s > 0 and spoken != item.pending_hash:
        wait = timedelta(seconds=settle_s)
        said = f"{_name(item)}: changed; rendered again once unchanged for {_minutes(wait)}"
        row = replace(item, recheck=False, pending_hash=spoken, pending_since=now)
        return Reading(row, None, said)
    if (
        settle_s > 0
        and item.pending_since
        and now < item.pending_since + timedelta(seconds=settle_s)
    ):
        return Reading(replace(item, recheck=False))  # still settling
    return _render(item, article, spoken, now)


def _article(
    item: ItemState, feed: FeedState, policy: FetchPolicy, pace: Callable[[str], None]
) -> Article:
    """The item's article: the feed's whole content, else its page."""
    entry = item.item
    about = Feed(feed.location, "rss", title=feed.title)
    if item.position != -1:
        article = article_from_item(entry, about)
        if article is not None:
            return article
    if entry.link is None:
        # No page to read: the feed's text is all there is, if it is an article at all.
        text = entry.content_html or entry.summary_html or ""
        return item_article(replace(entry, content_html=text), about)
    from newsaudio.pipeline import load_source  # numpy and the stages: only when a page is read

    pace(entry.link)
    return with_item(load_source(entry.link, policy), entry, about)


def _unreadable(item: ItemState, exc: NewsaudioError) -> Reading:
    """The item could not be read: a rendered one whose page is gone is withdrawn; otherwise a new
    item fails (and is tried again only if worth it), a rendered one stays as it was."""
    status = exc.status if isinstance(exc, FetchError) else None
    line = failure_line(_name(item), exc)
    if item.state == "rendered" and status in GONE:
        row = replace(item, state="withdrawn", recheck=False, note=line)
        return Reading(row, withdraw=line)
    if item.state == "rendered":
        return Reading(replace(item, recheck=False), None, line, exit_code_of(exc))
    row = replace(
        item,
        state="failed",
        attempts=item.attempts + 1,
        error=line,
        exit_code=exit_code_of(exc),
    )
    return Reading(row, None, line, exit_code_of(exc))


def _render(item: ItemState, article: Article, spoken: str, now: datetime) -> Reading:
    started = now.replace(microsecond=0)  # as the catalog dates a render: to the second
    row = replace(
        item,
        state="rendering",
        started=started,
        identity=article.identity,
        article=article,
        pending_hash=spoken,
        pending_since=None,
        recheck=False,
    )
    return Reading(row, article)


def _name(item: ItemState) -> str:
    return item.item.link or item.title


def _minutes(wait: timedelta) -> str:
    minutes = max(1, round(wait.total_seconds() / 60))
    return f"{minutes} min"
