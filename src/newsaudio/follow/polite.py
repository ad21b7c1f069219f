"""Asking a site politely: one request at a time per host, a delay between two, and waiting longer
after each failure in a row.

Following runs unattended every few minutes against someone's server, possibly the newsroom's
own: it must never hammer it. Every request (the feed, each article page, each redirect hop) is
made by this process, one after another, and waits until ``delay_s`` has passed since the start of
the last request to the same host. A feed that fails is not asked again before a back-off that
doubles with each failure in a row (1 min, 2, 4 … up to 6 h), or before the ``Retry-After`` the
site gave, whichever is later.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

DEFAULT_DELAY_S = 1.0
_FIRST_BACKOFF = timedelta(minutes=1)
_LONGEST_BACKOFF = timedelta(hours=6)


class HostPacer:
    """Spaces requests to each host by ``delay_s`` (from the start of one to the next)."""

    def __init__(
        self,
        delay_s: float = DEFAULT_DELAY_S,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.delay_s = delay_s
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}

    def __call__(self, url: str) -> None:
        """Wait, if need be, before asking ``url``'s host."""
        host = (urlsplit(url).hostname or "").casefold()
        last = self._last.get(host)
        if last is not None:
            wait = last + self.delay_s - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last[host] = self._clock()


def not_before(now: datetime, errors: int, retry_after_s: float | None = None) -> datetime:
    """When a feed that failed ``errors`` times in a row may be asked again.

    >>> from datetime import datetime
    >>> t = datetime(2026, 1, 1)
    >>> [str(not_before(t, n) - t) for n in (1, 2, 3)], str(not_before(t, 1, 600) - t)
    (['0:01:00', '0:02:00', '0:04:00'], '0:10:00')
    """
    backoff: timedelta = min(_FIRST_BACKOFF * 2 ** min(max(errors - 1, 0), 20), _LONGEST_BACKOFF)
    asked = timedelta(seconds=retry_after_s or 0)
    return now + max(backoff, asked)
