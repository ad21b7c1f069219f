"""The site a page belongs to, by the names the page itself gives it.

A page names its site in ``og:site_name``, ``application-name``, its JSON-LD publisher, its host
name ("almadenahnews.com") and a part of its ``<title>`` ("… - المدينة نيوز"). Those names, not a
list of outlets, tell a headline's site-name suffix, and an "author" that is the site itself.
Only words that describe any site ("نيوز", "صحيفة", "بوابة", "online": ``data/boilerplate.toml``
``site_name_words``) are language data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from newsaudio.reading.boilerplate import site_words, title_key

# A title's parts: "headline | site", "headline - site", "site :: headline".
TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·/«»]{1,2}\s+")
# Host labels that name no site: "www.", "m.", "amp.", second-level domains ("co.uk", "com.eg").
_HOST_NOISE = frozenset({"www", "m", "amp", "mobile", "co", "com", "net", "org", "gov", "ac"})
# A title part with a site word is the site's only when it is this short.
_MAX_SITE_PART_WORDS = 4
# A name this short (squeezed) is not matched against the start of a host name.
_MIN_HOST_PREFIX = 4


def host_names(url: str | None) -> list[str]:
    """The labels of ``url``'s host that may name the site.

    >>> host_names("https://arabic.sputniknews.com/arab_world/1.html")
    ['arabic', 'sputniknews']
    >>> host_names("https://www.almadenahnews.com/article/1")
    ['almadenahnews']
    """
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return []
    labels = host.lower().split(".")[:-1]  # without the top-level domain
    return [label for label in labels if label and label not in _HOST_NOISE]


def names_site(name: str, sites: Iterable[str]) -> bool:
    """Whether ``name`` is one of the site's own names (``sites``: what the page calls its site,
    host labels included), or one of them with more words after it ("Sputnik_Ar" for
    "Sputnik", "sputniknews" for "Sputnik").

    >>> names_site("akhbarelyom", ["بوابة اخبار اليوم", "akhbarelyom"])
    True
    >>> names_site("Sputnik", ["Sputnik_Ar", "arabic", "sputniknews"])
    True
    >>> names_site("نورهان نبيل", ["بوابة اخبار اليوم", "akhbarelyom"])
    False
    """
    key = title_key(name)
    squeezed = _squeezed(key)
    if not squeezed:
        return False
    for site in sites:
        site_key = title_key(site)
        site_squeezed = _squeezed(site_key)
        if not site_squeezed:
            continue
        if site_key == key or key.startswith(f"{site_key} "):
            return True
        if site_squeezed == squeezed:
            return True
        if len(squeezed) >= _MIN_HOST_PREFIX and site_squeezed.startswith(squeezed):
            return True
    return False


def is_site_part(part: str, sites: Iterable[str]) -> bool:
    """Whether a title part names the site: it is, holds or is held by one of the site's names,
    or it is short and has a word that describes sites ("نيوز", "صحيفة", "online")."""
    key = title_key(part)
    if not key:
        return False
    words = key.split()
    if len(words) > _MAX_SITE_PART_WORDS:
        return False
    for site in sites:
        site_key = title_key(site)
        if site_key and (key in site_key or site_key in key or names_site(part, [site])):
            return True
    return any(w in site_words() for w in words)


def strip_site_name(title: str, sites: Iterable[str] = ()) -> str:
    """``title`` without a leading or trailing site-name part ("… | CNN Arabic").

    >>> strip_site_name("انطلاق القمة العربية في بغداد | سكاي نيوز عربية")
    'انطلاق القمة العربية في بغداد'
    >>> strip_site_name("مصر - السودان: اتفاق جديد لتقاسم مياه النيل")
    'مصر - السودان: اتفاق جديد لتقاسم مياه النيل'
    >>> strip_site_name("القائم بأعمال السفارة يثمّن جهود الإمارات - البيان", ["البيان"])
    'القائم بأعمال السفارة يثمّن جهود الإمارات'
    """
    sites = list(sites)
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = TITLE_SEPARATORS.findall(title)
    for index in (len(parts) - 1, 0):
        if is_site_part(parts[index], sites):
            rest = parts[:index] + parts[index + 1 :]
            rest_seps = seps[: index - 1] + seps[index:] if index else seps[1:]
            joined = rest[0] + "".join(s + p for s, p in zip(rest_seps, rest[1:], strict=False))
            if len(joined.split()) >= 3:
                return joined.strip()
    return title


def site_name_part(title: str, sites: Iterable[str] = ()) -> str | None:
    """The part of a page title that names the site, if one does.

    >>> site_name_part("شبكة الرافدين الإخبارية :: الزوراء يتصدر دوري نجوم العراق")
    'شبكة الرافدين الإخبارية'
    """
    stripped = strip_site_name(title, sites)
    if stripped == title:
        return None
    part = title.replace(stripped, "", 1)
    return TITLE_SEPARATORS.sub("", f" {part} ").strip() or None


def _squeezed(key: str) -> str:
    return re.sub(r"[\s_]+", "", key)
