"""Text blocks → :class:`Article`: the headline, the lead and one section per subheading.

The readers find the blocks (and, for Markdown and HTML, which are subheadings); this module drops
the boilerplate among them, keeps bylines as metadata and builds the article.
"""

from __future__ import annotations

from dataclasses import replace

from newsaudio.errors import ArticleError
from newsaudio.reading.article import Article, ArticleMeta, Section
from newsaudio.reading.boilerplate import byline_name, content_indexes, is_heading_like
from newsaudio.reading.language import ARABIC_LETTER
from newsaudio.reading.opening import is_paragraph, opening_words
from newsaudio.reading.sanitize import clean_line, clean_text, clean_value, unescape


def structure(source: str, blocks: list[str], headings: set[int], meta: ArticleMeta) -> Article:
    """Drop boilerplate from marked-up blocks (Markdown, HTML), keeping the subheading marks
    aligned; ``blocks[0]`` is the headline."""
    kept = content_indexes(blocks, headings)
    if blocks and (not kept or kept[0] != 0):
        # The headline is marked up as one (Markdown "#", the page's h1): the line rules judge
        # the body, not it; an all-Latin headline ("OpenAI releases GPT-5") read as a button
        # made the first paragraph the headline and left no body.
        kept = [0, *kept]
    new_headings = {n for n, i in enumerate(kept) if i in headings}
    if meta.author is None:
        meta = replace(meta, author=byline(blocks, kept))
    return build_article(
        source, article_blocks(source, [blocks[i] for i in kept]), new_headings, meta
    )


def byline(lines: list[str], kept: list[int]) -> str | None:
    """The writer a byline line names ("كتب: فلان"), if one comes before the text ends. Bylines
    are not spoken (:func:`content_indexes` leaves them out); the name goes to the feed."""
    last = kept[-1] if kept else -1
    body = next((i for i in kept if not is_heading_like(lines[i])), len(lines))
    names = (
        # As content_indexes judges: "كتب فلان" without ":" above the first paragraph too.
        byline_name(line, loose=i < body)
        for i, line in enumerate(lines[: last + 1])
        if not kept or i != kept[0]  # the headline
    )
    return clean_value(next((name for name in names if name), None))


def article_blocks(source: str, blocks: list[str]) -> list[str]:
    """``blocks`` as single lines; an error when none of them holds Arabic text."""
    blocks = [" ".join(clean_text(unescape(b)).split()) for b in blocks]
    if not blocks or not any(ARABIC_LETTER.search(b) for b in blocks):
        raise ArticleError(source, "contains only site boilerplate, no article text")
    return blocks


def build_article(
    source: str, blocks: list[str], headings: set[int], meta: ArticleMeta | None = None
) -> Article:
    """An Article from text blocks: ``blocks[0]`` is the headline, ``headings`` the indexes of the
    subheadings among ``blocks``; the blocks before the first subheading are the lead.

    When ``blocks[0]`` is a paragraph, the article has no headline: it is titled by its opening
    words (:func:`~newsaudio.reading.opening.opening_words`) and the paragraph stays its text."""
    untitled = is_paragraph(blocks[0])
    if untitled:
        title = opening_words(blocks[0])
        headline, rest, shift = clean_line(title) or title, blocks, 0
    else:
        headline, rest, shift = clean_line(blocks[0]) or blocks[0], blocks[1:], 1
    under = {i - shift for i in headings if i >= shift}
    lead: list[str] = []
    sections: list[Section] = []
    for i, block in enumerate(rest):
        if i in under:
            sections.append(Section(clean_line(block) or block, ()))
        elif sections:
            last = sections[-1]
            sections[-1] = replace(last, paragraphs=(*last.paragraphs, block))
        else:
            lead.append(block)
    return Article(
        source, headline, tuple(lead), tuple(sections), meta or ArticleMeta(), untitled=untitled
    )
