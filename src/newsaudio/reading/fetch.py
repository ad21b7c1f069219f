"""Fetch an article's web page: the boundary where httpx is called (the feed fetcher,
``feed_fetch.py``, asks through the client made here).

``newsaudio render https://…`` hands the URL here and gets back decoded text (a
:class:`FetchedPage`) for the HTML stage. Fetching is deliberately cautious, since the input is
someone else's server: timeouts, a redirect limit, a size cap enforced while downloading, web-page
content types only, and a few polite retries when the site says it is busy. Every failure becomes
one :class:`FetchError` line naming the URL; httpx exceptions never escape.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import logging
import re
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from newsaudio import __version__
from newsaudio.errors import EXIT_INPUT, ArticleError, FetchError
from newsaudio.reading.article import slugify
from newsaudio.reading.decode import MAX_BYTES, decode, read_text

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

USER_AGENT = f"newsaudio/{__version__} (+https://github.com/newsaudio/newsaudio)"
# Arabic first: bilingual sites that negotiate language then serve the Arabic edition.
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1",
    "Accept-Language": "ar,*;q=0.5",
}
WEB_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "text/markdown"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Overloaded or briefly failing servers (and CDNs in front of them) answer with these; a second
# try a little later usually works. 4xx other than 429 will not change on retry.
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)  # of a Content-Type header
_NUL_SCAN_CHARS = 8192  # a NUL at the top of a decoded "page" means binary, or the wrong codec
# Schemes a user might paste that look like URLs but must not be read as file paths.
_NON_WEB_SCHEMES = re.compile(r"^([a-z][a-z0-9+.-]+)://|^(javascript|data|mailto|file):", re.I)
_WEB_URL = re.compile(r"^https?://", re.I)
_PAGE_SUFFIX = re.compile(r"\.(s?html?|php\d?|aspx?|jspx?|cfm)$", re.I)
_LIST_COMMENT = re.compile(r"(^|\s)#.*$")  # '#' after whitespace only: URLs have #fragments
MAX_NAME_CHARS = 80
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page's text and where it really came from."""

    url: str  # as asked
    final_url: str  # after redirects, as a URI: path percent-encoded, host in punycode
    content_type: str  # "text/html", "text/plain", …
    charset: str  # the codec used to decode, e.g. "utf-8", "cp1256"
    text: str
    # How the bytes were read where they did not say, or said otherwise (decode.Decoded.guess):
    # for the reader to say once the page is an article.
    guess: str = ""


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one fetch. The defaults suit people; tests pass small ones."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0  # longest silence while waiting for the next bytes
    # read_timeout_s bounds each silence, not the whole: a server trickling a byte every few
    # seconds, in its headers or its body, would otherwise hold a batch for hours. Each request
    # (a redirect, a retry) is over this long after its first byte is sent, answer read whole.
    max_download_s: float = 120.0
    max_redirects: int = 5
    max_bytes: int = MAX_BYTES
    retries: int = 3  # extra tries after 429/500/502/503/504; network errors are not retried
    backoff_s: float = 1.0  # waits 1, 2, 4 … s unless the server sends Retry-After
    max_retry_after_s: float = 60.0  # a longer Retry-After is an error saying how long


def is_url(arg: str) -> bool:
    """Whether ``arg`` is an http(s) URL to fetch rather than a file path.

    >>> is_url("HTTPS://example.com/a"), is_url("news/a.html"), is_url("ftp://example.com/a")
    (True, False, False)
    """
    return bool(_WEB_URL.match(arg))


def url_scheme_problem(arg: str) -> str | None:
    """Why ``arg`` is a URL that cannot be fetched (ftp:, file:, javascript: …), else None.

    >>> url_scheme_problem("ftp://example.com/a")
    'only http and https URLs can be fetched, not ftp'
    >>> url_scheme_problem("https://example.com/a") is None, url_scheme_problem("C:/a.txt") is None
    (True, True)
    """
    match = _NON_WEB_SCHEMES.match(arg)
    if match is None or is_url(arg):
        return None
    scheme = (match.group(1) or match.group(2)).casefold()
    return f"only http and https URLs can be fetched, not {scheme}"


def fetch(
    url: str, policy: FetchPolicy = FetchPolicy(), sleep: Callable[[float], None] = time.sleep
) -> FetchedPage:
    """Download and decode the web page at ``url``; raise FetchError naming it on any failure."""
    with http_client(url, policy, _HEADERS) as client:
        return _fetch(client, url, policy, sleep)


@contextlib.contextmanager
def http_client(
    url: str, policy: FetchPolicy, headers: Mapping[str, str]
) -> Iterator[httpx.Client]:
    """A client to ask ``url`` with, within ``policy``'s timeouts, redirects left to the caller
    (each hop is checked); httpx's exceptions inside the block become the one-line
    :class:`FetchError` naming ``url``. The feed fetcher (``reading/feed_fetch.py``) shares it."""
    # Here, not at the top: ~0.3 s that `newsaudio --help` should not pay.
    import httpx

    from newsaudio.network import http_client as bounded_client

    if not is_url(url):
        raise fetch_error(url, url_scheme_problem(url) or "is not an http or https URL")
    timeout = httpx.Timeout(policy.read_timeout_s, connect=policy.connect_timeout_s)
    with (
        _network_errors(url, policy),
        bounded_client(
            headers=headers, timeout=timeout, follow_redirects=False, verify=_ssl_context()
        ) as client,
    ):
        yield client


@contextlib.contextmanager
def _network_errors(url: str, policy: FetchPolicy) -> Iterator[None]:
    """httpx's exceptions inside the block, as the one-line :class:`FetchError` naming ``url``."""
    import httpx

    from newsaudio.network import TookTooLong

    try:
        yield
    except TookTooLong as exc:
        problem = f"the server's answer took longer than {exc.seconds:g} s"
        raise fetch_error(url, problem, network=True) from exc
    except httpx.ConnectTimeout as exc:
        raise fetch_error(
            url, f"timed out connecting ({policy.connect_timeout_s:g} s)", network=True
        ) from exc
    except httpx.TimeoutException as exc:
        raise fetch_error(
            url, f"timed out waiting for the server ({policy.read_timeout_s:g} s)", network=True
        ) from exc
    except httpx.ConnectError as exc:
        raise fetch_error(url, f"cannot connect ({_one_line(exc)})", network=True) from exc
    # UnicodeError: the IDNA codec refusing a host name (empty label, too long, …).
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError) as exc:
        raise fetch_error(url, f"is not a valid URL ({_one_line(exc)})") from exc
    except httpx.HTTPError as exc:
        problem = f"network error ({type(exc).__name__}: {_one_line(exc)})"
        raise fetch_error(url, problem, network=True) from exc


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle takes ~80 ms; a batch of URLs loads it once, and --help never."""
    import httpx

    return httpx.create_ssl_context()


def _fetch(
    client: httpx.Client, url: str, policy: FetchPolicy, sleep: Callable[[float], None]
) -> FetchedPage:
    """Follow redirects and retries by hand, so each hop's scheme and count can be checked."""
    from newsaudio.network import deadline

    hops = [url]
    tries = 0
    while True:
        log.info("fetching %s", hops[-1])
        with deadline(policy.max_download_s), client.stream("GET", hops[-1]) as response:
            status = response.status_code
            reason = response.reason_phrase or reason_phrase(status)
            target = redirect_target(response, url, hops, policy)
            if target:
                hops.append(target)
                continue
            if status in _RETRY_STATUSES and tries < policy.retries:
                wait = retry_after(response.headers.get("retry-after"))
                if wait is not None and wait > policy.max_retry_after_s:
                    raise fetch_error(
                        url,
                        f"HTTP {status} {reason}; the site asks to wait {wait:.0f} s"
                        f" (more than {policy.max_retry_after_s:g} s)",
                        network=True,
                    )
                wait = policy.backoff_s * 2**tries if wait is None else wait
                log.warning("%s: HTTP %d %s; retrying in %g s", url, status, reason, wait)
                sleep(wait)
                tries += 1
                continue
            if not 200 <= status < 300:
                after = f" (after {tries + 1} tries)" if tries else ""
                # The server's trouble or a rate limit: later may work; a 404 will not.
                raise fetch_error(
                    url,
                    f"HTTP {status} {reason}{after}",
                    network=status in _RETRY_STATUSES,
                    status=status,
                )
            return _read_page(response, url, policy)


def redirect_target(
    response: httpx.Response, url: str, hops: list[str], policy: FetchPolicy
) -> str | None:
    """Where ``response`` redirects to after ``hops``, checked: http or https, within the
    policy's count; None when it is no redirect. Errors name ``url``, the URL asked for."""
    location = response.headers.get("location")
    if response.status_code not in _REDIRECTS or not location:
        return None
    target = str(response.url.join(location))
    if not is_url(target):
        raise fetch_error(url, f"redirects to {location}, which is not http or https")
    # No loop check of its own: a site may set a cookie and redirect to the same URL once,
    # legitimately; a real loop ends at the redirect limit.
    if len(hops) > policy.max_redirects:
        loop = " (a redirect loop)" if target in hops else ""
        raise fetch_error(url, f"more than {policy.max_redirects} redirects{loop}")
    log.debug("%s redirects (%d) to %s", hops[-1], response.status_code, target)
    return target


def _read_page(response: httpx.Response, url: str, policy: FetchPolicy) -> FetchedPage:
    """Check type and size before and while downloading, then decode."""
    mime, charset = content_type(response)
    if mime and mime not in WEB_PAGE_TYPES:
        raise fetch_error(url, f"is {mime}, not a web page")
    raw = read_body(response, url, policy)
    if not raw.strip():
        raise fetch_error(url, "is empty")
    # The header's charset, then the page's <meta> (decode() reads it); the bytes themselves
    # first when they are UTF-8, or have a byte-order mark.
    decoded = decode(raw, [charset] if charset else [])
    if decoded is None or "\x00" in decoded.text[:_NUL_SCAN_CHARS]:
        raise fetch_error(url, "is not readable text (unknown or wrong character encoding)")
    text = decoded.text
    if not mime:  # no Content-Type at all: judge by the first character
        mime = "text/html" if text.lstrip().startswith("<") else "text/plain"
    final_url = str(response.url)
    log.info("fetched %s: %s, %s, %d bytes", final_url, mime, decoded.codec, len(raw))
    return FetchedPage(url, final_url, mime, decoded.codec, text, decoded.guess)


def content_type(response: httpx.Response) -> tuple[str, str | None]:
    """The answer's media type (lower case; "" when it names none) and its charset, if given."""
    header = response.headers.get("content-type", "")
    charset = _CHARSET.search(header)
    return header.partition(";")[0].strip().casefold(), charset.group(1) if charset else None


def read_body(response: httpx.Response, url: str, policy: FetchPolicy) -> bytes:
    """The body of ``response``, within ``policy``'s size and time: a declared size over the
    limit is refused before reading, and reading stops as soon as the limit is passed."""
    max_bytes = policy.max_bytes
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise fetch_error(
            url, f"is too large ({_size(int(declared))}; the limit is {_size(max_bytes)})"
        )
    chunks: list[bytes] = []
    size = 0
    # Read inside the request's network.deadline: the whole answer ends by it.
    for chunk in response.iter_bytes():
        size += len(chunk)
        # Counted after gzip/deflate decoding, so a small compressed bomb is caught too.
        if size > max_bytes:  # stop here: never download the rest of a huge body
            raise fetch_error(url, f"is larger than the limit of {_size(max_bytes)}")
        chunks.append(chunk)
    return b"".join(chunks)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delay in seconds or an HTTP date).

    >>> retry_after("7"), retry_after("soon"), retry_after("Mon, 01 Jan 2001 00:00:00 GMT")
    (7.0, None, 0.0)
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def fetch_error(
    url: str,
    problem: str,
    *,
    network: bool = False,
    status: int | None = None,
    retry_after_s: float | None = None,
) -> FetchError:
    """The one-line error for ``url``: ``network`` when trying again later may work (timeouts,
    refused connections, the server's 5xx or 429), else the page itself is the problem. Control
    and bidi characters (from the URL or from the server's headers) are shown escaped: a newline
    would break the line, U+202E would reverse what the user reads."""
    message = _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], f"{url}: {problem}")
    exit_code = None if network else EXIT_INPUT
    return FetchError(message, exit_code=exit_code, status=status, retry_after_s=retry_after_s)


def reason_phrase(status: int) -> str:
    """The standard reason phrase, for servers that send none (HTTP/2 never does)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def page_name(url: str) -> str:
    """A short, safe file-name stem for a page: host, last path segment and query.

    >>> page_name("https://www.example.com/news/2024/%D8%BA%D8%B2%D8%A9-123.html")
    'example-com-غزة-123'
    >>> page_name("http://old.example.net/article.php?id=5521#comments")
    'old-example-net-article-id-5521'
    >>> page_name("https://xn--mgbh0fb.xn--kgbechtv/")  # an Arabic domain, as fetched
    'مثال-إختبار'
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    # final_url carries the host in punycode; names should read as the user typed it.
    with contextlib.suppress(UnicodeError):
        host = host.encode("ascii").decode("idna")
    segments = [s for s in unquote(parts.path).split("/") if s]
    last = _PAGE_SUFFIX.sub("", segments[-1]) if segments else ""
    slug = slugify(f"{host} {last} {unquote(parts.query)}")
    return slug[:MAX_NAME_CHARS].rstrip("-_") or "page"


def read_list(path: Path) -> list[str]:
    """The entries of a ``--from-list`` file: one path or URL a line.

    Blank lines and comments (a line starting with '#', or '#' after whitespace) are skipped.
    Relative paths are taken relative to the list's folder, as playlists do, so a list works
    from any working directory. URLs (any scheme) are returned as written, for the caller to
    fetch or refuse.
    """
    entries = []
    for line in read_text(path).splitlines():
        entry = _LIST_COMMENT.sub("", line).strip()
        if not entry:
            continue
        if is_url(entry) or url_scheme_problem(entry):
            entries.append(entry)
        else:
            entries.append(str(path.parent / Path(entry).expanduser()))
    if not entries:
        raise ArticleError(path, "lists no articles (only blank lines and comments)")
    return entries
