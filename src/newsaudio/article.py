"""Stage 1: read an article file and find its structure.

Input is what producers have at hand: plain text as scraped from a news site, Markdown with YAML
front matter, or an HTML page. Output is an :class:`Article`: headline, optional lead paragraphs,
and sections (subheading + paragraphs), with site boilerplate dropped. Reading is strict: a file
that is missing, empty, binary, wrongly encoded, huge, has no Arabic text or holds only boilerplate
raises :class:`ArticleError` naming the file and the problem.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from newsaudio.boilerplate import (
    MAX_HEADING_WORDS,
    MIN_DECK_WORDS,
    byline_name,
    caption_words,
    content_indexes,
    is_breadcrumb,
    is_dateline,
    is_heading_like,
    is_site_name,
)
from newsaudio.errors import ArticleError
from newsaudio.html_article import parse_html
from newsaudio.language import ARABIC_LETTER, other_language
from newsaudio.sanitize import MAX_NAME_CHARS, clean_line, clean_text, clean_url

# News articles are a few kilobytes; 2 MiB is far beyond any article and keeps a mistaken
# `render big.iso` from tying up the engine for hours.
MAX_BYTES = 2 * 1024 * 1024

# A short news brief has two or three sentences, 30 words or more; less than that under a headline
# is a teaser, a video caption or a page whose body was not saved, not something to broadcast.
MIN_BODY_WORDS = 30
# Episode file names stay well under file-system limits (255 bytes; Arabic letters take two).
MAX_SLUG_CHARS = 80


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
    episode's files are named after.
    """

    source: str
    headline: str
    lead: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    meta: ArticleMeta = field(default_factory=ArticleMeta)
    name: str = ""
    # Where it was read from, absolute (resolved file path or final URL after redirects).
    origin: str = ""

    @property
    def identity(self) -> str:
        """What makes two renders the same article: its canonical URL, else where it came from.
        Re-rendering the same article replaces its episode; different articles never share one."""
        return self.meta.url or self.origin or self.source

    @property
    def slug(self) -> str:
        """File-name stem of the episode: the article's name, made safe for URLs."""
        return slugify(self.name or Path(self.source).stem)

    @property
    def body_words(self) -> int:
        """Words of article text under the headline (lead and paragraphs, not subheadings)."""
        paragraphs = [*self.lead, *(p for s in self.sections for p in s.paragraphs)]
        return sum(len(p.split()) for p in paragraphs)


def slugify(stem: str) -> str:
    """A URL- and file-system-safe slug of at most 80 characters; Arabic letters are kept.

    >>> slugify("Kursk Ar (final)")
    'kursk-ar-final'
    """
    slug = re.sub(r"[^\w]+", "-", stem.casefold()).strip("-_")[:MAX_SLUG_CHARS].strip("-_")
    return slug or "episode"


# What a folder given to `render` is searched for.
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
        if not page.blocks:
            raise ArticleError(source, "no article text found on the page")
        article = _structure(source, page.blocks, page.headings, safe_meta(page.meta))
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


def read_text(path: Path) -> str:
    """The file's text, decoded; every way a file can be unusable becomes an ArticleError."""
    if not path.exists():
        raise ArticleError(path, "file not found")
    if path.is_dir():
        raise ArticleError(path, "is a directory, not an article file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(
                path, f"is too large ({size / 1e6:.1f} MB; an article is at most 2 MB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not raw.strip():
        raise ArticleError(path, "is empty")
    text = decode(raw)
    if text is None:
        if _looks_binary(raw):
            raise ArticleError(path, "is a binary file, not text")
        raise ArticleError(path, "is not UTF-8 text (and not readable as Windows-1256 Arabic)")
    if not text.strip():
        raise ArticleError(path, "contains only whitespace")
    return text


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f")
    return control > len(head) * 0.05


def decode(raw: bytes) -> str | None:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; fall back to Windows-1256.

    Older Arabic sites still serve Windows-1256. The fallback is accepted only when the result is
    mostly Arabic letters, since almost any byte string "decodes" as Windows-1256.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if _looks_binary(raw):
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_CHARSET.search(raw[:4096])
    if declared:
        # A saved page says how it is encoded: "<meta charset=windows-1256>".
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            return raw.decode(declared[1].decode("ascii"))
    try:
        text = raw.decode("cp1256")
    except UnicodeDecodeError:
        return None
    # Judged on the text, not the markup around it (a page's scripts are Latin letters).
    visible = _MARKUP.sub(" ", text)
    letters = [c for c in visible if c.isalpha()]
    arabic = sum(1 for c in letters if ARABIC_LETTER.match(c))
    return text if letters and arabic / len(letters) > 0.6 else None


_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]{3,20})""", re.IGNORECASE)
_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)


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


def _structure(source: str, blocks: list[str], headings: set[int], meta: ArticleMeta) -> Article:
    """Drop boilerplate from marked-up blocks, keeping the subheading marks aligned."""
    kept = content_indexes(blocks, headings)
    new_headings = {n for n, i in enumerate(kept) if i in headings}
    if meta.author is None:
        meta = replace(meta, author=_byline(blocks, kept))
    return _from_blocks(source, [blocks[i] for i in kept], new_headings, meta)


def _byline(lines: list[str], kept: list[int]) -> str | None:
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
    return _str(next((name for name in names if name), None))


# --- plain text --------------------------------------------------------------------------------


def parse_plain(source: str, text: str) -> Article:
    """Scraped text: the first real line is the headline; a heading-like line followed by a
    paragraph starts a section."""
    lines = [" ".join(line.split()) for line in clean_text(text).splitlines()]
    lines = [line for line in lines if line]
    kept = content_indexes(lines)
    meta = ArticleMeta(author=_byline(lines, kept))
    return _from_blocks(source, [lines[i] for i in kept], meta=meta)


def _from_blocks(
    source: str,
    blocks: list[str],
    headings: set[int] | None = None,
    meta: ArticleMeta | None = None,
) -> Article:
    """Build an Article from text blocks; ``headings`` marks known subheading indexes (Markdown,
    HTML), otherwise subheadings are guessed from the shape of the lines."""
    blocks = [" ".join(clean_text(b).split()) for b in blocks]
    if not blocks or not any(ARABIC_LETTER.search(b) for b in blocks):
        raise ArticleError(source, "contains only site boilerplate, no article text")
    deck = 0
    if headings is None:
        blocks, deck = _headline_first(blocks)
    headline, rest = clean_line(blocks[0]) or blocks[0], blocks[1:]
    if headings is None:
        headings = {
            i
            for i, line in enumerate(rest[deck:], deck)
            if is_heading_like(line)
            and i + 1 < len(rest)
            and not is_heading_like(rest[i + 1])
            and not (i > 0 and _in_list(rest[i - 1], line))
        }
    else:
        headings = {i - 1 for i in headings if i > 0}
    lead: list[str] = []
    sections: list[Section] = []
    for i, block in enumerate(rest):
        if i in headings:
            sections.append(Section(clean_line(block) or block, ()))
        elif sections:
            last = sections[-1]
            sections[-1] = replace(last, paragraphs=(*last.paragraphs, block))
        else:
            lead.append(block)
    return Article(source, headline, tuple(lead), tuple(sections), meta or ArticleMeta())


# In scraped text, the headline is a line of at least this many words (site names, sections and
# "skip to content" links above it are shorter); the first line when none is.
MIN_HEADLINE_WORDS = 4


def _headline_first(blocks: list[str]) -> tuple[list[str], int]:
    """Scraped text from its headline on, and how many lines under the headline are its deck.

    The lines above the first paragraph are the page's header, where the headline is the first
    line that may be one (else the first that is not the site's name or a breadcrumb); of the
    lines between it and the first paragraph only a deck (spoken as lead, never a subheading)
    and a subheading right above the paragraph are kept."""
    first = next((i for i, b in enumerate(blocks) if _is_paragraph(b)), len(blocks))
    if first == len(blocks):
        return blocks, 0
    chrome = [is_site_name(b) or is_breadcrumb(b) for b in blocks[:first]]
    header = [i for i in range(first) if not chrome[i]] or [0]
    at = next((i for i in header if _may_be_headline(blocks[i])), header[0])
    if (
        at + 1 in header
        and _may_be_headline(blocks[at + 1])
        and len(blocks[at].split()) <= _MAX_KICKER_WORDS < len(blocks[at + 1].split())
    ):
        at += 1  # a kicker above the headline ("بداية من أفريل المقبل")
    subheading = first - 1 > at and _heads_first_paragraph(blocks, first)
    deck = [
        b for i, b in enumerate(blocks[at + 1 : first], at + 1)
        if (i < first - 1 or not subheading) and _is_deck(b)
    ]  # fmt: skip
    above = [blocks[first - 1]] if subheading else []
    return [blocks[at], *deck, *above, *_without_tag_list(blocks[first:])], len(deck)


def _heads_first_paragraph(blocks: list[str], first: int) -> bool:
    """Whether the line above the first paragraph is a subheading: it is shaped like one, not
    like a dateline or a captioned credit, and the article has more subheadings further on."""
    line = blocks[first - 1]
    if is_dateline(line) or len(line.split()) < 2 or line.rstrip().endswith(")"):
        return False
    if set(line.split()) & caption_words():
        return False  # "وزير الزراعة خلال جولته": a photo's caption
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


# --- Markdown ----------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def parse_markdown(source: str, text: str) -> Article:
    """Markdown: ``#`` headline, ``##``/``###`` subheadings, YAML front matter for metadata."""
    import yaml  # only Markdown with front matter needs it

    meta_data: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            problem = " ".join(str(exc).split())
            raise ArticleError(source, f"has invalid YAML front matter ({problem})") from exc
        meta_data = loaded if isinstance(loaded, dict) else {}
        text = text[match.end() :]
    blocks: list[str] = []
    headings: set[int] = set()
    title = _str(meta_data.get("title"))
    if title:
        blocks.append(title)
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(" ".join(paragraph))
            paragraph.clear()

    for raw_line in text.splitlines():
        line = raw_line.strip()
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            content = _md_inline(heading.group(2))
            if len(heading.group(1)) == 1 and not blocks:
                blocks.append(content)
            elif len(heading.group(1)) == 1 and title and content == title:
                continue
            else:
                headings.add(len(blocks))
                blocks.append(content)
        elif not line or re.fullmatch(r"[-*_]{3,}", line):
            flush()
        else:
            item = _md_inline(re.sub(r"^(?:>\s*|[-*+]\s+|\d+[.)]\s+)", "", line))
            if item:
                paragraph.append(item)
    flush()
    meta = {**meta_data, "url": meta_data.get("url") or meta_data.get("link")}
    meta["source"] = meta_data.get("source") or meta_data.get("publisher")
    return _structure(source, blocks, headings, safe_meta(meta))


def _md_inline(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images are not spoken
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    return " ".join(text.split())


def _str(value: Any, limit: int = MAX_NAME_CHARS) -> str | None:
    return clean_line(str(value), limit) if isinstance(value, (str, int, float)) else None


def _when(value: Any) -> datetime | None:
    """A publish date from front matter (a YAML date) or a page (ISO 8601 text)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip()
        # Python before 3.11 reads neither "Z" nor "+0300" offsets.
        text = re.sub(r"Z$", "+00:00", text)
        text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            match = re.match(r"\d{4}-\d{2}-\d{2}", text)
            return datetime.fromisoformat(match[0]) if match else None
    return None


def safe_meta(data: dict[str, Any]) -> ArticleMeta:
    """Metadata from front matter or a page, cleaned: bounded one-line text, http(s) URIs only."""
    description = data.get("description")
    return ArticleMeta(
        date=_when(data.get("date")),
        author=_str(data.get("author")),
        url=clean_url(_str(data.get("url"), 10_000)),
        image=clean_url(_str(data.get("image"), 10_000)),
        source=_str(data.get("source")),
        description=clean_line(description, 1000) if isinstance(description, str) else None,
    )
