"""Normalization: one spelling of the text before anything reads it.

pyarabic removes tatweel and splits ligatures; we also drop Quranic annotation marks and invisible
format characters that confuse both the diacritizer and the engine, re-attach one-letter prefixes
written apart ("بـ “الأبطال”" → "بالأبطال"), and fix spacing around punctuation. Diacritics already
in the text are kept: an author's marks are better than a model's guess.
"""

from __future__ import annotations

import re
import unicodedata

import pyarabic.araby as araby

# Quranic annotation signs and small high letters: never part of news text.
_STRAY_MARKS = re.compile(r"[\u0610-\u061a\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
# Zero-width and direction controls that scrapers copy along (ZWNJ/ZWJ, LRM/RLM, embeddings).
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
# A one-letter proclitic (bi-, li-, ka-, wa-, fa-) written with tatweel and detached from its word,
# possibly before an opening quote: "بـ “الأبطال”".
_DETACHED_PREFIX = re.compile(r"(?<![\w\u0640])([بلكوف])\u0640+\s*([\"“”«»'‘’]?)\s*(?=\w)")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([،؛؟,;:!?.…)\]»”])")
_SPACE_AFTER_PUNCT = re.compile(r"([،؛؟;!?…])(?=[^\s\d\"'”’»)\]])")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


def normalize(text: str) -> str:
    """Clean text for reading; keeps letters, existing diacritics, digits and punctuation.

    >>> normalize("وصفهم بـ “الأبطال”  الذين")
    'وصفهم “بالأبطال” الذين'
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _DETACHED_PREFIX.sub(lambda m: m[2] + m[1], text)
    text = araby.strip_tatweel(text)
    text = araby.normalize_ligature(text)
    text = _STRAY_MARKS.sub("", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACE_AFTER_PUNCT.sub(r"\1 ", text)
    return " ".join(text.split())


def arabic_words(text: str) -> list[str]:
    """The Arabic words of ``text``, without diacritics: what a listener must hear.

    >>> arabic_words("قالَ: 15 جنديًا، (NATO)")
    ['قال', 'جنديا']
    """
    bare = araby.strip_diacritics(text)
    words = re.findall(r"[\u0621-\u064a\u0671]+", bare)
    return [w for w in words if _ARABIC_LETTER.search(w)]
