"""A file's bytes as text: size, emptiness, binary content and encodings checked at the door.

Every way a file can be unusable becomes an :class:`ArticleError` naming the file.
"""

from __future__ import annotations

import contextlib
import logging
import re
from pathlib import Path

from newsaudio.errors import ArticleError
from newsaudio.reading.language import ARABIC_LETTER, arabic_word_share

log = logging.getLogger(__name__)

# News articles are a few kilobytes; 2 MiB is far beyond any article and keeps a mistaken
# `render big.iso` from tying up the engine for hours.
MAX_BYTES = 2 * 1024 * 1024


def read_text(path: Path) -> str:
    """The file's text, decoded; every way a file can be unusable becomes an ArticleError."""
    if not path.exists():
        # A shell leaves a pattern that matches nothing as it is: say so.
        glob = any(c in path.name for c in "*?[")
        raise ArticleError(path, "no file matches this pattern" if glob else "file not found")
    if path.is_dir():
        raise ArticleError(path, "is a directory, not an article file")
    if not path.is_file():  # a FIFO or a device would be read forever
        raise ArticleError(path, "is not a regular file")
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

    Older Arabic sites still serve Windows-1256. The fallback is accepted only when the result
    reads as Arabic, since almost any byte string "decodes" as Windows-1256. A few bytes that are
    not UTF-8 in UTF-8 text are replaced (U+FFFD).
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
    text = utf8_with_few_bad_bytes(raw)
    if text is not None:
        return text  # the reader warns, once the text turned out to be an article
    declared = _DECLARED_CHARSET.search(raw[:4096])
    if declared:
        # A saved page says how it is encoded: "<meta charset=windows-1256>".
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            return raw.decode(declared[1].decode("ascii"))
    try:
        text = raw.decode("cp1256")
    except UnicodeDecodeError:
        return None
    # Judged by its result, on the text, not the markup around it (a page's scripts are Latin
    # letters): mostly Arabic letters, and Arabic's commonest words among them. Cyrillic in
    # KOI8-R or Windows-1251 reads as Arabic letters too, but never as Arabic words.
    visible = _MARKUP.sub(" ", text)
    letters = [c for c in visible if c.isalpha()]
    arabic = sum(1 for c in letters if ARABIC_LETTER.match(c))
    if not letters or arabic / len(letters) <= 0.6:
        return None
    return text if arabic_word_share(visible) >= _MIN_ARABIC_WORD_SHARE else None


def utf8_with_few_bad_bytes(raw: bytes) -> str | None:
    """``raw`` as UTF-8 with its undecodable bytes replaced (U+FFFD), or None when they are half
    or more of its non-ASCII characters.

    A UTF-8 page with stray bytes (saved cut off mid-letter, a pasted Latin-1 or Windows-1256
    chunk) is still UTF-8: read as Windows-1256 it would be nothing but mojibake made of Arabic
    letters ("ط§ظ„" for "ال"), which the Arabic-letter test of that fallback accepts. A page in
    another encoding fails on nearly every non-ASCII character, so the share is taken of those,
    not of the page (a Windows-1256 page is mostly ASCII markup too).

    >>> utf8_with_few_bad_bytes("خبر عاجل عن الطقس اليوم".encode() + b"\\xff")
    'خبر عاجل عن الطقس اليوم\\ufffd'
    >>> utf8_with_few_bad_bytes("خبر".encode("cp1256")) is None
    True
    """
    text = raw.decode("utf-8-sig", "replace")
    non_ascii = sum(1 for c in text if not c.isascii())
    return text if text.count("\ufffd") < _MAX_BAD_UTF8_SHARE * non_ascii else None


# Undecodable bytes in a page that is still UTF-8, as a share of its non-ASCII characters: a
# pasted paragraph in another encoding is a few percent of a page, up to a third of a short one;
# a Windows-1256 page read as UTF-8 is ~100 % (h-youm7: 2,334 of 2,339).
_MAX_BAD_UTF8_SHARE = 0.5
# Arabic's commonest words among a Windows-1256 reading's words: real Arabic has ~18 % (the
# sample), Russian in KOI8-R or Windows-1251 read as Windows-1256 has none.
_MIN_ARABIC_WORD_SHARE = 0.03
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]{3,20})""", re.IGNORECASE)
_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)
