"""The edition of the day (``follow --edition daily``): the day's items as one edition — the
``edition`` command's MP3, EPUB 3 and DAISY 2.02 — made again whenever the day's items change.

The day's items are the followed items rendered and not withdrawn whose article is dated today
(else that were first rendered today), in the folder's local time, newest first as the feed lists
them. Their articles are the ones read when they were rendered (kept in the catalog): nothing is
fetched again. The edition's title is the feed's (``[feed] title``); it replaces the day's edition
in place, and each article's sentences and pieces come from the cache when they did not change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from newsaudio.errors import NewsaudioError, exit_code_of, failure_line
from newsaudio.follow.job import Event, FollowJob, RunResult
from newsaudio.follow.state import FollowState, ItemState
from newsaudio.publishing.episode import as_utc
from newsaudio.publishing.withdrawn import withdraw


def day_edition(
    state: FollowState,
    job: FollowJob,
    result: RunResult,
    on_event: Callable[[Event], None],
    now: datetime,
) -> None:
    """Make (again) the edition of ``now``'s day when its items changed in this run, or it is
    missing."""
    # Here, not at the top: a run without --edition does not load numpy and the book makers.
    from newsaudio.batch import Outcome
    from newsaudio.edition import EditionJob, render_edition

    day = as_utc(now).astimezone().date()
    items = [item for item in state.items(states=("rendered",)) if _day(item) == day]
    edition = EditionJob(
        job.out_dir,
        job.profile,
        job.config,
        job.config.feed.title,
        day,
        job.use_cache,
        replace=True,
    )
    exists = state.catalog.get(edition.slug) is not None
    if exists and not result.changed:
        return
    articles = [item.article for item in items if item.article is not None]
    if not articles:
        if exists and result.withdrawn:
            with state.catalog.transaction():
                withdraw(state.catalog, edition.slug, "every article of the day was withdrawn")
            on_event(Event("withdrawn", f"withdrawn: {edition.slug} (no article of the day left)"))
        return

    def left_out(outcome: Outcome) -> None:
        result.failures.append(outcome.exit_code)
        on_event(Event("error", outcome.error or outcome.source))

    try:
        made = render_edition(articles, edition, job.jobs, on_failed=left_out)
    except NewsaudioError as exc:
        result.failures.append(exit_code_of(exc))
        on_event(Event("error", failure_line(edition.slug, exc)))
        return
    result.successes += 1
    on_event(
        Event(
            "rendered",
            f"edition: {made.audio} ({made.articles} articles)",
            made.audio,
            made.chapters,
            made.episode.duration_s,
        )
    )


def _day(item: ItemState) -> date | None:
    """The local day an item belongs to: its article's date, else its first render's."""
    when: datetime | None = (item.article.meta.date if item.article else None) or item.rendered
    return as_utc(when).astimezone().date() if when else None
