"""Normalization: one spelling of the text before anything reads it.

pyarabic removes tatweel and splits ligatures; we also drop Quranic annotation marks and invisible
format characters that confuse both the diacritizer and the engine, re-attach one-letter prefixes
written apart ("بـ “الأبطال”" → "بالأبطال"), and fix spacing around punctuation. Diacritics already
in the text are kept: an author's marks are better than a model's guess.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pyarabic.araby as araby

from newsaudio.resources import data_toml

# Quranic annotation signs and small high letters: never part of news text.
_STRAY_MARKS = re.compile(r"[\u0610-\u061a\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
# Zero-width and direction controls that scrapers copy along (ZWNJ/ZWJ, LRM/RLM, embeddings).
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
# A one-letter proclitic (bi-, li-, ka-, wa-, fa-) written with tatweel and detached from its word,
# possibly before an opening quote: "بـ “الأبطال”".
_DETACHED_PREFIX = re.compile(
    r"(?<![\w\u0640])([بلكوف])\u0640+\s*([\"“”«»'‘’]?)\s*(ال(?=\w))?(?=\w)"
)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([،؛؟,;:!?.…)\]»”])")
_SPACE_AFTER_PUNCT = re.compile(r"([،؛؟;!?…])(?=[^\s\d\"'”’»)\]])")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


def normalize(text: str) -> str:
    """Clean text for reading; keeps letters, existing diacritics, digits and punctuation.

    >>> normalize("وصفهم بـ “الأبطال”  الذين")
    'وصفهم “بالأبطال” الذين'
    >>> normalize("قال لـ«الشرق الأوسط»")
    'قال «للشرق الأوسط»'
    >>> normalize('و"المشرف" ل«الشرق»')
    '"والمشرف" «للشرق»'
    """
    text = unicodedata.normalize("NFC", text)
    text = _arabic_letters(text)
    text = _INVISIBLE.sub("", text)
    text = _DETACHED_PREFIX.sub(_attach, text)
    text = _PREFIX_BEFORE_QUOTE.sub(_attach, text)
    text = araby.strip_tatweel(text)
    text = araby.normalize_ligature(text)
    text = _STRAY_MARKS.sub("", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACE_AFTER_PUNCT.sub(r"\1 ", text)
    return " ".join(text.split())


# A proclitic written before a quote: و"المشرف" → "والمشرف" (the quote would become a pause).
_PREFIX_BEFORE_QUOTE = re.compile(r"(?<![\w\u0640])([بلكوف])([\"“”«»'‘’])(ال(?=\w))?(?=\w)")


def _attach(match: re.Match[str]) -> str:
    """A detached prefix joined to its word, the quote moved before it; "لـ" and "ال" make "لل"
    ("لـ«الشرق الأوسط»" → "«للشرق الأوسط»")."""
    prefix, quote, article = match[1], match[2], match[3] or ""
    if prefix == "ل" and article:
        return quote + "لل"
    return quote + prefix + article


_PERSIAN_LETTERS = re.compile("[یکۀ]")
_LETTER = r"[\u0621-\u064a\u06a9\u06cc]"
_WORD_WITH_FINAL_YEH = re.compile(rf"{_LETTER}+\u06cc(?!{_LETTER})")


@cache
def _keyboard() -> tuple[dict[str, str], frozenset[str]]:
    data = data_toml("keyboard.toml")
    return data["letters"], frozenset(data["final_alef_maqsura"])


def _arabic_letters(text: str) -> str:
    """Arabic typed on a Persian keyboard, in Arabic letters: "علی" → "على", "فی" → "في".

    >>> _arabic_letters("وقال فی کلمته علی هامش المؤتمر")
    'وقال في كلمته على هامش المؤتمر'
    """
    if not _PERSIAN_LETTERS.search(text):
        return text
    letters, maqsura = _keyboard()
    table = str.maketrans(letters)

    def word(match: re.Match[str]) -> str:
        arabic = match[0].translate(table)
        maqsur = arabic[:-1] + "ى"
        if maqsur in maqsura or (maqsur[0] in "وف" and maqsur[1:] in maqsura):
            return maqsur
        return arabic

    return _WORD_WITH_FINAL_YEH.sub(word, text).translate(table)


def arabic_words(text: str) -> list[str]:
    """The Arabic words of ``text``, without diacritics: what a listener must hear.

    >>> arabic_words("قالَ: 15 جنديًا، (NATO)")
    ['قال', 'جنديا']
    """
    bare = araby.strip_diacritics(text)
    words = re.findall(r"[\u0621-\u064a\u0671]+", bare)
    return [w for w in words if _ARABIC_LETTER.search(w)]
