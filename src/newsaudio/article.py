"""Stage 1: read an article file and find its structure.

Input is what producers have at hand: plain text as scraped from a news site, Markdown with YAML
front matter, or an HTML page. Output is an :class:`Article`: headline, optional lead paragraphs,
and sections (subheading + paragraphs), with site boilerplate dropped. Reading is strict: a file
that is missing, empty, binary, wrongly encoded, huge, has no Arabic text or holds only boilerplate
raises :class:`ArticleError` naming the file and the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from newsaudio.errors import ArticleError
from newsaudio.html_article import parse_html
from newsaudio.resources import data_toml

# News articles are a few kilobytes; 2 MiB is far beyond any article and keeps a mistaken
# `render big.iso` from tying up the engine for hours.
MAX_BYTES = 2 * 1024 * 1024

ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# A line ending like this is a sentence, not a subheading (closing quotes/brackets may follow).
_SENTENCE_END = re.compile(r"[.!?؟…۔][\s\"'”’»)\]]*$")
# Subheadings are short; a longer line without a full stop is a paragraph missing its punctuation.
MAX_HEADING_WORDS = 16


@dataclass(frozen=True)
class Section:
    """A subheading and the paragraphs under it."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ArticleMeta:
    """What is known about the article beyond its text; every field is optional."""

    date: datetime | None = None
    author: str | None = None
    url: str | None = None
    image: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Article:
    """An article's structure, boilerplate removed."""

    path: Path
    headline: str
    lead: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    meta: ArticleMeta = field(default_factory=ArticleMeta)

    @property
    def slug(self) -> str:
        """File-name stem of the episode: the article's file name, made safe for URLs."""
        return slugify(self.path.stem)


def slugify(stem: str) -> str:
    """A URL- and file-system-safe slug; Arabic letters are kept.

    >>> slugify("Kursk Ar (final)")
    'kursk-ar-final'
    """
    slug = re.sub(r"[^\w]+", "-", stem.casefold()).strip("-_")
    return slug or "episode"


def load_article(path: Path) -> Article:
    """Read and parse ``path``; raise :class:`ArticleError` if it is not a usable article."""
    text = read_text(path)
    if not ARABIC_LETTER.search(text):
        raise ArticleError(path, "contains no Arabic text")
    fmt = detect_format(path, text)
    if fmt == "html":
        page = parse_html(text)
        return _structure(path, page.blocks, page.headings, _meta(page.meta))
    if fmt == "markdown":
        return parse_markdown(path, text)
    return parse_plain(path, text)


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
    try:
        text = raw.decode("cp1256")
    except UnicodeDecodeError:
        return None
    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if ARABIC_LETTER.match(c))
    return text if letters and arabic / len(letters) > 0.6 else None


def detect_format(path: Path, text: str) -> str:
    """'html', 'markdown' or 'text', by file extension and then by content."""
    suffix = path.suffix.casefold()
    if suffix in {".html", ".htm", ".xhtml"}:
        return "html"
    if suffix in {".md", ".markdown"}:
        return "markdown"
    head = text.lstrip()[:512].casefold()
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    if head.startswith("---\n") or re.match(r"#{1,3} \S", head):
        return "markdown"
    return "text"


# --- boilerplate -------------------------------------------------------------------------------


def match_key(line: str) -> str:
    """A line reduced for comparing with the boilerplate lists: no marks, one spelling of
    alef/ya/ta marbuta, single spaces."""
    line = _MARKS.sub("", line)
    line = re.sub("[أإآٱ]", "ا", line).replace("ى", "ي").replace("ة", "ه")
    return " ".join(line.split())


@dataclass(frozen=True)
class _Boilerplate:
    drop: frozenset[str]
    stop: frozenset[str]
    crumbs: frozenset[str]


@cache
def _boilerplate() -> _Boilerplate:
    data = data_toml("boilerplate.toml")

    def keys(name: str) -> frozenset[str]:
        return frozenset(match_key(p) for p in data[name])

    crumbs = frozenset(k.replace(" ", "") for k in keys("breadcrumb"))
    return _Boilerplate(keys("drop"), keys("stop"), crumbs)


def is_breadcrumb(line: str) -> bool:
    """True for a navigation line made only of known section names ("الرئيسية » أخبار",
    "أخبارسلايدر")."""
    squeezed = re.sub(r"[\s»›>/|\\·•\-–—:]+", "", match_key(line))
    if not squeezed:
        return False
    words = _boilerplate().crumbs
    # Word-break over the known names: runs-together such as "أخبارسلايدر" count too.
    reachable = [True] + [False] * len(squeezed)
    for end in range(1, len(squeezed) + 1):
        reachable[end] = any(
            reachable[start] and squeezed[start:end] in words for start in range(end)
        )
    return reachable[-1]


def content_indexes(lines: list[str]) -> list[int]:
    """Indexes of the lines that are article text: breadcrumbs above the headline, known chrome
    lines, and everything after a "related articles" style line are left out."""
    chrome = _boilerplate()
    kept: list[int] = []
    for i, line in enumerate(lines):
        key = match_key(line)
        if key in chrome.stop:
            break
        if key in chrome.drop or (not kept and is_breadcrumb(line)):
            continue
        kept.append(i)
    return kept


def _structure(path: Path, blocks: list[str], headings: set[int], meta: ArticleMeta) -> Article:
    """Drop boilerplate from marked-up blocks, keeping the subheading marks aligned."""
    kept = content_indexes(blocks)
    new_headings = {n for n, i in enumerate(kept) if i in headings}
    return _from_blocks(path, [blocks[i] for i in kept], new_headings, meta)


# --- plain text --------------------------------------------------------------------------------


def is_heading_like(line: str) -> bool:
    """Short and not ending a sentence: how scraped subheadings look."""
    return len(line.split()) <= MAX_HEADING_WORDS and not _SENTENCE_END.search(line)


def parse_plain(path: Path, text: str) -> Article:
    """Scraped text: the first real line is the headline; a heading-like line followed by a
    paragraph starts a section."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    return _from_blocks(path, [lines[i] for i in content_indexes(lines)])


def _from_blocks(
    path: Path,
    blocks: list[str],
    headings: set[int] | None = None,
    meta: ArticleMeta | None = None,
) -> Article:
    """Build an Article from text blocks; ``headings`` marks known subheading indexes (Markdown,
    HTML), otherwise subheadings are guessed from the shape of the lines."""
    if not blocks or not any(ARABIC_LETTER.search(b) for b in blocks):
        raise ArticleError(path, "contains only site boilerplate, no article text")
    headline, rest = blocks[0], blocks[1:]
    if headings is None:
        headings = {
            i
            for i, line in enumerate(rest)
            if is_heading_like(line) and i + 1 < len(rest) and not is_heading_like(rest[i + 1])
        }
    else:
        headings = {i - 1 for i in headings if i > 0}
    lead: list[str] = []
    sections: list[Section] = []
    for i, block in enumerate(rest):
        if i in headings:
            sections.append(Section(block, ()))
        elif sections:
            last = sections[-1]
            sections[-1] = replace(last, paragraphs=(*last.paragraphs, block))
        else:
            lead.append(block)
    return Article(path, headline, tuple(lead), tuple(sections), meta or ArticleMeta())


# --- Markdown ----------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def parse_markdown(path: Path, text: str) -> Article:
    """Markdown: ``#`` headline, ``##``/``###`` subheadings, YAML front matter for metadata."""
    meta_data: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise ArticleError(path, f"has invalid YAML front matter ({exc})") from exc
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
    return _structure(path, blocks, headings, _meta(meta_data))


def _md_inline(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images are not spoken
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    return " ".join(text.split())


def _str(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _meta(data: dict[str, Any]) -> ArticleMeta:
    when = data.get("date")
    if isinstance(when, date) and not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day)
    elif isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            when = None
    elif not isinstance(when, datetime):
        when = None
    return ArticleMeta(
        date=when,
        author=_str(data.get("author")),
        url=_str(data.get("url") or data.get("link")),
        image=_str(data.get("image")),
        source=_str(data.get("source") or data.get("publisher")),
    )
