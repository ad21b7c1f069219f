"""Fetching a followed feed politely: conditional GET, redirects that move it, a wait when the site
is busy, its own size limit.

A feed is asked for again and again, for as long as it is followed, so what the site says is kept
and acted on: an unchanged feed costs one request and answers 304 (the ``ETag`` and
``Last-Modified`` of the last answer are sent back); a redirect that is permanent all the way
(301, 308) gives the feed its new address; 429 and 503 are retried after the ``Retry-After`` the
server sends (else after 1, 2, 4 s), and a longer wait is an error that says how long, so the
caller does not ask before. Everything else is :mod:`newsaudio.reading.fetch`'s: the client, the
timeouts, the streaming size cap, the one-line errors.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsaudio.reading.feeds import FEED_MAX_BYTES
from newsaudio.reading.fetch import (
    USER_AGENT,
    FetchPolicy,
    content_type,
    fetch_error,
    http_client,
    read_body,
    reason_phrase,
    redirect_target,
    retry_after,
)

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.1",
    "Accept-Language": "ar,*;q=0.5",
}
FEED_POLICY = FetchPolicy(max_bytes=FEED_MAX_BYTES, retries=2)
_PERMANENT = frozenset({301, 308})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Types no feed is served as: refused before the body is read.
_NOT_FEEDS = ("audio/", "video/", "image/", "font/", "application/pdf", "application/zip")


@dataclass(frozen=True)
class Validators:
    """What the last answer said about its version, to send back (conditional GET)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FeedResponse:
    """A feed's answer: 200 with its body, or 304 (not modified) without."""

    url: str  # as asked
    final_url: str  # after redirects
    status: int
    validators: Validators
    # The feed's new address when every redirect was permanent (301, 308).
    moved_to: str | None = None
    body: bytes = b""
    charset: str | None = None


def fetch_feed(
    url: str,
    validators: Validators = Validators(),
    policy: FetchPolicy = FEED_POLICY,
    *,
    before_request: Callable[[str], None] = lambda _url: None,
    sleep: Callable[[float], None] = time.sleep,
) -> FeedResponse:
    """Ask for the feed at ``url`` (conditionally, with ``validators``); ``before_request`` is
    called with each URL just before it is asked for (the caller's pacing per host). Raises
    :class:`~newsaudio.errors.FetchError` naming ``url``, with the HTTP status and the wait the
    server asked for when it gave them."""
    with http_client(url, policy, _HEADERS) as client:
        return _exchange(client, url, validators, policy, before_request, sleep)


def _exchange(
    client: httpx.Client,
    url: str,
    validators: Validators,
    policy: FetchPolicy,
    before_request: Callable[[str], None],
    sleep: Callable[[float], None],
) -> FeedResponse:
    hops = [url]
    permanent = True
    tries = 0
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    from newsaudio.network import deadline

    while True:
        before_request(hops[-1])
        log.info("fetching feed %s", hops[-1])
        with (
            deadline(policy.max_download_s),
            client.stream("GET", hops[-1], headers=headers) as response,
        ):
            status = response.status_code
            reason = response.reason_phrase or reason_phrase(status)
            target = redirect_target(response, url, hops, policy)
            if target:
                permanent = permanent and status in _PERMANENT
                hops.append(target)
                continue
            if status in _RETRY_STATUSES:
                asked = retry_after(response.headers.get("retry-after"))
                wait = policy.backoff_s * 2**tries if asked is None else asked
                if tries >= policy.retries or wait > policy.max_retry_after_s:
                    said = (
                        f"still after {tries + 1} tries"
                        if asked is None
                        else f"the site asks to wait {wait:.0f} s"
                    )
                    raise fetch_error(
                        url,
                        f"HTTP {status} {reason}; {said}",
                        network=True,
                        status=status,
                        retry_after_s=wait,
                    )
                log.warning("%s: HTTP %d %s; retrying in %g s", url, status, reason, wait)
                sleep(wait)
                tries += 1
                continue
            moved_to = hops[-1] if permanent and len(hops) > 1 else None
            answered = _validators(response, validators)
            if status == 304:
                return FeedResponse(url, hops[-1], 304, answered, moved_to)
            if not 200 <= status < 300:
                # Gone (410) and not found (404) are the feed's: later will not help.
                raise fetch_error(url, f"HTTP {status} {reason}", status=status)
            return _body(response, url, hops[-1], policy, answered, moved_to)


def _validators(response: httpx.Response, sent: Validators) -> Validators:
    """The answer's ETag and Last-Modified (a 304 may omit them: the sent ones still hold)."""
    return Validators(
        response.headers.get("etag") or (sent.etag if response.status_code == 304 else None),
        response.headers.get("last-modified")
        or (sent.last_modified if response.status_code == 304 else None),
    )


def _body(
    response: httpx.Response,
    url: str,
    final_url: str,
    policy: FetchPolicy,
    validators: Validators,
    moved_to: str | None,
) -> FeedResponse:
    mime, charset = content_type(response)
    if mime.startswith(_NOT_FEEDS):
        raise fetch_error(url, f"is {mime}, not a feed")
    body = read_body(response, url, policy)
    if not body.strip():
        raise fetch_error(url, "is empty")
    log.info("fetched feed %s: %s, %d bytes", final_url, mime or "no type", len(body))
    return FeedResponse(url, final_url, 200, validators, moved_to, body, charset)
