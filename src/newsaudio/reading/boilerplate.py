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

from newsaudio.reading.language import ARABIC_LETTER
from newsaudio.resources import data_toml

_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# A line ending like this is a sentence, not a subheading (closing quotes/brackets may follow, and
# a source in brackets: "… المقبل. (وكالات)").
_SENTENCE_END = re.compile(r"[.!?؟…۔][\s\"'”’»)\]]*(?:\([^()]*\)[\s\"'”’»]*)?$")
# Subheadings are short; a longer line without a full stop is a paragraph missing its punctuation.
MAX_HEADING_WORDS = 16
# Under the headline, before the first paragraph, a line this long is the article's deck (spoken
# as lead); shorter ones are captions, credits and labels — unless a paragraph follows (a
# subheading).
MIN_DECK_WORDS = 8


def match_key(line: str) -> str:
    """A line reduced for comparing with the boilerplate lists: no marks, one spelling of
    alef/ya/ta marbuta, single spaces. Arabic typed on a Persian keyboard has its own ya and kaf
    (ی U+06CC, ک U+06A9): they are Arabic's here.

    >>> match_key("مواضیع ذات صلة") == match_key("مواضيع ذات صلة")
    True
    """
    line = _MARKS.sub("", line).translate(_PERSIAN_KEYBOARD)
    line = re.sub("[أإآٱ]", "ا", line).replace("ى", "ي").replace("ة", "ه")
    return " ".join(line.split())


_PERSIAN_KEYBOARD = str.maketrans({"\u06cc": "ي", "\u06a9": "ك"})


@dataclass(frozen=True)
class _Boilerplate:
    drop: frozenset[str]
    drop_prefix: tuple[str, ...]
    drop_containing: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    caption_endings: tuple[re.Pattern[str], ...]
    boxes: frozenset[str]  # every box title: the stop list and the end list
    end: frozenset[str]
    end_patterns: tuple[re.Pattern[str], ...]
    crumbs: frozenset[str]
    date_words: frozenset[str]


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

    def patterns(name: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in data[name])

    date_words = frozenset(w.casefold() for k in keys("date_line_words") for w in k.split())
    return _Boilerplate(
        keys("drop"),
        prefixes,
        tuple(keys("drop_containing")),
        patterns("drop_patterns"),
        patterns("caption_endings"),
        keys("stop") | keys("end"),
        keys("end"),
        patterns("end_patterns"),
        crumbs,
        date_words,
    )


_DIGIT = re.compile(r"[0-9٠-٩]")
_NOT_WORD = re.compile(r"[0-9٠-٩\W_]+")


def is_date_bar(key: str) -> bool:
    """True for a line (its :func:`match_key`) that only gives a date or time: digits, month and
    day names, "نشر", "م"/"هـ" and the like, with at most two other words."""
    if not _DIGIT.search(key):
        return False
    words = _NOT_WORD.sub(" ", key.casefold()).split()
    known = sum(word in _boilerplate().date_words for word in words)
    unknown = len(words) - known
    # A place or a verb form the list lacks may be there: "… بتوقيت أبوظبي", "تم نشره في …".
    return unknown == 0 or (unknown <= 2 and known >= unknown + 2)


def title_key(text: str) -> str:
    """A title reduced for comparing: the boilerplate key, lower case, no punctuation."""
    return " ".join(re.sub(r"[^\w\s]", " ", match_key(text.casefold())).split())


@cache
def site_words() -> frozenset[str]:
    """Words that mark a title part as the site's name rather than the story's."""
    return frozenset(title_key(w) for w in boilerplate_data()["site_name_words"])


_CRUMB_SEPARATOR = re.compile(r"\s[>»›/|]\s")


def is_site_name(line: str) -> bool:
    """True for a short line made only of words like "نيوز", "عربي", "online": the site's name."""
    words = title_key(line).split()
    return 0 < len(words) <= 5 and all(word in site_words() for word in words)


def is_breadcrumb(line: str) -> bool:
    """True for a navigation line made only of known section names ("الرئيسية » أخبار",
    "أخبارسلايدر"), or of three or more short parts between separators ("الرئيسية > الاقتصاد >
    عقارات", whatever the sections are called)."""
    parts = [p for p in _CRUMB_SEPARATOR.split(line) if p.strip()]
    if len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts):
        return True
    if len(line) > _MAX_CRUMB_CHARS:
        return False  # a paragraph, or a whole page on one line: the word-break below is quadratic
    squeezed = re.sub(r"[\s»›>/|\\·•\-–—:]+", "", match_key(line))
    if not squeezed:
        return False
    words = _boilerplate().crumbs
    longest = max(map(len, words), default=0)
    # Word-break over the known names: runs-together such as "أخبارسلايدر" count too.
    reachable = [True] + [False] * len(squeezed)
    for end in range(1, len(squeezed) + 1):
        reachable[end] = any(
            reachable[start] and squeezed[start:end] in words
            for start in range(max(0, end - longest), end)
        )
    return reachable[-1]


# A breadcrumb is a few section names: "الرئيسية » أخبار » سياسة » الشرق الأوسط".
_MAX_CRUMB_CHARS = 200


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

    A box's title ("أخبار ذات صلة") and the headlines under it (headings, short lines) are left
    out, and the article resumes at the next paragraph: boxes sit between paragraphs too. In
    scraped text (no ``headings``) a comments or tags title ends the article.
    """
    structured = headings is not None
    chrome = _boilerplate()
    keys = [_COUNT.sub("", match_key(line)).strip(" :.-–—،") for line in lines]
    kept: list[int] = []
    in_box = pointer = in_body = False
    resume = -1
    for i, (line, key) in enumerate(zip(lines, keys, strict=True)):
        if i < resume:
            continue
        if (
            not structured
            and len(kept) >= 2
            and (key in chrome.end or any(p.fullmatch(key) for p in chrome.end_patterns))
        ):
            break  # comments or tags follow in scraped text, or the site's lines after a story
        if key in chrome.boxes:
            # A box that says where it ends ("نهاية قصص مقترحة") is skipped to there; otherwise
            # its headlines are, up to the next paragraph.
            end = _box_end(keys, i)
            resume = end + 1 if end is not None else resume
            in_box = end is None and (structured or in_body)  # above the text: a menu item
            continue
        if in_box and (len(line.split()) <= MAX_HEADING_WORDS or i in (headings or ())):
            continue  # a headline in the box, question marks and all
        in_box = False
        if pointer and is_heading_like(line):
            pointer = False
            continue  # the headline a bare "اقرأ أيضاً" line points to
        pointer = False
        if key in chrome.drop or (not kept and is_breadcrumb(line)):
            pointer = key in chrome.drop_prefix
            continue
        if kept and byline_name(line, loose=not in_body):
            continue
        if kept and not in_body and i not in (headings or ()) and is_dateline(line):
            continue  # "عنب بلدي – الحسكة" on its own above the text: who filed it, and where
        if is_date_bar(key) or _EDITOR_CODE.fullmatch(key):
            continue
        if len(key.split()) <= _MAX_LATIN_CHROME_WORDS and not ARABIC_LETTER.search(key):
            continue  # "Telegram", "A A", "A+ A-": buttons, in an Arabic article
        if any(p.fullmatch(key) for p in chrome.patterns):
            continue
        if not structured and _is_caption_by_ending(line, key):
            continue
        if len(key.split()) <= _MAX_POINTER_WORDS and (
            key.startswith(chrome.drop_prefix) or any(p in key for p in chrome.drop_containing)
        ):
            pointer = key in chrome.drop_prefix
            continue
        kept.append(i)
        in_body = in_body or not is_heading_like(line)
    # A picture's alt text is often copied just above its caption: "وزير الإسكان خلال جولته",
    # then "وزير الإسكان خلال جولته - أرشيفية", which was dropped.
    kept_set = set(kept)
    return [
        i for i in kept
        if not (
            i + 1 < len(lines) and i + 1 not in kept_set
            and len(keys[i]) >= 10 and keys[i + 1].startswith(keys[i])
        )
    ]  # fmt: skip


_MAX_LATIN_CHROME_WORDS = 4


def _is_caption_by_ending(line: str, key: str) -> bool:
    """A picture's caption in scraped text, told by its end ("… (أ ف ب)", "… - أرشيفية"), unless
    the line ends a sentence: then it is a paragraph that names its source."""
    if _SENTENCE_END.search(line):
        return False
    return any(p.fullmatch(key) for p in _boilerplate().caption_endings)


# A count after a widget's title: "التعليقات (3)".
_COUNT = re.compile(r"\s*[(\[]\d+[)\]]\s*$")


def _box_end(keys: list[str], start: int) -> int | None:
    """Where the box titled ``keys[start]`` says it ends ("نهاية قصص مقترحة", "قصص مقترحة
    نهاية"), if it does within a few dozen lines."""
    title = keys[start]
    for i in range(start + 1, min(len(keys), start + 40)):
        if title in keys[i] and "نهايه" in keys[i].split():
            return i
    return None


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


def byline_name(line: str, *, loose: bool = False) -> str | None:
    """The writer's name when ``line`` is a byline ("كتب: فلان", "بقلم فلان"), else None.
    ``loose``: just under the headline, where "كتب فلان" without ":" is a byline too (at most
    four words of name, then)."""
    loose_prefix, strict_prefix = _byline_prefix()
    line = line.strip()
    match = strict_prefix.match(line)
    longest = _MAX_NAME_WORDS
    if match is None and loose:
        match, longest = loose_prefix.match(line), 4
    if match is None:
        return None
    name = line[match.end() :].strip(" ،,-–—:")
    if len(name.split()) > longest or not _NAME.fullmatch(name):
        return None
    return name


# "دبي - العربية.نت", "أنقرة/ الأناضول", "بغداد: فلان", "عنب بلدي – الحسكة": where the story was
# filed and by whom.
_DATELINE = re.compile(r"\S+(?: \S+)?(?:\s*[-–—/:]|\sـ)\s*\S+(?: \S+){0,2}")


def is_dateline(line: str, *, colon: bool = True) -> bool:
    """True for a short "place - agency" or "site - place" line above a story's text. Without
    ``colon``, "X: Y" does not count (a bold "الوزارة: باب الحوار مفتوح" is a subheading)."""
    line = line.strip()
    if not colon and ":" in line:
        return False
    return _DATELINE.fullmatch(line) is not None


def is_heading_like(line: str) -> bool:
    """Short and not ending a sentence: how scraped subheadings look. A short question is a
    subheading too ("ماذا يعني القرار للمودعين؟"); a line ending with ":" only when very short
    (longer ones introduce a list or a quote)."""
    words = len(line.split())
    if words > MAX_HEADING_WORDS or line.lstrip().startswith(_BULLETS):
        return False
    if line.rstrip().endswith((":", "：")):
        # "وتشمل أبرز القواعد:" introduces a list: a sentence begun with "و".
        return words <= _MAX_COLON_HEADING_WORDS and not line.lstrip().startswith("و")
    if _QUESTION_END.search(line):
        return words <= _MAX_QUESTION_HEADING_WORDS
    return not _SENTENCE_END.search(line)


# A list item is not a subheading, however short.
_BULLETS = ("-", "–", "—", "•", "*", "·", "▪", "◾", "●")
_QUESTION_END = re.compile(r"[?؟][\s\"'”’»)\]]*$")
_MAX_QUESTION_HEADING_WORDS = 10
_MAX_COLON_HEADING_WORDS = 4


def is_widget_title(line: str) -> bool:
    """True for the title of a box that is not the article ("قصص مقترحة", "الأكثر قراءة",
    "التعليقات")."""
    return match_key(line).strip(" :.-–—،") in _boilerplate().boxes
