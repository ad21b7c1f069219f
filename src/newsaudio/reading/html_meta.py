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
from typing import Any

from newsaudio.reading.boilerplate import (
    boilerplate_data,
    is_site_name,
    site_words,
    strip_byline_prefix,
    title_key,
)

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
    if not meta["source"]:
        titles = (meta["page_title"], meta["og_title"])
        meta["source"] = next((p for t in titles if t and (p := site_name_part(t, None))), None)
    authors = (
        lambda: _ld_author(ld.get("author")),
        lambda: _meta_tag(tree, "author", "article:author", "dc.creator"),
        lambda: _byline(tree),
        lambda: getattr(doc, "author", None) if doc is not None else None,
    )
    meta["author"] = next(
        (name for find in authors if (name := _person(find(), meta["source"]))), None
    )
    return meta


_DATELINE = re.compile(r"^[^\s:/]{2,15}\s*[:/]\s*(?=\S)")


def _person(author: str | None, source: str | None) -> str | None:
    """``author`` when it names a writer: not a profile URL (article:author on some CMSs), not
    the site itself ("هسبريس", "العربية.نت" on العربية): then the next source is asked."""
    # "بيروت: سامر الحلبي": the dateline is not part of the name.
    name = _DATELINE.sub("", strip_byline_prefix(author or ""), count=1)
    if not name or re.match(r"https?://", name) or is_site_name(name):
        return None
    if source and (same_title(name, source) or title_key(name).startswith(title_key(source))):
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


def _byline(tree: Any) -> str | None:
    """The author marked up in the page (RDFa, microdata, rel=author), outside comments."""
    found = tree.xpath(
        "//*[@rel='author' or @rel='schema:author' or @itemprop='author' or @property='author']"
        "[not(ancestor::*[contains(@class,'comment')])]"
    )
    found += tree.xpath(
        "//*[contains(@class,'byline') or contains(@class,'author-name') or @class='writer'"
        " or contains(@class,'credits') or contains(@data-component,'byline')"
        " or contains(@class,'writeBy') or contains(@id,'Writer') or contains(@class,'author')]"
        "[not(ancestor::*[contains(@class,'comment')])]"
    )
    for element in found:
        names = element.xpath(".//*[@itemprop='name' or @property='schema:name']")
        # A byline block may list "Author, name", "Role, title", a date: the first short one.
        for part in names[:1] or element.xpath(".//li") or [element]:
            text = strip_byline_prefix(" ".join(part.text_content().split()))
            if text and len(text.split()) <= 6:
                return text
    return None


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
    key = title_key(part)
    if not key:
        return False
    if site and (key in title_key(site) or title_key(site) in key):
        return True
    words = key.split()
    return len(words) <= 4 and any(w in site_words() for w in words)


def page_headline(tree: Any, body: list[tuple[str, str]], meta: dict[str, Any]) -> str | None:
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
        # The site's header holds the logo's <h1>; an article's own <header> holds the headline.
        if not h.xpath("ancestor::header or ancestor::nav or ancestor::*[@role='banner']")
        or h.xpath("ancestor::article or ancestor::main")
    ]
    h1s = [h for h in h1s if h and not _is_site_part(h, site)]
    for h1 in h1s:
        if any(same_title(h1, t) or _close_titles(h1, t) for t in titles):
            return h1
    if h1s and len(h1s[0].split()) >= 3:
        return h1s[0]
    if titles:
        return titles[0]
    return next((text for kind, text in body if kind != "p"), None)
