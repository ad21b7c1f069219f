"""Case endings: pausal forms (waqf) and the voice profile's case-ending policy.

A word before a pause — end of sentence, before a comma, colon or semicolon — is read in pause:
no final short vowel or tanween; tanween fatha on a final alef reads as a long a; ta marbuta reads
as h. Readers of Arabic news expect it, and it removes the most error-prone mark exactly where
listeners notice it. Policies (voice profile ``case_endings``):

* ``pausal`` (default): pause forms before pauses, full case endings elsewhere;
* ``full``: every case ending as diacritized;
* ``none``: pause forms before pauses, and no case endings on nouns elsewhere either — as many
  news presenters speak; eSpeak NG makes full case endings sound like extra syllables.

eSpeak NG reads "ةْ" as "at" and "هْ" as "ah", so pause forms write ta marbuta as ه.
"""

from __future__ import annotations

import re
from typing import Literal

from newsaudio.textprep.trace import NO_TRACE, Trace
from newsaudio.textprep.words import WORD, WORD_PATTERN

CaseEndings = Literal["pausal", "full", "none"]
CASE_ENDINGS: tuple[CaseEndings, ...] = ("pausal", "full", "none")

_SUKUN = "\u0652"
_SHADDA = "\u0651"
_FATHATAN = "\u064b"
_FATHA = "\u064e"
_MARK_CHARS = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"
_VOWELS = re.compile("[\u064b-\u0650\u0652]")  # tanween, short vowels, sukun (not shadda)
_TANWEEN = re.compile("[\u064b-\u064d]")
# What makes the word before it a pause: optional closing quotes/brackets, then punctuation or
# the end.
_PAUSE = "[\"'”’»)\\]]*\\s*(?:[،,؛;:.!?؟…]|$)"
_PAUSE_AFTER = re.compile(_PAUSE)
_BEFORE_PAUSE = re.compile(f"({WORD_PATTERN})(?={_PAUSE})")
_LAST_LETTER = re.compile("^(.*?)([^\u064b-\u0652\u0670])([\u064b-\u0652\u0670]*)$", re.DOTALL)
_LONG_VOWEL_LETTERS = "اوىي"
_DEFINITE = re.compile("^[وف]?[بلك]?ال|^[وف]?لل")


def pausal_form(word: str) -> str:
    """``word`` as read before a pause.

    >>> pausal_form("الْمِنْطَقَةِ"), pausal_form("رَسْمِيًّا"), pausal_form("الرُّوسِيِّ")
    ('الْمِنْطَقَهْ', 'رَسْمِيَّا', 'الرُّوسِيّْ')
    """
    match = _LAST_LETTER.match(word)
    if not match:
        return word
    stem, last, marks = match.groups()
    return _without_ending(stem, last, marks, ta_marbuta="ه")


def _without_ending(stem: str, last: str, marks: str, ta_marbuta: str) -> str:
    """The word with no final short vowel or tanween; ta marbuta written as ``ta_marbuta``."""
    if last == "ة":
        return stem + ta_marbuta + _SUKUN
    if last in "اى":
        return _long_a(stem, last)
    return _silenced(stem, last, marks)


def _long_a(stem: str, last: str) -> str:
    """Tanween fatha before a final alef becomes a plain fatha: the ending reads as a long a."""
    base = stem.rstrip(_MARK_CHARS)
    return base + stem[len(base) :].replace(_FATHATAN, _FATHA) + last


def _silenced(stem: str, last: str, marks: str) -> str:
    """The last letter with its vowel or tanween replaced by a sukun (a shadda stays)."""
    if not marks and last in _LONG_VOWEL_LETTERS:
        return stem + last  # a long vowel letter with no mark of its own: nothing to drop
    shadda = _SHADDA if _SHADDA in marks else ""
    return stem + last + shadda + _SUKUN


def caseless_form(word: str) -> str:
    """A noun without its case ending, inside a phrase: ta marbuta stays "t".

    Only words that are surely nouns lose their ending (definite article, tanween, ta marbuta):
    verbs and particles keep final vowels that are part of the word (قَالَ، هُوَ، ثُمَّ).

    >>> caseless_form("وِزَارَةُ"), caseless_form("الدِّفَاعِ"), caseless_form("قَالَ")
    ('وِزَارَةْ', 'الدِّفَاعْ', 'قَالَ')
    """
    match = _LAST_LETTER.match(word)
    if not match:
        return word
    stem, last, marks = match.groups()
    bare = _VOWELS.sub("", word).replace(_SHADDA, "")
    if not (_DEFINITE.match(bare) or _TANWEEN.search(marks + stem[-2:]) or last == "ة"):
        return word
    return _without_ending(stem, last, marks, ta_marbuta="ة")


def before_pause(text: str, end: int) -> bool:
    """Whether the word that ends at ``end`` in ``text`` is read in pause (marks or none).

    >>> before_pause("قال الوزير، ثم غادر", 10), before_pause("قال الوزير، ثم غادر", 3)
    (True, False)
    """
    return _PAUSE_AFTER.match(text, end) is not None


def word_case_ending(word: str, policy: CaseEndings, paused: bool) -> str:
    """One diacritized word as :func:`apply_case_endings` writes it at its place in a sentence
    (``paused``: see :func:`before_pause`).

    >>> word_case_ending("الْمِنْطَقَةِ", "pausal", True), word_case_ending("وِزَارَةُ", "none", False)
    ('الْمِنْطَقَهْ', 'وِزَارَةْ')
    """
    if policy == "full":
        return word
    if policy == "none":
        word = caseless_form(word)
    return pausal_form(word) if paused else word


def apply_case_endings(
    sentence: str, policy: CaseEndings = "pausal", trace: Trace = NO_TRACE
) -> str:
    """Apply ``policy`` to a diacritized sentence (its end is a pause)."""
    if policy == "full":
        return sentence
    if policy == "none":
        # Inner words first; the pause rule below then overrides the words before pauses.
        sentence = trace.sub("case endings: none", WORD, lambda m: caseless_form(m[0]), sentence)
    return trace.sub("pausal form", _BEFORE_PAUSE, lambda m: pausal_form(m[1]), sentence)
