"""Following a site: its feed in, new episodes out, unattended and polite (``newsaudio follow``).

A run checks each feed (RSS, Atom, JSON Feed, or the feeds an OPML list names), renders the items
it has not rendered, publishes them like ``render`` and exits — for cron and systemd timers —
or, with ``every``, runs again and again until stopped. What it knows lives in the output
folder's catalog, beside the episodes:

- ``state.py``: the feeds and items tables, the queue a killed run resumes from;
- ``check.py``: one feed asked for (conditional GET, ``reading/feed_fetch.py``), read
  (``reading/feeds.py``) and its items planned (``plan.py``: new, changed, taken down, backfill);
- ``read.py``: an item's article, from the feed's content or its page (``reading/feed_article.py``),
  and what its spoken text means (render, wait for it to settle, leave alone, withdraw);
- ``polite.py``: one request at a time per host with a delay, back-off after failures;
- ``run.py``: one run; the articles go to ``batch`` (or a Dask cluster) as they are read;
- ``daily.py``: the edition of the day; ``status.py``: what ``follow --status`` shows.

It sits above ``batch`` and ``edition`` and below the command line.
"""

from newsaudio.follow.job import Event, FollowJob, RunResult
from newsaudio.follow.loop import follow_every
from newsaudio.follow.run import follow_once
from newsaudio.follow.status import feed_status

__all__ = [
    "Event",
    "FollowJob",
    "RunResult",
    "feed_status",
    "follow_every",
    "follow_once",
]
