"""Fetching article URLs, against a real HTTP server on 127.0.0.1 (tests/local_server.py)."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from newsaudio.errors import ArticleError, FetchError
from newsaudio.reading.fetch import (
    FetchedPage,
    FetchPolicy,
    fetch,
    is_url,
    page_name,
    read_list,
    url_scheme_problem,
)

from .local_server import Handler, LocalServer, in_turn, local_server, reply

HEADLINE = "بوتين يشيد بمشاركة كوريا الشمالية في معركة كورسك"
PAGE = f"<!doctype html><html><head><title>{HEADLINE}</title></head><body><p>{HEADLINE}</p>"
HTML = {"Content-Type": "text/html; charset=utf-8"}
# Small limits so the slow and large cases end in a fraction of a second.
FAST = FetchPolicy(connect_timeout_s=0.3, read_timeout_s=0.3, max_bytes=10_000)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as srv:
        yield srv


@pytest.fixture
def sleeps() -> list[float]:
    """Stands in for time.sleep: records the waits instead of waiting."""
    return []


def fetch_error(url: str, policy: FetchPolicy = FAST, sleeps: list[float] | None = None) -> str:
    """The one-line message of the FetchError that fetching ``url`` raises."""
    with pytest.raises(FetchError) as caught:
        fetch(url, policy, sleep=(sleeps if sleeps is not None else []).append)
    message = str(caught.value)
    assert message.startswith(f"{url}: ")
    assert "\n" not in message
    return message


def serve_page(server: LocalServer, path: str = "/page") -> str:
    server.routes[path] = reply(200, PAGE.encode(), HTML)
    return server.url(path)


# --- success and what the server sees ---------------------------------------------------------


def test_fetches_html_page(server: LocalServer) -> None:
    url = serve_page(server)
    assert fetch(url, FAST) == FetchedPage(url, url, "text/html", "utf-8", PAGE)


def test_user_agent_names_newsaudio(server: LocalServer) -> None:
    fetch(serve_page(server), FAST)
    assert server.requests[-1].headers["User-Agent"].startswith("newsaudio/")


def test_arabic_url_path_is_percent_encoded(server: LocalServer) -> None:
    server.routes[quote("/أخبار/كورسك")] = reply(200, PAGE.encode(), HTML)
    url = server.url("/أخبار/كورسك")
    page = fetch(url, FAST)
    assert (page.url, page.final_url, page.text) == (url, server.url(quote("/أخبار/كورسك")), PAGE)


def test_gzip_page(server: LocalServer) -> None:
    headers = {**HTML, "Content-Encoding": "gzip"}
    server.routes["/gz"] = reply(200, gzip.compress(PAGE.encode()), headers)
    assert fetch(server.url("/gz"), FAST).text == PAGE
    assert "gzip" in server.requests[-1].headers["Accept-Encoding"]


@pytest.mark.parametrize("ctype", ["text/plain", "application/xhtml+xml", "text/markdown"])
def test_other_text_types_accepted(server: LocalServer, ctype: str) -> None:
    server.routes["/t"] = reply(200, HEADLINE.encode(), {"Content-Type": ctype})
    page = fetch(server.url("/t"), FAST)
    assert (page.content_type, page.text) == (ctype, HEADLINE)


# --- redirects --------------------------------------------------------------------------------


def test_redirect_chain_of_three(server: LocalServer) -> None:
    final = serve_page(server, "/final")
    server.routes["/r3"] = reply(301, headers={"Location": server.url("/r2")})
    server.routes["/r2"] = reply(302, headers={"Location": "/r1"})  # relative
    server.routes["/r1"] = reply(308, headers={"Location": "final"})
    page = fetch(server.url("/r3"), FAST)
    assert (page.url, page.final_url, page.text) == (server.url("/r3"), final, PAGE)


def test_more_than_five_redirects_refused(server: LocalServer) -> None:
    serve_page(server, "/r0")
    for n in range(1, 7):
        server.routes[f"/r{n}"] = reply(302, headers={"Location": f"/r{n - 1}"})
    assert fetch(server.url("/r5"), FAST).final_url == server.url("/r0")  # 5 is the limit
    assert "more than 5 redirects" in fetch_error(server.url("/r6"))
    assert server.hits["/r0"] == 1


def test_redirect_loop_refused(server: LocalServer) -> None:
    server.routes["/a"] = reply(302, headers={"Location": "/b"})
    server.routes["/b"] = reply(302, headers={"Location": "/a"})
    assert "more than 5 redirects (a redirect loop)" in fetch_error(server.url("/a"))


def test_redirect_to_same_url_once_is_followed(server: LocalServer) -> None:
    """Cookie walls redirect to the very same URL once; that is not yet a loop."""
    server.routes["/p"] = in_turn(
        reply(302, headers={"Location": "/p"}), reply(200, PAGE.encode(), HTML)
    )
    assert fetch(server.url("/p"), FAST).text == PAGE


@pytest.mark.parametrize("target", ["ftp://example.com/a", "file:///etc/passwd"])
def test_redirect_to_other_scheme_refused(server: LocalServer, target: str) -> None:
    server.routes["/r"] = reply(302, headers={"Location": target})
    assert f"redirects to {target}, which is not http or https" in fetch_error(server.url("/r"))


# --- statuses and retries ---------------------------------------------------------------------


def test_404_fails_at_once(server: LocalServer, sleeps: list[float]) -> None:
    assert fetch_error(server.url("/missing"), sleeps=sleeps).endswith(": HTTP 404 Not Found")
    assert (server.hits["/missing"], sleeps) == (1, [])


def test_500_then_200_retried(server: LocalServer, sleeps: list[float]) -> None:
    server.routes["/p"] = in_turn(reply(500), reply(200, PAGE.encode(), HTML))
    assert fetch(server.url("/p"), FAST, sleep=sleeps.append).text == PAGE
    assert (server.hits["/p"], sleeps) == (2, [1.0])


def test_retries_are_bounded_with_exponential_backoff(
    server: LocalServer, sleeps: list[float]
) -> None:
    server.routes["/busy"] = reply(503)
    policy = FetchPolicy(retries=3, backoff_s=0.5)
    message = fetch_error(server.url("/busy"), policy, sleeps)
    assert message.endswith("HTTP 503 Service Unavailable (after 4 tries)")
    assert (server.hits["/busy"], sleeps) == (4, [0.5, 1.0, 2.0])


def test_retry_after_seconds_honoured(server: LocalServer, sleeps: list[float]) -> None:
    server.routes["/p"] = in_turn(
        reply(429, headers={"Retry-After": "7"}), reply(200, PAGE.encode(), HTML)
    )
    assert fetch(server.url("/p"), FAST, sleep=sleeps.append).text == PAGE
    assert sleeps == [7.0]


def test_retry_after_http_date_honoured(server: LocalServer, sleeps: list[float]) -> None:
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    server.routes["/p"] = in_turn(
        reply(503, headers={"Retry-After": when}), reply(200, PAGE.encode(), HTML)
    )
    fetch(server.url("/p"), FAST, sleep=sleeps.append)
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 30


def test_long_retry_after_is_an_error(server: LocalServer, sleeps: list[float]) -> None:
    server.routes["/p"] = reply(429, headers={"Retry-After": "3600"})
    message = fetch_error(server.url("/p"), sleeps=sleeps)
    assert message.endswith(
        "HTTP 429 Too Many Requests; the site asks to wait 3600 s (more than 60 s)"
    )
    assert sleeps == []


# --- network failures -------------------------------------------------------------------------


def test_slow_server_times_out(server: LocalServer) -> None:
    def slow(handler: Handler) -> None:
        time.sleep(1.0)
        reply(200, PAGE.encode(), HTML)(handler)

    server.routes["/slow"] = slow
    start = time.monotonic()
    assert "timed out waiting for the server (0.3 s)" in fetch_error(server.url("/slow"))
    assert time.monotonic() - start < 0.9


def test_trickling_server_stopped(server: LocalServer) -> None:
    def trickle(handler: Handler) -> None:
        """Never silent long enough for the read timeout, never done."""
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        while True:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.02)

    server.routes["/trickle"] = trickle
    policy = FetchPolicy(read_timeout_s=0.3, max_download_s=0.3)
    assert fetch_error(server.url("/trickle"), policy).endswith(
        ": the server's answer took longer than 0.3 s"
    )


def test_connection_refused() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert "cannot connect" in fetch_error(f"http://127.0.0.1:{port}/a")


def test_unknown_host() -> None:
    # .invalid never resolves (RFC 2606), offline or not.
    assert "cannot connect" in fetch_error("https://newsaudio-test.invalid/a")


def test_dropped_connection(server: LocalServer) -> None:
    server.routes["/drop"] = lambda handler: None  # hangs up without a word
    assert "network error (RemoteProtocolError: " in fetch_error(server.url("/drop"))


@pytest.mark.parametrize("url", ["http://", "http://[::1", "http://a..b/"])
def test_malformed_urls(url: str) -> None:
    assert ": is not a valid URL (" in fetch_error(url)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://a.example/\nx", "https://a.example/\\nx: "),
        ("http://127.0.0.1:1/\u202egpj.exe", "http://127.0.0.1:1/\\u202egpj.exe: "),
    ],
)
def test_hostile_urls_shown_escaped(url: str, shown: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(url, FAST)
    assert str(caught.value).startswith(shown)
    assert str(caught.value).isprintable()


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("ftp://example.com/a.html", "ftp"),
        ("file:///etc/passwd", "file"),
        ("javascript:x", "javascript"),
    ],
)
def test_only_http_and_https(url: str, scheme: str) -> None:
    assert fetch_error(url).endswith(f": only http and https URLs can be fetched, not {scheme}")


# --- size and type ----------------------------------------------------------------------------


def test_body_over_the_cap_stops_the_download(server: LocalServer) -> None:
    def endless(handler: Handler) -> None:
        """No Content-Length, a body that never ends: only the cap can stop the client."""
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        while True:
            handler.wfile.write(b"<p>" + b"x" * 4096 + b"</p>")

    server.routes["/endless"] = endless
    assert fetch_error(server.url("/endless")).endswith(
        ": is larger than the limit of 10,000 bytes"
    )


def test_cap_counts_unpacked_bytes(server: LocalServer) -> None:
    bomb = gzip.compress(b" " * 1_000_000)  # 1 kB on the wire
    server.routes["/bomb"] = reply(200, bomb, {**HTML, "Content-Encoding": "gzip"})
    assert fetch_error(server.url("/bomb")).endswith(": is larger than the limit of 10,000 bytes")


def test_content_length_over_the_cap_refused_before_download(server: LocalServer) -> None:
    def huge(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "50000000")
        handler.end_headers()  # and no body: reading it would wait for the timeout

    server.routes["/huge"] = huge
    policy = FetchPolicy(read_timeout_s=5, max_bytes=10_000)
    start = time.monotonic()
    message = fetch_error(server.url("/huge"), policy)
    assert message.endswith(": is too large (50.0 MB; the limit is 10,000 bytes)")
    assert time.monotonic() - start < 2


@pytest.mark.parametrize("ctype", ["application/pdf", "image/jpeg", "application/json"])
def test_non_page_types_refused(server: LocalServer, ctype: str) -> None:
    server.routes["/f"] = reply(200, b"%PDF-1.7", {"Content-Type": ctype})
    assert fetch_error(server.url("/f")).endswith(f": is {ctype}, not a web page")


def test_binary_body_refused(server: LocalServer) -> None:
    server.routes["/b"] = reply(200, bytes(range(256)) * 4, {"Content-Type": "text/html"})
    assert "is not readable text" in fetch_error(server.url("/b"))


def test_empty_page_refused(server: LocalServer) -> None:
    server.routes["/e"] = reply(200, b"  \n", HTML)
    assert fetch_error(server.url("/e")).endswith(": is empty")


def test_missing_content_type_is_judged_by_content(server: LocalServer) -> None:
    server.routes["/h"] = reply(200, PAGE.encode())
    server.routes["/t"] = reply(200, HEADLINE.encode())
    assert fetch(server.url("/h"), FAST).content_type == "text/html"
    assert fetch(server.url("/t"), FAST).content_type == "text/plain"


# --- character encodings ----------------------------------------------------------------------

OLD_PAGE = "<html><head>{meta}<title>{h}</title></head><body><p>{h}</p></body></html>"


@pytest.mark.parametrize(
    ("meta", "ctype"),
    [
        ('<meta charset="windows-1256">', "text/html"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">', "text/html"),
        ("", "text/html; charset=windows-1256"),
        # A header charset the body does not fit falls through to the page's own <meta>.
        ('<meta charset="windows-1256">', "text/html; charset=utf-8"),
    ],
)
def test_windows_1256_page(server: LocalServer, meta: str, ctype: str) -> None:
    body = OLD_PAGE.format(meta=meta, h=HEADLINE)
    server.routes["/old"] = reply(200, body.encode("cp1256"), {"Content-Type": ctype})
    page = fetch(server.url("/old"), FAST)
    assert (page.charset, page.text) == ("cp1256", body)


def test_windows_1256_without_any_declaration(server: LocalServer) -> None:
    body = OLD_PAGE.format(meta="", h=HEADLINE)
    server.routes["/old"] = reply(200, body.encode("cp1256"), {"Content-Type": "text/html"})
    page = fetch(server.url("/old"), FAST)
    assert (page.charset, page.text) == ("cp1256", body)


def test_byte_order_mark_wins(server: LocalServer) -> None:
    server.routes["/u"] = reply(
        200, PAGE.encode("utf-16"), {"Content-Type": "text/html; charset=windows-1256"}
    )
    page = fetch(server.url("/u"), FAST)
    assert (page.charset, page.text) == ("utf-16", PAGE)


# --- URLs and names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arg", "url", "problem"),
    [
        ("https://example.com/a", True, None),
        ("HTTP://EXAMPLE.COM", True, None),
        ("news/article.html", False, None),
        ("C:\\news\\a.txt", False, None),
        ("ftp://example.com/a", False, "only http and https URLs can be fetched, not ftp"),
        ("javascript:alert(1)", False, "only http and https URLs can be fetched, not javascript"),
    ],
)
def test_is_url(arg: str, url: bool, problem: str | None) -> None:
    assert (is_url(arg), url_scheme_problem(arg)) == (url, problem)


def test_page_name_is_safe_and_short() -> None:
    assert page_name("https://x.example/%E2%80%AEgpj.exe%00/..%2F..%2Fetc") == "x-example-etc"
    assert page_name("https://x.example/a%E2%80%AEb.html") == "x-example-a-b"
    long = page_name("https://x.example/" + "ق" * 5000)
    assert len(long) == 80 and long.startswith("x-example-ققق")
    assert page_name("https://x.example/news/2024/") == "x-example-2024"


# --- --from-list files ------------------------------------------------------------------------


def test_read_list(tmp_path: Path) -> None:
    listing = tmp_path / "today.txt"
    listing.write_text(
        "\ufeff# today's articles\n"
        "\n"
        "https://example.com/news/1#comments\n"
        "  https://example.com/news/2   # the long one\n"
        "articles/kursk.txt\n"
        "/abs/path/a.md #trailing comment\n"
        "ftp://example.com/3\n",
        encoding="utf-8",
    )
    assert read_list(listing) == [
        "https://example.com/news/1#comments",
        "https://example.com/news/2",
        str(tmp_path / "articles" / "kursk.txt"),
        "/abs/path/a.md",
        "ftp://example.com/3",
    ]


def test_read_list_errors(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    with pytest.raises(ArticleError, match=r"list\.txt: file not found"):
        read_list(listing)
    listing.write_text("# nothing yet\n\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"list\.txt: lists no articles"):
        read_list(listing)
