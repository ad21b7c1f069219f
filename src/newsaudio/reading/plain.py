"""Plain text as scraped or copied from a whole page: the headline is found in the page's header,
subheadings are guessed from the shape of the lines."""

from __future__ import annotations

import itertools
import re

from newsaudio.reading.article import Article, ArticleMeta
from newsaudio.reading.boilerplate import (
    MAX_HEADING_WORDS,
    MIN_DECK_WORDS,
    content_indexes,
    is_breadcrumb,
    is_dateline,
    is_heading_like,
    is_site_name,
)
from newsaudio.reading.sanitize import clean_text
from newsaudio.reading.site import names_site
from newsaudio.reading.structure import article_blocks, build_article, byline


def parse_plain(source: str, text: str) -> Article:
    """Scraped text: the first real line is the headline; a heading-like line followed by a
    paragraph starts a section."""
    lines = [" ".join(line.split()) for line in clean_text(text).splitlines()]
    lines = [line for line in lines if line]
    kept = content_indexes(lines)
    meta = ArticleMeta(author=byline(lines, kept))
    # Kept lines that the page had something between (a byline, a date bar, buttons we dropped).
    apart = {n for n, (i, j) in enumerate(itertools.pairwise(kept)) if j != i + 1}
    blocks, deck = _headline_first(
        article_blocks(source, [lines[i] for i in kept]), apart, copyright_holders(lines)
    )
    rest = blocks[1:]
    headings = {
        i + 1
        for i, line in enumerate(rest[deck:], deck)
        if is_heading_like(line)
        and i + 1 < len(rest)
        and not is_heading_like(rest[i + 1])
        and not (i > 0 and _in_list(rest[i - 1], line))
    }
    return build_article(source, blocks, headings, meta)


# In scraped text, the headline is a line of at least this many words (site names, sections and
# "skip to content" links above it are shorter); the first line when none is.
MIN_HEADLINE_WORDS = 4


def _headline_first(blocks: list[str], apart: set[int], sites: list[str]) -> tuple[list[str], int]:
    """Scraped text from its headline on, and how many lines under the headline are its deck.

    The lines above the first paragraph are the page's header, where the headline is the first
    line that may be one (else the first that is not the site's name or a breadcrumb); of the
    lines between it and the first paragraph only a deck (spoken as lead, never a subheading)
    and a subheading right above the paragraph are kept. ``apart`` holds the indexes of blocks
    that the page separated from the next by lines that were dropped; ``sites`` the site's names
    (the holder of its copyright notice)."""
    first = next((i for i, b in enumerate(blocks) if _is_paragraph(b)), len(blocks))
    if first == len(blocks):
        return blocks, 0
    chrome = [is_site_name(b) or is_breadcrumb(b) or names_site(b, sites) for b in blocks[:first]]
    header = [i for i in range(first) if not chrome[i]] or [0]
    at = next((i for i in header if _may_be_headline(blocks[i])), header[0])
    if (
        at + 1 in header
        and _may_be_headline(blocks[at + 1])
        and len(blocks[at].split()) <= _MAX_KICKER_WORDS < len(blocks[at + 1].split())
    ):
        at += 1  # a kicker above the headline ("بداية من أفريل المقبل")
    subheading = first - 1 > at and first - 1 not in apart and _heads_first_paragraph(blocks, first)
    deck = [
        b for i, b in enumerate(blocks[at + 1 : first], at + 1)
        if (i < first - 1 or not subheading) and _is_deck(b)
    ]  # fmt: skip
    above = [blocks[first - 1]] if subheading else []
    return [blocks[at], *deck, *above, *_without_tag_list(blocks[first:])], len(deck)


def _heads_first_paragraph(blocks: list[str], first: int) -> bool:
    """Whether the line right above the first paragraph is a subheading: it is shaped like one,
    not like a dateline or a captioned credit, and the article has more subheadings further on.
    (The caller has checked that nothing stood between it and the paragraph on the page: a
    picture's caption under the headline is followed by the byline, the date or buttons.)"""
    line = blocks[first - 1]
    if is_dateline(line) or len(line.split()) < 2 or line.rstrip().endswith(")"):
        return False
    later = zip(blocks[first + 1 :], blocks[first + 2 :], strict=False)
    return any(is_heading_like(b) and not is_heading_like(n) for b, n in later)


def _is_deck(line: str) -> bool:
    """A standfirst under the headline: long enough, no date, no photo credit at its end."""
    return (
        len(line.split()) >= MIN_DECK_WORDS
        and not _NUMERIC_DATE.search(line)
        and not line.rstrip().endswith(")")
    )


def _in_list(previous: str, line: str) -> bool:
    """Whether ``line`` is the last item of a list ("إيران: 0.76 مليون" after "روسيا: 1.73
    مليون", or after "على النحو التالي:"), not a subheading over the next paragraph."""
    if previous.rstrip().endswith(":"):
        return True
    return all(_LIST_ITEM.match(x) for x in (previous, line))


_LIST_ITEM = re.compile(r"^\S+(?: \S+)?\s*:\s*\S")


def _without_tag_list(blocks: list[str]) -> list[str]:
    """``blocks`` without the tag list a scraped page may end with, untitled: two or more lines
    of a few words each after the last paragraph ("العراق", "أخبار العراق")."""
    end = len(blocks)
    while (
        end > 0
        and len(blocks[end - 1].split()) <= _MAX_TAG_WORDS
        and is_heading_like(blocks[end - 1])
    ):
        end -= 1
    return blocks[:end] if len(blocks) - end >= 2 else blocks


_MAX_TAG_WORDS = 4


# A kicker (a few words over the headline) is this short; the headline under it is longer.
_MAX_KICKER_WORDS = 5


def _may_be_headline(line: str) -> bool:
    """Long enough to be a headline, and not a sentence (a question may be one)."""
    return len(line.split()) >= MIN_HEADLINE_WORDS and not line.rstrip().endswith((".", "!", "…"))


def _is_paragraph(block: str) -> bool:
    """Body text for sure: longer than a subheading, or a sentence (a question may be a
    headline)."""
    words = len(block.split())
    return words > MAX_HEADING_WORDS or (words >= 6 and block.rstrip().endswith((".", "!", "…")))


# A date bar's "22.05.2024" or "21-05-2024" (with a byline, a reading time…) above the text.
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")


# "© 2024 بي بي سي.", "جميع الحقوق محفوظة لـ«الشروق»": who holds a page's copyright.
_COPYRIGHT = re.compile(
    r"©\s*(?:\d{4}\s*(?:[-–]\s*\d{4}\s*)?)?([^\d.،,|©:]{2,40})"
    r"|(?:الحقوق|حقوق النشر) محفوظة\s*(?:ل|لـ)\s*([^\d.،,|©:]{2,40})"
)


def copyright_holders(lines: list[str]) -> list[str]:
    """The names a scraped page's copyright notice gives its site: the site's name is chrome
    when it stands on its own line in the header.

    >>> copyright_holders(["© 2024 بي بي سي. بي بي سي ليست مسؤولة عن محتوى المواقع الخارجية."])
    ['بي بي سي']
    """
    holders = []
    for line in lines:
        for match in _COPYRIGHT.finditer(line):
            name = " ".join((match[1] or match[2] or "").strip(" «»\"'").split())
            if name:
                holders.append(name)
    return holders
