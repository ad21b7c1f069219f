"""Text blocks and metadata from a saved news web page, through trafilatura.

trafilatura (the best-scoring open-source main-text extractor) finds the article among the page's
menus, widgets, comment forms and related-story lists. This module is the one boundary that calls
it: it maps trafilatura's output (an XML body with ``<head rend="hN">``, ``<p>``, ``<list>``,
``<quote>`` and ``<lb/>``) to our text blocks, and fills in what trafilatura leaves out — the
headline without its site-name suffix, the full publish time, the image, description and canonical
URL from JSON-LD, and the page's declared language. Everything here runs offline.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from newsaudio.resources import data_toml

log = logging.getLogger(__name__)

# Class or id words of widgets that real Arabic sites put inside or beside the article and that
# trafilatura sometimes keeps: comment forms, polls, newsletters, "most read", related lists.
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:comments?|respond|reply|related|most-?(?:read|viewed|popular)|popular|"
    r"trending|newsletter|subscribe|poll|vote|share|sharing|social|breadcrumbs?|read-?(?:also|more)|"
    r"see-?also|tags?|keywords|latest|ticker|marquee|author-?box|prev-?next|pagination|"
    r"ads?|advert\w*|sponsor\w*|promo|cookie\w*|consent|outbrain|taboola|"
    # A live blog's "key points" box repeats its updates.
    r"key-?points|highlights|side-?bar|side|widgets?)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Picture captions are not read out; their containers go, the text around them stays.
_FIGURE = re.compile(r"caption|inline-?img|image|photo|picture|figure|gallery", re.IGNORECASE)
# A widget larger than this share of the page's text is the article's own wrapper, not a widget.
_MAX_WIDGET_SHARE = 0.3
# An element holding a picture and at most this many words is a picture with its caption.
_MAX_CAPTION_WORDS = 30
# Characters between a dropped subheading and the kept paragraph after it (spaces, a date).
_MAX_HEADING_GAP = 40
# Words of paragraphs an extraction must find before a more permissive one is not tried.
_ENOUGH_WORDS = 60
# A title's parts: "headline | site", "headline - site", "site :: headline".
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·/«»]{1,2}\s+")
_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "blogposting",
    "liveblogposting",
    "report",
    "webpage",
}


@dataclass
class HtmlPage:
    """Blocks in reading order, the headline first; ``headings`` holds the indexes of subheading
    blocks; ``lang`` is the page's declared language (``<html lang>``)."""

    blocks: list[str] = field(default_factory=list)
    headings: set[int] = field(default_factory=set)
    meta: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None


def parse_html(html: str) -> HtmlPage:
    """Headline, subheadings and paragraphs of a news page, plus its metadata.

    An empty ``blocks`` list means nothing article-like was found.
    """
    # Imported here: trafilatura and lxml take a noticeable share of a second to import.
    import lxml.html
    import trafilatura

    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return HtmlPage()
    ld = _json_ld(tree)
    meta_doc = trafilatura.extract_metadata(tree)
    _prepare(tree)
    subheadings = _subheadings(tree)
    page_text = " ".join(tree.text_content().split())
    body: list[tuple[str, str]] = []
    # Precision first (least chrome). Some WordPress themes and old layouts defeat it entirely;
    # only then the balanced and the recall-oriented settings, which let more chrome through.
    for precision, recall in ((True, False), (False, False), (False, True)):
        doc = trafilatura.bare_extraction(
            tree,
            include_comments=False,
            include_tables=False,
            favor_precision=precision,
            favor_recall=recall,
        )
        if isinstance(doc, dict) or doc is None:  # dict only with as_dict=True
            continue
        body = list(_blocks(doc.body, frozenset(_key(h) for h in subheadings)))
        if any(kind == "p" for kind, _ in body):
            break
    # Client-rendered pages (React, Next.js) ship the text only as JSON-LD's articleBody; where
    # trafilatura falls back on it, it joins its paragraphs into one.
    article_body = ld.get("articleBody")
    if isinstance(article_body, str):
        paragraphs = " ".join(text for kind, text in body if kind == "p")
        if not paragraphs or _key(paragraphs) == _key(article_body):
            body = [("p", line) for line in _split(article_body)]
    body = _restore_headings(page_text, body, subheadings)
    meta = _metadata(tree, meta_doc, ld)
    headline = _headline(tree, body, meta)
    page = HtmlPage(meta=meta, lang=_lang(tree))
    if headline:
        page.blocks.append(headline)
        # What comes before the headline in the extract (kicker, date, section name) is chrome.
        at = next((i for i, (_, text) in enumerate(body) if _same(text, headline)), -1)
        body = body[at + 1 :]
    for kind, text in body:
        if not page.blocks and kind != "p":
            continue
        if kind == "h1" or _same(text, headline):
            continue  # the article's own title, already the headline
        if kind != "p":
            page.headings.add(len(page.blocks))
        page.blocks.append(text)
    return page


def _prepare(tree: Any) -> None:
    """Undo what hides the article from trafilatura, and remove what it tends to keep.

    Old sites lay pages out with nested tables, which trafilatura skips as data tables: they become
    plain containers. Widgets are removed by their class or id, unless they hold most of the page
    (then the word is on the article's wrapper). Pictures with captions are removed with
    ``drop_tree``, which keeps the text that follows them: in ``<br>``-separated bodies that text
    is the next paragraph.
    """
    for table in tree.xpath("//table[.//table or .//td[string-length(normalize-space()) > 200]]"):
        for element in [table, *table.iter("tbody", "thead", "tr", "td", "th")]:
            element.tag = "div"
    total = max(1, len(tree.text_content()))
    for element in list(tree.iter("div", "section", "aside", "ul", "ol", "form", "span", "p")):
        if element.getparent() is None:
            continue  # already removed with an ancestor
        names = f"{element.get('class', '')} {element.get('id', '')}"
        text = element.text_content()
        widget = _CHROME.search(names) and len(text) < total * _MAX_WIDGET_SHARE
        if widget and not element.xpath(".//h1"):
            element.drop_tree()
            continue
        picture = _FIGURE.search(names) or element.tag == "figure"
        if picture and element.xpath(".//img") and len(text.split()) <= _MAX_CAPTION_WORDS:
            element.drop_tree()
    for element in list(tree.iter("figure", "figcaption")):
        if element.getparent() is not None:
            element.drop_tree()
    # Headings pasted from word processors wrap their text in spans and <o:p>, which trafilatura
    # drops with the heading: keep only the text.
    for heading in tree.iter("h1", "h2", "h3", "h4"):
        text = " ".join(heading.text_content().split())
        for child in list(heading):
            heading.remove(child)
        heading.text = text


def _subheadings(tree: Any) -> list[str]:
    """Texts of the page's ``h2``–``h4`` outside headers, footers and sidebars, in page order.
    A heading that links elsewhere is another story's headline, not a subheading."""
    found = tree.xpath(
        "//*[self::h2 or self::h3 or self::h4][not(.//a)]"
        "[not(ancestor::header or ancestor::footer or ancestor::aside or ancestor::nav)]"
    )
    return [text for h in found if (text := _text(h))]


def _restore_headings(
    page_text: str, body: list[tuple[str, str]], subheadings: list[str]
) -> list[tuple[str, str]]:
    """Put back the subheadings trafilatura dropped (it loses some inside word-processor markup).

    A subheading is restored only where the page has it directly before a paragraph the
    extraction kept, so headings of widgets it rightly removed stay out.
    """
    kept = {_key(text) for kind, text in body if kind != "p"}
    positions = [page_text.find(text[:60]) for _, text in body]
    restored = list(body)
    for heading in subheadings:
        if _key(heading) in kept:
            continue
        at = page_text.find(heading)
        if at < 0:
            continue
        end = at + len(heading)
        following = [i for i, pos in enumerate(positions) if pos >= end]
        if not following or not any(0 <= pos < at for pos in positions):
            continue
        first = following[0]
        if positions[first] - end > _MAX_HEADING_GAP or len(body[first][1].split()) < 10:
            continue  # a widget's heading over a line or two, not a section over a paragraph
        restored.insert(first + len(restored) - len(body), ("h2", heading))
        kept.add(_key(heading))
    return restored


_HTML_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_HTML_PARAGRAPHS = {"p", "li", "blockquote", "dd", "dt", "pre", "quote", "item"}


def _blocks(body: Any, subheadings: frozenset[str]) -> Iterator[tuple[str, str]]:
    """(kind, text) for the extracted body: kind is "h1".."h6" or "p".

    trafilatura's normal output is flat (``head``, ``p``, ``list``, ``quote``); its fallback
    extractors return nested HTML containers, which are walked the same way.
    """
    if body.text and body.text.strip() and body.tag not in {"body"}:
        yield from (("p", line) for line in _split(body.text))
    for element in body:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "head" or tag in _HTML_HEADINGS:
            rend = (element.get("rend") or tag).lower()
            yield (rend if rend in _HTML_HEADINGS else "h2"), _text(element)
        elif tag in {"list", "ul", "ol", "dl"}:
            for item in element.iter("item", "li", "dd"):
                yield "p", _text(item)
        elif tag in _HTML_PARAGRAPHS:
            # <br>-separated paragraphs arrive as one <p> with <lb/> line breaks: split them.
            for line in _lines(element):
                yield ("h2" if _key(line) in subheadings else "p"), line
        elif tag and tag not in {"lb", "br", "graphic", "img", "table"}:
            yield from _blocks(element, subheadings)
        if element.tail and element.tail.strip():
            yield from (("p", line) for line in _split(element.tail))


def _split(text: str) -> Iterator[str]:
    for line in text.split("\n"):
        if line.strip():
            yield " ".join(line.split())


def _lines(element: Any) -> Iterator[str]:
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag in {"lb", "br"}:
            parts.append("\n")
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    yield from _split("".join(parts))


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


# --- metadata ----------------------------------------------------------------------------------


def _json_ld(tree: Any) -> dict[str, Any]:
    """The page's article object from JSON-LD (NewsArticle and kin, also inside an @graph)."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content() or "")
        except ValueError:
            continue
        for item in _ld_items(data):
            types = item.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(str(t).lower() in _ARTICLE_TYPES for t in names) and item.get("headline"):
                return item
    return {}


def _ld_items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _ld_items(entry)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_items(data["@graph"])


def _ld_text(value: Any) -> str | None:
    """A JSON-LD value that may be a string, an object with name/url, or a list of them."""
    if isinstance(value, list):
        names = [n for n in (_ld_text(v) for v in value) if n]
        return "، ".join(names) or None
    if isinstance(value, dict):
        return _ld_text(value.get("name") or value.get("url") or value.get("@id"))
    return str(value).strip() or None if isinstance(value, str) else None


def _first_url(value: Any) -> str | None:
    if isinstance(value, list):
        return next((u for u in (_first_url(v) for v in value) if u), None)
    if isinstance(value, dict):
        return _first_url(value.get("url") or value.get("@id") or value.get("contentUrl"))
    return value.strip() or None if isinstance(value, str) else None


def _meta_tag(tree: Any, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            if found and found[0].strip():
                return str(found[0]).strip()
    return None


def _metadata(tree: Any, doc: Any, ld: dict[str, Any]) -> dict[str, Any]:
    """Metadata by the most reliable source first: the page's own tags, JSON-LD, trafilatura."""
    canonical = tree.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href")
    times = tree.xpath("//article//time/@datetime | //time[@itemprop='datePublished']/@datetime")
    meta: dict[str, Any] = {
        "title": _ld_text(ld.get("headline")),
        "og_title": _meta_tag(tree, "og:title", "twitter:title"),
        "page_title": " ".join(tree.findtext(".//title", "").split()) or None,
        "extracted_title": getattr(doc, "title", None) if doc is not None else None,
        "date": _meta_tag(tree, "article:published_time", "datePublished", "pubdate")
        or _ld_text(ld.get("datePublished"))
        or (times[0].strip() if times else None)
        or (getattr(doc, "date", None) if doc is not None else None),
        "author": _ld_author(ld.get("author"))
        or _meta_tag(tree, "author", "article:author", "dc.creator")
        or _byline(tree)
        or (getattr(doc, "author", None) if doc is not None else None),
        "url": (canonical[0].strip() if canonical else None)
        or _meta_tag(tree, "og:url")
        or _first_url(ld.get("mainEntityOfPage"))
        or _first_url(ld.get("url")),
        "image": _meta_tag(tree, "og:image", "twitter:image") or _first_url(ld.get("image")),
        "source": _meta_tag(tree, "og:site_name", "application-name")
        or _ld_text(ld.get("publisher"))
        or (getattr(doc, "sitename", None) if doc is not None else None),
        "description": _meta_tag(tree, "og:description", "description", "twitter:description")
        or _ld_text(ld.get("description")),
    }
    if not meta["source"]:
        titles = (meta["page_title"], meta["og_title"])
        meta["source"] = next((p for t in titles if t and (p := site_name_part(t, None))), None)
    # An author given as a profile URL (article:author on some CMSs) is not a name to read out,
    # and the site itself named as author is not a byline.
    author = meta["author"] = _BYLINE_PREFIX.sub("", meta["author"] or "").strip() or None
    if author and (re.match(r"https?://", author) or _same(author, meta["source"])):
        meta["author"] = None
    return meta


def _ld_author(value: Any) -> str | None:
    """JSON-LD authors that are people; an Organization as author is the site, not a byline."""
    if isinstance(value, list):
        names = [n for n in (_ld_author(v) for v in value) if n]
        return "، ".join(names) or None
    if isinstance(value, dict) and str(value.get("@type", "")).lower() == "organization":
        return None
    return _ld_text(value)


def _byline(tree: Any) -> str | None:
    """The author marked up in the page (RDFa, microdata, rel=author), outside comments."""
    found = tree.xpath(
        "//*[@rel='author' or @rel='schema:author' or @itemprop='author' or @property='author']"
        "[not(ancestor::*[contains(@class,'comment')])]"
    )
    found += tree.xpath(
        "//*[contains(@class,'byline') or contains(@class,'author-name') or @class='writer']"
        "[not(ancestor::*[contains(@class,'comment')])]"
    )
    for element in found:
        names = element.xpath(".//*[@itemprop='name' or @property='schema:name']")
        text = " ".join((names[0] if names else element).text_content().split())
        text = _BYLINE_PREFIX.sub("", text).strip()
        if text and len(text.split()) <= 6:
            return text
    return None


# "بقلم فلان", "كتب: فلان", "بواسطة فلان": the name is what follows.
_BYLINE_PREFIX = re.compile(r"^(?:بقلم|كتبت|كتب|بواسطة|إعداد|تقرير|by)\s*[:：-]?\s*", re.IGNORECASE)


def _lang(tree: Any) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    return lang.strip().lower() if lang and lang.strip() else None


# --- headline ----------------------------------------------------------------------------------


@cache
def _site_words() -> frozenset[str]:
    """Words that mark a title part as the site's name rather than the story's."""
    return frozenset(_key(w) for w in data_toml("boilerplate.toml")["site_name_words"])


def _key(text: str) -> str:
    text = re.sub("[\u064b-\u0652\u0640]", "", text.casefold())
    text = re.sub("[أإآٱ]", "ا", text).replace("ى", "ي").replace("ة", "ه")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b) and _key(a or "") == _key(b or "")


def site_name_part(title: str, site: str | None) -> str | None:
    """The part of a page title that names the site, if one does.

    >>> site_name_part("شبكة الرافدين الإخبارية :: الزوراء يتصدر دوري نجوم العراق", None)
    'شبكة الرافدين الإخبارية'
    """
    stripped = strip_site_name(title, site)
    if stripped == title:
        return None
    part = title.replace(stripped, "", 1)
    return _TITLE_SEPARATORS.sub("", f" {part} ").strip() or None


def strip_site_name(title: str, site: str | None) -> str:
    """``title`` without a leading or trailing site-name part ("… | CNN Arabic").

    A part is the site's when it matches the site name, or is short and made of words that name
    sites ("نيوز", "عربية", "اليوم السابع"), while the rest is a real headline.

    >>> strip_site_name("انطلاق القمة العربية في بغداد | سكاي نيوز عربية", None)
    'انطلاق القمة العربية في بغداد'
    >>> strip_site_name("مصر - السودان: اتفاق جديد لتقاسم مياه النيل", None)
    'مصر - السودان: اتفاق جديد لتقاسم مياه النيل'
    """
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEPARATORS.findall(title)
    for index in (len(parts) - 1, 0):
        part = parts[index]
        if _is_site_part(part, site):
            rest = parts[:index] + parts[index + 1 :]
            rest_seps = seps[: index - 1] + seps[index:] if index else seps[1:]
            joined = rest[0] + "".join(s + p for s, p in zip(rest_seps, rest[1:], strict=False))
            if len(joined.split()) >= 3:
                return joined.strip()
    return title


def _is_site_part(part: str, site: str | None) -> bool:
    key = _key(part)
    if not key:
        return False
    if site and (key in _key(site) or _key(site) in key):
        return True
    words = key.split()
    return len(words) <= 4 and any(w in _site_words() for w in words)


def _headline(tree: Any, body: list[tuple[str, str]], meta: dict[str, Any]) -> str | None:
    """The story's headline.

    The page's ``<h1>`` that agrees with its title tags wins (it is the headline as shown, without
    the site name); else the first ``<h1>`` that sits in the article rather than in the site's
    header (a logo's ``<h1>`` does not); else the first title tag with the site name removed.
    """
    site = meta.get("source")
    titles = [
        strip_site_name(t, site)
        for key in ("title", "og_title", "page_title", "extracted_title")
        if (t := meta.get(key))
    ]
    h1s = [text for kind, text in body if kind == "h1"]
    h1s += [
        " ".join(h.text_content().split())
        for h in tree.iter("h1")
        if not h.xpath("ancestor::header or ancestor::nav or ancestor::*[@role='banner']")
        or h.xpath("ancestor::article")
    ]
    h1s = [h for h in h1s if h and not _is_site_part(h, site)]
    for h1 in h1s:
        if any(_same(h1, t) or (len(h1.split()) >= 3 and _key(h1) in _key(t)) for t in titles):
            return h1
    if h1s and len(h1s[0].split()) >= 3:
        return h1s[0]
    if titles:
        return titles[0]
    return next((text for kind, text in body if kind != "p"), None)
