"""One run of ``newsaudio follow``: check the feeds, read what is new or changed, render, publish.

1. Renders a killed run left half done are settled first: placed already (the catalog has the
   episode), or queued again (see :func:`~newsaudio.follow.plan.recover`).
2. Each feed is checked in turn (``check.py``); an OPML list adds its feeds.
3. The items to read (``plan.work_items``) are read here, one request at a time per host, and
   each article to render is handed to the workers as soon as it is read (``batch.run_local``,
   or the Dask cluster with ``scheduler``): fetching and the catalog stay in this process, reading
   overlaps rendering.
4. The feed and the page are written once, at the end (also when stopped: what was placed is
   published); then the day's edition, if asked for.

Nothing here prints: what happens is told to ``on_event`` as it happens, and the run returns the
exit code ``render`` would give (0 all well, 1 some failed, else the one kind of failure).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from newsaudio.errors import OutputError
from newsaudio.follow.check import check_feed
from newsaudio.follow.daily import day_edition
from newsaudio.follow.job import Event, FollowJob, RunResult
from newsaudio.follow.plan import recover, render_failed, rendered, work_items
from newsaudio.follow.polite import HostPacer
from newsaudio.follow.state import FeedState, FollowState, ItemState
from newsaudio.publishing.catalog import Catalog
from newsaudio.publishing.feed import FEED_FILE, existing_channel
from newsaudio.publishing.withdrawn import withdraw
from newsaudio.reading.article import Article

if TYPE_CHECKING:
    from newsaudio.batch import Outcome
    from newsaudio.follow.read import Reading

log = logging.getLogger(__name__)

LOCK_FILE = ".follow.lock"


def follow_once(
    sources: Sequence[str],
    job: FollowJob,
    on_event: Callable[[Event], None] = lambda _event: None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> RunResult:
    """Follow ``sources`` (feed URLs or files, OPML lists) once into ``job.out_dir``."""
    try:
        job.out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{job.out_dir}: cannot write here ({exc.strerror or exc})") from exc
    existing_channel(job.out_dir / FEED_FILE)  # another tool's feed is refused before any work
    result = RunResult()
    pace = HostPacer(job.delay_s, sleep)
    with _one_run_at_a_time(job.out_dir) as alone:
        if not alone:
            on_event(Event("note", f"{job.out_dir}: another follow run is going; this one stops"))
            return result
        _run(sources, job, on_event, sleep, clock, result, pace)
    return result


@contextlib.contextmanager
def _one_run_at_a_time(out_dir: Path) -> Iterator[bool]:
    """Whether this is the only follow run in ``out_dir`` (a lock on ``.follow.lock``, released
    when the process ends, however it ends): a cron run that starts while the last one still
    renders would queue and render the same items again."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: runs are not serialized
        yield True
        return
    path = out_dir / LOCK_FILE
    try:  # never through a link: only the folder's own files are ours to open
        descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise OutputError(f"{path}: cannot be opened ({exc.strerror or exc})") from exc
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


def _run(
    sources: Sequence[str],
    job: FollowJob,
    on_event: Callable[[Event], None],
    sleep: Callable[[float], None],
    clock: Callable[[], datetime],
    result: RunResult,
    pace: HostPacer,
) -> None:
    with Catalog.open(job.out_dir) as catalog:
        state = FollowState(catalog)
        _recover(state, catalog, clock(), result, on_event)
        feeds = _check_feeds(state, sources, job, pace, sleep, clock, result, on_event)
        work = work_items(state, feeds, clock(), job.settle_s)
        try:
            _render(state, catalog, feeds, work, job, pace, clock, result, on_event)
        except KeyboardInterrupt:
            # What was placed is published (a batch leaves the feed to its caller), then stop.
            _publish(job)
            raise
        if result.changed:
            _publish(job)
        if job.edition:
            day_edition(state, job, result, on_event, clock())


def _publish(job: FollowJob) -> None:
    """The feed and the page, from the catalog."""
    # Imported here: publishing loads numpy (0.5 s) that a run finding nothing new never needs.
    from newsaudio.publishing.publish import publish_feed

    publish_feed(job.out_dir, job.config)


def _recover(
    state: FollowState,
    catalog: Catalog,
    now: datetime,
    result: RunResult,
    on_event: Callable[[Event], None],
) -> None:
    placed, again = recover(state, catalog)
    with catalog.transaction():
        for item in placed:
            state.save_item(rendered(item, item.slug or "", now))
    for item in placed:
        on_event(Event("note", f"{item.slug}: placed before the last run stopped; kept as it is"))
    result.rendered += len(placed)  # the feed is written again with them
    for item in again:
        on_event(Event("note", f"{item.item.link or item.title}: its render was cut short; again"))


def _check_feeds(
    state: FollowState,
    sources: Sequence[str],
    job: FollowJob,
    pace: HostPacer,
    sleep: Callable[[float], None],
    clock: Callable[[], datetime],
    result: RunResult,
    on_event: Callable[[Event], None],
) -> dict[int, FeedState]:
    """Check each feed (an OPML list adds its own, after the others); the feeds checked."""
    queue = list(dict.fromkeys(sources))
    checked: dict[int, FeedState] = {}
    done: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in done:
            continue
        done.add(url)
        check = check_feed(state, url, job.feed_policy, job.backfill, clock(), pace, sleep)
        for note in check.notes:
            on_event(Event("note", note))
        if check.ok:
            result.successes += 1
            on_event(Event("note", check.line))
        else:
            result.failures.append(check.exit_code)
            on_event(Event("error", check.line))
        queue += [feed for feed in check.subscriptions if feed not in done]
        if not check.subscriptions:
            checked[check.feed.id] = check.feed
    return checked


def _render(
    state: FollowState,
    catalog: Catalog,
    feeds: dict[int, FeedState],
    work: list[ItemState],
    job: FollowJob,
    pace: HostPacer,
    clock: Callable[[], datetime],
    result: RunResult,
    on_event: Callable[[Event], None],
) -> None:
    """Read each work item here and render the articles in the workers as they are read."""
    # Reading and rendering load the stages (trafilatura, numpy): only when there is work.
    from newsaudio.follow.read import read_work

    in_flight: dict[str, ItemState] = {}

    def articles() -> Iterator[Article]:
        for item in work:
            reading = read_work(
                item, feeds[item.feed_id], job.page_policy, pace, clock(), job.settle_s
            )
            article = reading.article
            if article is not None and article.source in in_flight:
                continue  # the same page twice in one run: once is enough
            _record(state, catalog, reading, result, on_event)
            if article is not None:
                in_flight[article.source] = reading.item
                yield article

    def on_done(outcome: Outcome) -> None:
        item = in_flight.pop(outcome.source)
        if outcome.ok and outcome.slug:
            with catalog.transaction():
                state.save_item(rendered(item, outcome.slug, clock()))
            if item.renders:
                result.updated += 1
            else:
                result.rendered += 1
            result.successes += 1
            audio = job.out_dir / f"{outcome.slug}.mp3"
            label = "updated: " if item.renders else ""
            on_event(
                Event("rendered", f"{label}{audio}", audio, outcome.chapters, outcome.duration_s)
            )
            return
        error = outcome.error or f"{outcome.source}: failed"
        with catalog.transaction():
            state.save_item(render_failed(item, error, outcome.exit_code))
        result.failures.append(outcome.exit_code)
        on_event(Event("error", error))

    if not work:
        return
    from newsaudio.batch import Job, run_cluster, run_local

    batch = Job(job.out_dir, job.profile, job.config, job.use_cache)
    sources = articles()
    if job.scheduler:
        run_cluster(sources, batch, job.scheduler, on_done)
    else:
        run_local(sources, batch, min(job.jobs, len(work)), on_done)


def _record(
    state: FollowState,
    catalog: Catalog,
    reading: Reading,
    result: RunResult,
    on_event: Callable[[Event], None],
) -> None:
    """Save what reading an item came to (before its render, when it is to be rendered)."""
    item = reading.item
    with catalog.transaction():
        if reading.withdraw and item.slug:
            withdraw(catalog, item.slug, reading.withdraw)
        state.save_item(item)
    if reading.withdraw:
        result.withdrawn += 1
        result.successes += 1
        on_event(
            Event(
                "withdrawn",
                f"withdrawn: {item.slug} ({reading.withdraw}); its files stay until "
                f"`newsaudio episodes remove {item.slug}`",
            )
        )
    elif reading.failed is not None:
        result.failures.append(reading.failed)
        on_event(Event("error", reading.said or ""))
    elif reading.said:
        on_event(Event("note", reading.said))
