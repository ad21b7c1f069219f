"""Stage 7: the podcast feed — episodes rendered through ``podcast.xml.j2``.

The episodes (``episode.py``) come from the folder's catalog (``catalog.py``). The feed lists them
newest first, so re-rendering an article replaces its entry (same slug, same GUID) instead of adding
one. Follows Apple Podcasts' RSS requirements and the Podcasting 2.0 namespace. Every value is
cleaned of XML-illegal and bidi-override characters as it is rendered, so the feed is well-formed
XML 1.0 whatever an article contains.
"""

from __future__ import annotations

import html
import logging
import uuid
from collections.abc import Collection, Sequence
from copy import deepcopy
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from newsaudio.config import FeedConfig
from newsaudio.errors import EXIT_INPUT, FeedError
from newsaudio.publishing.episode import Episode, as_utc, newest_first
from newsaudio.reading.sanitize import clean_text
from newsaudio.resources import project_path, template_environment

FEED_FILE = "feed.xml"
GENERATOR = "newsaudio"  # the feed's <generator>: how a feed of ours is told from another tool's
TEMPLATE_FILE = "podcast.xml.j2"
# Apple counts the 4000 limit of <description> in bytes; Arabic letters take two bytes each.
DESCRIPTION_MAX_BYTES = 4000
# What is left of the lead when an episode has so many chapters that the list crowds it out.
MIN_LEAD_BYTES = 600
# Podcasting 2.0 <podcast:guid>: UUIDv5 of the feed URL (no scheme, no trailing slash) in this
# namespace, as the namespace's spec prescribes.
log = logging.getLogger(__name__)

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def podcast_guid(feed_url: str) -> str:
    """The channel's Podcasting 2.0 GUID."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def truncate_bytes(text: str, limit: int = DESCRIPTION_MAX_BYTES) -> str:
    """``text`` cut at a word boundary to at most ``limit`` UTF-8 bytes, with an ellipsis if cut.

    >>> truncate_bytes("كلمة كلمة كلمة", 12)
    'كلمة…'
    """
    if len(text.encode("utf-8")) <= limit:
        return text
    budget = limit - len("…".encode())
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def chapter_time(ms: int, hours: bool) -> str:
    """A chapter start as podcast apps read it in show notes: MM:SS, or HH:MM:SS in long episodes.

    >>> chapter_time(83_400, hours=False), chapter_time(83_400, hours=True)
    ('01:23', '00:01:23')
    """
    total = ms // 1000
    if hours:
        return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return f"{total // 60:02d}:{total % 60:02d}"


def show_notes(episode: Episode) -> str:
    """The item's show notes (``description`` and ``content:encoded``): the lead as a paragraph,
    then its chapters one a line (``00:00 title``), within Apple's 4000-byte description limit:
    the lead is cut first, down to ``MIN_LEAD_BYTES``; then the chapter list loses its last lines.

    HTML, because podcast apps read an item's description as HTML whatever it holds: plain text
    with a literal ``<b>`` in it was taken for markup (bold, or dropped by a sanitizer), and its
    line breaks ran together. Its text is the article's text, markup characters escaped.
    """
    # Cleaned before measuring: a lone surrogate cannot even be encoded to count its bytes.
    description = clean_text(episode.description)
    hours = episode.duration_s >= 3600
    lines = [
        _text_html(f"{chapter_time(c.start_ms, hours)} {clean_text(c.title)}")
        for c in episode.chapters
    ]
    if not lines:
        return f"<p>{_fit(description, DESCRIPTION_MAX_BYTES - len('<p></p>'))}</p>"
    overhead = len("<p></p><p></p>")
    listed = len("<br>".join(lines).encode())
    budget = max(DESCRIPTION_MAX_BYTES - overhead - listed, MIN_LEAD_BYTES)
    lead = _fit(description, budget)
    room = DESCRIPTION_MAX_BYTES - overhead - len(lead.encode())
    kept: list[str] = []
    for line in lines:
        room -= len(line.encode()) + (len("<br>") if kept else 0)
        if room < 0:
            break
        kept.append(line)
    return f"<p>{lead}</p><p>{'<br>'.join(kept)}</p>" if kept else f"<p>{lead}</p>"


def _text_html(text: str) -> str:
    """``text`` as HTML text. Numeric character references, not named ones: podcastparser, making
    its plain description from the HTML, turns those back into text but drops "&lt;b&gt;".

    >>> _text_html("a <b> & c")
    'a &#60;b&#62; &#38; c'
    """
    return text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")


def _fit(text: str, limit: int) -> str:
    """``text`` as HTML text of at most ``limit`` bytes, cut at a word boundary."""
    budget = limit
    while True:
        escaped = _text_html(truncate_bytes(text, budget))
        excess = len(escaped.encode()) - limit
        if excess <= 0:
            return escaped
        budget -= excess


def itunes_duration(seconds: float) -> str:
    """HH:MM:SS, as Apple recommends.

    >>> itunes_duration(3725.4)
    '01:02:05'
    """
    total = round(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def rfc2822(when: datetime) -> str:
    """RFC 2822 date in GMT. ``strftime`` would give Arabic day names under an Arabic locale."""
    return format_datetime(as_utc(when), usegmt=True)


def _xml_safe(value: object) -> object:
    """Jinja's finalize hook: every rendered string loses XML-illegal and bidi-override characters
    (U+202E would reverse a title on screen; a NUL would make the whole feed unreadable)."""
    return clean_text(value) if isinstance(value, str) else value


# The talking book's files (EPUB, DAISY) as the show notes name them, as the page does.
_BOOK_LABELS = ("الكتاب الناطق (EPUB)", "كتاب ديزي (DAISY 2.02، ملف مضغوط)")


def _book_links(books: list[tuple[str, str]]) -> str:
    """A paragraph of links to the talking book's files, for ``content:encoded`` (the
    description keeps Apple's limit for the lead and chapters)."""
    if not books:
        return ""
    links = (f'<a href="{html.escape(url)}">{_text_html(label)}</a>' for url, label in books)
    return "<p>" + " · ".join(links) + "</p>"


def _item(episode: Episode, config: FeedConfig) -> dict[str, Any]:
    """What the template needs of one episode beyond its fields: URLs, dates, show notes."""

    def url(name: str | None) -> str | None:
        return config.base_url + quote(name) if name else None

    notes = show_notes(episode)
    epub_url, daisy_url = url(episode.epub_file), url(episode.daisy_file)
    books = [(u, t) for u, t in zip((epub_url, daisy_url), _BOOK_LABELS, strict=True) if u]
    return {
        "episode": episode,
        "notes": notes,
        "content": notes + _book_links(books),
        "epub_url": epub_url,
        "daisy_url": daisy_url,
        "enclosure_url": url(episode.audio_file),
        "transcript_url": url(episode.transcript_file),
        "chapters_url": url(episode.chapters_file),
        "vtt_url": url(episode.vtt_file),
        "srt_url": url(episode.srt_file),
        "pub_date": rfc2822(episode.pub_date),
        "duration": itunes_duration(episode.duration_s),
    }


def existing_channel(path: Path) -> Any | None:
    """The ``<channel>`` of the feed at ``path`` (None when there is none), read strictly. A feed
    that cannot be read, another tool's, or a link (it would import another show's items) is
    refused before anything replaces it."""
    from lxml import etree

    if not path.exists() and not path.is_symlink():
        return None
    if path.is_symlink() or not path.is_file():
        raise FeedError(
            f"{path}: is a link or not a regular file; newsaudio reads and writes only its own "
            "files inside the output folder (remove it, then run `newsaudio feed`)"
        )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        channel = etree.parse(str(path), parser).getroot().find("channel")
    except (OSError, etree.XMLSyntaxError) as exc:
        raise FeedError(
            f"{path}: cannot be read ({exc}); newsaudio does not replace a feed it cannot read: "
            f"move it aside, then run `newsaudio feed`"
        ) from exc
    generator = channel.findtext("generator") if channel is not None else None
    if generator != GENERATOR:
        raise FeedError(
            f"{path}: another tool's feed (generator {generator!r}); newsaudio does not replace "
            "it: use another output folder, or move it aside",
            exit_code=EXIT_INPUT,
        )
    return channel


def foreign_items(
    channel: Any | None, guids: Collection[str], base_url: str, path: Path
) -> list[str]:
    """The items of the feed's ``channel`` that newsaudio did not write, as XML, to keep: another
    tool's or added by hand — neither one of our episodes (``guids``) nor pointing into the
    folder (``base_url``; an episode removed from the folder goes with its item)."""

    kept = []
    for item in channel.iterfind("item") if channel is not None else ():
        enclosure = item.find("enclosure")
        url = enclosure.get("url", "") if enclosure is not None else ""
        if item.findtext("guid") in guids or url.startswith(base_url):
            continue
        kept.append(_as_xml(item))
    if kept:
        log.warning("%s: keeping %d items newsaudio did not write", path, len(kept))
    return kept


def keep_channel_elements(xml: str, channel: Any | None, path: Path) -> str:
    """``xml`` (a feed we rendered) with the elements of the old ``channel`` that newsaudio does
    not write (``itunes:new-feed-url``, ``podcast:funding``, anything added by hand or by a
    host), in their order, before the items. Where both set an element, the configuration wins:
    the feed is rewritten from it every time; a hand edit replaced so is said in a warning that
    names the setting to change instead."""
    from lxml import etree

    if channel is None:
        return xml
    start = xml.find("<item>")
    start = xml.rindex("</channel>") if start < 0 else start
    ours = etree.fromstring(xml[:start].encode("utf-8") + b"</channel></rss>").find("channel")
    written: dict[tuple[str, str | None], list[Any]] = {}
    for element in ours.iterchildren(tag=etree.Element):
        written.setdefault(_key(element), []).append(element)
    kept = []
    for element in channel.iterchildren(tag=etree.Element):
        key = _key(element)
        if key[0] == "item":
            continue
        if key not in written:
            kept.append(_as_xml(element))
        elif key[0] not in _DERIVED and _replaced(element, written[key]):
            name = (
                element.prefix + ":" + etree.QName(element).localname if element.prefix else key[0]
            )
            log.warning(
                "%s: <%s> %r is replaced by %r from the configuration; newsaudio.toml decides "
                "the channel elements newsaudio writes (%s)",
                path,
                name,
                _shown(element),
                _shown(written[key][0]),
                _SETTINGS.get(key[0], "not a setting"),
            )
    return xml[:start] + "".join(f"{element}\n    " for element in kept) + xml[start:]


# The channel elements newsaudio writes that change by themselves: never a hand edit.
_DERIVED = frozenset({"lastBuildDate"})
_ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
# Where each channel element newsaudio writes comes from, for the warning above.
_SETTINGS = {
    "title": "[feed] title",
    "link": "[feed] link",
    "description": "[feed] description",
    "language": "[feed] language",
    "image": "[feed] image",
    f"{_ITUNES}image": "[feed] image",
    f"{_ITUNES}author": "[feed] author",
    f"{_ITUNES}owner": "[feed] owner_email and author",
    f"{_ITUNES}category": "[feed] category and subcategory",
    f"{_ITUNES}explicit": "[feed] explicit",
    "{http://www.w3.org/2005/Atom}link": "[feed] base_url",
    "{https://podcastindex.org/namespace/1.0}guid": "[feed] base_url",
}


def _as_xml(element: Any) -> str:
    """``element`` as XML to carry over, declaring only the namespaces it uses."""
    from lxml import etree

    copy = deepcopy(element)
    copy.tail = None
    etree.cleanup_namespaces(copy)
    return str(etree.tostring(copy, encoding="unicode"))


def _key(element: Any) -> tuple[str, str | None]:
    """What tells a channel element apart: its name, and for ``atom:link`` its ``rel`` (ours is
    "self"; a WebSub "hub" link is someone else's)."""
    tag = str(element.tag)
    return tag, element.get("rel") if tag.endswith("}link") else None


def _replaced(element: Any, ours: list[Any]) -> bool:
    return _shape(element) not in [_shape(o) for o in ours]


def _shape(element: Any) -> tuple[object, ...]:
    """An element's name, attributes, text and children, whitespace between them ignored."""
    from lxml import etree

    children = tuple(_shape(child) for child in element.iterchildren(tag=etree.Element))
    return (element.tag, sorted(element.attrib.items()), (element.text or "").strip(), children)


def _shown(element: Any) -> str:
    text = " ".join(element.itertext()).strip() or " ".join(element.attrib.values())
    return text if len(text) <= 60 else text[:59] + "…"


def render_feed(
    episodes: list[Episode],
    config: FeedConfig,
    template: Path | None = None,
    keep: Sequence[str] = (),
) -> str:
    """The feed XML for ``episodes``: sorted newest first, the newest ``max_episodes`` if set;
    ``keep``: other items (XML) to carry over, after ours."""
    template = template or project_path(TEMPLATE_FILE)
    env = template_environment(template, finalize=_xml_safe)
    ordered = newest_first(episodes)
    if config.max_episodes:
        ordered = ordered[: config.max_episodes]
    items = [_item(e, config) for e in ordered]
    try:
        xml = env.get_template(template.name).render(
            channel=config,
            podcast_guid=podcast_guid(config.feed_url),
            last_build_date=rfc2822(ordered[0].pub_date) if ordered else None,
            items=items,
        )
    except jinja2.TemplateError as exc:
        raise FeedError(f"{template}: cannot render the feed ({exc})") from exc
    if keep:
        end = xml.rindex("</channel>")
        xml = xml[:end] + "".join(f"  {item}\n  " for item in keep) + xml[end:]
    return xml
