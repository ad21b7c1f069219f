"""Is this article Arabic? Other languages written in Arabic script are refused by name.

Persian, Urdu, Pashto, Kurdish and others share most of Arabic's letters, so "contains Arabic
letters" is not enough: read with Arabic rules they become nonsense. Each language is recognised by
the letters Arabic lacks (پ چ ژ گ in Persian, ٹ ڈ ے in Urdu …) and by its commonest words; the
data is in ``data/languages.toml``. Only the article's own text is judged, never the page chrome; a
page's declared ``lang`` decides only when the text alone is not conclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from newsaudio.resources import data_toml

# A letter of the Arabic script (Arabic's own and the other languages' written in it).
ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")
_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
# Share of words with letters Arabic lacks above which a text is not Arabic with stray names.
FOREIGN_LETTER_SHARE = 0.03


@dataclass(frozen=True)
class _Language:
    name: str
    letters: frozenset[str]
    words: frozenset[str]
    codes: frozenset[str]


@cache
def _languages() -> tuple[frozenset[str], tuple[_Language, ...]]:
    data = data_toml("languages.toml")
    arabic = frozenset(_bare(w) for w in data.pop("arabic_words"))
    languages = tuple(
        _Language(
            entry["name"],
            frozenset(entry["letters"]),
            frozenset(_bare(w) for w in entry["words"]),
            frozenset(entry["codes"]),
        )
        for entry in data.values()
    )
    return arabic, languages


def _bare(word: str) -> str:
    return _MARKS.sub("", word)


def arabic_word_share(text: str) -> float:
    """The share of ``text``'s Arabic-script words that are Arabic's commonest words (في، من،
    على…): about a fifth in real Arabic, none in another script's bytes read as Windows-1256.

    >>> arabic_word_share("قال الوزير إن المحادثات في العاصمة مستمرة")
    0.42857142857142855
    """
    words = [_bare(w) for w in _WORD.findall(text)]
    common = _languages()[0]
    return sum(1 for w in words if w in common) / len(words) if words else 0.0


def other_language(text: str, declared: str | None = None) -> str | None:
    """The name of the Arabic-script language ``text`` is written in, or None if it is Arabic.

    >>> other_language("قال وزير الخارجية إن المحادثات ستستمر في الأسبوع المقبل.")
    >>> other_language("وزیر امور خارجه ایران گفت که این مذاکرات در هفته آینده ادامه پیدا می کند.")
    'Persian'
    """
    words = [_bare(w) for w in _WORD.findall(text)]
    if not words:
        return None
    arabic_words, languages = _languages()
    total = len(words)
    arabic = sum(w in arabic_words for w in words) / total
    best: tuple[float, float, _Language] | None = None
    for language in languages:
        letters = sum(any(c in language.letters for c in w) for w in words) / total
        common = sum(w in language.words for w in words) / total
        if best is None or (common * 2 + letters) > (best[1] * 2 + best[0]):
            best = (letters, common, language)
    assert best is not None
    letters, common, language = best
    if letters < FOREIGN_LETTER_SHARE:
        return None
    if common > arabic:
        return language.name
    # Arabic words outnumber the other language's: Arabic typed with Persian ی/ک, or many names.
    lang = (declared or "").split("-")[0]
    if lang and lang in language.codes and common > 0:
        return language.name
    return None
