"""A site's feed, read: RSS 2.0 (and 0.9x, 1.0), Atom 1.0 and JSON Feed 1.1 → :class:`Feed`; an
OPML list → the feeds it lists. The one boundary where feedparser is called.

A feed is someone else's bytes, so they are judged before a parser sees them:

- **Charset as a page's** (``decode.py``): the bytes first (a byte-order mark, UTF-8), then the
  server's ``charset``, then the XML declaration's ``encoding``, else Windows-1256 or ISO-8859-6
  when it reads as Arabic (older Arabic sites still serve them). The text goes to feedparser
  re-encoded as UTF-8.
- **No entity declarations.** A feed whose prolog declares entities is refused: "billion laughs"
  (nested entities expanding to gigabytes) and external entities (``SYSTEM "file:///etc/passwd"``)
  both need one, and no real feed declares any. feedparser also drops unsafe declarations and never
  loads a DTD; the refusal makes the line clear and does not depend on its version.
- **Bytes, never a string**: ``feedparser.parse`` takes a ``str`` — and even ``bytes`` — as a URL
  or a file *name* to open when it can (``parse(b"/etc/passwd")`` reads that file). It gets a
  ``BytesIO``, which it only reads.
- **Cut short**: a feed whose root element is never closed was cut short on the way (or saved
  half); none of its items is trusted, it is read again next time.
- **Malformed but whole** (an unescaped ``&``, a stray control character, as real feeds have): read
  by feedparser's lenient parser, as podcast apps read it, with a warning.

The size limit is the fetcher's (``feed_fetch.py``), applied while downloading.
"""

from __future__ import annotations

import calendar
import contextlib
import html
import io
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from newsaudio.errors import EXIT_ENGINE, FeedReadError
from newsaudio.reading.decode import decode
from newsaudio.reading.published import published_date
from newsaudio.reading.sanitize import clean_line, clean_text, clean_url, unescape

log = logging.getLogger(__name__)

# A real Arabic podcast feed (BBC Arabic's "يستحق الانتباه": 454 episodes, full show notes) is
# 2.4 MB; a news site's feed is 50–500 kB. Four times the largest seen, nothing like a 50 MB feed.
FEED_MAX_BYTES = 10 * 1024 * 1024

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
# What may follow the root's end tag: whitespace, comments (caches sign their pages) and PIs.
_TRAILER = r"\s*(?:<!--.*?-->\s*|<\?.*?\?>\s*)*\Z"
_TAG = re.compile(r"<[^>]*>")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf", "opml"})
_CONTENT_MODULE = "http://purl.org/rss/1.0/modules/content/"  # RSS's content:encoded
_FEED_LINK = re.compile(
    r"""<link\b[^>]*\btype\s*=\s*["']application/(?:rss|atom)\+xml["'][^>]*>""", re.IGNORECASE
)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_JSON_FEED_VERSION = "https://jsonfeed.org/version/1"
# feedparser's complaints that only say the charset we gave it differs from a header it never saw.
_HARMLESS_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed, as the feed gives it (cleaned: one-line titles, http(s) links)."""

    title: str
    guid: str | None = None
    # The GUID is unique only within its feed (RSS ``isPermaLink="false"``, a JSON Feed id, a
    # GUID that is no URI): the item's key then names the feed too.
    guid_scoped: bool = False
    link: str | None = None
    published: datetime | None = None
    # As the feed writes it: a change of it says the item changed.
    updated: str | None = None
    author: str | None = None
    # The full article when the feed carries it (content:encoded, Atom content, JSON
    # content_html), else None; the summary (RSS description, Atom summary) separately.
    content_html: str | None = None
    summary_html: str | None = None
    image: str | None = None


@dataclass(frozen=True)
class Feed:
    """A feed's items, newest first as the feed lists them; or, for an OPML list, the feeds it
    names (``subscriptions``) and no items."""

    url: str
    kind: str  # "rss", "atom", "json" or "opml"
    title: str | None = None
    link: str | None = None
    items: tuple[FeedItem, ...] = ()
    subscriptions: tuple[str, ...] = ()
    # What was odd but readable (malformed XML read leniently), said once by the caller.
    warnings: tuple[str, ...] = field(default=())


def read_feed(raw: bytes, url: str, charset: str | None = None, *, fetched: bool = False) -> Feed:
    """The feed (or OPML list) in ``raw``, fetched from (or saved at) ``url``; ``charset`` is the
    server's. :class:`FeedReadError` names ``url`` and says what is wrong: not a feed, unsafe, cut
    short (on the way when ``fetched``: the network's, try again)."""
    text = _decode(raw, charset, url)
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith(("{", "[")):
        return _json_feed(start, url)
    if not start.startswith("<"):
        raise FeedReadError(f"{url}: is not a feed (RSS, Atom or JSON Feed) nor an OPML list")
    root = _root(start, url)
    if root.casefold() == "html":
        raise FeedReadError(f"{url}: is a web page, not a feed{_feed_link_hint(start, url)}")
    if root.casefold() not in _FEED_ROOTS:
        raise FeedReadError(
            f"{url}: is XML ({root}), not a feed (RSS, Atom or JSON Feed) nor an OPML list"
        )
    if not re.search(rf"</\s*{re.escape(root)}\s*>{_TRAILER}", start, re.DOTALL):
        problem = f"{url}: ends before its closing </{root}> (cut short?)"
        if fetched:
            raise FeedReadError(f"{problem}; it is read again next time", exit_code=EXIT_ENGINE)
        raise FeedReadError(problem)
    if root.casefold() == "opml":
        return _opml(start, url)
    return _xml_feed(start, url)


def _decode(raw: bytes, charset: str | None, url: str) -> str:
    """Text as :func:`~newsaudio.reading.decode.decode` reads a page: the bytes first (a
    byte-order mark, UTF-8), then as declared (the server, then the XML declaration), else
    Windows-1256 or ISO-8859-6 that reads as Arabic."""
    decoded = decode(raw, [charset] if charset else [])
    if decoded is None:
        raise FeedReadError(f"{url}: is not readable text (unknown or wrong character encoding)")
    if decoded.guess:
        log.warning("%s: %s", url, decoded.guess)
    return decoded.text


def _root(text: str, url: str) -> str:
    """The root element's name, after refusing a prolog that declares entities."""
    match = _ROOT.search(text)
    if match is None:
        raise FeedReadError(f"{url}: is not a feed (no XML element)")
    if _ENTITY_DECLARATION.search(text, 0, match.start()):
        raise FeedReadError(
            f"{url}: declares XML entities; refused (newsaudio never expands them: entity "
            "expansion and external entities are how a feed attacks its reader)"
        )
    return match.group(1)


def _feed_link_hint(page: str, url: str) -> str:
    """ "; its feed is …" when the page names its feed (``<link rel="alternate" type=…>``)."""
    for link in _FEED_LINK.finditer(page[:200_000]):
        href = _HREF.search(link.group())
        target = clean_url(urljoin(url, html.unescape(href[1]))) if href else None
        if target:
            return f"; the page names its feed: {target}"
    return ""


# --- RSS and Atom (feedparser) --------------------------------------------------------------------


def _xml_feed(text: str, url: str) -> Feed:
    import feedparser  # 0.2 s: only a run that reads a feed pays it

    utf8 = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    headers = {"content-type": "application/xml; charset=utf-8", "content-location": url}
    parsed = feedparser.parse(io.BytesIO(utf8.encode("utf-8")), response_headers=headers)
    if not parsed.get("version"):
        raise FeedReadError(f"{url}: is not a feed (RSS, Atom or JSON Feed) nor an OPML list")
    warnings = []
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and type(problem).__name__ not in _HARMLESS_BOZO:
        warnings.append(f"{url}: is not well-formed XML ({problem}); read leniently")
    kind = "atom" if parsed.version.startswith("atom") else "rss"
    channel = parsed.feed
    # feedparser files an item's second summary (a podcast's itunes:summary beside its
    # description) as its content: in RSS only content:encoded is the article.
    whole = kind == "atom" or _CONTENT_MODULE in parsed.get("namespaces", {}).values()
    items = tuple(_entry(entry, kind, whole) for entry in parsed.entries)
    return Feed(
        url,
        kind,
        title=_text(channel.get("title"), channel.get("title_detail")),
        link=clean_url(channel.get("link")),
        items=tuple(item for item in items if item is not None),
        warnings=tuple(warnings),
    )


def _entry(entry: Any, kind: str, whole: bool) -> FeedItem | None:
    """One feedparser entry; None when it has neither a title nor a link (nothing to follow).
    ``whole``: whether its feed can carry articles whole (else its content is a summary)."""
    guid = clean_line(entry.get("id"), 2000)
    title = _text(entry.get("title"), entry.get("title_detail"))
    link = clean_url(entry.get("link"))
    if not (title or link):
        return None
    # A GUID that is no URI ("12345") is unique within its feed only, and so is an RSS GUID that
    # is not the item's permalink (isPermaLink="false"; feedparser keeps no attribute, but such a
    # GUID is neither taken for the link nor equal to it).
    scoped = bool(guid) and (
        not _is_uri(guid or "")
        or (kind == "rss" and not entry.get("guidislink") and guid != entry.get("link"))
    )
    contents = [c.get("value", "") for c in entry.get("content") or () if c.get("value")]
    if not whole:
        contents = []
    author = entry.get("author_detail", {}).get("name") or entry.get("author")
    return FeedItem(
        title=title or "",
        guid=guid,
        guid_scoped=scoped,
        link=link,
        published=_date(entry, "published") or _date(entry, "updated"),
        # dict.get: feedparser's own get maps a missing "updated" to "published", with a warning.
        updated=clean_line(dict.get(entry, "updated")),
        author=clean_line(unescape(author)) if author else None,
        content_html="\n".join(contents) or None,
        summary_html=entry.get("summary") or None,
        image=_image(entry),
    )


def _text(value: str | None, detail: Any) -> str | None:
    """A title as text: feedparser leaves an HTML-typed title as HTML."""
    if not value:
        return None
    if detail and "html" in (detail.get("type") or ""):
        value = html.unescape(_TAG.sub(" ", value))
    return clean_line(value)


def _date(entry: Any, name: str) -> datetime | None:
    """feedparser's reading of the date (UTC), else ours: Arabic month names, Eastern digits."""
    parsed = dict.get(entry, f"{name}_parsed")
    if parsed:
        return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc)
    raw = dict.get(entry, name)
    return published_date(raw)[0] if raw else None


def _image(entry: Any) -> str | None:
    for media in [*(entry.get("media_thumbnail") or ()), *(entry.get("media_content") or ())]:
        image = clean_url(media.get("url"))
        if image and media.get("medium", "image") == "image":
            return image
    for enclosure in entry.get("enclosures") or ():
        if str(enclosure.get("type", "")).startswith("image/"):
            return clean_url(enclosure.get("href"))
    return None


def _is_uri(value: str) -> bool:
    """Whether a GUID is a URI (``https://…``, ``tag:…``, ``urn:…``), unique beyond its feed."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S", value))


# --- JSON Feed ------------------------------------------------------------------------------------


def _json_feed(text: str, url: str) -> Feed:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FeedReadError(f"{url}: is not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        _JSON_FEED_VERSION
    ):
        raise FeedReadError(f"{url}: is JSON but not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedReadError(f"{url}: is a JSON Feed without items")
    read = (_json_item(item, url) for item in items if isinstance(item, dict))
    return Feed(
        url,
        "json",
        title=clean_line(_string(data.get("title"))),
        link=clean_url(_string(data.get("home_page_url"))),
        items=tuple(item for item in read if item is not None),
    )


def _json_item(item: dict[str, Any], url: str) -> FeedItem | None:
    title = clean_line(unescape(_string(item.get("title")) or ""))
    link = clean_url(urljoin(url, _string(item.get("url")) or "")) or clean_url(
        _string(item.get("external_url"))
    )
    if not (title or link):
        return None
    content = _string(item.get("content_html"))
    if content is None and _string(item.get("content_text")):
        paragraphs = (_string(item.get("content_text")) or "").split("\n\n")
        content = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p.strip())
    authors = item.get("authors") or (
        [item["author"]] if isinstance(item.get("author"), dict) else []
    )
    names = [name for a in authors if isinstance(a, dict) and (name := _string(a.get("name")))]
    guid = _string(item.get("id"))
    published = _string(item.get("date_published")) or _string(item.get("date_modified"))
    return FeedItem(
        title=title or "",
        guid=clean_line(guid, 2000),
        guid_scoped=bool(guid),  # "unique for that item for that feed over time"
        link=link,
        published=published_date(published)[0] if published else None,
        updated=clean_line(_string(item.get("date_modified"))),
        author=clean_line("، ".join(names)) if names else None,
        content_html=content or None,
        summary_html=_string(item.get("summary")),
        image=clean_url(_string(item.get("image"))),
    )


def _string(value: Any) -> str | None:
    """A JSON value that should be a string; a number id is one too."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return value if isinstance(value, str) and value.strip() else None


# --- OPML -----------------------------------------------------------------------------------------


def _opml(text: str, url: str) -> Feed:
    """The feeds an OPML list names (``<outline xmlUrl=…>``, nested or not), once each."""
    from lxml import etree

    # The prolog was checked for entity declarations; lxml is told not to resolve or fetch any.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        tree = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise FeedReadError(f"{url}: is not a readable OPML list ({exc})") from exc
    feeds: dict[str, None] = {}
    for outline in tree.iter("outline"):
        target = outline.get("xmlUrl") or outline.get("xmlurl")
        with contextlib.suppress(ValueError):
            found = clean_url(urljoin(url, target)) if target else None
            if found:
                feeds[found] = None
    if not feeds:
        raise FeedReadError(f"{url}: is an OPML list naming no feeds (no outline with xmlUrl)")
    title = tree.findtext("head/title")
    return Feed(url, "opml", title=clean_line(title), subscriptions=tuple(feeds))


def item_text(value: str | None) -> str:
    """The text of an item's HTML (content or summary), one line: to compare and to hash.

    >>> item_text("<p>خبر <b>عاجل</b></p>&amp; المزيد")
    'خبر عاجل & المزيد'
    """
    return " ".join(html.unescape(_TAG.sub(" ", clean_text(value or ""))).split())
