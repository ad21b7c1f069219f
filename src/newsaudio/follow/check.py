"""Checking one feed: ask for it (politely, conditionally), read it, queue what is new.

A feed is a URL or a saved file. Its check never raises for the feed's own faults: the result is a
:class:`FeedCheck` with one line and an exit code as ``render`` gives them (the network or the
server's trouble 3, a feed that is not a feed or is gone 2), and the feed's row says when it may be
asked again. What a check found — the new validators and the items to render — is saved in one
transaction: either both, or neither and the next check finds them again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from newsaudio.errors import (
    EXIT_INPUT,
    EXIT_OK,
    FeedReadError,
    FetchError,
    NewsaudioError,
    exit_code_of,
)
from newsaudio.follow.keys import body_hash
from newsaudio.follow.plan import NOTHING_NEW, Plan, plan_items
from newsaudio.follow.polite import not_before
from newsaudio.follow.state import FeedState, FollowState, ItemState
from newsaudio.reading.feed_fetch import FeedResponse, Validators, fetch_feed
from newsaudio.reading.feeds import FEED_MAX_BYTES, Feed, read_feed
from newsaudio.reading.fetch import FetchPolicy, is_url, url_scheme_problem


@dataclass(frozen=True)
class FeedCheck:
    """What one check of a feed came to."""

    feed: FeedState
    line: str  # what the run says about it
    exit_code: int = EXIT_OK
    plan: Plan = NOTHING_NEW
    # An OPML list's feeds (it has no items of its own).
    subscriptions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # moved, read leniently, duplicate GUIDs

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK


def check_feed(
    state: FollowState,
    url: str,
    policy: FetchPolicy,
    backfill: int,
    now: datetime,
    pace: Callable[[str], None],
    sleep: Callable[[float], None],
) -> FeedCheck:
    """Check the feed given as ``url`` (an http(s) URL or a file), queueing its new items."""
    feed = state.feed(url)
    if feed.gone:
        line = f"{url}: answered 410 Gone on {feed.gone:%Y-%m-%d}; no longer asked (remove it)"
        return FeedCheck(feed, line, EXIT_INPUT)
    if feed.not_before and now < feed.not_before:
        line = f"{url}: not asked before {feed.not_before:%H:%M} UTC ({feed.last_result})"
        return FeedCheck(feed, line)
    notes: list[str] = []
    try:
        response = _ask(feed, policy, pace, sleep)
        if response.moved_to:
            notes.append(f"{url}: moved permanently to {response.moved_to}")
            feed = replace(feed, location=response.moved_to)
        feed = replace(
            feed,
            etag=response.validators.etag,
            last_modified=response.validators.last_modified,
        )
        digest = body_hash(response.body) if response.status == 200 else feed.body_hash
        if response.status == 304 or (feed.last_checked and digest == feed.body_hash):
            return _saved(state, feed, now, "not modified", notes=notes)
        parsed = read_feed(
            response.body, feed.location, response.charset, fetched=is_url(feed.location)
        )
    except NewsaudioError as exc:
        return _failed(state, feed, now, exc, notes)
    notes += parsed.warnings
    feed = replace(feed, title=parsed.title or feed.title, body_hash=digest)
    if parsed.kind == "opml":
        line = f"{url}: a list of {len(parsed.subscriptions)} feeds"
        return replace(
            _saved(state, feed, now, line, notes=notes), subscriptions=parsed.subscriptions
        )
    plan, rows = plan_items(state, feed, parsed, backfill, now)
    if plan.duplicates:
        repeat = "1 item repeats" if plan.duplicates == 1 else f"{plan.duplicates} items repeat"
        notes.append(f"{url}: {repeat} a GUID; each is followed once")
    return _saved(state, feed, now, _summary(parsed, plan), plan, rows, notes)


def _ask(
    feed: FeedState,
    policy: FetchPolicy,
    pace: Callable[[str], None],
    sleep: Callable[[float], None],
) -> FeedResponse:
    """The feed's answer: fetched (conditionally), or a saved file read."""
    if is_url(feed.location):
        validators = Validators(feed.etag, feed.last_modified)
        return fetch_feed(feed.location, validators, policy, before_request=pace, sleep=sleep)
    problem = url_scheme_problem(feed.location)
    if problem:  # ftp://, file:… : not a file name either
        raise FeedReadError(f"{feed.location}: {problem}")
    path = Path(feed.location).expanduser()
    if not path.is_file():
        problem = "is a folder, not a feed" if path.is_dir() else "file not found"
        raise FeedReadError(f"{feed.location}: {problem}")
    try:
        if path.stat().st_size > FEED_MAX_BYTES:
            raise FeedReadError(
                f"{feed.location}: is too large (the limit is {FEED_MAX_BYTES / 1e6:.0f} MB)"
            )
        body = path.read_bytes()
    except OSError as exc:
        raise FeedReadError(f"{feed.location}: cannot be read ({exc.strerror or exc})") from exc
    return FeedResponse(feed.location, feed.location, 200, Validators(), body=body)


def _summary(parsed: Feed, plan: Plan) -> str:
    count = len(parsed.items)
    parts = [f"{count} item" if count == 1 else f"{count} items", f"{plan.new} new"]
    if plan.changed:
        parts.append(f"{plan.changed} changed")
    if plan.skipped:
        parts.append(f"{plan.skipped} skipped")
    if plan.removed:
        parts.append(f"{plan.removed} gone from the feed")
    return ", ".join(parts)


def _saved(
    state: FollowState,
    feed: FeedState,
    now: datetime,
    result: str,
    plan: Plan = NOTHING_NEW,
    rows: Sequence[ItemState] = (),
    notes: Sequence[str] = (),
) -> FeedCheck:
    """Save the checked feed with its items, in one transaction."""
    feed = replace(
        feed,
        first_checked=feed.first_checked or now,
        last_checked=now,
        last_result=result,
        not_before=None,
        errors=0,
    )
    with state.catalog.transaction():
        for row in rows:
            state.save_item(row)
        state.save_feed(feed)
    return FeedCheck(feed, f"{feed.url}: {result}", EXIT_OK, plan, notes=tuple(notes))


def _failed(
    state: FollowState, feed: FeedState, now: datetime, exc: NewsaudioError, notes: list[str]
) -> FeedCheck:
    """A check that failed: counted, and the feed not asked again before its back-off (or the
    Retry-After its server sent); 410 stops it."""
    line = str(exc)
    errors = feed.errors + 1
    status = exc.status if isinstance(exc, FetchError) else None
    wait = exc.retry_after_s if isinstance(exc, FetchError) else None
    # A saved file is read again next time; a site is given time.
    later = not_before(now, errors, wait) if is_url(feed.location) else None
    gone = now if status == 410 else None
    if gone is not None:
        line += "; the feed is gone: it is no longer asked (remove it from the command)"
    elif later is not None:
        line += f"; asked again after {later:%H:%M} UTC"
    feed = replace(
        feed, last_checked=now, last_result=line, errors=errors, not_before=later, gone=gone
    )
    with state.catalog.transaction():
        state.save_feed(feed)
    return FeedCheck(feed, line, exit_code_of(exc), notes=tuple(notes))
