"""A file's or page's bytes as text: size, emptiness, binary content and encodings checked at the
door.

Every way a file can be unusable becomes an :class:`ArticleError` naming the file. How the bytes
were read is judged by the bytes first: UTF-8 is recognised by its own structure (valid multi-byte
sequences do not happen by chance in single-byte text), so a file that is UTF-8 is read as UTF-8
whatever its ``<meta charset>`` says, and a UTF-8 file with a passage pasted in another encoding
keeps its UTF-8 parts. Single-byte Arabic encodings cannot be told from their bytes, only from
their letters: ISO-8859-6 read as Windows-1256 gives Latin letters and ``×`` inside words, so each
is tried and the one that reads as Arabic words wins. Every such guess is returned with the text
(:attr:`Decoded.guess`), for the reader to say in a warning once the text turned out to be an
article.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsaudio.errors import ArticleError
from newsaudio.reading.language import ARABIC_LETTER, arabic_word_share

# News articles are a few kilobytes; 2 MiB is far beyond any article and keeps a mistaken
# `render big.iso` from tying up the engine for hours.
MAX_BYTES = 2 * 1024 * 1024

# The single-byte encodings of Arabic, most common first (a tie goes to the first).
SINGLE_BYTE_ARABIC = ("cp1256", "iso8859-6")
_NAMES = {"cp1256": "Windows-1256", "iso8859-6": "ISO-8859-6", "utf-8": "UTF-8"}


@dataclass(frozen=True)
class Decoded:
    """Text and how its bytes were read."""

    text: str
    codec: str  # "utf-8", "utf-16", "cp1256", "iso8859-6"…; "utf-8+cp1256" for a mixed file
    # How the bytes were read where they did not say, or said otherwise: a sentence fragment
    # ("read as Windows-1256 by its letters") for a warning; "" when they were read as declared.
    guess: str = ""


def read_text(path: Path) -> str:
    """The file's text, decoded; every way a file can be unusable becomes an ArticleError."""
    return read_decoded(path).text


def read_decoded(path: Path) -> Decoded:
    """The file's text and how it was read; every way a file can be unusable becomes an
    ArticleError."""
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
    decoded = decode(raw)
    if decoded is None:
        if _looks_binary(raw):
            raise ArticleError(path, "is a binary file, not text")
        raise ArticleError(path, "is not UTF-8 text (nor Arabic in Windows-1256 or ISO-8859-6)")
    if not decoded.text.strip():
        raise ArticleError(path, "contains only whitespace")
    return decoded


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f")
    return control > len(head) * 0.05


def decode(raw: bytes, declared: Sequence[str] = ()) -> Decoded | None:
    """``raw`` as text, or None when it is binary or no encoding reads it as text.

    In order: a byte-order mark; UTF-8, when the bytes are UTF-8 (a few stray bytes replaced by
    U+FFFD, a passage in a single-byte Arabic encoding read as that); the charsets ``declared``
    (an HTTP header's) and the page's ``<meta charset>``; else Windows-1256 or ISO-8859-6, by
    which reads as Arabic words. Almost any bytes "decode" as a single-byte encoding, so a guessed
    one is accepted only when the result reads as Arabic.

    >>> decode("خبر عاجل".encode()).text
    'خبر عاجل'
    >>> decode("<meta charset=windows-1256>خبر عاجل".encode()).guess
    'it declares windows-1256, but its bytes are UTF-8: read as UTF-8'
    """
    bom = _by_bom(raw)
    if bom is not None or _looks_binary(raw):
        return bom
    named = [*declared]
    named += [m.decode("ascii") for m in _DECLARED_CHARSET.findall(raw[:_META_SCAN_BYTES])]
    known = [(name, codec) for name in named if (codec := _codec(name))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        other = next((name for name, codec in known if codec != "utf-8"), None)
        if other and not raw.isascii():
            return Decoded(
                text, "utf-8", f"it declares {other}, but its bytes are UTF-8: read as UTF-8"
            )
        return Decoded(text, "utf-8")
    mostly_utf8 = _utf8_with_passages(raw, [codec for _, codec in known])
    if mostly_utf8 is not None:
        return mostly_utf8
    refused: list[str] = []
    for name, codec in known:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            refused.append(name)
            continue
        if not ARABIC_LETTER.search(text) and _best_single_byte(raw):
            refused.append(name)  # Latin-1 declared for Arabic bytes: their letters say otherwise
            continue
        if not refused:
            return Decoded(text, codec)
        guess = f"it is not {refused[0]} as it declares: read as {name}, as it also declares"
        return Decoded(text, codec, guess)
    best = _best_single_byte(raw)
    if best is None:
        return None
    text, codec = best
    if not refused:
        said = "it is not UTF-8 and declares no charset"
    elif _codec(refused[0]) == "utf-8":
        said = "it is not UTF-8 as it declares"
    else:
        said = f"it is not UTF-8, nor {refused[0]} as it declares"
    return Decoded(text, codec, f"{said}: read as {_NAMES[codec]} by its letters")


def _by_bom(raw: bytes) -> Decoded | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(raw.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            return None
    return None


def _codec(name: str) -> str | None:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None  # a misspelt or invented charset says nothing
    return "utf-8" if codec == "utf-8-sig" else codec


def _utf8_with_passages(raw: bytes, declared: list[str]) -> Decoded | None:
    """``raw`` as UTF-8 with bytes that are not UTF-8 in it, or None when it is not UTF-8.

    Text counts as UTF-8 when it holds at least :data:`_MIN_UTF8_CHARS` characters in runs of
    two or more valid multi-byte sequences: single-byte Arabic text never forms those (its letters
    are never continuation bytes). The other bytes are a passage pasted in another encoding when,
    read in a single-byte Arabic encoding (the one declared, else the one that reads best), they
    read as Arabic words: they are read so, and the UTF-8 around them stays UTF-8. Otherwise they
    are stray bytes (a file cut mid-letter, a pasted Latin-1 word), each replaced by U+FFFD, which
    the reader counts in its warning.

    >>> _utf8_with_passages("خبر عاجل عن الطقس اليوم".encode() + b"\\xff", []).text
    'خبر عاجل عن الطقس اليوم\\ufffd'
    >>> _utf8_with_passages("خبر".encode("cp1256"), []) is None
    True
    """
    if sum(len(run.decode()) for run in _UTF8_WORDS.findall(raw)) < _MIN_UTF8_CHARS:
        return None
    runs = [(m.lastgroup, m.group()) for m in _RUN.finditer(raw)]
    # A lone valid sequence beside foreign bytes is part of their passage ("ع،" in Windows-1256
    # is the valid UTF-8 "ڡ"), not UTF-8.
    kinds = [kind for kind, _ in runs]
    for i, (kind, run) in enumerate(runs):
        beside = {kinds[j] for j in (i - 1, i + 1) if 0 <= j < len(runs)}
        if kind == "utf8" and not _long_run(run) and "bad" in beside:
            kinds[i] = "bad"
    foreign = b" ".join(b"".join(runs[i][1] for i in group) for group in _groups(kinds, "bad"))
    codec = next((c for c in declared if c in SINGLE_BYTE_ARABIC), None)
    if codec is None:
        best = _best_single_byte(foreign)
        codec = best[1] if best else None
    elif not _reads_as_arabic(foreign.decode(codec, "replace")):
        codec = None
    parts = []
    for kind, (_, run) in zip(kinds, runs, strict=True):
        if kind != "bad":
            parts.append(run.decode("utf-8"))
        elif codec is not None:
            parts.append(run.decode(codec, "replace"))
        else:
            parts.append("\ufffd" * len(run))
    text = "".join(parts).removeprefix("\ufeff")
    if codec is None:
        return Decoded(text, "utf-8")
    count = sum(len(run) for kind, (_, run) in zip(kinds, runs, strict=True) if kind == "bad")
    guess = f"{count:,} bytes that are not UTF-8 read as {_NAMES[codec]}, the rest as UTF-8"
    return Decoded(text, f"utf-8+{codec}", guess)


def _long_run(run: bytes) -> bool:
    """A run of at least two valid multi-byte sequences (a word, not a chance pair)."""
    return len(run.decode()) >= 2


def _groups(kinds: list[str | None], kind: str) -> list[list[int]]:
    """Indexes of consecutive runs of ``kind``."""
    groups: list[list[int]] = []
    for i, k in enumerate(kinds):
        if k != kind:
            continue
        if groups and groups[-1][-1] == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _best_single_byte(raw: bytes) -> tuple[str, str] | None:
    """``raw`` in the single-byte Arabic encoding that reads most as Arabic words, if any does."""
    readings = []
    for codec in SINGLE_BYTE_ARABIC:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue  # ISO-8859-6 leaves bytes undefined that Windows-1256 uses for letters
        if _reads_as_arabic(text):
            readings.append((arabic_word_share(_MARKUP.sub(" ", text)), text, codec))
    if not readings:
        return None
    _, text, codec = max(readings, key=lambda r: r[0])  # a tie: the first, the commoner
    return text, codec


def _reads_as_arabic(text: str) -> bool:
    """Judged by its result, on the text, not the markup around it (a page's scripts are Latin
    letters): mostly Arabic letters, and Arabic's commonest words among them. Cyrillic in KOI8-R
    or Windows-1251 reads as Arabic letters too, but never as Arabic words."""
    visible = _MARKUP.sub(" ", text)
    letters = [c for c in visible if c.isalpha()]
    arabic = sum(1 for c in letters if ARABIC_LETTER.match(c))
    if not letters or arabic / len(letters) <= 0.6:
        return False
    return arabic_word_share(visible) >= _MIN_ARABIC_WORD_SHARE


# Characters of a file in runs of two or more valid multi-byte UTF-8 sequences that make it a
# UTF-8 file (with stray bytes or a foreign passage); a Windows-1256 file has none.
_MIN_UTF8_CHARS = 10
# Arabic's commonest words among a single-byte reading's words: real Arabic has ~18 % (the
# sample), Russian in KOI8-R or Windows-1251 read as Windows-1256 has none.
_MIN_ARABIC_WORD_SHARE = 0.03
_META_SCAN_BYTES = 8192  # the charset <meta> sits at the top of <head>
# <meta charset="…">, <meta http-equiv="Content-Type" content="text/html; charset=…"> and an XML
# declaration's encoding="…" alike.
_DECLARED_CHARSET = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?\s*|<\?xml[^>]+encoding\s*=\s*["'])"""
    rb"([A-Za-z0-9_.:-]{3,20})",
    re.IGNORECASE,
)
_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)
# A valid multi-byte UTF-8 sequence (RFC 3629: no overlong forms, no surrogates).
_UTF8_SEQUENCE = (
    rb"(?:[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2})"
)
_UTF8_WORDS = re.compile(_UTF8_SEQUENCE + rb"{2,}")
# The bytes as runs: ASCII, valid multi-byte UTF-8 sequences, single bytes that start none.
_RUN = re.compile(
    rb"(?P<ascii>[\x00-\x7f]+)|(?P<utf8>" + _UTF8_SEQUENCE + rb"+)|(?P<bad>[\x80-\xff])"
)
