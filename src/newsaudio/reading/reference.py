"""Never worse than the extractor underneath: our reading of a page against trafilatura's alone.

trafilatura with its defaults is the reference (``HtmlPage.reference``). Our rules may add
structure to what it extracts (headline, lead, subheadings, metadata) and subtract recognised
chrome (bylines, captions, boxes), but not lose the article: when our result keeps less than
:data:`MIN_REFERENCE_RETENTION` of the reference's words and has less prose than it, the reference
is read instead, structured by the same line rules, and the reason is logged.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable

from newsaudio.errors import ArticleError
from newsaudio.reading.article import Article, ArticleMeta
from newsaudio.reading.boilerplate import title_key
from newsaudio.reading.structure import structure

log = logging.getLogger(__name__)

# What our rules rightly take out of trafilatura's extract (cookie banners, bylines, podcast and
# paywall boxes, navigation tables, X-embed consent) left at least 69 % of its words on the
# development pages and fixtures (86 % on the real pages); losing the article's wrapper to a
# widget rule leaves 0-46 %. 0.6 lies between the two with 9 points of margin on each side.
MIN_REFERENCE_RETENTION = 0.6
# Below this many words of prose the reference is trafilatura reading a gallery's captions or a
# video page's related list: nothing to fall back on (the article body minimum, load.py).
MIN_REFERENCE_PROSE = 30
# A paragraph of running text: this long, and ending a sentence.
_MIN_PROSE_WORDS = 15
_SENTENCE_END = re.compile(r"[.!?؟…][\s\"'”’»)\]]*$")


def not_below_reference(
    source: str,
    article: Article | None,
    reference: list[tuple[str, str]],
    meta: ArticleMeta,
    refusal: ArticleError | None = None,
    headline: str | None = None,
) -> Article:
    """``article``, or trafilatura's extract structured as well as we can when our rules lost much
    of the text it found. ``article`` is None when our rules found nothing (``refusal`` says
    why; ``headline`` is the page's, if it has one); the refusal stands when the reference has no
    prose either."""
    wanted = _words(text for _, text in reference)
    total = sum(wanted.values())
    prose = sum(len(text.split()) for _, text in reference if _is_prose(text))
    if prose < MIN_REFERENCE_PROSE:
        if article is None:
            raise refusal or ArticleError(source, "no article text found on the page")
        return article
    kept = 0
    if article is not None:
        ours = _words(spoken(article))
        kept = sum(min(n, ours[w]) for w, n in wanted.items())
        if kept >= MIN_REFERENCE_RETENTION * total:
            return article
        if sum(len(t.split()) for t in spoken(article) if _is_prose(t)) >= prose:
            return article  # as much prose, other text: ours found the article, trafilatura not
    fallback = _from_reference(source, article.headline if article else headline, reference, meta)
    if fallback is None:
        if article is None:
            raise refusal or ArticleError(source, "no article text found on the page")
        return article
    got = _words(spoken(fallback))
    if article is not None and sum(min(n, got[w]) for w, n in wanted.items()) <= kept:
        return article
    log.warning(
        "%s: our rules kept %d of the %d words trafilatura extracts; its text is read instead",
        source,
        kept,
        total,
    )
    return fallback


def retention(article: Article, reference: list[tuple[str, str]]) -> float:
    """The share of the reference's words that ``article`` keeps (1.0 for an empty reference)."""
    wanted = _words(text for _, text in reference)
    ours = _words(spoken(article))
    total = sum(wanted.values())
    return sum(min(n, ours[w]) for w, n in wanted.items()) / total if total else 1.0


def spoken(article: Article) -> list[str]:
    """The article's text blocks as they are heard: headline, lead, subheadings, paragraphs."""
    return [
        article.headline,
        *article.lead,
        *(text for s in article.sections for text in (s.heading, *s.paragraphs)),
    ]


def _from_reference(
    source: str, headline: str | None, reference: list[tuple[str, str]], meta: ArticleMeta
) -> Article | None:
    """The reference as an article: our headline (else its first heading or block), its
    headings as subheadings, our line rules over its lines; None if they leave nothing."""
    headline = headline or next((t for kind, t in reference if kind != "p"), reference[0][1])
    blocks = [headline]
    headings: set[int] = set()
    for kind, text in reference:
        if title_key(text) == title_key(headline):
            continue
        if kind != "p":
            headings.add(len(blocks))
        blocks.append(text)
    try:
        return structure(source, blocks, headings, meta)
    except ArticleError:
        return None


def _words(texts: Iterable[str]) -> Counter[str]:
    return Counter(word for text in texts for word in title_key(text).split())


def _is_prose(text: str) -> bool:
    return len(text.split()) >= _MIN_PROSE_WORDS and _SENTENCE_END.search(text) is not None
