"""Reading an article: a file or a page's text → :class:`Article`, by its format.

The format (plain text as scraped, Markdown, HTML) is told by the file suffix or content type and
then by the content; each has its reader (``plain``, ``markdown``, ``html``). Reading is strict: a
file that is missing, empty, binary, wrongly encoded, huge, has no Arabic text, is in another
language or holds only boilerplate raises :class:`ArticleError` naming the file and the problem.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

from newsaudio.errors import ArticleError
from newsaudio.reading.article import Article
from newsaudio.reading.decode import read_text
from newsaudio.reading.html import parse_html
from newsaudio.reading.language import ARABIC_LETTER, other_language
from newsaudio.reading.markdown import parse_markdown
from newsaudio.reading.plain import parse_plain
from newsaudio.reading.reference import not_below_reference
from newsaudio.reading.sanitize import safe_meta
from newsaudio.reading.structure import structure

log = logging.getLogger(__name__)

# A short news brief has two or three sentences, 30 words or more; less than that under a headline
# is a teaser, a video caption or a page whose body was not saved, not something to broadcast.
MIN_BODY_WORDS = 30

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml")


def article_files(folder: Path) -> list[Path]:
    """The article files directly in ``folder``, by name; an error if there are none."""
    found = sorted(p for p in folder.iterdir() if p.suffix.casefold() in ARTICLE_SUFFIXES)
    files = [p for p in found if p.is_file() and not p.name.startswith(".")]
    if not files:
        kinds = ", ".join(ARTICLE_SUFFIXES)
        raise ArticleError(folder, f"is a folder with no article files ({kinds})")
    return files


def load_article(path: Path) -> Article:
    """Read and parse ``path``; raise :class:`ArticleError` if it is not a usable article."""
    article = parse_article(str(path), path.stem, read_text(path), path.suffix)
    return replace(article, origin=path.resolve().as_uri())


def parse_article(source: str, name: str, text: str, kind: str = "") -> Article:
    """Parse an article's text. ``kind`` is a file suffix or a content type ("text/html") that
    hints at the format; the content decides otherwise. Refuses text that is not an Arabic article
    (another language, no body)."""
    if not ARABIC_LETTER.search(text):
        raise ArticleError(source, "contains no Arabic text")
    fmt = detect_format(kind, text)
    if fmt == "html":
        page = parse_html(text)
        meta = safe_meta(page.meta)
        ours: Article | None = None
        refusal = ArticleError(source, "no article text found on the page")
        if page.blocks:
            try:
                ours = structure(source, page.blocks, page.headings, meta)
            except ArticleError as exc:
                refusal = exc
        # Never worse than trafilatura alone (issue 16): its text when ours lost much of it.
        headline = page.blocks[0] if page.blocks else None
        article = not_below_reference(source, ours, page.reference, meta, refusal, headline)
        lang = page.lang
    elif fmt == "markdown":
        article, lang = parse_markdown(source, text), None
    else:
        article, lang = parse_plain(source, text), None
    article = replace(article, name=name)
    _check_language(article, lang)
    if article.body_words < MIN_BODY_WORDS:
        found = f"{article.body_words} words" if article.body_words else "only a headline"
        raise ArticleError(
            source,
            f"no article body ({found}; at least {MIN_BODY_WORDS} words of text are needed)",
        )
    if article.untitled:
        # Said once the text is an article, as the line below: a refused one gets only its refusal.
        log.warning(
            "%s: no headline found; titled by its opening words: %s", source, article.headline
        )
    replaced = text.count("\ufffd")  # decode's stand-ins for bytes that were not UTF-8
    if replaced:
        # Said once the text is an article: a refused one gets its one line and nothing else.
        what = "byte that is" if replaced == 1 else "bytes that are"
        log.warning("%s: %d %s not UTF-8 replaced", source, replaced, what)
    return article


def _check_language(article: Article, declared: str | None) -> None:
    text = " ".join(
        [article.headline, *article.lead, *(p for s in article.sections for p in s.paragraphs)]
    )
    language = other_language(text, declared)
    if language:
        raise ArticleError(
            article.source, f"is written in {language}, not Arabic; newsaudio reads Arabic only"
        )


def detect_format(kind: str, text: str) -> str:
    """'html', 'markdown' or 'text', by file suffix or content type, then by content."""
    kind = kind.casefold()
    if kind in {".html", ".htm", ".xhtml", "text/html", "application/xhtml+xml"}:
        return "html"
    if kind in {".md", ".markdown", "text/markdown"}:
        return "markdown"
    head = text.lstrip("\ufeff \t\r\n")[:1024].casefold()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or re.search(
        r"<(?:head|body)[\s>]", head
    ):
        return "html"
    if head.startswith("---\n") or re.match(r"#{1,3} \S", head):
        return "markdown"
    return "text"
