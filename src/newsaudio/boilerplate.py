"""Site boilerplate in text: what is page chrome, not article, line by line.

Scrapers copy a news site's breadcrumbs, buttons, "read also" pointers, widget titles and the
lists under them along with the article. The phrases are data (``data/boilerplate.toml``), since
every site adds its own and producers must be able to extend the lists; this module applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from newsaudio.resources import data_toml

_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# A line ending like this is a sentence, not a subheading (closing quotes/brackets may follow).
_SENTENCE_END = re.compile(r"[.!?؟…۔][\s\"'”’»)\]]*$")
# Subheadings are short; a longer line without a full stop is a paragraph missing its punctuation.
MAX_HEADING_WORDS = 16


def match_key(line: str) -> str:
    """A line reduced for comparing with the boilerplate lists: no marks, one spelling of
    alef/ya/ta marbuta, single spaces."""
    line = _MARKS.sub("", line)
    line = re.sub("[أإآٱ]", "ا", line).replace("ى", "ي").replace("ة", "ه")
    return " ".join(line.split())


@dataclass(frozen=True)
class _Boilerplate:
    drop: frozenset[str]
    drop_prefix: tuple[str, ...]
    drop_containing: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    stop: frozenset[str]
    crumbs: frozenset[str]


@cache
def boilerplate_data() -> dict[str, Any]:
    """``data/boilerplate.toml``, read once: the lists here and the page-metadata cues."""
    return data_toml("boilerplate.toml")


@cache
def _boilerplate() -> _Boilerplate:
    data = boilerplate_data()

    def keys(name: str) -> frozenset[str]:
        return frozenset(match_key(p) for p in data[name])

    crumbs = frozenset(k.replace(" ", "") for k in keys("breadcrumb"))
    prefixes = tuple(sorted(keys("drop_prefix"), key=len, reverse=True))
    patterns = tuple(re.compile(p) for p in data["drop_patterns"])
    return _Boilerplate(
        keys("drop"), prefixes, tuple(keys("drop_containing")), patterns, keys("stop"), crumbs
    )


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


# Wire copy ends with the agency's tag and its editors' initials: "/الواحة/ ع خ / م ر",
# "انتهى ص.آ/ م.ر".
_EDITOR_CODE = re.compile(
    r"(?:/[^/]{1,20}/|انتهي|انتهى|انتهی)?\s*"
    r"(?:(?:[\u0621-\u064a\u06a9\u06cc]\.?){1,2}(?:\s*/\s*|\s+|$)){2,8}"
)
# A pointer to another story ("اقرأ أيضاً: عنوان …") is a headline long at most.
_MAX_POINTER_WORDS = 25


def content_indexes(lines: list[str], headings: set[int] | None = None) -> list[int]:
    """Indexes of the lines that are article text: breadcrumbs above the headline, known chrome
    lines, "read also" pointers, page details and wire codes are left out.

    A "related articles" style line ends scraped text: everything after it is chrome. In a
    structured page (HTML, Markdown: ``headings`` given) such a box can sit between paragraphs, so
    only the line and the headlines under it (headings, short lines) are left out; the article
    resumes at the next paragraph.
    """
    structured = headings is not None
    chrome = _boilerplate()
    kept: list[int] = []
    in_box = False
    for i, line in enumerate(lines):
        key = match_key(line).strip(" :.-–—،")
        if key in chrome.stop and len(kept) >= 2 and not structured:
            break
        if key in chrome.stop:
            in_box = structured
            continue
        if in_box and (len(line.split()) <= MAX_HEADING_WORDS or i in (headings or ())):
            continue  # a headline in the box, question marks and all
        in_box = False
        if key in chrome.drop or (not kept and is_breadcrumb(line)):
            continue
        if kept and byline_name(line):
            continue
        if _EDITOR_CODE.fullmatch(key) or any(p.fullmatch(key) for p in chrome.patterns):
            continue
        if len(key.split()) <= _MAX_POINTER_WORDS and (
            key.startswith(chrome.drop_prefix) or any(p in key for p in chrome.drop_containing)
        ):
            continue
        kept.append(i)
    return kept


@cache
def _byline_prefix() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(loose, strict): loose takes any known prefix off what is known to be a byline; strict
    tells a byline line in running text, where "كتب" and the like need ":" or "-" after them."""
    data = boilerplate_data()

    def alternatives(*names: str) -> str:
        words = sorted((w for name in names for w in data[name]), key=len, reverse=True)
        return "|".join(re.escape(w) for w in words)

    every = alternatives("byline_prefix", "byline_prefix_with_colon")
    loose = re.compile(rf"^(?:{every})(?:\s*[:：,،\-–—]\s*|\s+)", re.IGNORECASE)
    strict = re.compile(
        rf"^(?:(?:{alternatives('byline_prefix')})(?:\s*[:：,،\-–—]\s*|\s+)"
        rf"|(?:{alternatives('byline_prefix_with_colon')})\s*[:：\-–—]\s*)",
        re.IGNORECASE,
    )
    return loose, strict


# A writer's name: a few words, no digits or sentence punctuation (a title such as "د." may
# have its full stop, the name cannot end with one).
_NAME = re.compile(r"[^\d٠-٩!?؟:;؛\"«»()]{1,59}[^\d٠-٩.!?؟:;؛\"«»()]")
_MAX_NAME_WORDS = 6


def strip_byline_prefix(text: str) -> str:
    """``text`` without a leading "بقلم", "كتب:", "by"…: what a byline element names."""
    return _byline_prefix()[0].sub("", text.strip(), count=1).strip()


def byline_name(line: str) -> str | None:
    """The writer's name when ``line`` is a byline ("كتب: فلان", "بقلم فلان"), else None."""
    match = _byline_prefix()[1].match(line.strip())
    if match is None:
        return None
    name = line.strip()[match.end() :].strip(" ،,-–—")
    if len(name.split()) > _MAX_NAME_WORDS or not _NAME.fullmatch(name):
        return None
    return name


def is_heading_like(line: str) -> bool:
    """Short and not ending a sentence: how scraped subheadings look."""
    return len(line.split()) <= MAX_HEADING_WORDS and not _SENTENCE_END.search(line)


def is_widget_title(line: str) -> bool:
    """True for the title of a box that is not the article ("قصص مقترحة", "الأكثر قراءة")."""
    return match_key(line).strip(" :.-–—،") in _boilerplate().stop
