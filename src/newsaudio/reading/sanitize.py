"""Making values from the outside world safe to carry into tags, the feed, JSON and file names.

A saved page's metadata is whatever its site (or an attacker) put there: a 10 kB title, NUL bytes,
bidi overrides that reverse a title on screen, ``javascript:`` image URLs, IRIs with Arabic paths.
Everything that reaches an episode passes through here once, at the article boundary, so later
stages can trust it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from newsaudio.reading.article import ArticleMeta
from newsaudio.reading.published import published_date

# Longest headline or title kept; a real headline is under 200 characters.
MAX_TITLE_CHARS = 300
# Longest author / site name kept.
MAX_NAME_CHARS = 120
# Longest URL kept: browsers and feed readers cope with 2,000 characters, not with megabytes.
MAX_URL_CHARS = 2000

# C0/C1 controls (tab and newline handled by callers), XML-illegal code points, and the bidi
# embeddings, overrides and isolates that reorder text on screen (U+202A–U+202E, U+2066–U+2069),
# and U+FFFD, which only stands for bytes that were lost.
# The marks LRM/RLM/ALM are kept: they only nudge neutral characters and appear in real Arabic text.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffd\ufffe\uffff\ud800-\udfff]"
)
# Characters that may be left unescaped in a URI path, query or fragment (RFC 3986).
_URI_SAFE = "/:@!$&'()*+,;=-._~%?#[]"


def clean_text(text: str) -> str:
    """``text`` without control, XML-illegal and bidi-override characters; line breaks kept.

    >>> clean_text("عنوان\\u202e مقلوب\\x00")
    'عنوان مقلوب'
    """
    return _UNSAFE.sub("", unicodedata.normalize("NFC", text))


def clean_line(text: str | None, limit: int = MAX_TITLE_CHARS) -> str | None:
    """A one-line value (title, author, site name): cleaned, whitespace collapsed, at most
    ``limit`` characters (cut at a word, with an ellipsis); None when nothing is left.

    >>> clean_line("  سطر\\nواحد  ")
    'سطر واحد'
    >>> clean_line("كلمة " * 100, 20)
    'كلمة كلمة كلمة…'
    """
    if text is None:
        return None
    line = " ".join(clean_text(text).split())
    if len(line) > limit:
        cut = line[: limit - 1]
        line = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"
    return line or None


def clean_url(url: str | None) -> str | None:
    """An http(s) URL as an ASCII URI (IRI → URI: IDNA host, percent-encoded path and query), or
    None for anything else (``javascript:``, ``data:``, relative, too long, malformed).

    >>> clean_url("https://example.com/خبر/1?q=نص")
    'https://example.com/%D8%AE%D8%A8%D8%B1/1?q=%D9%86%D8%B5'
    >>> clean_url("javascript:alert(1)") is None
    True
    """
    if not url:
        return None
    url = "".join(clean_text(url).split())
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    netloc = ascii_host if port is None else f"{ascii_host}:{port}"
    uri = urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=_URI_SAFE),
            quote(parts.query, safe=_URI_SAFE),
            quote(parts.fragment, safe=_URI_SAFE),
        )
    )
    return uri if len(uri) <= MAX_URL_CHARS else None


def unescape(text: str) -> str:
    """``text`` with its HTML character references read: ``&quot;`` was spoken "quot" and reached
    the feed as ``&amp;quot;``. Applied once, where text enters (plain text and Markdown are not
    markup; a page's parser has read its references once, so one left over was escaped twice).

    >>> unescape("قال &quot;الوزير&quot; &amp; &#1605;")
    'قال "الوزير" & م'
    """
    return html.unescape(text) if _ENTITY.search(text) else text


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")


def clean_value(value: Any, limit: int = MAX_NAME_CHARS) -> str | None:
    """A scalar from front matter or JSON as one clean line; None for anything else."""
    return clean_line(unescape(str(value)), limit) if isinstance(value, (str, int, float)) else None


def safe_meta(data: dict[str, Any]) -> ArticleMeta:
    """Metadata from front matter or a page, cleaned: bounded one-line text, http(s) URIs only."""
    description = data.get("description")
    date, undated = published_date(data.get("date"))
    return ArticleMeta(
        date=date,
        undated=undated,
        author=clean_value(data.get("author")),
        url=clean_url(clean_value(data.get("url"), 10_000)),
        image=clean_url(clean_value(data.get("image"), 10_000)),
        source=clean_value(data.get("source")),
        description=clean_line(unescape(description), 1000)
        if isinstance(description, str)
        else None,
    )
