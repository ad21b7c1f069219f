"""Reading feeds (reading/feeds.py) and fetching them (reading/feed_fetch.py): formats, charsets,
hostile and broken feeds, and what the server says (304, moves, Retry-After, sizes, types)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newsaudio.errors import EXIT_ENGINE, EXIT_INPUT, FeedReadError, FetchError
from newsaudio.reading.feed_article import article_from_item, is_teaser
from newsaudio.reading.feed_fetch import FEED_POLICY, Validators, fetch_feed
from newsaudio.reading.feeds import Feed, FeedItem, read_feed
from newsaudio.reading.fetch import FetchPolicy

from .conftest import BRIEF
from .local_server import Handler, LocalServer, Reply, in_turn, local_server, reply

URL = "https://news.test/feed.xml"
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
FAST = FetchPolicy(connect_timeout_s=0.3, read_timeout_s=0.3, retries=2, max_bytes=100_000)


def rss(items: str, *, prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (
        f'{prolog}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>موقع الأخبار</title><link>https://news.test/</link>{items}"
        "</channel></rss>"
    ).encode()


ITEM = (
    "<item><title>خبر عاجل عن الطقس</title><link>https://news.test/a?utm_source=rss</link>"
    '<guid isPermaLink="false">42</guid><pubDate>Mon, 01 Jun 2026 10:00:00 +0300</pubDate>'
    "<author>editor@news.test (علي حسن)</author><description>ملخص الخبر</description></item>"
)


def test_rss_item_as_the_feed_gives_it() -> None:
    feed = read_feed(rss(ITEM), URL)
    assert (feed.kind, feed.title, feed.link) == ("rss", "موقع الأخبار", "https://news.test/")
    (item,) = feed.items
    assert (item.title, item.guid, item.guid_scoped) == ("خبر عاجل عن الطقس", "42", True)
    assert item.link == "https://news.test/a?utm_source=rss"
    assert item.published == datetime(2026, 6, 1, 7, 0, tzinfo=timezone.utc)
    assert (item.summary_html, item.content_html) == ("ملخص الخبر", None)


def test_a_podcasts_second_summary_is_not_the_article() -> None:
    # BBC Arabic's podcast feeds give each item a description and an itunes:summary (the same
    # show notes); feedparser files the second as content. Only content:encoded is the article.
    notes = "<p>" + "في نهاية عام 2019 وقعت تركيا مع ليبيا اتفاقاً لترسيم الحدود. " * 8 + "</p>"
    item = (
        "<item><title>ما هي اتفاقية ترسيم الحدود؟</title>"
        "<link>https://www.bbc.co.uk/programmes/p0mcff8q</link>"
        f"<description><![CDATA[{notes}]]></description>"
        f"<itunes:summary><![CDATA[{notes}]]></itunes:summary></item>"
    )
    podcast = (
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        f"<title>يستحق الانتباه</title>{item}</channel></rss>"
    ).encode()
    (read,) = read_feed(podcast, URL).items
    assert (read.content_html, read.summary_html) == (None, notes)
    assert article_from_item(read, Feed(URL, "rss")) is None  # so its page is read


def test_atom_and_relative_links() -> None:
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>موقع</title>'
        '<entry><id>tag:news.test,2026:7</id><title type="html">أ &amp;lt;ب&amp;gt; &amp;amp; ج'
        '</title><link href="/news/7"/><updated>2026-06-01T10:00:00Z</updated>'
        '<content type="html">&lt;p&gt;نص&lt;/p&gt;</content></entry></feed>'
    ).encode()
    feed = read_feed(atom, URL)
    (item,) = feed.items
    assert feed.kind == "atom"
    assert (item.title, item.link, item.content_html) == (
        "أ <ب> & ج",
        "https://news.test/news/7",
        "<p>نص</p>",
    )
    assert (item.guid, item.guid_scoped) == ("tag:news.test,2026:7", False)


def test_json_feed_with_eastern_digits() -> None:
    data = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "موقع", "items": [{"id": 7,'
        ' "url": "/news/7", "title": "خبر", "content_html": "<p>نص</p>",'
        ' "date_published": "٢٠٢٦-٠٦-٠١T10:00:00Z", "authors": [{"name": "علي"}]}]}'
    )
    (item,) = read_feed(data.encode(), URL).items
    assert (item.guid, item.guid_scoped, item.link) == ("7", True, "https://news.test/news/7")
    assert (item.published, item.author) == (datetime(2026, 6, 1, 10, tzinfo=timezone.utc), "علي")


def test_arabic_worded_date() -> None:
    item = ITEM.replace("Mon, 01 Jun 2026 10:00:00 +0300", "الاثنين، ١ يونيو ٢٠٢٦")
    assert read_feed(rss(item), URL).items[0].published == datetime(2026, 6, 1)


@pytest.mark.parametrize("declared", ["xml", "header"])
def test_windows_1256_as_declared(declared: str) -> None:
    prolog = '<?xml version="1.0" encoding="windows-1256"?>' if declared == "xml" else ""
    raw = rss(ITEM, prolog=prolog).decode().encode("cp1256")
    charset = "windows-1256" if declared == "header" else None
    assert read_feed(raw, URL, charset).items[0].title == "خبر عاجل عن الطقس"


def test_utf8_bytes_win_over_a_declared_charset() -> None:
    """As for a page (decode.py): the bytes are UTF-8, the server says Windows-1256."""
    assert read_feed(rss(ITEM), URL, "windows-1256").items[0].title == "خبر عاجل عن الطقس"


def test_windows_1256_undeclared_read_as_arabic() -> None:
    """No declaration at all (XML says: then UTF-8), but the text reads as Arabic words."""
    raw = rss(ITEM.replace("ملخص الخبر", BRIEF), prolog="").decode().encode("cp1256")
    assert read_feed(raw, URL).title == "موقع الأخبار"


def test_opml_lists_feeds_once() -> None:
    opml = (
        '<?xml version="1.0"?><opml version="2.0"><head><title>قائمتي</title></head><body>'
        '<outline text="أخبار"><outline type="rss" xmlUrl="https://a.test/feed"/></outline>'
        '<outline xmlUrl="/other.xml"/><outline xmlUrl="https://a.test/feed"/></body></opml>'
    ).encode()
    feed = read_feed(opml, URL)
    assert (feed.kind, feed.subscriptions) == (
        "opml",
        ("https://a.test/feed", "https://news.test/other.xml"),
    )


# --- hostile and broken feeds -------------------------------------------------------------------

LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))  # 10^9 "lol"s


@pytest.mark.parametrize(
    "doctype",
    [
        f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>',  # billion laughs
        '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',  # external entity
        '<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>',  # parameter
        '<!DOCTYPE rss [<!ENTITY big "' + "ب" * 50_000 + '">]>',  # quadratic blow-up
    ],
)
def test_entity_declarations_refused(doctype: str) -> None:
    started = time.monotonic()
    with pytest.raises(FeedReadError, match="declares XML entities; refused") as caught:
        read_feed(rss(ITEM.replace("ملخص الخبر", "&lol9; &xxe; &big;"), prolog=doctype), URL)
    assert caught.value.exit_code == EXIT_INPUT
    assert time.monotonic() - started < 1


def test_external_doctype_is_never_fetched() -> None:
    """An RSS 0.91 DOCTYPE names a DTD on the network: read without it, nothing asked."""
    with local_server() as server:
        doctype = f'<!DOCTYPE rss SYSTEM "{server.url("/rss-0.91.dtd")}">'
        assert read_feed(rss(ITEM, prolog=doctype), URL).items[0].title == "خبر عاجل عن الطقس"
        assert not server.requests


def test_feedparser_gets_bytes_never_a_name(tmp_path: Path) -> None:
    """feedparser opens a str or bytes that names a file; a feed that is a path is not read."""
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss(ITEM))
    with pytest.raises(FeedReadError, match="not a feed"):
        read_feed(str(secret).encode(), URL)


@pytest.mark.parametrize("fetched, code", [(True, EXIT_ENGINE), (False, EXIT_INPUT)])
def test_feed_cut_short_is_not_trusted(fetched: bool, code: int) -> None:
    whole = rss(ITEM + ITEM.replace("42", "43"))
    with pytest.raises(FeedReadError, match=r"ends before its closing </rss> \(cut short") as e:
        read_feed(whole[: len(whole) * 2 // 3], URL, fetched=fetched)
    assert e.value.exit_code == code


def test_a_cache_comment_after_the_end_is_not_a_cut() -> None:
    assert read_feed(rss(ITEM) + b"\n<!-- served from cache in 0.01 s -->\n", URL).items


def test_malformed_but_whole_feed_read_leniently() -> None:
    broken = rss(ITEM.replace("خبر عاجل عن الطقس", "خبر & آخر <b>عاجل"))
    feed = read_feed(broken, URL)
    assert feed.items and "not well-formed XML" in feed.warnings[0]


@pytest.mark.parametrize(
    "body, problem",
    [
        (b"<!doctype html><html><head></head><body>x</body></html>", "is a web page, not a feed"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", r"is XML \(svg\), not a feed"),
        (b"just text", "is not a feed"),
        (b'{"items": []}', "is JSON but not a JSON Feed"),
        (b"\x00\x01\x02\xff" * 50, "not readable text"),
    ],
)
def test_not_a_feed(body: bytes, problem: str) -> None:
    with pytest.raises(FeedReadError, match=problem) as caught:
        read_feed(body, URL)
    assert caught.value.exit_code == EXIT_INPUT


def test_a_web_page_names_its_feed() -> None:
    page = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head></html>'
    )
    with pytest.raises(FeedReadError, match=r"the page names its feed: https://news\.test/rss"):
        read_feed(page, URL)


# --- the article from the item ------------------------------------------------------------------


def test_full_content_is_read_as_the_page_would_be() -> None:
    item = FeedItem(
        "وزير الخارجية يزور العاصمة في جولة إقليمية",
        link="https://news.test/news/7",
        published=datetime(2026, 6, 1, tzinfo=timezone.utc),
        author="علي حسن",
        content_html=f"<p>{BRIEF}</p><h2>تفاصيل الزيارة</h2><p>{BRIEF}</p>",
    )
    article = article_from_item(item, Feed(URL, "rss", title="موقع الأخبار"))
    assert article is not None
    assert article.headline == item.title
    assert [s.heading for s in article.sections] == ["تفاصيل الزيارة"]
    assert (article.meta.author, article.meta.source, article.meta.url) == (
        "علي حسن",
        "موقع الأخبار",
        "https://news.test/news/7",
    )
    assert article.slug == "news-test-7"  # as `render URL` names the page


@pytest.mark.parametrize(
    "content",
    [
        "<p>مقدمة قصيرة للخبر</p>",
        f"<p>{BRIEF[:-1]} …</p>",
        f"<p>{BRIEF}</p><p><a href='https://news.test/news/7'>اقرأ المزيد</a></p>",
        f"<p>{BRIEF}</p><p>Continue reading</p>",
    ],
)
def test_a_teaser_is_not_the_article(content: str) -> None:
    assert is_teaser(content)
    item = FeedItem("عنوان الخبر الكامل هنا", link="https://news.test/7", content_html=content)
    assert article_from_item(item, Feed(URL, "rss")) is None


# --- fetching -----------------------------------------------------------------------------------


@pytest.fixture
def server() -> LocalServer:
    with local_server() as srv:
        yield srv  # type: ignore[misc]


def test_conditional_get_sends_validators_back(server: LocalServer) -> None:
    def answer(handler: object) -> None:
        matches = handler.headers.get("If-None-Match") == '"v1"'  # type: ignore[attr-defined]
        headers = {**RSS, "ETag": '"v1"', "Last-Modified": "Mon, 01 Jun 2026 10:00:00 GMT"}
        handler.send(Reply(304 if matches else 200, b"" if matches else rss(ITEM), headers))  # type: ignore[attr-defined]

    server.routes["/feed"] = answer
    first = fetch_feed(server.url("/feed"), policy=FAST)
    assert (first.status, first.validators.etag, first.charset) == (200, '"v1"', "utf-8")
    again = fetch_feed(server.url("/feed"), first.validators, FAST)
    assert (again.status, again.body, again.validators) == (304, b"", first.validators)
    assert server.requests[-1].headers["If-Modified-Since"] == "Mon, 01 Jun 2026 10:00:00 GMT"


def test_permanent_redirects_move_the_feed(server: LocalServer) -> None:
    server.routes["/old"] = reply(301, headers={"Location": "/older"})
    server.routes["/older"] = reply(308, headers={"Location": "/new"})
    server.routes["/new"] = reply(200, rss(ITEM), RSS)
    server.routes["/temp"] = reply(302, headers={"Location": "/new"})
    assert fetch_feed(server.url("/old"), policy=FAST).moved_to == server.url("/new")
    assert fetch_feed(server.url("/temp"), policy=FAST).moved_to is None


def test_retry_after_is_honoured_then_an_error_saying_how_long(server: LocalServer) -> None:
    sleeps: list[float] = []
    server.routes["/busy"] = in_turn(
        reply(429, headers={"Retry-After": "2"}), reply(200, rss(ITEM), RSS)
    )
    assert fetch_feed(server.url("/busy"), policy=FAST, sleep=sleeps.append).status == 200
    assert sleeps == [2.0]
    server.routes["/later"] = reply(503, headers={"Retry-After": "3600"})
    with pytest.raises(FetchError, match="HTTP 503 Service Unavailable; the site asks to wait"):
        fetch_feed(server.url("/later"), policy=FAST, sleep=sleeps.append)
    with pytest.raises(FetchError) as caught:
        fetch_feed(server.url("/later"), policy=FAST)
    assert (caught.value.status, caught.value.retry_after_s) == (503, 3600)
    assert caught.value.exit_code == EXIT_ENGINE
    server.routes["/down"] = reply(503)  # no Retry-After: the wait was ours, not the site's
    with pytest.raises(FetchError, match=r"HTTP 503 Service Unavailable; still after 3 tries$"):
        fetch_feed(server.url("/down"), policy=FAST, sleep=sleeps.append)


def test_gone_and_missing_are_the_feeds(server: LocalServer) -> None:
    server.routes["/gone"] = reply(410)
    with pytest.raises(FetchError) as caught:
        fetch_feed(server.url("/gone"), policy=FAST)
    assert (caught.value.status, caught.value.exit_code) == (410, EXIT_INPUT)


def test_slow_answer_times_out(server: LocalServer) -> None:
    server.routes["/slow"] = lambda h: h.send(Reply(200, rss(ITEM), RSS, delay_s=1.0))
    with pytest.raises(FetchError, match="timed out waiting for the server") as caught:
        fetch_feed(server.url("/slow"), policy=FAST)
    assert caught.value.exit_code == EXIT_ENGINE
    server.routes["/slowish"] = lambda h: h.send(Reply(200, rss(ITEM), RSS, delay_s=0.1))
    assert fetch_feed(server.url("/slowish"), policy=FAST).status == 200


def test_size_limit_of_its_own(server: LocalServer) -> None:
    assert FEED_POLICY.max_bytes == 10 * 1024 * 1024  # a 2.4 MB podcast feed fits
    huge = rss(ITEM * 2000)  # over FAST's 100 kB, as a 50 MB feed is over the real limit
    server.routes["/huge"] = reply(200, huge, RSS)
    with pytest.raises(FetchError, match="too large"):
        fetch_feed(server.url("/huge"), policy=FAST)


def test_a_50_mb_feed_is_refused_safely(server: LocalServer) -> None:
    """The real limit: a 50 MB feed is refused by its declared size before a byte is read, and
    one that declares nothing is cut off at 10 MB, never held whole."""

    def declared(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(50 * 1024 * 1024))
        handler.end_headers()

    def endless(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.end_headers()
        handler.wfile.write(b'<rss version="2.0"><channel>')
        for _ in range(50 * 16):  # 50 MB in 64 kB writes, unless the client hangs up first
            handler.wfile.write(b"<item><title>x</title></item>" * 2200)

    server.routes["/declared"] = declared
    server.routes["/endless"] = endless
    with pytest.raises(FetchError, match=r"is too large \(52\.4 MB; the limit is 10\.5 MB\)"):
        fetch_feed(server.url("/declared"))
    with pytest.raises(FetchError, match=r"is larger than the limit of 10\.5 MB"):
        fetch_feed(server.url("/endless"))


@pytest.mark.parametrize("ctype", ["audio/mpeg", "image/png", "application/pdf"])
def test_types_no_feed_is(server: LocalServer, ctype: str) -> None:
    server.routes["/x"] = reply(200, b"ID3\x03", {"Content-Type": ctype})
    with pytest.raises(FetchError, match=f"is {ctype}, not a feed"):
        fetch_feed(server.url("/x"), policy=FAST)


def test_pacing_sees_every_hop(server: LocalServer) -> None:
    asked: list[str] = []
    server.routes["/a"] = reply(301, headers={"Location": "/b"})
    server.routes["/b"] = reply(200, rss(ITEM), RSS)
    fetch_feed(server.url("/a"), Validators(), FAST, before_request=asked.append)
    assert asked == [server.url("/a"), server.url("/b")]


# --- real feeds ---------------------------------------------------------------------------------

REAL = Path(__file__).parent / "data" / "feeds"


@pytest.mark.parametrize(
    "name, kind, items, first",
    [
        ("rss_2.0_bbc.xml", "rss", 1, "Marcus Aurelius"),
        ("rss_2.0_spiegel.xml", "rss", 1, None),
        ("rss_2.0_nightvale.xml", "rss", 1, None),
        ("rss_1.0_iso8859.xml", "rss", 1, None),
        ("jsonfeed_elastic_1.1.json", "json", 3, None),
        ("atom_example_6.xml", "atom", 4, None),
    ],
)
def test_real_feeds_are_read(name: str, kind: str, items: int, first: str | None) -> None:
    feed = read_feed((REAL / name).read_bytes(), f"https://example.org/{name}")
    assert (feed.kind, len(feed.items), feed.warnings) == (kind, items, ())
    assert all(item.title and item.link and item.published for item in feed.items[:1])
    if first:
        assert feed.items[0].title == first


@pytest.mark.parametrize(
    "name, whole", [("rss_2.0_bbc.xml", False), ("rss_2.0_nightvale.xml", True)]
)
def test_real_podcast_feeds_content_is_content_encoded(name: str, whole: bool) -> None:
    # Both give description and itunes:summary; only Night Vale's item has content:encoded.
    (item,) = read_feed((REAL / name).read_bytes(), f"https://example.org/{name}").items
    assert (item.content_html is not None) == whole


def test_a_real_feed_cut_by_a_server_error() -> None:
    raw = (REAL / "rss_2.0_invalid_1.xml").read_bytes()
    with pytest.raises(FeedReadError, match="cut short"):
        read_feed(raw, "https://www.reuters.com/feed", fetched=True)
