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
    headings = {i + 1 for i in _subheadings(rest, deck)}
    # A list mark is layout, not text: "* الفصل" is titled "الفصل" (and never spoken anyway).
    return build_article(source, [blocks[0], *(_unmarked(b)[0] for b in rest)], headings, meta)


def _subheadings(lines: list[str], start: int) -> set[int]:
    """Indexes of the subheadings among the lines under the headline, from ``start`` on (after
    the deck): a short line that does not end a sentence, over a paragraph, unless it is the last
    item of a list. A list-marked line ("* الفصل") counts when it heads a paragraph, marked ("*
    لكن …") or not, and the line before it is no short item with the same mark: scraped pages
    keep the bullets some sites put before subheadings and first paragraphs. In an interview
    written as marked questions and dashed answers ("* كيف …؟", "- …"), every question is one."""
    found = set()
    interview = _is_interview(lines)
    for i, line in enumerate(lines[start:], start):
        if i + 1 >= len(lines):
            break
        text, mark = _unmarked(line)
        after, _ = _unmarked(lines[i + 1])
        if (
            mark
            and interview
            and lines[i + 1].startswith(_ANSWER_DASHES)
            and len(text.split()) <= _MAX_QUESTION_WORDS
        ):
            found.add(i)
        elif not mark:
            if (
                is_heading_like(line)
                and not is_heading_like(lines[i + 1])
                and not (i > 0 and _in_list(lines[i - 1], line))
            ):
                found.add(i)
        elif (
            is_heading_like(text)
            and not is_heading_like(after)
            and not (i > 0 and _in_marked_list(lines[i - 1], mark))
        ):
            found.add(i)
    return found


# Bullets scraped pages keep at the start of a line; a dash is not one (it opens an answer, a
# quotation or a dialogue line, and is spoken as a pause).
_MARK = re.compile(r"^([*•▪◾●■◆◄►·])[*•▪◾●■◆◄►·]*\s*")
_ANSWER_DASHES = ("-", "–", "—", "ـ")
# A question this long is still a heading in an interview: of the 165 marked lines over a dashed
# one in 6,190 scraped Saudi articles (SaudiNewsNet), 160 have at most 40 words; of the others,
# three are paragraphs of 91 to 291 words.
_MAX_QUESTION_WORDS = 40


def _unmarked(line: str) -> tuple[str, str]:
    """``line`` without its list mark, and the mark ("" when it has none)."""
    match = _MARK.match(line)
    if match is None or match.end() == len(line):
        return line, ""
    return line[match.end() :], match[1]


def _in_marked_list(previous: str, mark: str) -> bool:
    """Whether a marked line follows a short item with the same mark (it is the next item of a
    list) or a line that introduces a list."""
    text, previous_mark = _unmarked(previous)
    return previous.rstrip().endswith(":") or (previous_mark == mark and is_heading_like(text))


def _is_interview(lines: list[str]) -> bool:
    """Questions and answers: at least two marked lines of question length, each followed by a
    dashed answer."""
    pairs = sum(
        1
        for line, after in itertools.pairwise(lines)
        if _unmarked(line)[1]
        and len(line.split()) <= _MAX_QUESTION_WORDS
        and after.startswith(_ANSWER_DASHES)
    )
    return pairs >= 2


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
    header = [i for i in range(first) if not chrome[i]]
    if not header:  # no headline: the text starts at once (the article is titled by its opening)
        return _without_tag_list(blocks[first:]), 0
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
