"""What a news page says about its article: headline, date, author, site, URLs, language.

Sources in order of reliability: the page's own meta tags (Open Graph, ``article:*``), JSON-LD
``NewsArticle`` (also inside an ``@graph``), microdata and bylines, ``<time>``, trafilatura's
metadata, and as a last resort a date written after "تاريخ النشر". The headline is the page's
``<h1>`` that agrees with its title tags, with the site's name taken off ("… | سكاي نيوز عربية").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import chain
from typing import Any

from newsaudio.reading.boilerplate import (
    boilerplate_data,
    is_site_name,
    strip_byline_prefix,
    title_key,
)
from newsaudio.reading.site import (
    host_names,
    is_site_part,
    names_site,
    site_name_part,
    strip_site_name,
)

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


def json_ld(tree: Any) -> dict[str, Any]:
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


def ld_text(value: Any) -> str | None:
    """A JSON-LD value that may be a string, an object with name/url, or a list of them."""
    if isinstance(value, list):
        names = [n for n in (ld_text(v) for v in value) if n]
        return "، ".join(names) or None
    if isinstance(value, dict):
        return ld_text(value.get("name") or value.get("url") or value.get("@id"))
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


def page_metadata(tree: Any, doc: Any, ld: dict[str, Any]) -> dict[str, Any]:
    """Metadata by the most reliable source first: the page's own tags, JSON-LD, trafilatura."""
    canonical = [
        str(url).strip()
        for url in tree.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href")
    ]
    times = tree.xpath("//article//time/@datetime | //time[@itemprop='datePublished']/@datetime")
    meta: dict[str, Any] = {
        "title": ld_text(ld.get("headline")),
        "og_title": _meta_tag(tree, "og:title", "twitter:title"),
        "page_title": " ".join(tree.findtext(".//title", "").split()) or None,
        "extracted_title": getattr(doc, "title", None) if doc is not None else None,
        "date": _meta_tag(tree, "article:published_time", "datePublished", "pubdate")
        or ld_text(ld.get("datePublished"))
        or (times[0].strip() if times else None)
        or (getattr(doc, "date", None) if doc is not None else None)
        or _visible_date(tree),
        "author": None,  # below, once the site's name is known
        "url": _unarchived(canonical[0] if canonical else None)
        or _unarchived(_meta_tag(tree, "og:url"))
        or _first_url(ld.get("mainEntityOfPage"))
        or _first_url(ld.get("url")),
        "image": _meta_tag(tree, "og:image", "twitter:image") or _first_url(ld.get("image")),
        "source": _meta_tag(tree, "og:site_name", "application-name")
        or ld_text(ld.get("publisher"))
        or (getattr(doc, "sitename", None) if doc is not None else None),
        "description": _meta_tag(tree, "og:description", "description", "twitter:description")
        or ld_text(ld.get("description")),
    }
    # What the page calls its site: its own tags, JSON-LD publisher, host name, title part.
    sites = [
        name
        for name in (
            _meta_tag(tree, "og:site_name"),
            _meta_tag(tree, "application-name"),
            ld_text(ld.get("publisher")),
            getattr(doc, "sitename", None) if doc is not None else None,
        )
        if name
    ]
    sites += host_names(meta["url"]) + host_names(_meta_tag(tree, "og:url"))
    titles = (meta["page_title"], meta["og_title"])
    sites += [p for t in titles if t and (p := site_name_part(t, sites))]
    meta["sites"] = sites
    if not meta["source"]:
        meta["source"] = next((p for t in titles if t and (p := site_name_part(t, sites))), None)
    authors = chain(
        [_ld_author(ld.get("author"))],
        [_meta_tag(tree, "author", "article:author", "dc.creator")],
        _bylines(tree),
        [getattr(doc, "author", None) if doc is not None else None],
    )
    meta["author"] = next((name for found in authors if (name := _person(found, sites))), None)
    return meta


_DATELINE = re.compile(r"^[^\s:/]{2,15}\s*[:/]\s*(?=\S)")
# Not a writer's name: a link or a domain, brackets, semicolons (trafilatura's "Site https;
# Logo Png"), digits (a date in the byline), a handle.
_LINK = re.compile(r"https?:|^//|www\.|\.(?:com|net|org|info)\b", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"[\d٠-٩;؛|()\[\]{}<>@#=]")
# "أبوظبي - البيان": a place and the site, the parts of a dateline.
_DATELINE_PARTS = re.compile(r"\s+[-–—/|]\s*|\s*[-–—/|]\s+")


def _person(author: str | None, sites: list[str]) -> str | None:
    """``author`` when it names a writer, else None and the next source is asked: not a profile
    URL (article:author on some CMSs), not the site itself under any of the names the page gives
    it ("هسبريس", "akhbarelyom"), not a dateline ("(أبوظبي - البيان)"), not trafilatura's
    guesses that run a logo's file name into the site's ("Sputnik https; Cdnarabic; I; Logo
    Png")."""
    text = strip_byline_prefix(author or "")
    if not text or _LINK.search(text):
        return None
    # "بيروت: سامر الحلبي": the dateline is not part of the name.
    name = _DATELINE.sub("", text, count=1)
    if not name or _NOT_A_NAME.search(name) or is_site_name(name):
        return None
    if any(names_site(part, sites) for part in [name, *_DATELINE_PARTS.split(name)]):
        return None
    return name


_DATE_IN_TEXT = re.compile(
    r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})|(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
)


def _visible_date(tree: Any) -> str | None:
    """A publish date written in the page after a cue such as "تاريخ النشر:" (old sites mark it up
    nowhere else), as YYYY-MM-DD."""
    text = " ".join(tree.text_content().split())
    for cue in boilerplate_data()["published_cues"]:
        at = text.find(cue)
        match = _DATE_IN_TEXT.search(text, at + len(cue), at + len(cue) + 20) if at >= 0 else None
        if match:
            year, month, day = (match[1], match[2], match[3]) if match[1] else match.group(6, 5, 4)
            if 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
                return f"{year}-{int(month):02d}-{int(day):02d}"
    return None


def _ld_author(value: Any) -> str | None:
    """JSON-LD authors that are people; an organisation as author is the site, not a byline."""
    if isinstance(value, list):
        names = [n for n in (_ld_author(v) for v in value) if n]
        return "، ".join(names) or None
    if isinstance(value, dict) and value.get("@type") not in (None, "Person"):
        return None  # Organization, NewsMediaOrganization …
    return ld_text(value)


def _bylines(tree: Any) -> Iterator[str]:
    """The authors marked up in the page, outside comments: RDFa, microdata and rel=author
    first, then elements whose class, id or label says byline, author or writer ("byline",
    "post-meta-author", "writeBy", "article-byline"). One candidate each: its first short
    text."""
    found = tree.xpath(
        "//*[@rel='author' or @rel='schema:author' or @itemprop='author' or @property='author']"
        "[not(ancestor::*[contains(@class,'comment')])]"
    )
    found += tree.xpath(_BYLINE_MARKUP)
    for element in found:
        names = element.xpath(".//*[@itemprop='name' or @property='schema:name']")
        # A byline block may list "Author, name", "Role, title", a date: the first short one.
        for part in names[:1] or element.xpath(".//li") or [element]:
            text = strip_byline_prefix(" ".join(part.text_content().split()))
            if text and len(text.split()) <= _MAX_BYLINE_WORDS:
                yield text
                break


_MAX_BYLINE_WORDS = 6
_LOWER = "translate({},'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"
_BYLINE_MARKUP = (
    "//*["
    + " or ".join(
        f"contains({_LOWER.format(attr)},'{word}')"
        for attr in ("@class", "@id", "@data-component", "@aria-labelledby")
        for word in ("byline", "author", "writer", "writeby", "writtenby", "credits")
    )
    + "][not(self::meta or self::link)][not(ancestor::*[contains(@class,'comment')])]"
)


# A page saved from a web archive points at the archive's copy: the article's own URL is inside.
_ARCHIVED = re.compile(r"^https?://web\.archive\.org/web/\d+[a-z_]*/(https?://.+)$", re.IGNORECASE)


def _unarchived(url: str | None) -> str | None:
    """``url`` without a web archive's wrapper.

    >>> _unarchived("https://web.archive.org/web/20251110081522/https://example.com/a")
    'https://example.com/a'
    """
    match = _ARCHIVED.match(url.strip()) if url else None
    return match[1] if match else url


def page_lang(tree: Any) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    return lang.strip().lower() if lang and lang.strip() else None


def _close_titles(h1: str, title: str) -> bool:
    """The title tag is the h1 shortened or edited ("… تراجع دجلة" for "… تراجع منسوب دجلة"):
    nearly all its words are the h1's."""
    if len(h1.split()) < 3:
        return False
    if title_key(h1) in title_key(title):
        return True
    words, in_h1 = title_key(title).split(), set(title_key(h1).split())
    return len(words) >= 4 and sum(w in in_h1 for w in words) >= 0.85 * len(words)


def same_title(a: str | None, b: str | None) -> bool:
    return bool(a and b) and title_key(a or "") == title_key(b or "")


def page_headline(tree: Any, body: list[tuple[str, str]], meta: dict[str, Any]) -> str | None:
    """The story's headline.

    The page's ``<h1>`` that agrees with its title tags wins (it is the headline as shown, without
    the site name); else the first ``<h1>`` that sits in the article rather than in the site's
    header (a logo's ``<h1>`` does not); else the first title tag with the site name removed.
    """
    sites = meta.get("sites") or []
    titles = [
        strip_site_name(t, sites)
        for key in ("title", "og_title", "page_title", "extracted_title")
        if (t := meta.get(key))
    ]
    h1s = [text for kind, text in body if kind == "h1"]
    h1s += [
        " ".join(h.text_content().split())
        for h in tree.iter("h1")
        # The site's header holds the logo's <h1>; an article's own <header> holds the headline.
        if not h.xpath("ancestor::header or ancestor::nav or ancestor::*[@role='banner']")
        or h.xpath("ancestor::article or ancestor::main")
    ]
    h1s = [h for h in h1s if h and not is_site_part(h, sites)]
    for h1 in h1s:
        if any(same_title(h1, t) or _close_titles(h1, t) for t in titles):
            return h1
    if h1s and len(h1s[0].split()) >= 3:
        return h1s[0]
    if titles:
        return titles[0]
    return next((text for kind, text in body if kind != "p"), None)
