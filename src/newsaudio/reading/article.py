"""The article as the reading stage gives it: headline, lead, sections and what is known about it.

Every reader (plain text, Markdown, HTML) returns an :class:`Article`; the script, text
preparation and publishing stages take it from here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# Episode file names stay well under file-system limits (255 bytes; Arabic letters take two).
MAX_SLUG_BYTES = 150  # leaves room for ".chapters.json" and a temporary name's prefix and suffix
# Names Windows reserves for devices, whatever the extension: "con.mp3" cannot be created there.
_RESERVED = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{n}" for n in range(1, 10)),
        *(f"lpt{n}" for n in range(1, 10)),
    }
)


@dataclass(frozen=True)
class Section:
    """A subheading and the paragraphs under it."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ArticleMeta:
    """What is known about the article beyond its text; every field is optional.

    Values come from pages and front matter, so they are cleaned on the way in (see
    :func:`safe_meta`): one-line, bounded text and absolute http(s) URIs only.
    """

    date: datetime | None = None
    author: str | None = None
    url: str | None = None
    image: str | None = None
    source: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Article:
    """An article's structure, boilerplate removed.

    ``source`` is the file path or URL it was read from (named in errors); ``name`` is the stem the
    episode's files are named after. ``untitled``: the article came without a headline, and
    ``headline`` is made from its opening words (shown as its title, never spoken: the words are
    heard in the text).
    """

    source: str
    headline: str
    lead: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    meta: ArticleMeta = field(default_factory=ArticleMeta)
    name: str = ""
    # Where it was read from, absolute (resolved file path or final URL after redirects).
    origin: str = ""
    untitled: bool = False

    @property
    def identity(self) -> str:
        """What makes two renders the same article: its canonical URL, else where it came from.
        Re-rendering the same article replaces its episode; different articles never share one.
        It is published (the catalog, the episode records), so a file stands in as a hash of its
        path (:func:`public_identity`), never as the path."""
        return public_identity(self.meta.url or self.origin or self.source)

    @property
    def slug(self) -> str:
        """File-name stem of the episode: the article's name, made safe for URLs."""
        return slugify(self.name or Path(self.source).stem)

    @property
    def body_words(self) -> int:
        """Words of article text under the headline (lead and paragraphs, not subheadings)."""
        paragraphs = [*self.lead, *(p for s in self.sections for p in s.paragraphs)]
        return sum(len(p.split()) for p in paragraphs)


# What a local file's identity starts with: the rest is a hash of its absolute path.
LOCAL_IDENTITY = "local:"


def public_identity(where: str) -> str:
    """An identity fit to publish: an http(s) URL or one of ours as it is; anything else (a file's
    URI or path, which names users and folders) as a hash of it.

    >>> public_identity("https://example.com/news/1")
    'https://example.com/news/1'
    >>> public_identity("file:///home/alice/news/story.txt")
    'local:91308a104398d2fe919b8bca989cd519'
    """
    if where.startswith(("http://", "https://", "newsaudio:", LOCAL_IDENTITY)):
        return where
    return LOCAL_IDENTITY + hashlib.sha256(where.encode("utf-8")).hexdigest()[:32]


def slugify(stem: str) -> str:
    """A URL- and file-system-safe slug of at most 150 UTF-8 bytes, cut between letters; Arabic
    letters are kept, Windows device names are not slugs on their own.

    >>> slugify("Kursk Ar (final)")
    'kursk-ar-final'
    >>> slugify("../../CON")
    'con-episode'
    >>> len(slugify("خ" * 300).encode())
    150
    """
    slug = re.sub(r"[^\w]+", "-", stem.casefold()).strip("-_")
    slug = slug.encode()[:MAX_SLUG_BYTES].decode("utf-8", "ignore").strip("-_")
    if slug in _RESERVED:
        slug += "-episode"
    return slug or "episode"
