"""What is not Arabic words: links, Latin script, abbreviations, emoji, quotes and brackets.

Nothing is dropped silently except decoration and markup: tags in text that is not a web page
(``<b>``, ``<script>``, ``<br/>``, comments) are markup pasted into plain text or Markdown, never
words, and are not heard (the text between them is); web and e-mail addresses become a short spoken
notice; Latin unit symbols after a number become the Arabic ones ("10 km" → "10 كم"); Latin
acronyms and tokens with digits that neither the lexicon nor :mod:`latin` read are spelled
letter by letter with Arabic letter names (digits are split off for the numbers rule);
abbreviations come from ``data/abbreviations.toml``; emoji and decorative symbols are removed;
quotations, brackets and dashes become pauses (a comma), as a reader pauses there — but a short
quoted term inside a phrase is read through. Data in ``data/symbols.toml``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from newsaudio.resources import data_toml
from newsaudio.textprep.number_words import number_data
from newsaudio.textprep.trace import NO_TRACE, Trace

_URL = re.compile(r"(?:https?://|www\.)[^\s،,؛;\"'”»)\]]+[^\s.,،؛;:!?؟\"'”»)\]]", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LATIN_TOKEN = re.compile(r"(?<![A-Za-z])[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")
_LETTERS_OR_DIGITS = re.compile(r"[A-Za-z]+|[0-9]+")
# Brackets, parenthetical dashes and the quotes left after _QUOTED: read as a short pause.
_PAUSE_MARKS = re.compile(r"\s*[\"“”«»„‟(){}\[\]]\s*|\s+[—–-]\s+|\s*[—–]\s*")
# A quoted span. Short quotes inside a phrase are terms, not quotations: "لتقديم “مساعدة عسكرية
# فورية”" is one idafa, and a pause (with its pausal form) inside it would break the grammar.
_QUOTED = re.compile(r"(?P<before>[:：]?\s*)[\"“«„](?P<inner>[^\"”»“«]{1,300})[\"”»]")
SHORT_QUOTE_WORDS = 3
_DECORATION = re.compile(
    "[\u2022\u25aa\u25ab\u25cf\u25cb\u25a0\u25a1\u25ba\u25b6\u2605\u2606\u2713\u2714|~^*_#]"
)
_COMMA = "،"
# Several pause marks in a row collapse to the strongest (a full stop beats a comma).
_PAUSE_RUN = re.compile(r"\s*([،,؛;:.!?؟…])(?:\s*[،,؛;:.!?؟…])*")


@cache
def _data() -> dict[str, Any]:
    return data_toml("symbols.toml")


@cache
def _abbreviations() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = data_toml("abbreviations.toml")["abbreviations"]
    alternatives = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    # Whole tokens only: not inside a word ("عدد." must stay), followed by a space, punctuation
    # or the end.
    pattern = re.compile(f"(?<![\\w.])(?:{alternatives})(?=[\\s.,،؛:!?؟]|$)")
    return pattern, table


@cache
def _symbol_words() -> tuple[re.Pattern[str], dict[str, str]]:
    """Symbols read as words ("&" → "وَ"), and a pattern that finds them."""
    words: dict[str, str] = _data()["words"]
    return re.compile("|".join(re.escape(k) for k in words)), words


def replace_links(text: str, trace: Trace = NO_TRACE) -> str:
    """Web and e-mail addresses as a short spoken notice."""
    text = trace.sub("link", _EMAIL, f" {_data()['email']} ", text)
    return " ".join(trace.sub("link", _URL, f" {_data()['url']} ", text).split())


@cache
def _latin_unit_pattern() -> re.Pattern[str]:
    symbols = sorted(number_data().latin_units, key=len, reverse=True)
    alternatives = "|".join(re.escape(s) for s in symbols)
    return re.compile(rf"(?<=\d)(?P<space>\s?)(?P<unit>{alternatives})(?![A-Za-z0-9²³])")


def latin_units(text: str, trace: Trace = NO_TRACE) -> str:
    """Latin unit symbols after a number as the Arabic ones the number rules read: "10 km" →
    "10 كم" (before Latin words are spelled; data in ``data/units.toml``)."""
    units = number_data().latin_units
    return trace.sub("unit", _latin_unit_pattern(), lambda m: m["space"] + units[m["unit"]], text)


def spell_latin(token: str) -> str:
    """A Latin token with Arabic letter names; digit runs are kept for the numbers rule.

    >>> spell_latin("BBC")
    'بِي بِي سِي'
    >>> spell_latin("A380")
    'إِيه 380'
    """
    letters: dict[str, str] = _data()["latin_letters"]
    parts = []
    for run in _LETTERS_OR_DIGITS.findall(token):
        if run.isdigit():
            parts.append(run)
        else:
            parts.extend(letters[c] for c in run.casefold())
    return " ".join(parts)


def spell_latin_words(text: str, trace: Trace = NO_TRACE) -> str:
    """Every Latin token still in the text (acronyms, tokens with digits) spelled out."""
    return trace.sub("latin spelled", _LATIN_TOKEN, lambda m: f" {spell_latin(m[0])} ", text)


def expand_abbreviations(text: str, trace: Trace = NO_TRACE) -> str:
    """Abbreviations from the data file as their spoken forms (د. → الدكتور)."""
    pattern, table = _abbreviations()
    return trace.sub("abbreviation", pattern, lambda m: table[m[0]], text)


def _is_decoration(char: str) -> bool:
    # So: emoji, dingbats, arrows; Sk: modifier symbols (skin tones are So/Sk); Co/Cs: private use.
    return unicodedata.category(char) in {"So", "Sk", "Co", "Cs"} or char in "\ufe0f\u200d"


def drop_markup(text: str, trace: Trace = NO_TRACE) -> str:
    """Tags and comments left in text as it is spoken: "<script>" was read "سكريبت".

    >>> drop_markup("الحكومة تعلن <b>خطة</b> جديدة<br/>اليوم")
    'الحكومة تعلن  خطة  جديدة اليوم'
    >>> drop_markup("إذا كان س < 5 و ص > 3")
    'إذا كان س < 5 و ص > 3'
    """
    return trace.sub("markup", _MARKUP, " ", text)


# A tag (opening, closing or empty, with attributes) or a comment; "<" followed by a letter and
# closed on the same line, so "س < 5 و ص > 3" is not one.
_MARKUP = re.compile(r"<!--.*?-->|</?[A-Za-z][\w:-]*(?:\s[^<>\n]*)?/?>", re.DOTALL)


def clean_symbols(text: str, trace: Trace = NO_TRACE) -> str:
    """Drop emoji and decoration, read symbol words, turn quotes and brackets into pauses."""
    dropped = "".join(c for c in text if _is_decoration(c))
    if dropped:
        trace.record("emoji", dropped, "")
        text = "".join(c for c in text if not _is_decoration(c))
    text = trace.sub("decoration", _DECORATION, " ", text)
    symbol, words = _symbol_words()
    text = trace.sub("symbol", symbol, lambda m: f" {words[m[0]]} ", text)
    text = trace.sub("quote", _QUOTED, _unquote_term, text)
    text = trace.sub("pause", _PAUSE_MARKS, f"{_COMMA} ", text)
    # "العربية.نت": a dot between letters joins a name, it does not end a sentence.
    text = trace.sub("dot in a name", _INNER_DOT, " ", text)
    # "مايو/أيار", "و/أو": a slash between words is not said; the words are.
    text = trace.sub("slash between words", _WORD_SLASH, " ", text)
    text = _PAUSE_RUN.sub(_strongest, text)
    return " ".join(text.split()).strip(" ،,")


_WORD_SLASH = re.compile(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_])")
_INNER_DOT = re.compile(r"(?<=[^\W\d_])\.(?=[^\W\d_])")


def _unquote_term(match: re.Match[str]) -> str:
    """A short quoted term inside a phrase loses its quotes; a quotation keeps them (→ pauses)."""
    if match["before"].strip() or len(match["inner"].split()) > SHORT_QUOTE_WORDS:
        return match[0]
    return match["before"] + match["inner"]


def _strongest(match: re.Match[str]) -> str:
    marks: list[str] = re.findall(r"[،,؛;:.!?؟…]", match[0])
    strongest = next((m for m in ".!?؟…؛;:" if m in marks), marks[0])
    return strongest + " "
