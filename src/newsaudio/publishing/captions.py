"""Timed captions: the spoken sentences as WebVTT (``<slug>.vtt``) and SRT (``<slug>.srt``) cues.

Cue times come from the caller (the synthesized audio); this module only splits, checks and
formats them. Each WebVTT cue is named by where its sentence stands (:func:`sentence_places`):
the listening page groups the cues back into whole sentences, paragraphs and headings from the
names alone, so it needs nothing but the folder's files. Cue text is written so that Arabic reads
right to left in every player (see :func:`rtl_line`) and so that no article text can break the
file: WebVTT escapes ``&``, ``<`` and ``>``; SRT has no escapes, so tag openers and ``-->`` get an
invisible word joiner (see :func:`_srt_line`).
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from newsaudio.reading.sanitize import clean_text
from newsaudio.textprep import PreparedScript
from newsaudio.textprep.diacritize import strip_marks

VTT_SUFFIX = ".vtt"
SRT_SUFFIX = ".srt"
# Two lines of 42 characters: the line length of Arabic subtitle style guides (Netflix, BBC).
MAX_CUE_CHARS = 84

RLM = "\u200f"  # RIGHT-TO-LEFT MARK: a strong RTL character of zero width
RLE = "\u202b"  # RIGHT-TO-LEFT EMBEDDING
PDF = "\u202c"  # POP DIRECTIONAL FORMATTING: closes the embedding
WORD_JOINER = "\u2060"  # invisible, no width, no line break

# A pause inside a sentence: comma, Arabic comma, Arabic or Latin semicolon, colon — then a space.
_PAUSE = re.compile(r"(?<=[,،؛;:])\s+")
_TIMING = re.compile(r"^(\S+)\s+-->\s+(\S+)")
_TIMESTAMP = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Cue:
    """A caption shown from ``start_ms`` until ``end_ms`` (exclusive), in milliseconds.
    ``ident``: its WebVTT cue identifier, where its sentence stands (:func:`sentence_places`)."""

    start_ms: int
    end_ms: int
    text: str
    ident: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start_ms < self.end_ms:
            raise ValueError(f"cue times must satisfy 0 <= start < end: {self}")


def rtl_line(line: str) -> str:
    """One caption line made to display right to left, punctuation at its left (logical) end.

    Players disagree on a line's base direction. Browsers apply WebVTT's rule — the first strong
    character decides, each line on its own — so a line opening with a Latin name or a number in
    Latin letters turns left to right; libass (mpv, Kodi, ffmpeg's burnt-in subtitles) forces a
    left-to-right base for SRT and WebVTT, which puts a final period or question mark on the
    right. The leading RLM makes the first strong character right-to-left (browsers, VLC); the
    RLE … PDF embedding orders the line right to left even where the base stays left to right
    (libass), with the closing punctuation inside the embedding. All three are invisible and
    supported by every Unicode bidi implementation; isolates (RLI … PDI) would be the modern
    choice but older FriBidi versions ignore them.

    >>> rtl_line("قال.") == "\\u200f\\u202bقال.\\u202c"
    True
    """
    return f"{RLM}{RLE}{line}{PDF}"


def _plain_line(line: str) -> str:
    """A parsed line without the marks :func:`rtl_line` added."""
    if line.startswith(RLM + RLE) and line.endswith(PDF):
        return line[2:-1]
    return line


def _lines(text: str) -> list[str]:
    """A cue's text as display lines: control and bidi-override characters dropped (the article
    cannot reorder our lines), no blank lines (a blank line ends a cue in both formats)."""
    return [
        line for line in (" ".join(part.split()) for part in clean_text(text).splitlines()) if line
    ]


def _check(cues: Sequence[Cue]) -> None:
    for before, after in itertools.pairwise(cues):
        if after.start_ms < before.end_ms:
            raise ValueError(f"cues overlap or are out of order: {before} then {after}")


def timestamp(ms: int, separator: str = ".") -> str:
    """``HH:MM:SS.mmm`` (WebVTT) or, with ``separator=","``, ``HH:MM:SS,mmm`` (SRT).

    >>> timestamp(3_725_042)
    '01:02:05.042'
    >>> timestamp(61_000, ",")
    '00:01:01,000'
    """
    seconds, millis = divmod(ms, 1000)
    hours, seconds = divmod(seconds, 3600)
    return f"{hours:02d}:{seconds // 60:02d}:{seconds % 60:02d}{separator}{millis:03d}"


def _vtt_escape(line: str) -> str:
    """WebVTT cue text escapes: ``&``, ``<`` and ``>`` (so ``-->`` cannot appear either).

    >>> _vtt_escape("a<b> --> c & d")
    'a&lt;b&gt; --&gt; c &amp; d'
    """
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def format_vtt(cues: Iterable[Cue]) -> str:
    """A WebVTT file of ``cues`` (in order, never overlapping; cues with no text are left out).

    >>> print(format_vtt([Cue(0, 1500, "<b>&")]).replace(RLM, "").replace(RLE, "").replace(PDF, ""))
    WEBVTT
    <BLANKLINE>
    00:00:00.000 --> 00:00:01.500
    &lt;b&gt;&amp;
    <BLANKLINE>
    """
    cues = list(cues)
    _check(cues)
    blocks = ["WEBVTT\n"]
    for cue in cues:
        lines = [rtl_line(_vtt_escape(line)) for line in _lines(cue.text)]
        if lines:
            timing = f"{timestamp(cue.start_ms)} --> {timestamp(cue.end_ms)}"
            blocks.append("\n".join([*_ident(cue), timing, *lines]) + "\n")
    return "\n".join(blocks)


def _ident(cue: Cue) -> list[str]:
    """The cue's identifier line, if it has an identifier WebVTT allows (no ``-->``, one line)."""
    ident = " ".join(cue.ident.split())
    return [ident] if ident and "-->" not in ident else []


def _srt_line(line: str) -> str:
    """SRT has no escapes, and players read ``<i>``, ``<font …>`` and ``{\\an8}`` in it: a word
    joiner after ``<`` and ``{`` (before a tag name or a backslash) and inside ``-->`` leaves the
    text as it looks while no player takes it for markup or a timing line.

    >>> _srt_line("<script> --> {\\\\an8}") == "<\\u2060script> --\\u2060> {\\u2060\\\\an8}"
    True
    """
    line = re.sub(r"<(?=[/A-Za-z!?])", "<" + WORD_JOINER, line)
    line = re.sub(r"\{(?=\\)", "{" + WORD_JOINER, line)
    return line.replace("-->", "--" + WORD_JOINER + ">")


def format_srt(cues: Iterable[Cue]) -> str:
    """A SubRip file of ``cues``: numbered from 1, ``HH:MM:SS,mmm`` times.

    >>> print(format_srt([Cue(0, 1500, "أ"), Cue(1500, 2000, "ب")]).replace(RLM, "")
    ...       .replace(RLE, "").replace(PDF, ""))
    1
    00:00:00,000 --> 00:00:01,500
    أ
    <BLANKLINE>
    2
    00:00:01,500 --> 00:00:02,000
    ب
    <BLANKLINE>
    """
    cues = list(cues)
    _check(cues)
    blocks: list[str] = []
    for cue in cues:
        lines = [rtl_line(_srt_line(line)) for line in _lines(cue.text)]
        if lines:
            timing = f"{timestamp(cue.start_ms, ',')} --> {timestamp(cue.end_ms, ',')}"
            blocks.append("\n".join([str(len(blocks) + 1), timing, *lines]) + "\n")
    return "\n".join(blocks)


def _parse_timestamp(value: str) -> int:
    match = _TIMESTAMP.match(value)
    if not match:
        raise ValueError(f"not a WebVTT timestamp: {value!r}")
    hours, minutes, seconds, millis = (int(g or 0) for g in match.groups())
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file (the page reads them back): cue settings, NOTE/STYLE/REGION
    blocks and markup tags are ignored, entities decoded, :func:`rtl_line`'s marks removed.
    Raises ValueError for a file that is not WebVTT.

    >>> parse_vtt(format_vtt([Cue(0, 900, "a &lt; <b>", "p1-s1")]))
    [Cue(start_ms=0, end_ms=900, text='a &lt; <b>', ident='p1-s1')]
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    header, _, body = text.partition("\n")
    if not re.match(r"WEBVTT(?:[ \t]|$)", header):
        raise ValueError("missing the WEBVTT header")
    cues = []
    for block in re.split(r"\n{2,}", body):
        lines = block.strip("\n").split("\n")
        index = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if index is None:
            continue  # header metadata, NOTE, STYLE or REGION
        match = _TIMING.match(lines[index])
        if not match:
            raise ValueError(f"bad cue timing line: {lines[index]!r}")
        start, end = (_parse_timestamp(v) for v in match.groups())
        cue_lines = [html.unescape(_TAG.sub("", line)) for line in lines[index + 1 :]]
        text = "\n".join(_plain_line(line) for line in cue_lines)
        cues.append(Cue(start, end, text, lines[0] if index else ""))
    return cues


def _spoken_length(text: str) -> int:
    """Letters and digits, not spaces or vowel marks: roughly how long ``text`` takes to say."""
    return sum(1 for ch in text if not ch.isspace() and not unicodedata.combining(ch)) or 1


def _chunks(text: str, max_chars: int) -> list[str]:
    """``text`` in pieces of at most ``max_chars``: whole clauses (split after a pause mark) where
    they fit, else words; a single longer word stays whole."""
    units: list[str] = []
    for clause in _PAUSE.split(text.strip()):
        units.extend([clause] if len(clause) <= max_chars else clause.split())
    chunks: list[str] = []
    for unit in units:
        if chunks and len(chunks[-1]) + 1 + len(unit) <= max_chars:
            chunks[-1] += " " + unit
        else:
            chunks.append(unit)
    return chunks


def split_long(text: str, start_ms: int, end_ms: int, max_chars: int = MAX_CUE_CHARS) -> list[Cue]:
    """One sentence spoken from ``start_ms`` to ``end_ms`` as cues of at most ``max_chars``
    characters, split at its pauses (commas, «،», «؛», colons), else between words.

    The split points are timed in proportion to the spoken length of the text before them (the
    letters, not the vowel marks). That is an estimate: the engine's pauses and speaking rate make
    the real boundaries differ by a few hundred milliseconds; a caller that knows where the pauses
    fell should make the cues itself. The cues cover the sentence exactly and never overlap.

    >>> for cue in split_long("الأول، والثاني", 1000, 2000, max_chars=8):
    ...     print(cue.start_ms, cue.end_ms, cue.text)
    1000 1461 الأول،
    1461 2000 والثاني
    """
    if not 0 <= start_ms < end_ms:
        raise ValueError(f"a sentence must satisfy 0 <= start < end: {start_ms}, {end_ms}")
    chunks = _chunks(text, max_chars) if len(text.strip()) > max_chars else [text.strip()]
    total = sum(_spoken_length(c) for c in chunks)
    cues: list[Cue] = []
    pending: list[str] = []  # chunks too short to get a millisecond: they join the next cue
    done = 0
    for chunk in chunks:
        pending.append(chunk)
        done += _spoken_length(chunk)
        begin = cues[-1].end_ms if cues else start_ms
        end = start_ms + (end_ms - start_ms) * done // total
        if end > begin:
            cues.append(Cue(begin, end, " ".join(pending)))
            pending = []
    return cues


def sentence_cues(
    sentences: Iterable[tuple[str, int, int]], places: Sequence[str] | None = None
) -> list[Cue]:
    """Cues for the spoken sentences, given as (text, start_ms, end_ms) from the audio: one per
    sentence, a long one split at its pauses (:func:`split_long`). The text is shown without vowel
    marks, as Arabic captions are written; the spoken, voweled text is the episode's transcript.
    ``places`` (:func:`sentence_places`, one per sentence) name the cues: a sentence's place, and
    ``.1``, ``.2``… after it for the parts of a split sentence.

    >>> [(c.ident, c.text) for c in sentence_cues([("قَالَ الْوَزِيرُ", 0, 900)], ["p1-s1"])]
    [('p1-s1', 'قال الوزير')]
    """
    sentences = list(sentences)
    names = list(places) if places is not None else [""] * len(sentences)
    if len(names) != len(sentences):
        raise ValueError(f"{len(names)} places for {len(sentences)} sentences")
    cues = []
    for (text, start_ms, end_ms), place in zip(sentences, names, strict=True):
        if end_ms <= start_ms:
            continue
        parts = split_long(strip_marks(text), start_ms, end_ms)
        for number, cue in enumerate(parts, 1):
            ident = f"{place}.{number}" if place and len(parts) > 1 else place
            cues.append(replace(cue, ident=ident))
    return cues


def sentence_places(pieces: Iterable[tuple[int, PreparedScript]]) -> list[str]:
    """Where each spoken sentence stands, in spoken order (the order synthesis speaks and marks
    them), for ``pieces`` of (article number, 0 for none; its prepared script): ``a2-h5-s31`` is
    sentence 31 of the episode, in block 5 (``h``: a title spoken as a heading; ``p``: a
    paragraph, the lead, an announcement, a sign-off), of article 2 of an edition. Blocks and
    sentences are numbered through the whole episode, so every name is unique in its file.
    A block is a heading when it says its chapter's title, as published.
    """
    places: list[str] = []
    blocks = 0
    for article, prepared in pieces:
        prefix = f"a{article}-" if article else ""
        for segment in prepared.segments:
            title = " ".join(segment.title.split())
            for index, block in enumerate(segment.blocks):
                if not block:
                    continue  # synthesis speaks nothing for it
                blocks += 1
                shown = " ".join(segment.written_sentence(index, n) for n in range(len(block)))
                kind = (
                    "h" if segment.kind != "closing" and " ".join(shown.split()) == title else "p"
                )
                places += [
                    f"{prefix}{kind}{blocks}-s{len(places) + n}" for n in range(1, len(block) + 1)
                ]
    return places
